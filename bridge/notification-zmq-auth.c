/* notification-zmq-auth.c: the process's ZAP handler (CURVE allow-lists)
 *
 * A CURVE server asks the ZAP handler of its context (RFC 27, a REP
 * socket bound to inproc://zeromq.zap.01) whether to accept each client
 * that completed the handshake; there is one such endpoint per context,
 * and the library has one context per process
 * (notification-zmq-context.c), so this file serves every server socket
 * of the library. Each server socket that wants an allow-list registers
 * a domain (a unique name, "libnotification-<pid>-<n>") with its keys and
 * sets ZMQ_ZAP_DOMAIN to it before binding; the handler answers by the
 * request's domain:
 *
 * - a registered domain: a CURVE client whose public key is in the
 *   domain's list is accepted (status 200, user id = its key in Z85, so
 *   messages carry it as "User-Id"); any other client is denied (400) and
 *   counted. A domain registered with a NULL list accepts every client
 *   that completed the CURVE handshake (it has the server's public key
 *   and its own key pair), counted too. A domain's socket that is not a
 *   CURVE client (NULL or PLAIN mechanism) is denied.
 * - the empty domain (a socket that set none): accepted, as libzmq does
 *   for CURVE without a handler, so that a server without an allow-list
 *   behaves the same whether or not another socket made this handler run.
 * - any other domain (unregistered, or gone): denied, fail closed.
 *
 * libzmq skips ZAP when no handler is bound (ZMQ_ZAP_ENFORCE_DOMAIN is
 * draft API, not in Debian's build), so the handler must be bound before
 * a server with an allow-list binds: notification_zmq_auth_domain_new()
 * and _apply() (given the open server socket, so in the socket's
 * context) start it, wait for its bind and fail if the bind failed. It
 * is a thread of its own blocked in zmq_recv() (a zmq socket belongs to
 * one thread), which costs nothing while nobody connects, and lives as
 * long as its context: when the context is terminated its socket gets
 * ETERM, it closes it (so that zmq_ctx_term() returns) and ends, and the
 * next domain or apply starts one in the next context.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <zmq.h>

#include "notification-zmq-auth-private.h"
#include "notification-zmq-context-private.h"

#define KEY_TEXT_LENGTH 40
#define MAX_REQUEST_FRAMES 16

struct _NotificationZmqAuthDomain
{
  char       *name;
  GHashTable *allowed;   /* (owned) (nullable) Z85 text; NULL: any CURVE client; protected by auth.lock */
  guint64     denied;    /* protected by auth.lock */
  guint64     accepted;  /* protected by auth.lock */
};

static struct
{
  GMutex      lock;
  GCond       cond;
  GHashTable *domains;     /* name → (unowned) domain, protected by lock */
  GThread    *thread;      /* (owned) (nullable) */
  void       *context;     /* (unowned) the context the handler serves, protected by lock */
  gboolean    bound;       /* the handler answers; protected by lock */
  gboolean    running;     /* the thread has not finished; protected by lock */
  gboolean    starting;    /* protected by lock */
  int         bind_errno;  /* protected by lock */
  guint64     next_id;     /* protected by lock */
  guint64     denied_unknown; /* requests for no registered domain, protected by lock */
} auth;

static gboolean
key_is_valid (const char *key)
{
  guint8 bytes[32];

  return key != NULL && strlen (key) == KEY_TEXT_LENGTH &&
         zmq_z85_decode (bytes, key) != NULL;
}

/*
 * notification_zmq_auth_check_keys:
 * @keys: (nullable) (array zero-terminated=1): public keys, Z85 text
 * @error: return location for a #GError
 *
 * Returns: whether every key is a CURVE key in Z85 text; if not, @error
 *   (G_IO_ERROR_INVALID_ARGUMENT) names the first bad one by its index,
 *   never by its text
 */
gboolean
notification_zmq_auth_check_keys (const char * const  *keys,
                                  GError             **error)
{
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (!key_is_valid (keys[i]))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "Allowed key %u is not a CURVE public key in Z85 text (40 characters)", i);
        return FALSE;
      }
  return TRUE;
}

static GHashTable *
key_set_new (const char * const *keys)
{
  GHashTable *set;

  if (keys == NULL)
    return NULL;
  set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    g_hash_table_add (set, g_strdup (keys[i]));
  return set;
}

