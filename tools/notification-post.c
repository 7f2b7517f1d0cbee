/* notification-post: posts one notification to the processes that want it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>

#include <string.h>

#include "tool-common.h"
#include "tool-zmq.h"

static char *opt_address;

/* KEY=VALUE: VALUE is GVariant text, or a plain string if it does not
 * parse as one. */
static gboolean
add_pair (GVariantBuilder  *builder,
          GHashTable       *seen,
          const char       *arg,
          GError          **error)
{
  const char *eq = strchr (arg, '=');
  g_autofree char *key = NULL;
  GVariant *value;

  if (eq == NULL || eq == arg)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "“%s” is not KEY=VALUE", arg);
      return FALSE;
    }
  if (!g_utf8_validate (arg, -1, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "“%s” is not UTF-8", arg);
      return FALSE;
    }
  key = g_strndup (arg, eq - arg);
  if (g_hash_table_contains (seen, key))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "the key “%s” is given twice", key);
      return FALSE;
    }

  value = g_variant_parse (NULL, eq + 1, NULL, NULL, NULL);  /* not floating */
  if (value == NULL)
    value = g_variant_ref_sink (g_variant_new_string (eq + 1));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      /* "<int32 3>" says the type: the value is the int32, not a variant */
      GVariant *inner = g_variant_get_variant (value);

      g_variant_unref (value);
      value = inner;
    }
  g_variant_builder_add (builder, "{sv}", key, value);
  g_variant_unref (value);
  g_hash_table_add (seen, g_steal_pointer (&key));
  return TRUE;
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "address", 'a', 0, G_OPTION_ARG_STRING, &opt_address,
      "Connect to the D-Bus bus or peer at ADDRESS (default: the session bus)", "ADDRESS" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("TYPE [KEY=VALUE…] - post one notification");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(NotificationCenter) center = NULL;
  g_autoptr(NotificationDBusBridge) bridge = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GVariant) user_info = NULL;
  GVariantBuilder builder;
  GAsyncResult *result = NULL;
  const char *type;
  gboolean flushed;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, tool_zmq_option_group (TRUE));
  g_option_context_set_description (options,
    "A VALUE is GVariant text (n=\"<int32 3>\", ok=true, f=0.5) or, when it\n"
    "does not parse as one, a plain string (out_string=hello).\n"
    "Exits once every process that wants it has received the notification\n"
    "(at once when none does).\n"
    "With --zmq or --zmq-bind it waits until a subscriber for TYPE is connected.\n"
    "Exit status: 0 posted, 1 connection failure, 2 bad arguments,\n"
    "3 no ZeroMQ subscriber within --timeout.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("notification-post: %s\n", error->message);
      return TOOL_EXIT_USAGE;
    }
  if (!tool_zmq_check_args ("notification-post", &error))
    {
      g_printerr ("notification-post: %s\n", error->message);
      return TOOL_EXIT_USAGE;
    }
  if (argc < 2)
    {
      g_printerr ("notification-post: no TYPE given (see --help)\n");
      return TOOL_EXIT_USAGE;
    }
  type = argv[1];
  if (*type == '\0' || !g_utf8_validate (type, -1, NULL))
    {
      g_printerr ("notification-post: a type must be a non-empty UTF-8 string\n");
      return TOOL_EXIT_USAGE;
    }
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (int i = 2; i < argc; i++)
    if (!add_pair (&builder, seen, argv[i], &error))
      {
        g_variant_builder_clear (&builder);
        g_printerr ("notification-post: %s\n", error->message);
        return TOOL_EXIT_USAGE;
      }
  user_info = g_variant_ref_sink (g_variant_builder_end (&builder));

  if (tool_zmq_requested ())
    {
      center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
      return tool_zmq_post (center, type, user_info);
    }

  connection = tool_connect (opt_address, &error);
  if (connection == NULL)
    {
      g_printerr ("notification-post: cannot connect to %s: %s\n",
                  opt_address != NULL ? opt_address : "the session bus", error->message);
      return TOOL_EXIT_FAILURE;
    }
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  /* Ready once the importers on the bus have said what they want. */
  bridge = tool_bridge (center, connection, &error);
  if (bridge == NULL)
    {
      g_printerr ("notification-post: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }

  notification_center_post (center, type, NULL, user_info);

  notification_dbus_bridge_flush (bridge, NULL, tool_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  flushed = notification_dbus_bridge_flush_finish (bridge, result, &error);
  g_object_unref (result);
  if (!flushed)
    {
      g_printerr ("notification-post: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }

  g_free (opt_address);
  return TOOL_EXIT_OK;
}
