/* notification-zmq-context.c: the process's ZeroMQ context
 *
 * Every ZeroMQ socket of the bridge library lives in one context per
 * process: inproc:// endpoints connect only within a context, and a ZAP
 * handler (CURVE allow-lists) serves the sockets of its context. The
 * context is made on first use. It is not terminated behind the
 * program's back: zmq_ctx_term() waits for every socket of every user.
 * Instead the library counts the sockets it opened
 * (notification_zmq_socket_open() and _close()), and
 * notification_zmq_context_terminate() (public as notification_zmq_shutdown())
 * terminates the context only when none is open: closed sockets keep
 * sending what they queued for their finite ZMQ_LINGER, and terminating
 * waits for that, which is how notification-post makes sure its one
 * message left before the process returns. A later socket makes a new
 * context.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <zmq.h>

#include "notification-zmq-context-private.h"

static GMutex lock;
static void *context;     /* protected by @lock */
static guint n_sockets;   /* protected by @lock */

/*
 * notification_zmq_context_get:
 *
 * Returns: (transfer none): the process's ZeroMQ context, thread-safe
 */
void *
notification_zmq_context_get (void)
{
  void *ctx;

  g_mutex_lock (&lock);
  if (context == NULL)
    {
      context = zmq_ctx_new ();
      if (context == NULL)
        g_error ("zmq_ctx_new: %s", zmq_strerror (zmq_errno ()));
    }
  ctx = context;
  g_mutex_unlock (&lock);

  return ctx;
}

/*
 * notification_zmq_socket_open:
 * @type: a ZeroMQ socket type
 * @error: a place for an error
 *
 * Opens a socket in the process's context, counted until
 * notification_zmq_socket_close().
 *
 * Returns: (transfer full) (nullable): the socket
 */
void *
notification_zmq_socket_open (int      type,
                              GError **error)
{
  void *socket;

  g_mutex_lock (&lock);
  if (context == NULL)
    context = zmq_ctx_new ();
  socket = context != NULL ? zmq_socket (context, type) : NULL;
  if (socket != NULL)
    n_sockets++;
  g_mutex_unlock (&lock);

  if (socket == NULL)
    {
      int code = zmq_errno ();

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (code),
                   "Cannot open a ZeroMQ socket: %s", zmq_strerror (code));
    }
  return socket;
}

/*
 * notification_zmq_socket_close:
 * @socket: (transfer full): a socket from notification_zmq_socket_open()
 *
 * Closes @socket; what it queued is still sent for its ZMQ_LINGER.
 */
void
notification_zmq_socket_close (void *socket)
{
  zmq_close (socket);
  g_mutex_lock (&lock);
  g_assert (n_sockets > 0);
  n_sockets--;
  g_mutex_unlock (&lock);
}

/*
 * notification_zmq_context_terminate:
 * @error: a place for an error
 *
 * Terminates the context if no socket of the library is open, waiting
 * for closed sockets to send what they queued (each at most its linger).
 *
 * Returns: `FALSE` (%G_IO_ERROR_BUSY) while sockets are open
 */
gboolean
notification_zmq_context_terminate (GError **error)
{
  void *ctx;

  g_mutex_lock (&lock);
  if (n_sockets > 0)
    {
      guint n = n_sockets;

      g_mutex_unlock (&lock);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "%u ZeroMQ socket%s of the bridge library %s still open",
                   n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
      return FALSE;
    }
  ctx = context;
  context = NULL;
  g_mutex_unlock (&lock);

  if (ctx != NULL)
    while (zmq_ctx_term (ctx) != 0 && errno == EINTR)
      ;
  return TRUE;
}