/* Sends one frame; the REP socket is ours, so EINTR is the only retry. */
static void
send_frame (void       *socket,
            const void *data,
            size_t      size,
            gboolean    more)
{
  int rc;

  do
    rc = zmq_send (socket, data, size, more ? ZMQ_SNDMORE : 0);
  while (rc < 0 && errno == EINTR);
}

static void
reply (void       *socket,
       zmq_msg_t  *request_id,
       const char *status,
       const char *text,
       const char *user_id)
{
  send_frame (socket, "1.0", 3, TRUE);
  if (request_id != NULL)
    send_frame (socket, zmq_msg_data (request_id), zmq_msg_size (request_id), TRUE);
  else
    send_frame (socket, "", 0, TRUE);
  send_frame (socket, status, strlen (status), TRUE);
  send_frame (socket, text, strlen (text), TRUE);
  send_frame (socket, user_id, strlen (user_id), TRUE);
  send_frame (socket, "", 0, FALSE);   /* no metadata */
}

static gboolean
frame_is (zmq_msg_t  *frame,
          const char *text)
{
  size_t len = strlen (text);

  return zmq_msg_size (frame) == len && memcmp (zmq_msg_data (frame), text, len) == 0;
}

/* Decides one request (frames: version, request id, domain, address,
 * routing id, mechanism, credentials…) and answers it. */
static void
handle_request (void      *socket,
                zmq_msg_t *frames,
                guint      n_frames)
{
  g_autofree char *domain_name = NULL;
  char key_text[KEY_TEXT_LENGTH + 1] = "";
  NotificationZmqAuthDomain *domain;
  gboolean is_curve;
  const char *status;
  const char *text;

  if (n_frames < 6 || !frame_is (&frames[0], "1.0"))
    {
      reply (socket, n_frames >= 2 ? &frames[1] : NULL, "500", "Malformed ZAP request", "");
      return;
    }

  domain_name = g_strndup (zmq_msg_data (&frames[2]), zmq_msg_size (&frames[2]));
  is_curve = frame_is (&frames[5], "CURVE") && n_frames >= 7 &&
             zmq_msg_size (&frames[6]) == 32;
  if (is_curve)
    zmq_z85_encode (key_text, zmq_msg_data (&frames[6]), 32);

  if (*domain_name == '\0')
    {
      reply (socket, &frames[1], "200", "OK", key_text);
      return;
    }

  g_mutex_lock (&auth.lock);
  domain = g_hash_table_lookup (auth.domains, domain_name);
  if (domain == NULL)
    {
      auth.denied_unknown++;
      status = "400";
      text = "Unknown domain";
    }
  else if (!is_curve)
    {
      domain->denied++;
      status = "400";
      text = "CURVE required";
    }
  else if (domain->allowed != NULL && !g_hash_table_contains (domain->allowed, key_text))
    {
      domain->denied++;
      status = "400";
      text = "Key not allowed";
    }
  else
    {
      domain->accepted++;
      status = "200";
      text = "OK";
    }
  g_mutex_unlock (&auth.lock);

  reply (socket, &frames[1], status, text, status[0] == '2' ? key_text : "");
}

static gpointer
handler_thread (gpointer data)
{
  void *socket = zmq_socket (data, ZMQ_REP);
  int linger = 0;
  int rc = -1;
  int saved = 0;

  if (socket != NULL)
    {
      zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger);
      rc = zmq_bind (socket, NOTIFICATION_ZMQ_ZAP_ENDPOINT);
    }
  saved = rc == 0 ? 0 : zmq_errno ();

  g_mutex_lock (&auth.lock);
  auth.bound = rc == 0;
  auth.bind_errno = saved;
  auth.starting = FALSE;
  g_cond_broadcast (&auth.cond);
  g_mutex_unlock (&auth.lock);

  if (rc != 0)
    {
      if (socket != NULL)
        zmq_close (socket);
      goto out;
    }

  for (;;)
    {
      zmq_msg_t frames[MAX_REQUEST_FRAMES];
      guint n_frames = 0;
      int more = 1;
      gboolean failed = FALSE;

      while (more)
        {
          zmq_msg_t part;
          size_t len = sizeof more;

          zmq_msg_init (&part);
          do
            rc = zmq_msg_recv (&part, socket, 0);
          while (rc < 0 && errno == EINTR);
          if (rc < 0)
            {
              zmq_msg_close (&part);
              failed = TRUE;
              break;
            }
          if (zmq_getsockopt (socket, ZMQ_RCVMORE, &more, &len) != 0)
            more = 0;
          if (n_frames < MAX_REQUEST_FRAMES)
            frames[n_frames++] = part;   /* moved, closed below */
          else
            zmq_msg_close (&part);
        }

      if (!failed)
        handle_request (socket, frames, n_frames);
      for (guint i = 0; i < n_frames; i++)
        zmq_msg_close (&frames[i]);
      if (failed && zmq_errno () == ETERM)
        break;
    }

  /* The context is being terminated: close, so that zmq_ctx_term()
   * can return; a later domain starts a handler in the next context. */
  zmq_close (socket);

