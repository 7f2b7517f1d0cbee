/* tool-zmq.c: the ZeroMQ mode of notification-monitor and notification-post
 *
 * --zmq ENDPOINT connects, --zmq-bind ENDPOINT binds; the CURVE options
 * take a key as Z85 text or the name of a file holding it. The post waits
 * until the XPUB socket holds a subscription for its type (ZeroMQ's slow
 * joiner would otherwise lose its one message), posts, waits until the
 * publisher sent it, and shuts ZeroMQ down, which waits for the socket to
 * flush (doc/zeromq-bridge.md, Tools).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib-unix.h>

#include "tool-common.h"
#include "tool-zmq.h"

static char *opt_connect;
static char *opt_bind;
static char *opt_server_key;
static char *opt_public_key;
static char *opt_secret_key;
static char *opt_allowed_keys;
static gboolean opt_allow_insecure;
static double opt_timeout = 10.0;

GOptionGroup *
tool_zmq_option_group (gboolean for_post)
{
  const GOptionEntry entries[] = {
    { "zmq", 0, 0, G_OPTION_ARG_STRING, &opt_connect,
      "Connect to the ZeroMQ ENDPOINT (tcp://HOST:PORT, ipc://PATH) instead of D-Bus", "ENDPOINT" },
    { "zmq-bind", 0, 0, G_OPTION_ARG_STRING, &opt_bind,
      "Bind the ZeroMQ ENDPOINT instead of using D-Bus", "ENDPOINT" },
    { "curve-server-key", 0, 0, G_OPTION_ARG_STRING, &opt_server_key,
      "With --zmq: the CURVE server's public key (Z85 text, or a file holding it)", "KEY" },
    { "curve-public-key", 0, 0, G_OPTION_ARG_STRING, &opt_public_key,
      "With --zmq: this client's CURVE public key (default: a fresh key pair)", "KEY" },
    { "curve-secret-key", 0, 0, G_OPTION_ARG_STRING, &opt_secret_key,
      "With --zmq-bind: the CURVE server's secret key; with --zmq: the client's", "KEY" },
    { "curve-allowed-keys", 0, 0, G_OPTION_ARG_FILENAME, &opt_allowed_keys,
      "With --zmq-bind and --curve-secret-key: accept only the clients whose public keys FILE lists", "FILE" },
    { "allow-insecure", 0, 0, G_OPTION_ARG_NONE, &opt_allow_insecure,
      "Allow --zmq-bind of a TCP address other than loopback without CURVE", NULL },
    { NULL }
  };
  const GOptionEntry post_entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &opt_timeout,
      "With --zmq or --zmq-bind: wait at most SECONDS for a subscriber (default 10)", "SECONDS" },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("zmq", "ZeroMQ options (doc/zeromq-bridge.md)",
                                            "Show the ZeroMQ options", NULL, NULL);

  g_option_group_add_entries (group, entries);
  if (for_post)
    g_option_group_add_entries (group, post_entries);
  return group;
}

gboolean
tool_zmq_requested (void)
{
  return opt_connect != NULL || opt_bind != NULL;
}

gboolean
tool_zmq_check_args (const char  *program,
                     GError     **error)
{
  if (opt_connect != NULL && opt_bind != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--zmq and --zmq-bind exclude each other");
      return FALSE;
    }
  if (!tool_zmq_requested () &&
      (opt_server_key != NULL || opt_public_key != NULL || opt_secret_key != NULL ||
       opt_allowed_keys != NULL || opt_allow_insecure))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "the CURVE options and --allow-insecure need --zmq or --zmq-bind");
      return FALSE;
    }
  if (opt_allowed_keys != NULL && (opt_bind == NULL || opt_secret_key == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--curve-allowed-keys is for the CURVE server: it needs --zmq-bind and --curve-secret-key");
      return FALSE;
    }
  if (opt_timeout <= 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--timeout must be positive");
      return FALSE;
    }
#ifndef NOTIFICATION_BRIDGE_HAS_ZEROMQ
  if (tool_zmq_requested ())
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--zmq is not available (built without libzmq)");
      return FALSE;
    }
#endif
  return TRUE;
}

#ifdef NOTIFICATION_BRIDGE_HAS_ZEROMQ
/* A key: Z85 text, or a key file (notification-keygen's: a secret key
 * file must be private, mode 0600; a public key is read from a .pub
 * file or the like). */
static char *
read_key (const char  *value,
          gboolean     secret,
          GError     **error)
{
  char *key = NULL;

  if (value == NULL)
    return NULL;
  if (notification_zmq_curve_key_is_valid (value) && !g_file_test (value, G_FILE_TEST_EXISTS))
    return g_strdup (value);
  if (secret)
    {
      if (!notification_zmq_load_curve_keypair (value, NULL, &key, error))
        return NULL;
      return key;
    }
  return notification_zmq_load_curve_public_key (value, error);
}

