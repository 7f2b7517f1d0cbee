/* notification-slab-private.h: fixed-size cells without a header each
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Observers are small and numerous: malloc's per-block header and
 * rounding would add a quarter to each. A slab hands out cells of one
 * size from 8 KiB chunks aligned on their size, so that a cell finds its
 * chunk (and the chunk its slab) by masking its address; a cell is also
 * known by its index, which is how an observer id finds its observer
 * without a table.
 *
 * Locking: the owner (a registry) allocates, looks up and drains under
 * its own lock. Freeing happens on whichever thread reclaims the cell
 * (epoch-based reclamation), without that lock: a freed cell is pushed
 * onto a lock-free list that the owner drains, putting cells back in
 * their chunks and giving empty chunks back to the system, unless a
 * chunk is the only one with room.
 *
 * Every allocated cell holds a reference on the slab, so a cell freed
 * after its owner went away still finds its slab.
 */

#pragma once

#include <glib.h>

#include "notification-lock-private.h"

G_BEGIN_DECLS

typedef struct _NotificationSlab NotificationSlab;

typedef gboolean (*NotificationSlabMatch) (gconstpointer cell,
                                           gconstpointer data);

NotificationSlab *notification_slab_new    (gsize                  cell_size,
                                            NotificationLock      *owner_lock);
void              notification_slab_unref  (NotificationSlab      *self);
gpointer          notification_slab_alloc  (NotificationSlab      *self,
                                            guint32               *index);
gpointer          notification_slab_lookup (NotificationSlab      *self,
                                            guint32                index,
                                            NotificationSlabMatch  match,
                                            gconstpointer          data);
void              notification_slab_drain  (NotificationSlab      *self);
void              notification_slab_free   (gpointer               cell);

G_END_DECLS
