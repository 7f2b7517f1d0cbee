/* notification-id-table.c: observers by id
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-id-table-private.h"

#define MIN_SLOTS 8

static inline gsize
id_hash (gulong id)
{
  guint64 h = (guint64) id * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  return (gsize) (h ^ (h >> 32));
}

void
notification_id_table_init (NotificationIdTable *self)
{
  self->slots = g_new0 (NotificationObserverExt *, MIN_SLOTS);
  self->mask = MIN_SLOTS - 1;
  self->len = 0;
}

void
notification_id_table_clear (NotificationIdTable *self)
{
  g_clear_pointer (&self->slots, g_free);
  self->mask = 0;
  self->len = 0;
}

static void
id_table_place (NotificationObserverExt **slots,
                gsize                  mask,
                NotificationObserverExt *observer)
{
  gsize i = id_hash (observer->id) & mask;

  while (slots[i] != NULL)
    i = (i + 1) & mask;
  slots[i] = observer;
}

static void
id_table_resize (NotificationIdTable *self,
                 gsize                n_slots)
{
  NotificationObserverExt **slots = g_new0 (NotificationObserverExt *, n_slots);

  for (gsize i = 0; i <= self->mask; i++)
    if (self->slots[i] != NULL)
      id_table_place (slots, n_slots - 1, self->slots[i]);

  g_free (self->slots);
  self->slots = slots;
  self->mask = n_slots - 1;
}

void
notification_id_table_add (NotificationIdTable  *self,
                           NotificationObserverExt *observer)
{
  /* At most half full: probes stay short. */
  if ((self->len + 1) * 2 > self->mask + 1)
    id_table_resize (self, (self->mask + 1) * 2);

  id_table_place (self->slots, self->mask, observer);
  self->len++;
}

NotificationObserverExt *
notification_id_table_lookup (NotificationIdTable *self,
                              gulong               id)
{
  gsize i = id_hash (id) & self->mask;

  for (; self->slots[i] != NULL; i = (i + 1) & self->mask)
    if (self->slots[i]->id == id)
      return self->slots[i];

  return NULL;
}

void
notification_id_table_remove (NotificationIdTable  *self,
                              NotificationObserverExt *observer)
{
  gsize i = id_hash (observer->id) & self->mask;
  gsize j;

  while (self->slots[i] != observer)
    i = (i + 1) & self->mask;

  /* Backward shift: move up every later member of the cluster that may
   * sit in the hole, so lookups never stop early. */
  for (j = (i + 1) & self->mask; self->slots[j] != NULL; j = (j + 1) & self->mask)
    {
      gsize home = id_hash (self->slots[j]->id) & self->mask;

      /* Is home cyclically outside (i, j]? Then slot j may move to i. */
      if ((j > i && (home <= i || home > j)) ||
          (j < i && (home <= i && home > j)))
        {
          self->slots[i] = self->slots[j];
          i = j;
        }
    }
  self->slots[i] = NULL;
  self->len--;

  /* A quarter of the slots at least in use, or shrink. */
  if (self->len * 8 < self->mask + 1 && self->mask + 1 > MIN_SLOTS)
    id_table_resize (self, (self->mask + 1) / 2);
}
