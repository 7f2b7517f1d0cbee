/* test-schema-agreement.c: checking serialised user info agrees with
 * GLib's readers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * notification_schema_validate () reads the serialised bytes of the user
 * info (notification-vardict.c) and falls back on GLib's readers when it
 * is unsure of them. For each dictionary here, in tree form, serialised
 * (trusted or not) and as the child of another serialised GVariant, and
 * for bytes that are not in normal form, its verdict (validity, error
 * code, message) must be the one reference_validate () computes with
 * GLib's readers, as validate () did before (schema-reference.h). Where
 * the reader is sure, it must have read every key and value type as
 * GVariantIter does; on normal-form data it must be sure.
 */

#include "test-util.h"
#include "schema-reference.h"

typedef struct
{
  const char *key;
  const char *type;
  gboolean    required;
} Decl;

typedef struct
{
  NotificationSchema *schema;
  GPtrArray          *required;  /* (element-type utf8) in declaration order, NULL-terminated */
} Schema;

static Schema *
schema_new (const Decl *decls,
            gsize       n_decls,
            gboolean    allow_unknown_keys)
{
  Schema *s = g_new0 (Schema, 1);

  s->schema = notification_schema_new ();
  s->required = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < n_decls; i++)
    {
      g_assert_true (notification_schema_add_key (s->schema, decls[i].key, decls[i].type,
                                                  decls[i].required, NULL));
      if (decls[i].required)
        g_ptr_array_add (s->required, g_strdup (decls[i].key));
    }
  g_ptr_array_add (s->required, NULL);
  notification_schema_set_allow_unknown_keys (s->schema, allow_unknown_keys);

  return s;
}

static void
schema_free (Schema *s)
{
  g_object_unref (s->schema);
  g_ptr_array_unref (s->required);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Schema, schema_free)

/* Returns validate ()'s verdict on @user_info, after checking that it is
 * the reference's. */
static gboolean
assert_agrees (Schema    *s,
               GVariant  *user_info,
               GError   **error_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reference_error = NULL;
  gboolean reference_valid, valid;

  /* The reference first: validate () serialises a tree-form dictionary,
   * and the reference must also see it as the caller made it. */
  reference_valid = reference_validate (s->schema, (const char * const *) s->required->pdata,
                                        "t", user_info, &reference_error);
  valid = notification_schema_validate (s->schema, "t", user_info, &error);
  assert_same_verdict (valid, error, reference_valid, reference_error);

  if (error_out != NULL)
    *error_out = g_steal_pointer (&error);

  return valid;
}

/* @tree (floating, consumed) as it is, then serialised (untrusted and
 * trusted) and as the child of a serialised tuple (at depth 1): the
 * same verdict for each, the reference's. The reader must be sure of the
 * serialised forms (they are normal). */
static void
assert_agrees_in_every_form (Schema     *s,
                             GVariant   *tree,
                             GError    **error_out)
{
  g_autoptr(GVariant) user_info = g_variant_ref_sink (tree);
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) tuple = NULL;
  g_autoptr(GBytes) tuple_bytes = NULL;
  g_autoptr(GVariant) outer = NULL;
  GVariant *forms[3];
  gboolean first_valid;

  /* First as it is: the checks below serialise it. */
  first_valid = assert_agrees (s, user_info, &first_error);
  g_assert_true (reader_agrees (user_info));

  normal = g_variant_get_normal_form (user_info);
  bytes = g_variant_get_data_as_bytes (normal);
  tuple = g_variant_ref_sink (g_variant_new ("(s@a{sv})", "outer", normal));
  tuple_bytes = g_variant_get_data_as_bytes (tuple);
  outer = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("(sa{sv})"), tuple_bytes, FALSE));
  forms[0] = g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE);
  forms[1] = g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, TRUE);
  forms[2] = g_variant_get_child_value (outer, 1);

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GVariant) form = g_variant_take_ref (forms[i]);
      g_autoptr(GError) error = NULL;
      gboolean valid = assert_agrees (s, form, &error);

      assert_same_verdict (valid, error, first_valid, first_error);
      g_assert_true (reader_agrees (form));
    }

  if (error_out != NULL)
    *error_out = g_steal_pointer (&first_error);
}

static const Decl stdout_decls[] = {
  { "out_string", "s", TRUE },
  { "line", "u", FALSE },
};