out:
  g_mutex_lock (&auth.lock);
  auth.bound = FALSE;
  auth.running = FALSE;
  g_cond_broadcast (&auth.cond);
  g_mutex_unlock (&auth.lock);
  return NULL;
}

/* Called with auth.lock held: starts the handler once and waits until it
 * answers. */
static gboolean
ensure_handler_locked (GError **error)
{
  void *context = notification_zmq_context_get ();

  if (auth.domains == NULL)
    auth.domains = g_hash_table_new (g_str_hash, g_str_equal);

  while (auth.starting)
    g_cond_wait (&auth.cond, &auth.lock);
  if (auth.bound && auth.context == context)
    return TRUE;

  /* A handler of a terminated context (its thread ends once its socket
   * is closed), or one that failed to bind: wait for it, then start one
   * for the current context. */
  while (auth.running && auth.context != context)
    g_cond_wait (&auth.cond, &auth.lock);
  if (auth.thread != NULL && !auth.running)
    {
      g_thread_join (auth.thread);   /* it has finished: does not block */
      auth.thread = NULL;
    }

  if (auth.thread == NULL)
    {
      GError *thread_error = NULL;

      auth.starting = TRUE;
      auth.running = TRUE;
      auth.context = context;
      auth.thread = g_thread_try_new ("notification-zap", handler_thread, context, &thread_error);
      if (auth.thread == NULL)
        {
          auth.starting = FALSE;
          auth.running = FALSE;
          g_cond_broadcast (&auth.cond);
          g_propagate_prefixed_error (error, thread_error,
                                      "Cannot start the ZeroMQ authentication handler: ");
          return FALSE;
        }
      while (auth.starting)
        g_cond_wait (&auth.cond, &auth.lock);
    }

  if (!auth.bound || auth.context != context)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot bind the ZeroMQ authentication handler to %s: %s",
                   NOTIFICATION_ZMQ_ZAP_ENDPOINT, zmq_strerror (auth.bind_errno));
      return FALSE;
    }
  return TRUE;
}

/*
 * notification_zmq_auth_domain_new:
 * @allowed_keys: (nullable) (array zero-terminated=1): the public keys
 *   of the clients to accept, Z85 text; `NULL` accepts every client that
 *   completes the CURVE handshake, an empty list none
 * @error: return location for a #GError
 *
 * Registers a ZAP domain with the handler, starting the handler first
 * if it is not running. Apply it to a CURVE server socket before the
 * socket binds; free it after closing the socket. Thread-safe.
 *
 * Returns: (transfer full): the domain, or `NULL` with @error set (a
 *   key that is not a key, the handler failing to start)
 */
NotificationZmqAuthDomain *
notification_zmq_auth_domain_new (const char * const  *allowed_keys,
                                  GError             **error)
{
  NotificationZmqAuthDomain *domain;

  if (!notification_zmq_auth_check_keys (allowed_keys, error))
    return NULL;

  g_mutex_lock (&auth.lock);
  if (!ensure_handler_locked (error))
    {
      g_mutex_unlock (&auth.lock);
      return NULL;
    }
  domain = g_new0 (NotificationZmqAuthDomain, 1);
  domain->name = g_strdup_printf ("libnotification-%ld-%" G_GUINT64_FORMAT,
                                  (long) getpid (), ++auth.next_id);
  domain->allowed = key_set_new (allowed_keys);
  g_hash_table_insert (auth.domains, domain->name, domain);
  g_mutex_unlock (&auth.lock);

  return domain;
}

/*
 * notification_zmq_auth_domain_free:
 * @domain: (transfer full) (nullable): a domain
 *
 * Unregisters @domain: from now on the handler denies its requests.
 */
