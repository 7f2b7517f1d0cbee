/* notification-registry-deliver.c: a post's calls of its observers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The part of dispatch that runs once some observer matched
 * (notification_registry_dispatch(), inline in the post, finds them):
 * the observers' calls in the order they were added, and the queued
 * calls of main-context observers. Posting threads run it without a
 * lock, inside an EBR read section.
 */

#include "config.h"

#include "notification-ebr-private.h"
#include "notification-observer-list-private.h"
#include "notification-observer-private.h"
#include "notification-queue-private.h"
#include "notification-registry-private.h"

gboolean
notification_registry_has (NotificationRegistry *self,
                           const char           *type,
                           gpointer              sender)
{
  NotificationObserverList *matches[4];
  gboolean found;

  if (!notification_registry_has_any (self))
    return FALSE;

  notification_ebr_enter ();
  found = notification_registry_match (self, type, sender, matches) > 0;
  notification_ebr_leave ();

  return found;
}

/* Calls the observers of @matches in the order they were added, merging
 * the (at most four) lists by sequence number. Observers added after the
 * post read @last_seq, before looking up @matches, are not called; removed ones are skipped by their state. Nothing is copied.
 * Out of line: the unobserved path stays small. Inside an EBR read
 * section. */
void
notification_registry_deliver (NotificationRegistry      *self,
                               NotificationObserverList **matches,
                               guint                    n_matches,
                               guint64                  last_seq,
                               NotificationCenter      *center,
                               const char              *type,
                               GObject                 *sender,
                               GVariant                *user_info)
{
  NotificationObserver *cursors[4];
  NotificationQueueBatch batch;

  notification_queue_batch_init (&batch);

  for (guint i = 0; i < n_matches; i++)
    cursors[i] = notification_observer_list_peek (matches[i]);

  for (;;)
    {
      NotificationObserver *observer = NULL;
      guint best = 0;

      for (guint i = 0; i < n_matches; i++)
        if (cursors[i] != NULL &&
            !notification_observer_seq_before (last_seq, notification_observer_get_seq (cursors[i])) &&
            (observer == NULL || notification_observer_before (cursors[i], observer)))
          {
            observer = cursors[i];
            best = i;
          }

      if (observer == NULL)
        break;

      cursors[best] = __atomic_load_n (&observer->next, __ATOMIC_ACQUIRE);
      if (notification_observer_get_queue (observer) != NULL)
        {
          notification_queue_batch_add (&batch, (NotificationObserverExt *) observer,
                                        type, sender, user_info);
        }
      else
        {
          /* It may post: this post's queued calls come first. */
          notification_queue_batch_reserve (&batch);
          notification_observer_call (observer, center, type, sender, user_info);
        }
    }

  notification_queue_batch_finish (&batch);
}

/* notification_registry_find_key() when its candidate was another type
 * of the same hash and sender: the index's lookup, comparing types. */
NotificationObserverList *
notification_registry_find_key_exact (NotificationRegistry *self,
                                      const char           *type,
                                      guint                 hash,
                                      gconstpointer         sender)
{
  NotificationIndexKey *key = notification_index_lookup (self->index, hash, type, sender);

  if (key != NULL && notification_observer_list_peek (notification_observer_list_from_key (key)) != NULL)
    return notification_observer_list_from_key (key);

  return NULL;
}
