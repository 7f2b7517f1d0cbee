/* notification-bridge-base.h: the base type of every transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_BRIDGE_INSIDE) && !defined(NOTIFICATION_BRIDGE_COMPILATION)
# error "Only <notification-bridge/notification-bridge.h> can be included directly."
#endif

#include <glib-object.h>
#include <notification/notification.h>

#include "notification-bridge-version-macros.h"
#include "notification-bridge-features.h"
#include "notification-remote-sender.h"

G_BEGIN_DECLS

/**
 * NotificationBridgeRejection:
 * @NOTIFICATION_BRIDGE_REJECTED_SIGNATURE: the message did not have the
 *   shape of a notification (a D-Bus `Posted` signal whose arguments are
 *   not `(ssa{sv})`)
 * @NOTIFICATION_BRIDGE_REJECTED_TYPE: the notification type was empty or
 *   not UTF-8
 * @NOTIFICATION_BRIDGE_REJECTED_USER_INFO: the user info was not an
 *   `a{sv}` dictionary, or failed the schema registered for its type
 * @NOTIFICATION_BRIDGE_REJECTED_OVERSIZED: the message was larger than
 *   [property@NotificationBridge.Bridge:max-message-size]
 * @NOTIFICATION_BRIDGE_REJECTED_TOO_MANY_SENDERS: the peer already has
 *   [property@NotificationBridge.Bridge:max-senders-per-peer] remote
 *   senders, and this notification came from yet another sender id
 * @NOTIFICATION_BRIDGE_REJECTED_FRAMES: the message had the wrong number
 *   of parts (ZeroMQ frames)
 * @NOTIFICATION_BRIDGE_REJECTED_VERSION: the message was of a version of
 *   the wire format this bridge does not know
 * @NOTIFICATION_BRIDGE_REJECTED_ENCODING: the message's bytes do not
 *   decode (too short, or a GVariant not in normal form)
 *
 * Why a bridge dropped a notification that came from outside.
 *
 * Since: 1.2
 */
typedef enum
{
  NOTIFICATION_BRIDGE_REJECTED_SIGNATURE,
  NOTIFICATION_BRIDGE_REJECTED_TYPE,
  NOTIFICATION_BRIDGE_REJECTED_USER_INFO,
  NOTIFICATION_BRIDGE_REJECTED_OVERSIZED,
  NOTIFICATION_BRIDGE_REJECTED_TOO_MANY_SENDERS,
  NOTIFICATION_BRIDGE_REJECTED_FRAMES,
  NOTIFICATION_BRIDGE_REJECTED_VERSION,
  NOTIFICATION_BRIDGE_REJECTED_ENCODING,
} NotificationBridgeRejection;

/**
 * NOTIFICATION_BRIDGE_N_REJECTIONS:
 *
 * The number of values of [enum@NotificationBridge.BridgeRejection].
 *
 * Since: 1.2
 */
#define NOTIFICATION_BRIDGE_N_REJECTIONS 8

#define NOTIFICATION_TYPE_BRIDGE (notification_bridge_get_type ())

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
G_DECLARE_DERIVABLE_TYPE (NotificationBridge, notification_bridge, NOTIFICATION, BRIDGE, GObject)

/**
 * NotificationBridgeClass:
 * @parent_class: the parent class
 * @send: sends one local notification to the remote peers; called on the
 *   bridge's main context, only for types some peer asked for (or every
 *   type with [property@NotificationBridge.Bridge:export-all]), never for a
 *   notification that came in through a bridge. @sender_id is the
 *   process-wide id of the sender ("" for none), @user_info never `NULL`
 *   (an empty dictionary for none).
 *
 * The class of a transport: a transport implements @send, and calls
 * [method@NotificationBridge.Bridge.receive] for what it receives and
 * [method@NotificationBridge.Bridge.set_peer_interests] and
 * [method@NotificationBridge.Bridge.peer_vanished] for what it learns of
 * its peers.
 *
 * Since: 1.2
 */
struct _NotificationBridgeClass
{
  GObjectClass parent_class;

  void (*send) (NotificationBridge *self,
                const char         *type,
                const char         *sender_id,
                GVariant           *user_info);

  /*< private >*/
  gpointer padding[12];
};

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
NotificationCenter       *notification_bridge_get_center           (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
GMainContext             *notification_bridge_get_context          (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean                  notification_bridge_get_export_all       (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                      notification_bridge_set_export_all       (NotificationBridge *self,
                                                                    gboolean            export_all);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64                   notification_bridge_get_n_rejected       (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64                   notification_bridge_get_n_rejected_kind  (NotificationBridge          *self,
                                                                    NotificationBridgeRejection  kind);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64                   notification_bridge_get_n_received       (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
guint64                   notification_bridge_get_n_sent           (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char                    **notification_bridge_dup_exported_types   (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char                    **notification_bridge_dup_interested_peers (NotificationBridge *self);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
NotificationRemoteSender *notification_bridge_lookup_remote_sender (NotificationBridge *self,
                                                                    const char         *peer,
                                                                    const char         *sender_id);

/* for transports */
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean                  notification_bridge_receive              (NotificationBridge *self,
                                                                    const char         *peer,
                                                                    const char         *sender_id,
                                                                    const char         *type,
                                                                    GVariant           *user_info,
                                                                    gsize               message_size);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                      notification_bridge_reject               (NotificationBridge          *self,
                                                                    NotificationBridgeRejection  kind,
                                                                    const char                  *peer,
                                                                    const char                  *detail);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                      notification_bridge_set_peer_interests   (NotificationBridge *self,
                                                                    const char         *peer,
                                                                    const char * const *types);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
void                      notification_bridge_peer_vanished        (NotificationBridge *self,
                                                                    const char         *peer);

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
const char               *notification_bridge_sender_id            (GObject            *sender);

#ifdef NOTIFICATION_BRIDGE_HAS_JSON
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char                     *notification_bridge_to_json              (const char         *type,
                                                                    const char         *sender,
                                                                    GVariant           *user_info,
                                                                    gint64              time_usec);
#endif

G_END_DECLS
