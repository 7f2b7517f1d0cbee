/* notification-schema.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "notification-error.h"
#include "notification-schema-private.h"
#include "notification-vardict-private.h"

/**
 * NotificationSchema:
 *
 * Declares the user info a notification type carries.
 *
 * A schema lists the keys of the `a{sv}` user info, each with its
 * [struct@GLib.VariantType] and whether it is required. Register it for a
 * type with [method@Center.register_schema]; from then on every post of
 * that type is checked and a post that does not match is delivered to
 * nobody.
 *
 * ```c
 * g_autoptr(NotificationSchema) schema = notification_schema_new ();
 *
 * notification_schema_add_key (schema, "out_string", "s", TRUE, NULL);
 * notification_schema_add_key (schema, "stream", "s", FALSE, NULL);
 * notification_center_register_schema (center, "stdout", schema);
 * ```
 *
 * A schema becomes read-only once registered (see
 * [property@Schema:sealed]), so that centers can read it from any thread.
 */

typedef struct
{
  char         *name;      /* (owned) */
  GVariantType *type;      /* (owned) */
  gboolean      required;
  guint         required_index;  /* in NotificationSchema.required, if required */
} SchemaKey;

struct _NotificationSchema
{
  GObject     parent_instance;

  GHashTable *keys;        /* (element-type utf8 SchemaKey) (owned) */
  GPtrArray  *required;    /* (element-type SchemaKey) in the order added */
  gboolean    allow_unknown_keys;
  gboolean    sealed;      /* (atomic) */
};

