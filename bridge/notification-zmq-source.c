/* notification-zmq-source.c: a ZeroMQ socket in a GMainContext
 *
 * `ZMQ_FD` is edge-triggered: it becomes readable when the socket's
 * command mailbox changes, not while a message waits, and any zmq_recv(),
 * zmq_send() or `ZMQ_EVENTS` query may consume the edge. So the source
 * asks `ZMQ_EVENTS` in prepare (messages already queued, left over from a
 * bounded dispatch, or made pending by a send on the same socket: the fd
 * will not fire for them) and in check (the fd can fire with nothing to
 * read), and dispatch reads whole messages while the socket says readable,
 * at most a batch per dispatch so other sources get their turn; prepare
 * picks up the rest. No timer, no thread. Measured in
 * ../shared/notes/zeromq-and-jupyter.md: one read per wake-up hangs with
 * messages still queued; this pattern received 11113 of 11113.
 *
 * A ZeroMQ socket belongs to one thread: attach the source to the context
 * of the thread that made the socket, and close the socket there after
 * destroying the source.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <zmq.h>

#include "notification-zmq-source-private.h"

/* Messages per dispatch. */
#define BATCH 64

typedef struct
{
  GSource  source;
  void    *socket;   /* (unowned) */
  guint    max_frames;
  gpointer fd_tag;
} NotificationZmqSource;

/*
 * notification_zmq_socket_readable:
 * @socket: a ZeroMQ socket
 *
 * Whether a whole message can be received now (`ZMQ_EVENTS` has
 * `ZMQ_POLLIN`). Asking consumes the fd's edge, like any socket call.
 */
gboolean
notification_zmq_socket_readable (void *socket)
{
  int events = 0;
  size_t len = sizeof events;

  if (zmq_getsockopt (socket, ZMQ_EVENTS, &events, &len) != 0)
    return FALSE;
  return (events & ZMQ_POLLIN) != 0;
}

static gboolean
zmq_source_prepare (GSource *source,
                    int     *timeout)
{
  NotificationZmqSource *self = (NotificationZmqSource *) source;

  *timeout = -1;
  return notification_zmq_socket_readable (self->socket);
}

static gboolean
zmq_source_check (GSource *source)
{
  NotificationZmqSource *self = (NotificationZmqSource *) source;

  return notification_zmq_socket_readable (self->socket);
}

/* Reads one whole message (every part); FALSE when none was waiting. */
static gboolean
receive_message (NotificationZmqSource  *self,
                 NotificationZmqMessage *message)
{
  int more = 1;

  message->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  message->n_frames = 0;
  message->size = 0;

  while (more)
    {
      zmq_msg_t part;
      size_t len = sizeof more;
      int rc;

      zmq_msg_init (&part);
      do
        rc = zmq_msg_recv (&part, self->socket, message->n_frames == 0 ? ZMQ_DONTWAIT : 0);
      while (rc < 0 && errno == EINTR);

      if (rc < 0)
        {
          zmq_msg_close (&part);
          /* The later parts of a message arrive with the first. */
          g_clear_pointer (&message->frames, g_ptr_array_unref);
          return FALSE;
        }

      message->n_frames++;
      message->size += zmq_msg_size (&part);
      if (message->frames->len < self->max_frames)
        g_ptr_array_add (message->frames,
                         g_bytes_new (zmq_msg_data (&part), zmq_msg_size (&part)));

      if (zmq_getsockopt (self->socket, ZMQ_RCVMORE, &more, &len) != 0)
        more = 0;
      zmq_msg_close (&part);
    }

  return TRUE;
}

static gboolean
zmq_source_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  NotificationZmqSource *self = (NotificationZmqSource *) source;
  NotificationZmqSourceFunc func = (NotificationZmqSourceFunc) (void (*) (void)) callback;

  if (func == NULL)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < BATCH; i++)
    {
      NotificationZmqMessage message;
      gboolean keep;

      if (!receive_message (self, &message))
        break;

      keep = func (self->socket, &message, user_data);
      g_ptr_array_unref (message.frames);
      if (!keep)
        return G_SOURCE_REMOVE;
      if (g_source_is_destroyed (source))
        break;
    }

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs zmq_source_funcs = {
  .prepare = zmq_source_prepare,
  .check = zmq_source_check,
  .dispatch = zmq_source_dispatch,
};

/*
 * notification_zmq_source_new:
 * @socket: a ZeroMQ socket, made by the thread that will run the source
 * @max_frames: the most frames of one message kept (the rest are read
 *   and counted in [struct@ZmqMessage].n_frames, not kept)
 * @func: called once per whole message, on the source's context
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the source goes
 *
 * Makes a source that calls @func for every message @socket receives.
 * The source does not own @socket: destroy the source, then close the
 * socket.
 *
 * Returns: (transfer full): a new source, not attached
 */
GSource *
notification_zmq_source_new (void                      *socket,
                             guint                      max_frames,
                             NotificationZmqSourceFunc  func,
                             gpointer                   user_data,
                             GDestroyNotify             destroy)
{
  GSource *source;
  NotificationZmqSource *self;
  int fd = -1;
  size_t len = sizeof fd;

  g_return_val_if_fail (socket != NULL, NULL);
  g_return_val_if_fail (max_frames > 0, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  if (zmq_getsockopt (socket, ZMQ_FD, &fd, &len) != 0)
    {
      g_critical ("notification_zmq_source_new: ZMQ_FD: %s", zmq_strerror (errno));
      return NULL;
    }

  source = g_source_new (&zmq_source_funcs, sizeof (NotificationZmqSource));
  self = (NotificationZmqSource *) source;
  self->socket = socket;
  self->max_frames = max_frames;
  self->fd_tag = g_source_add_unix_fd (source, fd, G_IO_IN);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) func, user_data, destroy);
  g_source_set_static_name (source, "[libnotification-bridge] ZeroMQ socket");

  return source;
}