static const Decl odd_decls[] = {
  { "any", "v", FALSE },
  { "dict", "a{sv}", FALSE },
  { "list", "as", TRUE },
  { "maybe", "mv", FALSE },
  { "pair", "(ii)", FALSE },
  { "anything", "*", FALSE },
  { "tuple", "r", FALSE },
  { "basic", "?", FALSE },
  { "array", "a*", FALSE },
  { "opt_bool", "m?", FALSE },
  { "entries", "a{s*}", FALSE },
  { "extra", "a{sv}", TRUE },
};

/* Dictionaries in GVariant text format: valid ones, each kind of error,
 * several errors at once (the first in the reference's order wins). */
static const char * const dicts[] = {
  "@a{sv} {}",
  "{'out_string': <'x'>}",
  "{'out_string': <'x'>, 'line': <@u 42>}",
  "{'line': <@u 42>, 'out_string': <'x'>}",
  "{'line': <@u 42>}",
  "{'out_string': <42>}",
  "{'out_string': <@ms 'x'>}",
  "{'out_string': <@mv nothing>}",
  "{'out_string': <<'x'>>}",
  "{'out_string': <'x'>, 'colour': <'red'>}",
  "{'colour': <'red'>, 'out_string': <'x'>}",
  "{'out_string': <'x'>, 'line': <'seven'>, 'colour': <@as []>}",
  "{'colour': <@as []>, 'line': <'seven'>}",
  "{'': <1>, 'out_string': <'x'>}",
  "{'out_string': <'x'>, 'line': <@u 1>, 'line': <'two'>}",
  "{'out_string': <'x'>, 'out_string': <'y'>}",
  "{'out_string': <@a{sv} {'nested': <@a{sv} {'deeper': <1>}>}>}",
  "{'list': <['a']>, 'extra': <@a{sv} {}>}",
  "{'list': <@as []>, 'extra': <@a{sv} {'k': <1>}>, 'any': <<'x'>>, 'dict': <@a{sv} {}>, "
    "'maybe': <@mv just <1>>, 'pair': <(1, 2)>, 'anything': <(1, 'x')>, 'tuple': <(1,)>, "
    "'basic': <'s'>, 'array': <[1]>, 'opt_bool': <@mb just true>, 'entries': <{'k': 1}>}",
  "{'list': <['x']>, 'extra': <@a{sv} {}>, 'tuple': <'not a tuple'>}",
  "{'list': <['x']>, 'extra': <@a{sv} {}>, 'basic': <[1]>}",
  "{'list': <['x']>, 'extra': <@a{sv} {}>, 'entries': <{1: 1}>}",
  "{'list': <['x']>, 'extra': <@a{ss} {}>}",
  "{'extra': <@a{sv} {}>}",
};

static void
test_agreement_dicts (void)
{
  g_autoptr(Schema) stdout_strict = schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), FALSE);
  g_autoptr(Schema) stdout_open = schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), TRUE);
  g_autoptr(Schema) odd_strict = schema_new (odd_decls, G_N_ELEMENTS (odd_decls), FALSE);
  g_autoptr(Schema) odd_open = schema_new (odd_decls, G_N_ELEMENTS (odd_decls), TRUE);
  g_autoptr(Schema) empty = schema_new (NULL, 0, FALSE);
  Schema *schemas[] = { stdout_strict, stdout_open, odd_strict, odd_open, empty };

  g_test_summary ("Checking sample dictionaries against strict, open and empty "
                  "schemas gives the same answer from the library's reader as from "
                  "GLib's, in every form, and NULL reads as empty");

  for (guint i = 0; i < G_N_ELEMENTS (dicts); i++)
    for (guint j = 0; j < G_N_ELEMENTS (schemas); j++)
      {
        g_test_message ("%s, schema %u", dicts[i], j);
        assert_agrees_in_every_form (schemas[j], g_variant_new_parsed (dicts[i]), NULL);
      }

  /* NULL user info is an empty dictionary. */
  for (guint j = 0; j < G_N_ELEMENTS (schemas); j++)
    assert_agrees (schemas[j], NULL, NULL);
}

