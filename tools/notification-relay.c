/* notification-relay: forwards ZeroMQ notifications between many publishers and many subscribers
 *
 * notification-relay [OPTIONS] FRONTEND BACKEND binds an XSUB socket to
 * FRONTEND, where publishers connect, and an XPUB socket to BACKEND,
 * where subscribers connect, and runs zmq_proxy_steerable() between them
 * in a thread of its own: notifications go down, subscriptions go up
 * (XPUB passes the first subscription to a type and the last
 * unsubscription upstream; XSUB sends what it is subscribed to to every
 * publisher that connects), so a publisher behind the relay still only
 * sends the types some subscriber wants.
 *
 * The main thread runs a GMainLoop for the signals (g_unix_signal_add():
 * the handlers only wake the loop) and talks to the proxy over its
 * control socket: SIGUSR1 asks for STATISTICS and prints them, SIGINT
 * and SIGTERM send TERMINATE. The proxy thread blocks those signals, so
 * that its zmq_poll() is never interrupted.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include <glib-unix.h>
#include <zmq.h>

#include "tool-common.h"
#include "notification-zmq-auth-private.h"
#include "notification-zmq-context-private.h"

#define CONTROL_ENDPOINT "inproc://notification-relay-control"

static char *opt_frontend_secret;
static char *opt_frontend_allowed;
static char *opt_backend_secret;
static char *opt_backend_allowed;
static gboolean opt_allow_insecure;
static int opt_hwm = -1;

typedef struct
{
  const char                *name;      /* "frontend", "backend" */
  const char                *endpoint;  /* as given */
  const char                *secret_file;
  const char                *allowed_file;
  void                      *socket;
  NotificationZmqAuthDomain *domain;    /* (owned) (nullable) CURVE only */
  char                       bound[256];
} Side;

typedef struct
{
  GMainLoop *loop;
  void      *control;   /* the main thread's end */
  GThread   *proxy;
  int        proxy_rc;
  int        proxy_errno;
  Side      *sides;
} Relay;

/* Whether HOST (of tcp://HOST:PORT) is a loopback address. */
static gboolean
host_is_loopback (const char *host,
                  gsize       len)
{
  g_autofree char *h = g_strndup (host, len);
  GInetAddress *address;
  gboolean loopback;

  /* as the bridges do (doc/zeromq-bridge.md, Security) */
  if (g_str_equal (h, "localhost") || g_str_equal (h, "lo"))
    return TRUE;
  if (h[0] == '[' && len > 2 && h[len - 1] == ']')
    {
      char *inner = g_strndup (h + 1, len - 2);
      g_free (h);
      h = inner;
    }
  address = g_inet_address_new_from_string (h);
  if (address == NULL)
    return FALSE;   /* an interface name, "*", a host name: not known to be loopback */
  loopback = g_inet_address_get_is_loopback (address);
  g_object_unref (address);
  return loopback;
}

/* Plain TCP on anything but loopback is refused without CURVE. */
static gboolean
endpoint_is_exposed (const char *endpoint)
{
  const char *host;
  const char *colon;

  if (!g_str_has_prefix (endpoint, "tcp://"))
    return FALSE;
  host = endpoint + strlen ("tcp://");
  /* tcp://SOURCE;HOST:PORT is for connecting; a bind has no ';' */
  colon = strrchr (host, ':');
  if (colon == NULL)
    return TRUE;
  return !host_is_loopback (host, colon - host);
}

static gboolean
side_open (Side    *side,
           int      type,
           GError **error)
{
  void *context = notification_zmq_context_get ();
  int linger = 200;

  side->socket = zmq_socket (context, type);
  if (side->socket == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s",
                   side->name, zmq_strerror (zmq_errno ()));
      return FALSE;
    }
  zmq_setsockopt (side->socket, ZMQ_LINGER, &linger, sizeof linger);
  if (opt_hwm >= 0)
    {
      zmq_setsockopt (side->socket, ZMQ_SNDHWM, &opt_hwm, sizeof opt_hwm);
      zmq_setsockopt (side->socket, ZMQ_RCVHWM, &opt_hwm, sizeof opt_hwm);
    }

  if (side->secret_file != NULL)
    {
      g_autofree char *secret = NULL;
      g_auto(GStrv) allowed = NULL;
      int yes = 1;

      if (!notification_zmq_load_curve_keypair (side->secret_file, NULL, &secret, error))
        return FALSE;
      if (side->allowed_file != NULL)
        {
          allowed = notification_zmq_load_curve_allowed_keys (side->allowed_file, error);
          if (allowed == NULL)
            {
              memset (secret, 0, strlen (secret));
              return FALSE;
            }
        }
      zmq_setsockopt (side->socket, ZMQ_CURVE_SERVER, &yes, sizeof yes);
      zmq_setsockopt (side->socket, ZMQ_CURVE_SECRETKEY, secret, strlen (secret));
      memset (secret, 0, strlen (secret));

      /* a domain also with no list: its clients are counted */
      side->domain = notification_zmq_auth_domain_new ((const char * const *) allowed, error);
      if (side->domain == NULL ||
          !notification_zmq_auth_domain_apply (side->domain, side->socket, error))
        return FALSE;
    }

  if (zmq_bind (side->socket, side->endpoint) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot bind the %s to %s: %s",
                   side->name, side->endpoint, zmq_strerror (zmq_errno ()));
      return FALSE;
    }
  {
    size_t size = sizeof side->bound;

    if (zmq_getsockopt (side->socket, ZMQ_LAST_ENDPOINT, side->bound, &size) != 0)
      g_strlcpy (side->bound, side->endpoint, sizeof side->bound);
  }
  return TRUE;
}

