/* notification-bridge-private.h: what the base bridge's files share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * notification-bridge-base.c    the object: properties, counters
 * notification-bridge-export.c  sender ids, the forwarding observers,
 *                               the peers' interests
 * notification-bridge-import.c  remote senders, received notifications,
 *                               rejections
 * notification-bridge-json.c    the JSON form
 */

#pragma once

#include "notification-bridge/notification-bridge-base.h"

G_BEGIN_DECLS

typedef struct
{
  NotificationCenter *center;
  GMainContext *context;
  guint queue_limit;
  guint64 max_message_size;
  guint max_senders;
  gboolean export_all;
  gboolean disposed;            /* no observer is added any more */

  /* Counted on the bridge's context, read from any thread: atomic. */
  guint64 n_rejected[NOTIFICATION_BRIDGE_N_REJECTIONS];
  guint64 n_received;
  guint64 n_sent;
  guint logged;                 /* the kinds logged already; the context's */

  GHashTable *peer_interests;   /* peer → set of types ("" every type) */
  GHashTable *interest_count;   /* type → count of peers */
  GHashTable *observers;        /* type ("" every type) → observer id */
  GHashTable *peers;            /* peer → (sender id → RemoteSender) */

  /* The remote sender found last, for runs from one sender: keys of
   * peers and of its table, and its value; all (unowned), forgotten
   * whenever a peer's table goes (notification_bridge_forget_last_sender()). */
  const char *last_peer;
  const char *last_sender_id;
  NotificationRemoteSender *last_sender;
} NotificationBridgePrivate;

G_GNUC_INTERNAL NotificationBridgePrivate *notification_bridge_get_priv             (NotificationBridge *self);

/* notification-bridge-import.c */
G_GNUC_INTERNAL void                       notification_bridge_forget_last_sender   (NotificationBridge *self);
G_GNUC_INTERNAL gboolean                   notification_bridge_post_received        (NotificationBridge *self,
                                                                                     const char         *peer,
                                                                                     const char         *sender_id,
                                                                                     const char         *type,
                                                                                     GVariant           *user_info);

/* notification-bridge-export.c */
G_GNUC_INTERNAL void                       notification_bridge_update_observers     (NotificationBridge *self);
G_GNUC_INTERNAL void                       notification_bridge_remove_all_observers (NotificationBridge *self);

G_END_DECLS