/* The messages, word for word as they were. */
static void
test_agreement_messages (void)
{
  static const struct
  {
    const char *dict;
    gboolean    allow_unknown_keys;
    int         code;
    const char *message;
  } cases[] = {
    { "{'line': <@u 42>}", FALSE, NOTIFICATION_ERROR_MISSING_KEY,
      "Notification “t”: required key “out_string” of type “s” is missing" },
    { "{'out_string': <'x'>, 'line': <'seven'>, 'colour': <1>}", FALSE, NOTIFICATION_ERROR_WRONG_TYPE,
      "Notification “t”: key “line” must be of type “u”, not “s”" },
    { "{'out_string': <'x'>, 'colour': <(1, 'x')>, 'line': <'seven'>}", FALSE, NOTIFICATION_ERROR_UNKNOWN_KEY,
      "Notification “t”: key “colour” (of type “(is)”) is not declared by the schema" },
    { "{'out_string': <'x'>, 'colour': <(1, 'x')>, 'line': <'seven'>}", TRUE, NOTIFICATION_ERROR_WRONG_TYPE,
      "Notification “t”: key “line” must be of type “u”, not “s”" },
    { "{'out_string': <@a{sv} {}>}", FALSE, NOTIFICATION_ERROR_WRONG_TYPE,
      "Notification “t”: key “out_string” must be of type “s”, not “a{sv}”" },
  };

  g_test_summary ("The errors of the library's reader have the codes and the "
                  "word-for-word messages that the GLib-based check gave");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Schema) s = schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls),
                                        cases[i].allow_unknown_keys);
      g_autoptr(GError) error = NULL;

      assert_agrees_in_every_form (s, g_variant_new_parsed (cases[i].dict), &error);
      g_assert_error (error, NOTIFICATION_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* Value types of every layout: fixed sizes, alignments, nesting. Each
 * value is the type's default, in normal form. */
static const char * const zoo_types[] = {
  "b", "y", "n", "q", "i", "u", "x", "t", "h", "d", "s", "o", "g", "v",
  "()", "(())", "(u())", "(y)", "(yu)", "(uy)", "(yy)", "(ys)", "(sy)", "(ty)",
  "(ny)", "(dy)", "(yyy)", "(qyq)", "((y)(u))", "((uy)y)", "(ii)", "(sv)", "(vy)",
  "{yy}", "{sy}", "{ty}", "{y()}", "ay", "as", "a{sv}", "a(ii)", "aay", "a()",
  "mv", "mu", "my", "ms", "m()", "m(uy)", "mmy", "(mymu)", "((((((y))))))",
};

/* The default value of @type, in normal form. */
static GVariant *
default_value_new (const char *type)
{
  g_autoptr(GVariant) empty =
    g_variant_ref_sink (g_variant_new_from_data (G_VARIANT_TYPE (type), NULL, 0, FALSE, NULL, NULL));

  return g_variant_get_normal_form (empty);
}

static GVariant *
zoo_new (void)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < G_N_ELEMENTS (zoo_types); i++)
    {
      g_autoptr(GVariant) value = default_value_new (zoo_types[i]);
      char key[16];

      g_snprintf (key, sizeof key, "k%u", i);
      g_variant_builder_add (&builder, "{sv}", key, value);
    }

  return g_variant_builder_end (&builder);
}

/* Schemas that declare each zoo key with its own type, or with the next
 * one's (so the first entry is of another type). */
static Schema *
zoo_schema_new (guint shift)
{
  Decl decls[G_N_ELEMENTS (zoo_types)];
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (zoo_types); i++)
    {
      g_ptr_array_add (keys, g_strdup_printf ("k%u", i));
      decls[i].key = keys->pdata[i];
      decls[i].type = zoo_types[(i + shift) % G_N_ELEMENTS (zoo_types)];
      decls[i].required = i % 2 == 0;
    }

  return schema_new (decls, G_N_ELEMENTS (decls), FALSE);
}

static void
test_agreement_zoo (void)
{
  g_autoptr(Schema) same = zoo_schema_new (0);
  g_autoptr(Schema) shifted = zoo_schema_new (1);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A dictionary with a value of every basic and container type "
                  "agrees with GLib's readers against a matching and a shifted schema");

  assert_agrees_in_every_form (same, zoo_new (), &error);
  g_assert_no_error (error);
  assert_agrees_in_every_form (shifted, zoo_new (), &error);
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
}

