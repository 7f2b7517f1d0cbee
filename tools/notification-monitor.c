/* notification-monitor: prints the notifications posted in other processes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>

#include <stdio.h>
#include <stdlib.h>
#include <glib-unix.h>

#include "tool-common.h"
#include "tool-zmq.h"
#include "tool-jupyter.h"

static gboolean opt_json;
static char **opt_types;
static char *opt_address;
static int opt_count;
static char *opt_jupyter;
static char *opt_execute;
static int n_printed;
static int exit_status = TOOL_EXIT_OK;
static GMainLoop *loop;

static void
print_notification (NotificationCenter *center,
                    const char         *type,
                    GObject            *sender,
                    GVariant           *user_info,
                    gpointer            user_data)
{
  g_autofree char *sender_name = NULL;
  g_autofree char *line = NULL;
  gint64 now = g_get_real_time ();

  /* the loop ends after the current dispatch, which may bring more (the
   * Jupyter client reads up to 64 messages at a time) */
  if (opt_count > 0 && n_printed >= opt_count)
    return;

  if (notification_remote_sender_is_remote (sender))
    {
      NotificationRemoteSender *remote = NOTIFICATION_REMOTE_SENDER (sender);
      const char *id = notification_remote_sender_get_sender_id (remote);

      sender_name = *id != '\0'
        ? g_strdup_printf ("%s/%s", notification_remote_sender_get_peer (remote), id)
        : g_strdup (notification_remote_sender_get_peer (remote));
    }
  else
    sender_name = g_strdup ("");

  if (opt_json)
    {
#ifdef NOTIFICATION_BRIDGE_HAS_JSON
      line = notification_bridge_to_json (type, sender_name, user_info, now);
#endif
    }
  else
    {
      g_autoptr(GDateTime) base = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
      g_autoptr(GDateTime) when = g_date_time_add (base, now % G_USEC_PER_SEC);
      g_autofree char *time_str = g_date_time_format (when, "%H:%M:%S.%f");
      g_autofree char *info = user_info != NULL ? g_variant_print (user_info, TRUE) : g_strdup ("{}");

      line = g_strdup_printf ("%s %s %s %s", time_str, type,
                              *sender_name != '\0' ? sender_name : "-", info);
    }

  /* one line at a time, even into a pipe */
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);

  if (opt_count > 0 && ++n_printed >= opt_count)
    g_main_loop_quit (loop);
}

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static void
on_closed (GDBusConnection *connection,
           gboolean         remote_peer_vanished,
           GError          *error,
           gpointer         user_data)
{
  g_printerr ("notification-monitor: the connection closed%s%s\n",
              error != NULL ? ": " : "", error != NULL ? error->message : "");
  exit_status = TOOL_EXIT_FAILURE;
  g_main_loop_quit (loop);
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "type", 't', 0, G_OPTION_ARG_STRING_ARRAY, &opt_types,
      "Print only notifications of TYPE (repeatable; default: every type)", "TYPE" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json,
      "Print one JSON object per line (keys time, type, sender, user_info)", NULL },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &opt_address,
      "Connect to the D-Bus bus or peer at ADDRESS (default: the session bus)", "ADDRESS" },
    { "count", 'n', 0, G_OPTION_ARG_INT, &opt_count,
      "Exit after N notifications (default: run until interrupted)", "N" },
    { "jupyter", 0, 0, G_OPTION_ARG_FILENAME, &opt_jupyter,
      "Print the notifications of the Jupyter kernel of CONNECTION_FILE (not D-Bus)", "CONNECTION_FILE" },
    { "execute", 0, 0, G_OPTION_ARG_STRING, &opt_execute,
      "With --jupyter: run CODE, exit when done (1 if it failed)", "CODE" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- print the notifications other processes post");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(NotificationCenter) center = NULL;
  g_autoptr(NotificationDBusBridge) bridge = NULL;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, tool_zmq_option_group (FALSE));
  g_option_context_set_description (options,
    "Each line is: time, type, sender (unique bus name/sender id), user info.\n"
    "Exit status: 0 interrupted or done, 1 connection failure, 2 bad arguments;\n"
    "with --execute: 0 if the code ran without error, 1 if not (or if interrupted first).");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("notification-monitor: %s\n", error->message);
      return TOOL_EXIT_USAGE;
    }
  if (!tool_zmq_check_args ("notification-monitor", &error))
    {
      g_printerr ("notification-monitor: %s\n", error->message);
      return TOOL_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr ("notification-monitor: unexpected argument “%s” (see --help)\n", argv[1]);
      return TOOL_EXIT_USAGE;
    }
  if (opt_count < 0)
    {
      g_printerr ("notification-monitor: --count must not be negative\n");
      return TOOL_EXIT_USAGE;
    }
  for (guint i = 0; opt_types != NULL && opt_types[i] != NULL; i++)
    if (*opt_types[i] == '\0' || !g_utf8_validate (opt_types[i], -1, NULL))
      {
        g_printerr ("notification-monitor: a type must be a non-empty UTF-8 string\n");
        return TOOL_EXIT_USAGE;
      }
#ifndef NOTIFICATION_BRIDGE_HAS_JSON
  if (opt_json)
    {
      g_printerr ("notification-monitor: --json is not available (built without json-glib)\n");
      return TOOL_EXIT_USAGE;
    }
#endif

  if (opt_execute != NULL && opt_jupyter == NULL)
    {
      g_printerr ("notification-monitor: --execute needs --jupyter\n");
      return TOOL_EXIT_USAGE;
    }
  if (opt_jupyter != NULL && tool_zmq_requested ())
    {
      g_printerr ("notification-monitor: --jupyter and --zmq exclude each other\n");
      return TOOL_EXIT_USAGE;
    }
  if (opt_jupyter != NULL)
    {
      loop = g_main_loop_new (NULL, FALSE);
      g_unix_signal_add (SIGINT, on_signal, NULL);
      g_unix_signal_add (SIGTERM, on_signal, NULL);
      exit_status = tool_jupyter_run (opt_jupyter, opt_execute, opt_types, print_notification, loop);
      g_main_loop_unref (loop);
      return exit_status;
    }
  if (tool_zmq_requested ())
    return tool_zmq_monitor (print_notification, opt_types, &loop);

  connection = tool_connect (opt_address, &error);
  if (connection == NULL)
    {
      g_printerr ("notification-monitor: cannot connect to %s: %s\n",
                  opt_address != NULL ? opt_address : "the session bus", error->message);
      return TOOL_EXIT_FAILURE;
    }
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  bridge = tool_bridge (center, connection, &error);
  if (bridge == NULL)
    {
      g_printerr ("notification-monitor: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), NULL);
  g_unix_signal_add (SIGINT, on_signal, NULL);
  g_unix_signal_add (SIGTERM, on_signal, NULL);

  notification_center_add_observer (center, NULL, NULL, print_notification, NULL, NULL);
  if (opt_types == NULL)
    notification_dbus_bridge_subscribe (bridge, NULL);
  else
    for (guint i = 0; opt_types[i] != NULL; i++)
      notification_dbus_bridge_subscribe (bridge, opt_types[i]);

  g_main_loop_run (loop);

  g_main_loop_unref (loop);
  g_strfreev (opt_types);
  g_free (opt_address);
  return exit_status;
}