void
notification_zmq_auth_domain_free (NotificationZmqAuthDomain *domain)
{
  if (domain == NULL)
    return;

  g_mutex_lock (&auth.lock);
  g_hash_table_remove (auth.domains, domain->name);
  g_mutex_unlock (&auth.lock);

  g_clear_pointer (&domain->allowed, g_hash_table_unref);
  g_free (domain->name);
  g_free (domain);
}

/*
 * notification_zmq_auth_domain_get_name:
 *
 * Returns: the domain's unique name, for ZMQ_ZAP_DOMAIN
 */
const char *
notification_zmq_auth_domain_get_name (NotificationZmqAuthDomain *domain)
{
  g_return_val_if_fail (domain != NULL, NULL);

  return domain->name;
}

/*
 * notification_zmq_auth_domain_set_allowed_keys:
 *
 * Replaces the keys; later handshakes use the new list (connected
 * clients stay connected). Thread-safe.
 */
gboolean
notification_zmq_auth_domain_set_allowed_keys (NotificationZmqAuthDomain  *domain,
                                               const char * const         *allowed_keys,
                                               GError                    **error)
{
  GHashTable *set;
  GHashTable *old;

  g_return_val_if_fail (domain != NULL, FALSE);

  if (!notification_zmq_auth_check_keys (allowed_keys, error))
    return FALSE;

  set = key_set_new (allowed_keys);
  g_mutex_lock (&auth.lock);
  old = domain->allowed;
  domain->allowed = set;
  g_mutex_unlock (&auth.lock);
  g_clear_pointer (&old, g_hash_table_unref);
  return TRUE;
}

/*
 * notification_zmq_auth_domain_apply:
 * @domain: a domain
 * @socket: a socket that is a CURVE server (ZMQ_CURVE_SERVER set), not
 *   yet bound
 *
 * Sets the socket's ZMQ_ZAP_DOMAIN to @domain's name.
 *
 * Returns: `FALSE` with @error set when @socket is not a CURVE server
 */
gboolean
notification_zmq_auth_domain_apply (NotificationZmqAuthDomain  *domain,
                                    void                       *socket,
                                    GError                    **error)
{
  int mechanism = 0;
  int server = 0;
  size_t len = sizeof mechanism;

  g_return_val_if_fail (domain != NULL, FALSE);
  g_return_val_if_fail (socket != NULL, FALSE);

  zmq_getsockopt (socket, ZMQ_MECHANISM, &mechanism, &len);
  len = sizeof server;
  zmq_getsockopt (socket, ZMQ_CURVE_SERVER, &server, &len);
  if (mechanism != ZMQ_CURVE || !server)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "An allow-list needs a CURVE server (a server secret key)");
      return FALSE;
    }

  /* The handler must answer in the socket's context before it binds
   * (libzmq accepts every client when no handler is bound). The socket
   * is open, so the current context is its context and cannot be
   * terminated under it. */
  g_mutex_lock (&auth.lock);
  if (!ensure_handler_locked (error))
    {
      g_mutex_unlock (&auth.lock);
      return FALSE;
    }
  g_mutex_unlock (&auth.lock);

  if (zmq_setsockopt (socket, ZMQ_ZAP_DOMAIN, domain->name, strlen (domain->name)) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot set the ZAP domain: %s", zmq_strerror (zmq_errno ()));
      return FALSE;
    }
  return TRUE;
}

/*
 * notification_zmq_auth_domain_get_denied:
 *
 * Returns: how many clients the handler denied for @domain so far
 */
guint64
notification_zmq_auth_domain_get_denied (NotificationZmqAuthDomain *domain)
{
  guint64 n;

  g_return_val_if_fail (domain != NULL, 0);

  g_mutex_lock (&auth.lock);
  n = domain->denied;
  g_mutex_unlock (&auth.lock);
  return n;
}

/*
 * notification_zmq_auth_domain_get_accepted:
 *
 * Returns: how many clients the handler accepted for @domain so far
 */
guint64
notification_zmq_auth_domain_get_accepted (NotificationZmqAuthDomain *domain)
{
  guint64 n;

  g_return_val_if_fail (domain != NULL, 0);

  g_mutex_lock (&auth.lock);
  n = domain->accepted;
  g_mutex_unlock (&auth.lock);
  return n;
}
