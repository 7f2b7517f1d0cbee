/* notification-interest-private.h: telling watchers which pairs are observed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pair is the key of an index entry: (type or NULL, sender or NULL). It
 * is observed while its entry has an observer that is not a forwarder
 * (entry->n_reported != 0; an emptied entry of every sender may stay in
 * the index, unobserved; an entry whose only observers are
 * NOTIFICATION_OBSERVER_FORWARDER ones is unobserved). The registry calls
 * notification_interest_changed_locked() under its lock when an entry's
 * count of reported observers goes from 0 to 1 or back, so the changes
 * are recorded in the order of the lock.
 *
 * Everything here is protected by the registry lock: the hub, each
 * watcher's queue of reports and its source pointer. A watcher's reports
 * are delivered by a GSource of its own, attached to the watcher's
 * context and woken with g_source_set_ready_time (0) (GLib's context lock
 * nests inside ours; GLib never calls a source's functions with it held).
 * The lock is released before any user code runs.
 *
 * Senders. No reference to a live sender is taken or dropped with the
 * registry lock held: g_object_ref() and g_object_unref() may call a
 * toggle notify, and PyGObject's takes the GIL, which a thread may hold
 * while it waits for the registry lock (disposing an object: the
 * registry's weak notify). So a queued report names its sender without a
 * reference ("weak"). A sender cannot be finalized while a weak report
 * names it, because:
 *
 *  - a report about (type, sender) is recorded while the pair's entry is
 *    linked to the sender's registry watch, whose notify has not run (or
 *    is running: the report is recorded by it). That notify
 *    (registry_watch_vanished(), during the sender's dispose) calls
 *    notification_interest_sender_disposing_locked(), which references the
 *    sender for every weak report still queued ("held": the sender stays
 *    alive, disposed, until the report is delivered or dropped). These
 *    are the only references taken under the lock, and they notify no
 *    toggle reference: g_object_ref() does only from a count of 1 with a
 *    toggle reference held, and during dispose either the count is 1 and
 *    no toggle reference is left (removing the last one is what dropped
 *    the last reference) or g_object_run_dispose() holds a reference of
 *    its own. GLib checks the count again after dispose, and finalizes
 *    the object only if nobody took a reference;
 *  - a thread that takes a sender's reference outside the lock (the
 *    delivery of a weak report, notification_center_list_interests())
 *    first pins the sender under the lock. If the sender is disposed
 *    before the pin is released, its disposal takes one reference per pin
 *    on the pinning threads' behalf (as for the reports), so the sender
 *    is alive when they reference it; each gives one back when it unpins.
 *    Nobody waits for anybody: a pinning thread may block in a toggle
 *    notify (on the GIL) while the thread holding the GIL disposes another
 *    sender it pinned.
 *
 * Held references are dropped after the lock is released.
 */

#pragma once

#include "notification-registry-private.h"

G_BEGIN_DECLS

struct _NotificationInterestHub
{
  NotificationLock *lock;        /* (unowned) the registry's, for notification_lock_assert_held() */
  GPtrArray      *watchers;      /* (element-type NotificationInterestWatcher) the hub's references */
  guint           last_id;
  GHashTable     *weak_senders;  /* GObject → number of queued reports naming it without a reference */
  GHashTable     *pins;          /* (element-type GObject Pin) the senders threads are about to reference */
};

/* Whether a change of interest must be recorded: the whole cost for a
 * center nobody watches. Registry lock held. */
static inline gboolean
notification_interest_watched (NotificationRegistry *registry)
{
  notification_lock_assert_held (&registry->lock);

  return registry->interest != NULL && registry->interest->watchers->len != 0;
}

/* The registry's hooks (notification-interest-watcher.c). */
void notification_interest_changed_locked          (NotificationRegistry     *registry,
                                                    NotificationObserverList *list,
                                                    gboolean                  observed);
void notification_interest_sender_disposing_locked (NotificationRegistry   *registry,
                                                    GObject                *sender);
void notification_interest_shutdown                (NotificationRegistry   *registry);
void notification_interest_hub_free                (NotificationInterestHub *hub);

/* Shared by the watchers and the listing (notification-interest.c), all
 * with the registry lock held. */
typedef void (*NotificationInterestEntryFunc) (NotificationObserverList *list,
                                               gpointer                  data);

NotificationInterestHub *notification_interest_hub_get_locked          (NotificationRegistry          *registry);
void                     notification_interest_foreach_observed_locked (NotificationRegistry          *registry,
                                                                        NotificationInterestEntryFunc  func,
                                                                        gpointer                       data);
void                     notification_interest_pin_locked              (NotificationInterestHub       *hub,
                                                                        GObject                       *sender);
gboolean                 notification_interest_unpin_locked            (NotificationInterestHub       *hub,
                                                                        GObject                       *sender);
void                     notification_interest_give_pins_locked        (NotificationInterestHub       *hub,
                                                                        GObject                       *sender);

G_END_DECLS
