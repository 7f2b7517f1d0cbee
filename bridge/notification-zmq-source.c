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
  GSource    source;
  void      *socket;   /* (unowned) */
  guint      max_frames;
  gpointer   fd_tag;
  zmq_msg_t *parts;    /* (owned) (nullable) max_frames of them, when lending */
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

static int
receive_part (NotificationZmqSource *self,
              zmq_msg_t             *part,
              gboolean               first)
{
  int rc;

  do
    rc = zmq_msg_recv (part, self->socket, first ? ZMQ_DONTWAIT : 0);
  while (rc < 0 && errno == EINTR);
  return rc;
}

/* Closes the frames of a message read by receive_message(). */
static void
release_message (NotificationZmqMessage *message)
{
  g_clear_pointer (&message->frames, g_ptr_array_unref);
  if (message->parts != NULL)
    for (guint i = 0; i < message->n_kept; i++)
      zmq_msg_close (&message->parts[i]);
  message->parts = NULL;
  message->n_kept = 0;
}

/* Reads one whole message (every part); FALSE when none was waiting.
 * When the source lends its frames they stay in self->parts, as
 * received: no allocation and no copy per message. Otherwise each kept
 * frame is copied into a GBytes, which the callee may keep. The end of
 * a message is zmq_msg_more(), which asks no socket option. */
static gboolean
receive_message (NotificationZmqSource  *self,
                 NotificationZmqMessage *message)
{
  int more = 1;

  message->frames = self->parts == NULL
    ? g_ptr_array_new_full (MIN (self->max_frames, 4), (GDestroyNotify) g_bytes_unref)
    : NULL;
  message->parts = self->parts;
  message->n_frames = 0;
  message->n_kept = 0;
  message->size = 0;

  while (more)
    {
      zmq_msg_t scratch, *part;
      gboolean keep = message->n_kept < self->max_frames;

      part = keep && self->parts != NULL ? &self->parts[message->n_kept] : &scratch;
      zmq_msg_init (part);
      if (receive_part (self, part, message->n_frames == 0) < 0)
        {
          zmq_msg_close (part);
          /* The later parts of a message arrive with the first. */
          release_message (message);
          return FALSE;
        }

      message->n_frames++;
      message->size += zmq_msg_size (part);
      more = zmq_msg_more (part);
      if (keep && self->parts != NULL)
        {
          message->n_kept++;
          continue;
        }
      if (keep)
        {
          g_ptr_array_add (message->frames,
                           g_bytes_new (zmq_msg_data (part), zmq_msg_size (part)));
          message->n_kept++;
        }
      zmq_msg_close (part);
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
      release_message (&message);
      if (!keep)
        return G_SOURCE_REMOVE;
      if (g_source_is_destroyed (source))
        break;
    }

  return G_SOURCE_CONTINUE;
}

static void
zmq_source_finalize (GSource *source)
{
  NotificationZmqSource *self = (NotificationZmqSource *) source;

  g_clear_pointer (&self->parts, g_free);
}

static GSourceFuncs zmq_source_funcs = {
  .prepare = zmq_source_prepare,
  .check = zmq_source_check,
  .dispatch = zmq_source_dispatch,
  .finalize = zmq_source_finalize,
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

/*
 * notification_zmq_source_set_lend_frames:
 * @source: a source made by notification_zmq_source_new()
 * @lend: whether to lend the frames
 *
 * Chooses how the source hands over the frames it receives: as GBytes
 * copies in [struct@ZmqMessage].frames, which the callee may keep (the
 * default), or, with @lend, as the `zmq_msg_t` ZeroMQ received, in
 * [struct@ZmqMessage].parts, valid only during the call: no copy and no
 * allocation per message. Call it before attaching @source.
 */
void
notification_zmq_source_set_lend_frames (GSource  *source,
                                         gboolean  lend)
{
  NotificationZmqSource *self = (NotificationZmqSource *) source;

  g_return_if_fail (source != NULL && source->source_funcs == &zmq_source_funcs);

  if (lend && self->parts == NULL)
    self->parts = g_new (zmq_msg_t, self->max_frames);
  else if (!lend)
    g_clear_pointer (&self->parts, g_free);
}
