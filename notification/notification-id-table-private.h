/* notification-id-table-private.h: observers by id
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An open-addressing set of the observers whose id does not name a slab
 * cell (those tied to an owner or called on a main context, and every
 * observer where gulong has 32 bits or the build has -Dslab_ids=false),
 * keyed by id, for removal in O(1). Linear probing with
 * backward-shift deletion, so there are no tombstones to sweep. Used
 * under the registry lock only.
 */

#pragma once

#include "notification-observer-private.h"

G_BEGIN_DECLS

typedef struct
{
  NotificationObserverExt **slots;   /* (owned) */
  gsize                  mask;
  gsize                  len;
} NotificationIdTable;

void                  notification_id_table_init   (NotificationIdTable  *self);
void                  notification_id_table_clear  (NotificationIdTable  *self);
void                  notification_id_table_add    (NotificationIdTable  *self,
                                                    NotificationObserverExt *observer);
NotificationObserverExt *notification_id_table_lookup (NotificationIdTable  *self,
                                                    gulong                id);
void                  notification_id_table_remove (NotificationIdTable  *self,
                                                    NotificationObserverExt *observer);

G_END_DECLS