static gpointer
proxy_thread (gpointer data)
{
  Relay *relay = data;
  void *control = zmq_socket (notification_zmq_context_get (), ZMQ_PAIR);

  /* connects to the main thread's bound end */
  zmq_connect (control, CONTROL_ENDPOINT);
  relay->proxy_rc = zmq_proxy_steerable (relay->sides[0].socket, relay->sides[1].socket,
                                         NULL, control);
  relay->proxy_errno = zmq_errno ();
  zmq_close (control);
  /* wake the main loop if the proxy ended on its own */
  g_main_loop_quit (relay->loop);
  return NULL;
}

/* STATISTICS: eight 64-bit counters, frontend then backend, each
 * messages in, bytes in, messages out, bytes out (whole multipart
 * messages; the bytes of every part, measured with libzmq 4.3.4). */
static gboolean
ask_statistics (Relay   *relay,
                guint64  counters[8])
{
  if (zmq_send (relay->control, "STATISTICS", 10, 0) != 10)
    return FALSE;
  for (guint i = 0; i < 8; i++)
    {
      int more = 0;
      size_t len = sizeof more;

      if (zmq_recv (relay->control, &counters[i], sizeof counters[i], 0) != sizeof counters[i])
        return FALSE;
      zmq_getsockopt (relay->control, ZMQ_RCVMORE, &more, &len);
      if (more != (i < 7))
        return FALSE;
    }
  return TRUE;
}

