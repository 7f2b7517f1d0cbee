/* notification-zmq-context.c: the process's ZeroMQ context
 *
 * Every ZeroMQ socket of the bridge library lives in one context per
 * process: inproc:// endpoints connect only within a context, and a ZAP
 * handler (CURVE allow-lists) serves the sockets of its context. The
 * context is made on first use and never terminated: zmq_ctx_term()
 * waits for every socket of every user, which a library cannot know
 * about at exit; the process's exit frees it. So a socket's owner sets
 * a finite ZMQ_LINGER on it and, where a message must not be lost at
 * exit (notification-post), waits for it to go before returning.
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
      g_once_init_leave (&context, (gsize) made);
    }

  return (void *) context;
}
