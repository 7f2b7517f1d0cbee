/* notification-registry-schema.c: the schemas of a center's types
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Schema entries live in an index of their own, keyed by (type, NULL),
 * read by posting threads under EBR like the observers' index. An entry
 * is filled before it is published and never changes: a new schema for a
 * type is a new entry published in the old one's slot.
 */

#include "config.h"

#include "notification-ebr-private.h"
#include "notification-index-private.h"
#include "notification-registry-private.h"
#include "notification-schema-private.h"

/* Counters read by posting threads without the lock and written only
 * under it: a relaxed load (the lock orders the writers) and a release
 * store, no locked instruction. */
#define COUNTER_ADD(counter, delta) \
  __atomic_store_n (&(counter), __atomic_load_n (&(counter), __ATOMIC_RELAXED) + (delta), __ATOMIC_RELEASE)

/* The schema of one type: an entry of the schema index. */
typedef struct
{
  NotificationSchema   *schema;  /* (owned) */
  NotificationIndexKey  key;     /* last: the type follows inline */
} SchemaEntry;

static inline SchemaEntry *
schema_entry_from_key (NotificationIndexKey *key)
{
  return (SchemaEntry *) ((char *) key - G_STRUCT_OFFSET (SchemaEntry, key));
}

static SchemaEntry *
schema_entry_new (const char         *type,
                  NotificationSchema *schema)
{
  SchemaEntry *entry = notification_index_entry_new (sizeof (SchemaEntry), G_STRUCT_OFFSET (SchemaEntry, key),
                                                     type, NULL);

  entry->schema = g_object_ref (schema);

  return entry;
}

static void
schema_entry_free (gpointer data)
{
  SchemaEntry *entry = data;

  g_object_unref (entry->schema);
  g_free (entry);
}

/* Frees @entry once no reader can hold it. */
static void
schema_entry_retire (SchemaEntry *entry)
{
  notification_ebr_retire_pointer (entry, schema_entry_free);
}

/* Retires the entries of @keys, stolen from the schema index (with or
 * without the lock: retiring takes none). */
void
notification_registry_retire_schemas (GPtrArray *keys)
{
  for (guint i = 0; i < keys->len; i++)
    schema_entry_retire (schema_entry_from_key (g_ptr_array_index (keys, i)));
}

/* Inside an EBR read section: the schema stays valid until it ends. */
static NotificationSchema *
registry_peek_schema (NotificationRegistry *self,
                      const char           *type)
{
  NotificationIndexKey *key;

  key = notification_index_lookup (self->schemas,
                                   notification_index_hash (notification_index_hash_type (type), NULL),
                                   type, NULL);

  return key != NULL ? schema_entry_from_key (key)->schema : NULL;
}

gboolean
notification_registry_has_schema (NotificationRegistry *self,
                                  const char           *type)
{
  gboolean found;

  if (!notification_registry_has_schemas (self))
    return FALSE;

  notification_ebr_enter ();
  found = registry_peek_schema (self, type) != NULL;
  notification_ebr_leave ();

  return found;
}

NotificationSchema *
notification_registry_dup_schema (NotificationRegistry *self,
                                  const char           *type)
{
  NotificationSchema *schema;

  if (!notification_registry_has_schemas (self))
    return NULL;

  notification_ebr_enter ();
  schema = registry_peek_schema (self, type);
  if (schema != NULL)
    g_object_ref (schema);
  notification_ebr_leave ();

  return schema;
}

gboolean
notification_registry_validate (NotificationRegistry  *self,
                                const char            *type,
                                GVariant              *user_info,
                                GError               **error)
{
  NotificationSchema *schema;
  gboolean valid = TRUE;

  notification_ebr_enter ();
  schema = registry_peek_schema (self, type);
  if (schema != NULL)
    valid = notification_schema_validate (schema, type, user_info, error);
  notification_ebr_leave ();

  return valid;
}

/* Readers find the old schema or the new one, never none: a replacement
 * is a new entry published in the old one's slot. */
void
notification_registry_set_schema (NotificationRegistry *self,
                                  const char           *type,
                                  NotificationSchema   *schema)
{
  NotificationIndexKey *key;
  SchemaEntry *replacement = NULL;
  SchemaEntry *unused = NULL;

  /* Referenced before the lock: a reference may call a toggle notify
   * (PyGObject's takes the GIL, whose holder may be waiting for this lock
   * in a sender's dispose). */
  if (schema != NULL)
    replacement = schema_entry_new (type, schema);

  notification_lock (&self->lock);

  if (self->shut_down)
    {
      unused = replacement;
      replacement = NULL;
    }

  key = notification_index_lookup (self->schemas,
                                   notification_index_hash (notification_index_hash_type (type), NULL),
                                   type, NULL);
  if (key != NULL && replacement != NULL)
    {
      notification_index_replace (self->schemas, key, &replacement->key);
      schema_entry_retire (schema_entry_from_key (key));
    }
  else if (key != NULL)
    {
      notification_index_remove (self->schemas, key);
      schema_entry_retire (schema_entry_from_key (key));
      COUNTER_ADD (self->n_schemas, -1);
    }
  else if (replacement != NULL)
    {
      notification_index_insert (self->schemas, &replacement->key);
      COUNTER_ADD (self->n_schemas, 1);
    }

  notification_unlock (&self->lock);

  /* Never published: nobody can hold it. */
  if (unused != NULL)
    schema_entry_free (unused);
  notification_ebr_reclaim ();
}