G_DEFINE_FINAL_TYPE (NotificationSchema, notification_schema, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ALLOW_UNKNOWN_KEYS,
  PROP_SEALED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
schema_key_free (gpointer data)
{
  SchemaKey *key = data;

  g_free (key->name);
  g_variant_type_free (key->type);
  g_free (key);
}

static void
notification_schema_finalize (GObject *object)
{
  NotificationSchema *self = (NotificationSchema *) object;

  g_ptr_array_unref (self->required);
  g_hash_table_unref (self->keys);

  G_OBJECT_CLASS (notification_schema_parent_class)->finalize (object);
}

static void
notification_schema_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NotificationSchema *self = NOTIFICATION_SCHEMA (object);

  switch (prop_id)
    {
    case PROP_ALLOW_UNKNOWN_KEYS:
      g_value_set_boolean (value, self->allow_unknown_keys);
      break;

    case PROP_SEALED:
      g_value_set_boolean (value, notification_schema_get_sealed (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_schema_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  NotificationSchema *self = NOTIFICATION_SCHEMA (object);

  switch (prop_id)
    {
    case PROP_ALLOW_UNKNOWN_KEYS:
      notification_schema_set_allow_unknown_keys (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_schema_class_init (NotificationSchemaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = notification_schema_finalize;
  object_class->get_property = notification_schema_get_property;
  object_class->set_property = notification_schema_set_property;

  /**
   * NotificationSchema:allow-unknown-keys: (getter get_allow_unknown_keys) (setter set_allow_unknown_keys)
   *
   * Whether user info may carry keys the schema does not declare.
   */
  properties[PROP_ALLOW_UNKNOWN_KEYS] =
    g_param_spec_boolean ("allow-unknown-keys", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NotificationSchema:sealed: (getter get_sealed)
   *
   * Whether the schema is read-only because it was registered with a
   * center.
   */
  properties[PROP_SEALED] =
    g_param_spec_boolean ("sealed", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
notification_schema_init (NotificationSchema *self)
{
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, schema_key_free);
  self->required = g_ptr_array_new ();
}

/**
 * notification_schema_new:
 *
 * Creates an empty schema that allows no unknown keys.
 *
 * Returns: (transfer full): a new schema
 */
NotificationSchema *
notification_schema_new (void)
{
  return g_object_new (NOTIFICATION_TYPE_SCHEMA, NULL);
}

/**
 * notification_schema_add_key:
 * @self: a schema
 * @key: the name of a user info key
 * @type_string: the [struct@GLib.VariantType] of its value, as a string
 *   such as `"s"` or `"a{sv}"`
 * @required: whether every post must carry the key
 * @error: return location for an error
 *
 * Declares a key of the user info.
 *
 * Declarations may come from outside the program (a file, a peer), so a
 * malformed one is reported as [error@Error.INVALID_SCHEMA] rather than
 * as a programmer error.
 *
 * Returns: `TRUE` if the key was added
 */
gboolean
notification_schema_add_key (NotificationSchema  *self,
                             const char          *key,
                             const char          *type_string,
                             gboolean             required,
                             GError             **error)
{
  SchemaKey *info;

  g_return_val_if_fail (NOTIFICATION_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (!notification_schema_get_sealed (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (type_string != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*key == '\0' || !g_utf8_validate (key, -1, NULL))
    {
      g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA,
                   "A schema key must be a non-empty UTF-8 string");
      return FALSE;
    }

  if (!g_variant_type_string_is_valid (type_string))
    {
      /* Quote the type string only if it is text: messages are UTF-8. */
      if (g_utf8_validate (type_string, -1, NULL))
        g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA,
                     "Key “%s”: “%s” is not a valid GVariant type string",
                     key, type_string);
      else
        g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA,
                     "Key “%s”: the type string is not valid UTF-8", key);
      return FALSE;
    }

  if (g_hash_table_contains (self->keys, key))
    {
      g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA,
                   "Key “%s” is declared twice", key);
      return FALSE;
    }

  info = g_new0 (SchemaKey, 1);
  info->name = g_strdup (key);
  info->type = g_variant_type_new (type_string);
  info->required = !!required;
  g_hash_table_insert (self->keys, info->name, info);
  if (info->required)
    {
      info->required_index = self->required->len;
      g_ptr_array_add (self->required, info);
    }

  return TRUE;
}

/**
 * notification_schema_set_allow_unknown_keys: (set-property allow-unknown-keys)
 * @self: a schema
 * @allow_unknown_keys: whether undeclared keys are accepted
 *
 * Sets whether user info may carry keys the schema does not declare.
 */
void
notification_schema_set_allow_unknown_keys (NotificationSchema *self,
                                            gboolean            allow_unknown_keys)
{
  g_return_if_fail (NOTIFICATION_IS_SCHEMA (self));
  g_return_if_fail (!notification_schema_get_sealed (self));

  allow_unknown_keys = !!allow_unknown_keys;
  if (self->allow_unknown_keys == allow_unknown_keys)
    return;

  self->allow_unknown_keys = allow_unknown_keys;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_UNKNOWN_KEYS]);
}

/**
 * notification_schema_get_allow_unknown_keys: (get-property allow-unknown-keys)
 * @self: a schema
 *
 * Gets whether user info may carry keys the schema does not declare.
 *
 * Returns: whether undeclared keys are accepted
 */
gboolean
notification_schema_get_allow_unknown_keys (NotificationSchema *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_SCHEMA (self), FALSE);

  return self->allow_unknown_keys;
}

/**
 * notification_schema_get_sealed: (get-property sealed)
 * @self: a schema
 *
 * Gets whether the schema is read-only, because it was registered with a
 * center.
 *
 * Returns: whether the schema is sealed
 */
gboolean
notification_schema_get_sealed (NotificationSchema *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_SCHEMA (self), FALSE);

  return __atomic_load_n (&self->sealed, __ATOMIC_SEQ_CST);
}

void
notification_schema_seal (NotificationSchema *self)
{
  gboolean unsealed = FALSE;

  if (__atomic_compare_exchange_n (&self->sealed, &unsealed, TRUE, FALSE,
                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEALED]);
}

/**
 * notification_schema_get_key_type:
 * @self: a schema
 * @key: a key name
 *
 * Looks up the type a key's value must have.
 *
 * Returns: (transfer none) (nullable): the key's type, or `NULL` if the
 *   schema does not declare @key
 */
const GVariantType *
notification_schema_get_key_type (NotificationSchema *self,
                                  const char         *key)
{
  SchemaKey *info;

  g_return_val_if_fail (NOTIFICATION_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  info = g_hash_table_lookup (self->keys, key);

  return info != NULL ? info->type : NULL;
}

/**
 * notification_schema_get_key_required:
 * @self: a schema
 * @key: a key name
 *
 * Gets whether every post must carry @key.
 *
 * Returns: `TRUE` if @key is declared and required
 */
gboolean
notification_schema_get_key_required (NotificationSchema *self,
                                      const char         *key)
{
  SchemaKey *info;

  g_return_val_if_fail (NOTIFICATION_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  info = g_hash_table_lookup (self->keys, key);

  return info != NULL && info->required;
}

/* qsort() comparison of two char pointers */
static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * notification_schema_list_keys:
 * @self: a schema
 *
 * Lists the declared keys, sorted.
 *
 * Returns: (transfer full) (array zero-terminated=1): the key names
 */
char **
notification_schema_list_keys (NotificationSchema *self)
{
  g_autofree const char **names = NULL;
  char **keys;
  guint n;

  g_return_val_if_fail (NOTIFICATION_IS_SCHEMA (self), NULL);

  names = (const char **) g_hash_table_get_keys_as_array (self->keys, &n);
  keys = g_new (char *, n + 1);
  for (guint i = 0; i < n; i++)
    keys[i] = g_strdup (names[i]);
  keys[n] = NULL;
  qsort (keys, n, sizeof (char *), compare_strings);

  return keys;
}

static void
set_missing_key_error (GError     **error,
                       const char  *type,
                       SchemaKey   *info)
{
  g_autofree char *expected = g_variant_type_dup_string (info->type);

  g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY,
               "Notification “%s”: required key “%s” of type “%s” is missing",
               type, info->name, expected);
}

/* @key, whose value is of type @actual, is undeclared (@info is NULL)
 * or declared with another type. */
static void
set_entry_error (GError     **error,
                 const char  *type,
                 const char  *key,
                 SchemaKey   *info,
                 const char  *actual)
{
  g_autofree char *expected = NULL;

  if (info == NULL)
    {
      g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_UNKNOWN_KEY,
                   "Notification “%s”: key “%s” (of type “%s”) is not declared by the schema",
                   type, key, actual);
      return;
    }

  expected = g_variant_type_dup_string (info->type);
  g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE,
               "Notification “%s”: key “%s” must be of type “%s”, not “%s”",
               type, key, expected, actual);
}

/* GLib's readers: @user_info is NULL or an a{sv}. Each entry they visit
 * is a new GVariant (unless @user_info is in tree form), and dropping one
 * takes GLib's type-info lock. The reference for what validation means:
 * the first required key (in the order declared) that no entry has, else
 * the first entry (in order) that is undeclared or of another type. */
static gboolean
schema_validate_with_children (NotificationSchema  *self,
                               const char          *type,
                               GVariant            *user_info,
                               GError             **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  for (guint i = 0; i < self->required->len; i++)
    {
      SchemaKey *info = g_ptr_array_index (self->required, i);
      g_autoptr(GVariant) found = NULL;

      if (user_info != NULL)
        found = g_variant_lookup_value (user_info, info->name, NULL);

      if (found == NULL)
        {
          set_missing_key_error (error, type, info);
          return FALSE;
        }
    }

  if (user_info == NULL)
    return TRUE;

  g_variant_iter_init (&iter, user_info);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      SchemaKey *info = g_hash_table_lookup (self->keys, key);

      if (info == NULL ? !self->allow_unknown_keys : !g_variant_is_of_type (value, info->type))
        {
          set_entry_error (error, type, key, info, g_variant_get_type_string (value));
          g_variant_unref (value);
          return FALSE;
        }
    }

  return TRUE;
}

typedef enum
{
  SCHEMA_VALID,
  SCHEMA_INVALID,
  SCHEMA_UNSURE,
} SchemaVerdict;

/* The same check, on the serialised bytes of @user_info, an a{sv}: makes
 * no GVariant and takes no process-wide lock (g_variant_get_data () and
 * g_variant_get_size () take the bit lock of @user_info alone).
 * g_variant_get_data () serialises a tree-form dictionary (as GVariantIter
 * did for the reference check); its entries are dropped then rather than
 * when it is freed. SCHEMA_UNSURE if the bytes are not in a form the
 * reader can read as GLib does (see notification-vardict.c): the
 * reference check answers then. */
static SchemaVerdict
schema_validate_serialised (NotificationSchema  *self,
                            const char          *type,
                            GVariant            *user_info,
                            GError             **error)
{
  NotificationVardictIter iter;
  NotificationVardictStep step;
  guint n_required = self->required->len;
  guint64 found_few = 0;
  guint64 *found = n_required <= 64 ? &found_few : g_new0 (guint64, (n_required + 63) / 64);
  const char *key, *bad_key = NULL;
  const GVariantType *value_type, *bad_type = NULL;
  SchemaKey *bad_info = NULL;
  SchemaVerdict verdict = SCHEMA_VALID;
  gconstpointer data;

  data = g_variant_get_data (user_info);
  if (!notification_vardict_iter_init (&iter, data, g_variant_get_size (user_info)))
    {
      verdict = SCHEMA_UNSURE;
      goto out;
    }

  /* Every entry is read, even after a bad one: a later one may be
   * malformed, and only the reference check knows what GLib makes of it. */
  while ((step = notification_vardict_iter_next (&iter, &key, &value_type)) == NOTIFICATION_VARDICT_ENTRY)
    {
      SchemaKey *info = g_hash_table_lookup (self->keys, key);

      if (info != NULL && info->required)
        found[info->required_index / 64] |= G_GUINT64_CONSTANT (1) << (info->required_index % 64);

      if (bad_key == NULL &&
          (info == NULL ? !self->allow_unknown_keys
                        : !g_variant_type_is_subtype_of (value_type, info->type)))
        {
          bad_key = key;
          bad_type = value_type;
          bad_info = info;
        }
    }

  if (step == NOTIFICATION_VARDICT_UNSURE)
    {
      verdict = SCHEMA_UNSURE;
      goto out;
    }

  for (guint i = 0; i < n_required; i++)
    if ((found[i / 64] & (G_GUINT64_CONSTANT (1) << (i % 64))) == 0)
      {
        set_missing_key_error (error, type, g_ptr_array_index (self->required, i));
        verdict = SCHEMA_INVALID;
        goto out;
      }

  if (bad_key != NULL)
    {
      g_autofree char *actual = g_strndup (g_variant_type_peek_string (bad_type),
                                           g_variant_type_get_string_length (bad_type));

      set_entry_error (error, type, bad_key, bad_info, actual);
      verdict = SCHEMA_INVALID;
    }

out:
  if (found != &found_few)
    g_free (found);

  return verdict;
}

/**
 * notification_schema_validate:
 * @self: a schema
 * @type: the notification type, named in error messages
 * @user_info: (nullable): the user info to check, an `a{sv}` dictionary
 * @error: return location for an error
 *
 * Checks user info against the schema.
 *
 * The error message names the type, the key, the expected and the actual
 * type. A missing required key gives [error@Error.MISSING_KEY], a value of
 * another type [error@Error.WRONG_TYPE], an undeclared key (unless
 * [property@Schema:allow-unknown-keys] is set) [error@Error.UNKNOWN_KEY],
 * and user info that is not an `a{sv}` dictionary
 * [error@Error.INVALID_USER_INFO]. `NULL` user info counts as an empty
 * dictionary.
 *
 * Returns: `TRUE` if @user_info matches the schema
 */
gboolean
notification_schema_validate (NotificationSchema  *self,
                              const char          *type,
                              GVariant            *user_info,
                              GError             **error)
{
  g_return_val_if_fail (NOTIFICATION_IS_SCHEMA (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (user_info != NULL && !notification_variant_is_vardict (user_info))
    {
      g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO,
                   "Notification “%s”: user info must be of type “a{sv}”, not “%s”",
                   type, g_variant_get_type_string (user_info));
      return FALSE;
    }

  if (user_info != NULL)
    {
      switch (schema_validate_serialised (self, type, user_info, error))
        {
        case SCHEMA_VALID:
          return TRUE;

        case SCHEMA_INVALID:
          return FALSE;

        case SCHEMA_UNSURE:
          break;
        }
    }

  return schema_validate_with_children (self, type, user_info, error);
}