static gboolean
on_sigusr1 (gpointer user_data)
{
  Relay *relay = user_data;
  guint64 c[8];

  if (!ask_statistics (relay, c))
    {
      g_printerr ("notification-relay: the proxy did not answer STATISTICS: %s\n",
                  zmq_strerror (zmq_errno ()));
      return G_SOURCE_CONTINUE;
    }

  /* frontend: in = notifications from publishers, out = subscriptions
   * to them; backend: in = subscriptions, out = notifications */
  g_print ("statistics: down-messages=%" G_GUINT64_FORMAT " down-bytes=%" G_GUINT64_FORMAT
           " down-sent-messages=%" G_GUINT64_FORMAT " down-sent-bytes=%" G_GUINT64_FORMAT
           " up-subscriptions=%" G_GUINT64_FORMAT " up-bytes=%" G_GUINT64_FORMAT,
           c[0], c[1], c[6], c[7], c[4], c[5]);
  for (guint i = 0; i < 2; i++)
    if (relay->sides[i].domain != NULL)
      g_print (" %s-accepted=%" G_GUINT64_FORMAT " %s-denied=%" G_GUINT64_FORMAT,
               relay->sides[i].name,
               notification_zmq_auth_domain_get_accepted (relay->sides[i].domain),
               relay->sides[i].name,
               notification_zmq_auth_domain_get_denied (relay->sides[i].domain));
  g_print ("\n");
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Relay *relay = user_data;

  g_main_loop_quit (relay->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "frontend-secret-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_frontend_secret,
      "Make the frontend a CURVE server with the secret key in FILE (see notification-keygen)", "FILE" },
    { "frontend-allowed-keys", 0, 0, G_OPTION_ARG_FILENAME, &opt_frontend_allowed,
      "Accept only the publishers whose public keys FILE lists (one per line)", "FILE" },
    { "backend-secret-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_backend_secret,
      "Make the backend a CURVE server with the secret key in FILE", "FILE" },
    { "backend-allowed-keys", 0, 0, G_OPTION_ARG_FILENAME, &opt_backend_allowed,
      "Accept only the subscribers whose public keys FILE lists", "FILE" },
    { "allow-insecure", 0, 0, G_OPTION_ARG_NONE, &opt_allow_insecure,
      "Allow binding plain TCP (no CURVE) to an address other than loopback", NULL },
    { "hwm", 0, 0, G_OPTION_ARG_INT, &opt_hwm,
      "The high-water mark of both sockets, in messages (default: libzmq's, 1000; 0: none)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options =
    g_option_context_new ("FRONTEND BACKEND - forward notifications between ZeroMQ publishers and subscribers");
  g_autoptr(GError) error = NULL;
  Side sides[2] = {
    { .name = "frontend" },
    { .name = "backend" },
  };
  Relay relay = { .sides = sides };
  sigset_t block, saved;
  int status = TOOL_EXIT_OK;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_description (options,
    "Publishers (notification-post --zmq, NotificationZmqPublisher) connect to\n"
    "FRONTEND, subscribers (notification-monitor --zmq, NotificationZmqSubscriber)\n"
    "to BACKEND; both are bound here (tcp://HOST:PORT, ipc://PATH). Subscriptions\n"
    "travel up to the publishers, which send only the types someone wants.\n"
    "\n"
    "With a secret key a side is a CURVE server: its clients need its public key\n"
    "(the .pub file beside the secret one) and a key pair of their own; with an\n"
    "allow-list only the listed client keys get in. Plain TCP on an address other\n"
    "than loopback is refused unless --allow-insecure.\n"
    "\n"
    "At start the relay prints \"frontend ENDPOINT\" and \"backend ENDPOINT\" (the\n"
    "bound addresses, ports resolved). On SIGUSR1 it prints one \"statistics:\"\n"
    "line: messages and bytes down (publishers to subscribers) and up (subscription\n"
    "messages), and with CURVE the clients accepted and denied per side. SIGINT\n"
    "or SIGTERM end it.\n"
    "\n"
    "Exit status: 0 ended by a signal, 1 a runtime failure (a key file, a bind),\n"
    "2 bad arguments.");

  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("notification-relay: %s\n", error->message);
      return TOOL_EXIT_USAGE;
    }
  if (argc != 3)
    {
      g_printerr ("notification-relay: give FRONTEND and BACKEND (see --help)\n");
      return TOOL_EXIT_USAGE;
    }
  if (opt_hwm < -1)
    {
      g_printerr ("notification-relay: --hwm must not be negative\n");
      return TOOL_EXIT_USAGE;
    }
  sides[0].endpoint = argv[1];
  sides[0].secret_file = opt_frontend_secret;
  sides[0].allowed_file = opt_frontend_allowed;
  sides[1].endpoint = argv[2];
  sides[1].secret_file = opt_backend_secret;
  sides[1].allowed_file = opt_backend_allowed;

  for (guint i = 0; i < 2; i++)
    {
      if (sides[i].allowed_file != NULL && sides[i].secret_file == NULL)
        {
          g_printerr ("notification-relay: --%s-allowed-keys needs --%s-secret-key (an allow-list is for a CURVE server)\n",
                      sides[i].name, sides[i].name);
          return TOOL_EXIT_USAGE;
        }
      if (sides[i].secret_file == NULL && !opt_allow_insecure &&
          endpoint_is_exposed (sides[i].endpoint))
        {
          g_printerr ("notification-relay: refusing to bind the %s to %s without CURVE "
                      "(give --%s-secret-key, a loopback address, or --allow-insecure)\n",
                      sides[i].name, sides[i].endpoint, sides[i].name);
          return TOOL_EXIT_USAGE;
        }
    }
  if (!zmq_has ("curve") && (opt_frontend_secret != NULL || opt_backend_secret != NULL))
    {
      g_printerr ("notification-relay: this libzmq has no CURVE\n");
      return TOOL_EXIT_FAILURE;
    }

  if (!side_open (&sides[0], ZMQ_XSUB, &error) ||
      !side_open (&sides[1], ZMQ_XPUB, &error))
    {
      g_printerr ("notification-relay: %s\n", error->message);
      status = TOOL_EXIT_FAILURE;
      goto out;
    }

  relay.control = zmq_socket (notification_zmq_context_get (), ZMQ_PAIR);
  if (relay.control != NULL)
    {
      int timeout = 2000;   /* a proxy that ended does not answer STATISTICS */

      zmq_setsockopt (relay.control, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
      zmq_setsockopt (relay.control, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
    }
  if (relay.control == NULL || zmq_bind (relay.control, CONTROL_ENDPOINT) != 0)
    {
      g_printerr ("notification-relay: the control socket: %s\n", zmq_strerror (zmq_errno ()));
      status = TOOL_EXIT_FAILURE;
      goto out;
    }

  relay.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGUSR1, on_sigusr1, &relay);
  g_unix_signal_add (SIGINT, on_quit_signal, &relay);
  g_unix_signal_add (SIGTERM, on_quit_signal, &relay);

  /* The proxy thread blocks the signals (it inherits the mask); the
   * sockets pass to it with the thread's start, a full barrier. */
  sigemptyset (&block);
  sigaddset (&block, SIGUSR1);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &block, &saved);
  relay.proxy = g_thread_new ("notification-relay-proxy", proxy_thread, &relay);
  pthread_sigmask (SIG_SETMASK, &saved, NULL);

  g_print ("frontend %s\nbackend %s\n", sides[0].bound, sides[1].bound);
  fflush (stdout);

  g_main_loop_run (relay.loop);

  zmq_send (relay.control, "TERMINATE", 9, ZMQ_DONTWAIT);
  g_thread_join (relay.proxy);
  if (relay.proxy_rc != 0)
    {
      g_printerr ("notification-relay: the proxy failed: %s\n", zmq_strerror (relay.proxy_errno));
      status = TOOL_EXIT_FAILURE;
    }

out:
  if (relay.control != NULL)
    zmq_close (relay.control);
  for (guint i = 0; i < 2; i++)
    {
      if (sides[i].socket != NULL)
        zmq_close (sides[i].socket);
      notification_zmq_auth_domain_free (sides[i].domain);
    }
  g_clear_pointer (&relay.loop, g_main_loop_unref);
  return status;
}
