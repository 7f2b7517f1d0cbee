/* notification-id-table-private.h: observers by id
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An open-addressing set of observers keyed by their id (ids only grow
 * and are never reused), for removal by id in O(1). Linear probing with
 * backward-shift deletion, so there are no tombstones to sweep. Used
 * under the registry lock only.
 */

#pragma once

#include "notification-observer-private.h"

G_BEGIN_DECLS

typedef struct
{
  NotificationObserver **slots;   /* (owned) */
  gsize                  mask;
  gsize                  len;
} NotificationIdTable;

void                  notification_id_table_init   (NotificationIdTable  *self);
void                  notification_id_table_clear  (NotificationIdTable  *self);
void                  notification_id_table_add    (NotificationIdTable  *self,
                                                    NotificationObserver *observer);
NotificationObserver *notification_id_table_lookup (NotificationIdTable  *self,
                                                    gulong                id);
void                  notification_id_table_remove (NotificationIdTable  *self,
                                                    NotificationObserver *observer);
NotificationObserver **notification_id_table_steal (NotificationIdTable  *self,
                                                    gsize                *n_observers);

G_END_DECLS
