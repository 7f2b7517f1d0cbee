/* dbus-test-util.h: what the D-Bus bridge tests share: a private bus,
 * recorders, raw bus monitors, the helper process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>
#include <unistd.h>

#include "bridge-test-util.h"

/* Set by each program's main() (GTestDBus). */
static GTestDBus *test_bus;

G_GNUC_UNUSED static void
noop_cb (NotificationCenter *center,
         const char         *type,
         GObject            *sender,
         GVariant           *user_info,
         gpointer            user_data)
{
}

/* Records what an observer receives. */
typedef struct
{
  guint n;
  char *last_type;
  GObject *last_sender;    /* weak */
  GVariant *last_info;
  gboolean destroyed;
} Recorder;

G_GNUC_UNUSED static void
recorder_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  Recorder *r = user_data;

  r->n++;
  g_free (r->last_type);
  r->last_type = g_strdup (type);
  g_set_weak_pointer (&r->last_sender, sender);
  g_clear_pointer (&r->last_info, g_variant_unref);
  r->last_info = user_info != NULL ? g_variant_ref (user_info) : NULL;
}

G_GNUC_UNUSED static void
recorder_destroyed (gpointer user_data)
{
  ((Recorder *) user_data)->destroyed = TRUE;
}

G_GNUC_UNUSED static void
recorder_clear (Recorder *r)
{
  g_free (r->last_type);
  g_clear_weak_pointer (&r->last_sender);
  g_clear_pointer (&r->last_info, g_variant_unref);
  memset (r, 0, sizeof *r);
}

/* A connection of its own to the test bus. */
G_GNUC_UNUSED static GDBusConnection *
bus_connect (void)
{
  GError *error = NULL;
  GDBusConnection *connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);

  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (connection, FALSE);
  return connection;
}

G_GNUC_UNUSED static void
bus_close (GDBusConnection *connection)
{
  GError *error = NULL;

  g_dbus_connection_close_sync (connection, NULL, &error);
  g_assert_no_error (error);
}

/* Counts the Posted signals a connection is sent, whatever subscribes:
 * what the bus really delivered to it. */
G_GNUC_UNUSED static GDBusMessage *
count_posted_filter (GDBusConnection *connection,
                     GDBusMessage    *message,
                     gboolean         incoming,
                     gpointer         user_data)
{
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_SIGNAL &&
      g_strcmp0 (g_dbus_message_get_member (message), "Posted") == 0)
    g_atomic_int_inc ((int *) user_data);
  return message;
}

/* A raw subscription, on a connection without a bridge: a bus monitor
 * that tells nobody it is interested. */
G_GNUC_UNUSED static void
count_signal_cb (GDBusConnection *connection,
                 const char      *sender_name,
                 const char      *object_path,
                 const char      *interface_name,
                 const char      *signal_name,
                 GVariant        *parameters,
                 gpointer         user_data)
{
  (*(guint *) user_data)++;
}

G_GNUC_UNUSED static guint
monitor_posted (GDBusConnection *connection,
                guint           *counter)
{
  return g_dbus_connection_signal_subscribe (connection, NULL, NOTIFICATION_DBUS_BRIDGE_INTERFACE,
                                             "Posted", NOTIFICATION_DBUS_BRIDGE_OBJECT_PATH, NULL,
                                             G_DBUS_SIGNAL_FLAGS_NONE, count_signal_cb, counter, NULL);
}

G_GNUC_UNUSED static void
drain (void)
{
  spin_for (50);
}

/* Runs bridge-helper with the arguments, its stdout piped. */
G_GNUC_UNUSED static GSubprocess *
spawn_helper_flags (GSubprocessFlags flags,
                    GError         **error,
                    ...)
{
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "bridge-helper", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, helper);
  va_start (ap, error);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return g_subprocess_newv ((const char * const *) argv->pdata, flags, error);
}

#define spawn_helper(error, ...) spawn_helper_flags (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, __VA_ARGS__)