/* More required keys than fit in one 64-bit word of found flags. */
static void
test_agreement_many_required (void)
{
  Decl decls[70];
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(Schema) s = NULL;

  g_test_summary ("More required keys than one 64-bit word of flags: each missing "
                  "key is found, in agreement with GLib's readers");

  for (guint i = 0; i < G_N_ELEMENTS (decls); i++)
    {
      g_ptr_array_add (keys, g_strdup_printf ("key-%02u", i));
      decls[i].key = keys->pdata[i];
      decls[i].type = "u";
      decls[i].required = TRUE;
    }
  s = schema_new (decls, G_N_ELEMENTS (decls), FALSE);

  for (guint missing = 0; missing <= G_N_ELEMENTS (decls); missing += 1)
    {
      GVariantBuilder builder;
      g_autoptr(GError) error = NULL;

      /* Every key but @missing (none when it is past the end), backwards. */
      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      for (guint i = G_N_ELEMENTS (decls); i-- > 0;)
        if (i != missing)
          g_variant_builder_add (&builder, "{sv}", decls[i].key, g_variant_new_uint32 (i));

      assert_agrees_in_every_form (s, g_variant_builder_end (&builder), &error);
      if (missing < G_N_ELEMENTS (decls))
        g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY);
      else
        g_assert_no_error (error);
    }
}

/* Large dictionaries: 2- and 4-byte framing offsets. */
static void
test_agreement_large (void)
{
  g_autoptr(Schema) s = schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), FALSE);
  gsize lengths[] = { 200, 300, 70000 };

  g_test_summary ("Large dictionaries, with 2- and 4-byte framing offsets, are read "
                  "as GLib reads them");

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *text = g_strnfill (lengths[i], 'x');
      GVariantBuilder builder;
      g_autoptr(GError) error = NULL;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", "out_string", g_variant_new_string (text));
      g_variant_builder_add (&builder, "{sv}", "line", g_variant_new_uint32 (1));
      g_variant_builder_add (&builder, "{sv}", "line", g_variant_new_string (text));
      assert_agrees_in_every_form (s, g_variant_builder_end (&builder), &error);
      g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
    }
}

/* A value type of arrays of @tail, @depth levels deep (counted as GLib
 * counts: () is 0 levels, a dict entry does not count its key). */
static char *
deep_type (guint       depth,
           const char *tail,
           guint       tail_depth)
{
  g_autofree char *prefix = g_strnfill (depth - tail_depth, 'a');

  return g_strconcat (prefix, tail, NULL);
}

/* Types up to NOTIFICATION_VARDICT_MAX_TYPE_DEPTH the reader reads; deeper
 * ones it leaves to GLib, which reads a value nested beyond its limit as
 * (). */
static void
test_agreement_deep_values (void)
{
  static const struct
  {
    const char *tail;
    guint       depth;
  } tails[] = { { "y", 1 }, { "()", 0 }, { "(())", 1 }, { "{y()}", 1 }, { "{sv}", 2 } };
  guint depths[] = { 2, 31, NOTIFICATION_VARDICT_MAX_TYPE_DEPTH,
                     NOTIFICATION_VARDICT_MAX_TYPE_DEPTH + 1, 100, 125, 126, 127 };

  g_test_summary ("Values with deeply nested types are read up to the reader's depth "
                  "limit and left to GLib beyond it, with the answer GLib gives");

  for (guint t = 0; t < G_N_ELEMENTS (tails); t++)
    for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
      {
        g_autofree char *type = deep_type (depths[i], tails[t].tail, tails[t].depth);
        Decl decls[] = { { "deep", type, TRUE } };
        g_autoptr(Schema) s = schema_new (decls, 1, FALSE);
        g_autoptr(GVariant) value = default_value_new (type);
        g_autoptr(GVariant) dict = NULL;
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GVariant) received = NULL;
        g_autoptr(GError) error = NULL;
        GVariantBuilder builder;

        g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add (&builder, "{sv}", "deep", value);
        dict = g_variant_ref_sink (g_variant_builder_end (&builder));
        bytes = g_variant_get_data_as_bytes (dict);
        received = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));

        g_test_message ("value type depth %u: %s", depths[i], type);
        assert_agrees (s, dict, NULL);
        assert_agrees (s, received, &error);
        g_assert_cmpint (reader_agrees (received), ==, depths[i] <= NOTIFICATION_VARDICT_MAX_TYPE_DEPTH);
        /* GLib's limit: the value is 2 levels below the dictionary. */
        if (depths[i] + 2 < 128)
          g_assert_no_error (error);
        else
          g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
      }
}

/* An a{sv} of one entry, serialised by hand: @key, then @value_size bytes
 * of value, then "\0" and @type, which need not agree. */
