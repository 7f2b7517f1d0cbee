/* notification-pending.c: what a change under the registry lock leaves
 * for after it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-ebr-private.h"
#include "notification-observer-private.h"
#include "notification-pending-private.h"


/* Tags a removed observer whose destroy notify is ours to run: no call of
 * it was running when it was marked removed. */
#define DESTROY_OURS ((guintptr) 1)

void
notification_pending_init (NotificationPending *pending)
{
  pending->removed.items = pending->removed.inline_items;
  pending->removed.len = 0;
  pending->removed.size = G_N_ELEMENTS (pending->removed.inline_items);
}

static void
pending_list_add (NotificationPendingList *list,
                  gpointer     item)
{
  if (list->len == list->size)
    {
      list->size *= 2;
      if (list->items == list->inline_items)
        list->items = g_memdup2 (list->inline_items, sizeof list->inline_items);
      list->items = g_renew (gpointer, list->items, list->size);
    }

  list->items[list->len++] = item;
}

static void
pending_list_clear (NotificationPendingList *list)
{
  if (list->items != list->inline_items)
    g_free (list->items);
}

static inline NotificationObserver *
pending_observer (gpointer item)
{
  return (NotificationObserver *) ((guintptr) item & ~DESTROY_OURS);
}

static gint
pending_compare_id (gconstpointer a,
                    gconstpointer b)
{
  const NotificationObserver *oa = pending_observer (*(gpointer const *) a);
  const NotificationObserver *ob = pending_observer (*(gpointer const *) b);

  return notification_observer_before (oa, ob) ? -1 : notification_observer_before (ob, oa);
}

/* Lock held, the observer unlinked: from now on no call of it starts.
 * The destroy notify runs after the lock is released, here if no call is
 * running, else when the last running call returns. */
void
notification_pending_remove_observer (NotificationLock     *lock,
                                      NotificationPending  *pending,
                                      NotificationObserver *observer)
{
  guintptr item = (guintptr) observer;

  notification_lock_assert_held (lock);

  if (notification_observer_mark_removed (observer))
    item |= DESTROY_OURS;

  pending_list_add (&pending->removed, (gpointer) item);
}

/* Runs what was left for after the lock: destroy notifies (user code,
 * in the order the observers were added). */
void
notification_pending_finish (NotificationPending *pending)
{
  if (pending->removed.len > 1)
    qsort (pending->removed.items, pending->removed.len, sizeof (gpointer), pending_compare_id);

  for (guint i = 0; i < pending->removed.len; i++)
    {
      gpointer item = pending->removed.items[i];

      notification_observer_finish_remove (pending_observer (item),
                                           ((guintptr) item & DESTROY_OURS) != 0);
    }

  pending_list_clear (&pending->removed);

  notification_ebr_reclaim ();
}
