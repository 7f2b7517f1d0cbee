/* notification-zmq-context.c: the process's ZeroMQ context
 *
 * Every ZeroMQ socket of the bridge library lives in one context per
 * process: inproc:// endpoints connect only within a context, and a ZAP
 * handler (CURVE allow-lists) serves the sockets of its context. The
 * context is made on first use and never terminated: zmq_ctx_term()
 * waits for every socket of every user, which a library cannot know
 * about at exit; the process's exit frees it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <zmq.h>

#include "notification-zmq-context-private.h"

/*
 * notification_zmq_context_get:
 *
 * Returns: (transfer none): the process's ZeroMQ context, thread-safe
 */
void *
notification_zmq_context_get (void)
{
  static gsize context = 0;

  if (g_once_init_enter (&context))
    {
      void *made = zmq_ctx_new ();

      if (made == NULL)
        g_error ("zmq_ctx_new: %s", zmq_strerror (zmq_errno ()));
      /* Closing a socket must not block: it flushes with the socket's own
       * finite ZMQ_LINGER, set by its owner. */
      zmq_ctx_set (made, ZMQ_BLOCKY, 0);
      g_once_init_leave (&context, (gsize) made);
    }

  return (void *) context;
}