static GVariant *
one_entry_new (const char   *key,
               const guchar *value,
               gsize         value_size,
               const char   *type)
{
  guchar data[255] = { 0, };
  gsize key_end = strlen (key) + 1;
  gsize at = key_end + ((-key_end) & 7);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpuint (at + value_size + 1 + (type != NULL ? strlen (type) : 0) + 2, <=, G_MAXUINT8);
  memcpy (data, key, key_end);
  memcpy (data + at, value, value_size);
  at += value_size;
  if (type != NULL)
    {
      data[at++] = '\0';
      memcpy (data + at, type, strlen (type));
      at += strlen (type);
    }
  data[at++] = key_end;     /* the entry's framing offset */
  data[at] = at;            /* the dictionary's */
  at++;

  bytes = g_bytes_new (data, at);
  return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
}

/* Values whose size does not fit their type, or with no type at all:
 * GLib reads them as (), and the reader must leave them to it. */
static void
test_agreement_value_sizes (void)
{
  static const struct
  {
    const char *key;
    gsize       size;
    const char *type;   /* NULL: no NUL, no type */
    gboolean    sure;
  } cases[] = {
    { "k", 0, "()", FALSE }, { "k", 1, "()", TRUE }, { "k", 2, "()", FALSE },
    { "k", 3, "u", FALSE }, { "k", 4, "u", TRUE }, { "k", 5, "u", FALSE },
    { "k", 7, "(yu)", FALSE }, { "k", 8, "(yu)", TRUE }, { "k", 5, "(uy)", FALSE },
    { "k", 8, "(uy)", TRUE }, { "k", 2, "{yy}", TRUE }, { "k", 3, "{yy}", FALSE },
    { "k", 16, "(ty)", TRUE }, { "k", 9, "(ty)", FALSE }, { "k", 3, "(qy)", FALSE },
    { "k", 4, "(qy)", TRUE }, { "k", 2, "(y())", TRUE }, { "k", 1, "(y())", FALSE },
    { "k", 0, "s", TRUE }, { "k", 0, "ay", TRUE }, { "k", 6, "(yyyyyy)", TRUE },
    /* A key of 8 bytes: the value starts right after its NUL. */
    { "seven_c", 0, NULL, FALSE }, { "seven_c", 1, NULL, FALSE }, { "k", 1, NULL, FALSE },
  };
  static const guchar value_bytes[32] = "s";  /* then zeros */
  Decl open_decls[] = { { "out_string", "s", FALSE } };
  g_autoptr(Schema) open = schema_new (open_decls, 1, TRUE);
  g_autoptr(Schema) strict = schema_new (open_decls, 1, FALSE);

  g_test_summary ("Values whose size does not fit their type, or without a type, are "
                  "left to GLib unless the reader is sure, and checked as GLib reads "
                  "them");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* Without a type, the value bytes are "s" (no NUL): a type string
       * only if one looked before the value. */
      g_autoptr(GVariant) user_info = one_entry_new (cases[i].key, value_bytes + (cases[i].type != NULL),
                                                     cases[i].size, cases[i].type);
      g_autoptr(GVariant) entry = g_variant_get_child_value (user_info, 0);
      g_autoptr(GVariant) value = g_variant_get_child_value (entry, 1);
      g_autoptr(GVariant) inner = g_variant_get_variant (value);

      g_test_message ("%" G_GSIZE_FORMAT " bytes of %s: GLib reads %s", cases[i].size,
                      cases[i].type != NULL ? cases[i].type : "(no type)",
                      g_variant_get_type_string (inner));
      g_assert_cmpint (reader_agrees (user_info), ==, cases[i].sure);
      g_assert_cmpint (g_str_equal (g_variant_get_type_string (inner), "()"), ==,
                       !cases[i].sure || g_strcmp0 (cases[i].type, "()") == 0);
      assert_agrees (open, user_info, NULL);
      assert_agrees (strict, user_info, NULL);
    }
}

/* {'out_string': <'x'>, 'line': <@u 42>}, serialised:
 *   0  "out_string\0", padding, 16 "x\0" "\0s", 20 key end (11)
 *  24  "line\0", padding, 32 42 0 0 0 "\0u", 38 key end (5)
 *  39  entry ends: 21, 39 */
static const guchar stdout_bytes[] = {
  'o', 'u', 't', '_', 's', 't', 'r', 'i', 'n', 'g', 0, 0, 0, 0, 0, 0,
  'x', 0, 0, 's', 11, 0, 0, 0,
  'l', 'i', 'n', 'e', 0, 0, 0, 0,
  42, 0, 0, 0, 0, 'u', 5,
  21, 39,
};

