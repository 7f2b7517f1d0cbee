/* notification-pending-private.h: what a change under the registry lock
 * leaves for after it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Removing observers under the lock marks them removed; their destroy
 * notifies (user code, in the order the observers were added) and their
 * memory wait in a NotificationPending until the lock is released. It
 * lives on the stack and allocates nothing while it holds a few.
 */

#pragma once

#include "notification-lock-private.h"
#include "notification-observer-private.h"

G_BEGIN_DECLS

typedef struct
{
  gpointer *items;
  guint     len;
  guint     size;
  gpointer  inline_items[4];
} NotificationPendingList;

typedef struct
{
  NotificationPendingList removed;  /* observers already marked removed */
} NotificationPending;

void notification_pending_init            (NotificationPending  *pending);
void notification_pending_remove_observer (NotificationLock     *lock,
                                           NotificationPending  *pending,
                                           NotificationObserver *observer);
void notification_pending_finish          (NotificationPending  *pending);

G_END_DECLS
