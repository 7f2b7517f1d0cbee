/* notification-dbus-bridge-private.h: what the D-Bus bridge's files share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * notification-dbus-bridge.c   the object: construction, the exported
 *                              object, sending (export), dispose
 * notification-dbus-import.c   importing: Posted subscriptions, the
 *                              importer name, what it advertises
 * notification-dbus-peers.c    the exporting side's view of its peers:
 *                              their interests, their leaving
 * notification-dbus-flush.c    notification_dbus_bridge_flush()
 * notification-dbus-server.c   peer to peer: notification_dbus_server_new()
 *
 * Everything here runs on the bridge's main context.
 */

#pragma once

#include <string.h>

#include "notification-bridge/notification-dbus-bridge.h"

G_BEGIN_DECLS

struct _NotificationDBusBridge
{
  NotificationBridge parent_instance;

  GDBusConnection *connection;
  char *unique_name;        /* NULL: peer to peer */
  char *p2p_peer;           /* the peer's name on a peer-to-peer connection */
  guint registration_id;
  guint sub_interests;
  guint sub_importers;
  gulong closed_handler;
  char *owned_name;         /* the importer name, once owned */

  GHashTable *imports;      /* logical: type ("" every type) */
  guint interest_watch;     /* the local center's interest, once importing */
  GVariant *advertised;     /* (owned) (nullable) the "as" last told to exporters */
  GHashTable *subscriptions; /* on the connection: type ("" every) → id */
  GHashTable *peer_watches; /* peer → NameOwnerChanged subscription id */
  GCancellable *cancellable;

  GTask *init_task;
  guint pending;

  guint64 n_not_sent;       /* (atomic) exports D-Bus could not carry */
  guint logged_not_sent;    /* bits: the kinds already logged (the bridge's context only) */
};

static inline const char *
peer_name (NotificationDBusBridge *self,
           const char             *sender_name)
{
  return self->unique_name != NULL ? sender_name : self->p2p_peer;
}

static inline gboolean
is_own (NotificationDBusBridge *self,
        const char             *sender_name)
{
  return self->unique_name != NULL &&
         (sender_name == NULL || g_str_equal (sender_name, self->unique_name));
}

static inline int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* GDBus calls the callbacks of a subscription or a call on the context
 * that was the thread-default one when it was made: every subscription
 * and call of a bridge is made with the bridge's context pushed, which
 * its own callbacks do not have (a bridge's context need not be the
 * thread-default one: the "context" property). */
static inline GMainContext *
bridge_push_context (NotificationDBusBridge *self)
{
  GMainContext *context = notification_bridge_get_context (NOTIFICATION_BRIDGE (self));

  g_main_context_push_thread_default (context);
  return context;
}

/* notification-dbus-import.c */
G_GNUC_INTERNAL GVariant *notification_dbus_bridge_advertised_variant (NotificationDBusBridge *self);
G_GNUC_INTERNAL void      notification_dbus_bridge_advertise          (NotificationDBusBridge *self);

/* notification-dbus-peers.c: a peer's interests (InterestsChanged, or a
 * GetInterests reply) of more than the bridge's max-message-size bytes
 * are ignored. */
G_GNUC_INTERNAL gboolean  notification_dbus_bridge_interests_acceptable (NotificationDBusBridge *self,
                                                                         GVariant               *body,
                                                                         const char             *peer);

/* notification-dbus-peers.c */
G_GNUC_INTERNAL void      notification_dbus_bridge_watch_peer         (NotificationDBusBridge *self,
                                                                       const char             *peer);
G_GNUC_INTERNAL void      notification_dbus_bridge_init_pending_done  (NotificationDBusBridge *self);
G_GNUC_INTERNAL void      notification_dbus_bridge_ask_interests      (NotificationDBusBridge *self,
                                                                       const char             *destination);
G_GNUC_INTERNAL void      notification_dbus_bridge_on_interests_changed (GDBusConnection *connection,
                                                                         const char      *sender_name,
                                                                         const char      *object_path,
                                                                         const char      *interface_name,
                                                                         const char      *signal_name,
                                                                         GVariant        *parameters,
                                                                         gpointer         user_data);
G_GNUC_INTERNAL void      notification_dbus_bridge_on_importer_owner_changed (GDBusConnection *connection,
                                                                              const char      *sender_name,
                                                                              const char      *object_path,
                                                                              const char      *interface_name,
                                                                              const char      *signal_name,
                                                                              GVariant        *parameters,
                                                                              gpointer         user_data);
G_GNUC_INTERNAL void      notification_dbus_bridge_list_names_cb      (GObject      *source,
                                                                       GAsyncResult *result,
                                                                       gpointer      user_data);
G_GNUC_INTERNAL void      notification_dbus_bridge_on_closed          (GDBusConnection *connection,
                                                                       gboolean         remote_peer_vanished,
                                                                       GError          *error,
                                                                       gpointer         user_data);

G_END_DECLS