static GVariant *
from_bytes (const guchar *data,
            gsize         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);

  return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
}

/* The bytes above with one byte changed: each a way not to be in normal
 * form, the reader unsure of it and validate () answering as GLib's
 * readers do. (Some changes give other normal data; those must read.) */
static void
test_agreement_non_normal (void)
{
  static const struct
  {
    const char *what;
    guint       at;
    guchar      value;
    gboolean    normal;  /* in GLib's normal form */
    gboolean    sure;    /* the reader is sure of it */
  } cases[] = {
    { "key without its NUL", 10, 'x', FALSE, FALSE },
    { "key not UTF-8", 0, 0xff, FALSE, FALSE },
    { "NUL inside the key", 3, 0, FALSE, FALSE },
    { "key ends past the value", 20, 19, FALSE, FALSE },
    { "key ends at 0", 20, 0, FALSE, FALSE },
    { "u of 2 bytes: the type q", 37, 'q', FALSE, FALSE },
    { "u of 4 bytes: the type i", 37, 'i', TRUE, TRUE },
    /* The value is not a string ("*" then NULs: GLib reads ""), but it
     * is of type s all the same, and that is all the reader reads. */
    { "the type s", 37, 's', FALSE, TRUE },
    { "indefinite type", 37, '*', FALSE, FALSE },
    { "not a type", 37, 'z', FALSE, FALSE },
    { "two types after the NUL", 36, 'x', FALSE, FALSE },
    { "entry ends in the offset table", 40, 40, FALSE, FALSE },
    { "entry ends before it starts", 40, 22, FALSE, FALSE },
    { "empty entry", 39, 0, FALSE, FALSE },
    { "entries out of order", 39, 39, FALSE, FALSE },
    { "table past the end", 40, 48, FALSE, FALSE },
    { "table of 20 offsets", 40, 21, FALSE, FALSE },
  };
  Schema *schemas[] = {
    schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), FALSE),
    schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), TRUE),
  };

  g_test_summary ("Serialised data with one byte changed, out of normal form in "
                  "various ways, makes the reader unsure and the check answer as "
                  "GLib's readers do");

  {
    g_autoptr(GVariant) normal = from_bytes (stdout_bytes, sizeof stdout_bytes);

    g_assert_true (g_variant_is_normal_form (normal));
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guchar data[sizeof stdout_bytes];
      g_autoptr(GVariant) user_info = NULL;

      memcpy (data, stdout_bytes, sizeof data);
      data[cases[i].at] = cases[i].value;
      user_info = from_bytes (data, sizeof data);

      g_test_message ("%s", cases[i].what);
      g_assert_cmpint (g_variant_is_normal_form (user_info), ==, cases[i].normal);
      g_assert_cmpint (reader_agrees (user_info), ==, cases[i].sure);
      for (guint j = 0; j < G_N_ELEMENTS (schemas); j++)
        assert_agrees (schemas[j], user_info, NULL);
    }

  for (guint j = 0; j < G_N_ELEMENTS (schemas); j++)
    schema_free (schemas[j]);
}

/* Every prefix, and every value of every byte, of the bytes above. */
static void
test_agreement_every_byte (void)
{
  Schema *schemas[] = {
    schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), FALSE),
    schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), TRUE),
  };
  guint n_sure = 0, n = 0;

  g_test_summary ("Every prefix and every single-byte change of a serialised "
                  "dictionary is checked as GLib's readers would check it");

  for (gsize size = 0; size <= sizeof stdout_bytes; size++)
    {
      g_autoptr(GVariant) user_info = from_bytes (stdout_bytes, size);

      n_sure += reader_agrees (user_info), n++;
      for (guint j = 0; j < G_N_ELEMENTS (schemas); j++)
        assert_agrees (schemas[j], user_info, NULL);
    }

  for (gsize at = 0; at < sizeof stdout_bytes; at++)
    for (guint value = 0; value < 256; value++)
      {
        guchar data[sizeof stdout_bytes];
        g_autoptr(GVariant) user_info = NULL;

        memcpy (data, stdout_bytes, sizeof data);
        data[at] = value;
        user_info = from_bytes (data, sizeof data);

        n_sure += reader_agrees (user_info), n++;
        for (guint j = 0; j < G_N_ELEMENTS (schemas); j++)
          assert_agrees (schemas[j], user_info, NULL);
      }

  g_test_message ("the reader was sure of %u inputs of %u", n_sure, n);
  for (guint j = 0; j < G_N_ELEMENTS (schemas); j++)
    schema_free (schemas[j]);
}