static gpointer
make_bridge (GType                type,
             NotificationCenter  *center,
             GError             **error)
{
  g_autofree char *server_key = NULL, *public_key = NULL, *secret_key = NULL;
  g_auto(GStrv) allowed_keys = NULL;
  GError *key_error = NULL;
  gpointer bridge;

  server_key = read_key (opt_server_key, FALSE, &key_error);
  if (key_error == NULL)
    public_key = read_key (opt_public_key, FALSE, &key_error);
  if (key_error == NULL)
    secret_key = read_key (opt_secret_key, TRUE, &key_error);
  /* a client's key pair from its secret key alone */
  if (key_error == NULL && secret_key != NULL && public_key == NULL && opt_bind == NULL)
    public_key = notification_zmq_curve_public_key_for_secret (secret_key, &key_error);
  if (key_error == NULL && opt_allowed_keys != NULL)
    allowed_keys = notification_zmq_load_curve_allowed_keys (opt_allowed_keys, &key_error);
  if (key_error != NULL)
    {
      if (secret_key != NULL)
        memset (secret_key, 0, strlen (secret_key));
      g_propagate_prefixed_error (error, key_error, "Cannot read a CURVE key: ");
      return NULL;
    }

  bridge = g_initable_new (type, NULL, error,
                           "center", center,
                           "endpoint", opt_bind != NULL ? opt_bind : opt_connect,
                           "bind", opt_bind != NULL,
                           "allow-insecure", opt_allow_insecure,
                           "curve-server-key", server_key,
                           "curve-public-key", public_key,
                           "curve-secret-key", secret_key,
                           "curve-allowed-keys", allowed_keys,
                           NULL);
  if (secret_key != NULL)
    memset (secret_key, 0, strlen (secret_key));
  return bridge;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
tool_zmq_monitor (NotificationCallback   print,
                  char                 **types,
                  GMainLoop            **loop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  g_autoptr(NotificationZmqSubscriber) subscriber = NULL;
  guint sigint, sigterm;

  subscriber = make_bridge (NOTIFICATION_TYPE_ZMQ_SUBSCRIBER, center, &error);
  if (subscriber == NULL)
    {
      g_printerr ("notification-monitor: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }

  *loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, quit_cb, *loop);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, *loop);
  notification_center_add_observer (center, NULL, NULL, print, NULL, NULL);
  if (types == NULL)
    notification_zmq_subscriber_subscribe (subscriber, NULL);
  else
    for (guint i = 0; types[i] != NULL; i++)
      notification_zmq_subscriber_subscribe (subscriber, types[i]);

  g_main_loop_run (*loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_clear_object (&subscriber);
  g_clear_pointer (loop, g_main_loop_unref);
  return TOOL_EXIT_OK;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

int
tool_zmq_post (NotificationCenter *center,
               const char         *type,
               GVariant           *user_info)
{
  g_autoptr(GError) error = NULL;
  NotificationZmqPublisher *publisher;
  gboolean timed_out = FALSE;
  guint timeout_id;
  guint64 dropped;

  publisher = make_bridge (NOTIFICATION_TYPE_ZMQ_PUBLISHER, center, &error);
  if (publisher == NULL)
    {
      g_printerr ("notification-post: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }

  /* ZeroMQ's slow joiner: wait until a subscriber for the type is there */
  timeout_id = g_timeout_add ((guint) (opt_timeout * 1000), timed_out_cb, &timed_out);
  while (!notification_zmq_publisher_is_wanted (publisher, type) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    {
      g_printerr ("notification-post: no subscriber for “%s” within %g s\n", type, opt_timeout);
      g_object_unref (publisher);
      return TOOL_ZMQ_EXIT_NO_SUBSCRIBER;
    }

  /* the publisher sends on this context; it may unsubscribe meanwhile */
  notification_center_post (center, type, NULL, user_info);
  while (notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (publisher)) == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  dropped = timed_out ? 1 : notification_zmq_publisher_get_n_dropped (publisher);
  g_object_unref (publisher);

  /* the socket is closed: wait for it to flush (its linger at most) */
  if (!notification_zmq_shutdown (&error))
    {
      g_printerr ("notification-post: %s\n", error->message);
      return TOOL_EXIT_FAILURE;
    }
  if (dropped > 0)
    {
      g_printerr ("notification-post: the subscriber was too slow; the notification was dropped\n");
      return TOOL_EXIT_FAILURE;
    }
  return TOOL_EXIT_OK;
}
#else
int
tool_zmq_monitor (NotificationCallback   print,
                  char                 **types,
                  GMainLoop            **loop)
{
  return TOOL_EXIT_USAGE;
}

int
tool_zmq_post (NotificationCenter *center,
               const char         *type,
               GVariant           *user_info)
{
  return TOOL_EXIT_USAGE;
}
#endif