/* Framing offsets of 2 bytes where 1 would do: not normal form, but
 * GLib (2.74) still reads the entries; the reader leaves it to GLib. */
static void
test_agreement_offsets_not_minimal (void)
{
  g_autoptr(Schema) s = schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), TRUE);
  g_autofree char *text = g_strnfill (216, 'x');
  g_autoptr(GVariant) parsed = NULL;
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GVariant) user_info = NULL;
  const guchar *body;
  guchar data[256];
  gsize size, body_size;

  g_test_summary ("Framing offsets wider than needed, not in normal form but still "
                  "read by GLib, are left to GLib and checked as it reads them");

  /* Two entries whose body takes 252 bytes: with two 1-byte offsets, 254
   * bytes; with 2-byte ones, 256, a size that needs 2-byte offsets. */
  parsed = g_variant_ref_sink (g_variant_new_parsed ("{'out_string': <%s>, 'line': <''>}", text));
  normal = g_variant_get_normal_form (parsed);
  body = g_variant_get_data (normal);
  size = g_variant_get_size (normal);
  g_assert_cmpuint (size, ==, 254);
  body_size = body[size - 1];
  g_assert_cmpuint (body_size, ==, 252);

  memcpy (data, body, body_size);
  for (guint i = 0; i < 2; i++)
    {
      data[body_size + 2 * i] = body[body_size + i];
      data[body_size + 2 * i + 1] = 0;
    }
  user_info = from_bytes (data, sizeof data);

  g_assert_false (g_variant_is_normal_form (user_info));
  g_test_message ("GLib reads %" G_GSIZE_FORMAT " entries", g_variant_n_children (user_info));
  g_assert_false (reader_agrees (user_info));
  assert_agrees (s, user_info, NULL);
}

/* User info that is itself nested in serialised GVariants, some levels
 * down. */
static void
test_agreement_nested_user_info (void)
{
  g_autoptr(Schema) s = schema_new (stdout_decls, G_N_ELEMENTS (stdout_decls), FALSE);

  g_test_summary ("User info that is itself nested in serialised variants, up to 64 "
                  "levels down, is read by the reader and agrees with GLib");

  for (guint depth = 1; depth <= 64; depth *= 2)
    for (guint i = 0; i < G_N_ELEMENTS (dicts); i++)
      {
        g_autoptr(GVariant) wrapped = g_variant_new_parsed (dicts[i]);
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GVariant) user_info = NULL;

        for (guint level = 0; level < depth; level++)
          wrapped = g_variant_new_variant (g_steal_pointer (&wrapped));
        wrapped = g_variant_ref_sink (wrapped);
        bytes = g_variant_get_data_as_bytes (wrapped);
        user_info = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARIANT, bytes, FALSE));
        for (guint level = 0; level < depth; level++)
          {
            GVariant *inner = g_variant_get_variant (user_info);

            g_variant_unref (user_info);
            user_info = inner;
          }

        g_assert_true (g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT));
        g_assert_true (reader_agrees (user_info));
        assert_agrees (s, user_info, NULL);
      }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("Checking serialised user info agrees with GLib's readers");

  g_test_add_func ("/schema/agreement/dicts", test_agreement_dicts);
  g_test_add_func ("/schema/agreement/messages", test_agreement_messages);
  g_test_add_func ("/schema/agreement/zoo", test_agreement_zoo);
  g_test_add_func ("/schema/agreement/many-required", test_agreement_many_required);
  g_test_add_func ("/schema/agreement/large", test_agreement_large);
  g_test_add_func ("/schema/agreement/deep-values", test_agreement_deep_values);
  g_test_add_func ("/schema/agreement/value-sizes", test_agreement_value_sizes);
  g_test_add_func ("/schema/agreement/non-normal", test_agreement_non_normal);
  g_test_add_func ("/schema/agreement/every-byte", test_agreement_every_byte);
  g_test_add_func ("/schema/agreement/offsets-not-minimal", test_agreement_offsets_not_minimal);
  g_test_add_func ("/schema/agreement/nested-user-info", test_agreement_nested_user_info);

  return g_test_run ();
}
