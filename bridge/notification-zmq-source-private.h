/* notification-zmq-source-private.h: a ZeroMQ socket in a GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <zmq.h>

G_BEGIN_DECLS

/*
 * NotificationZmqMessage:
 * @frames: (element-type GBytes) (nullable): the frames received, in
 *   order, at most the source's frame limit; `NULL` from a source that
 *   lends its frames (notification_zmq_source_set_lend_frames())
 * @n_frames: how many frames the message really had (more than
 *   @n_kept when it was cut at the limit)
 * @n_kept: how many frames were kept: the length of @frames, or of @parts
 * @parts: (array length=n_kept) (nullable): from a source that lends its
 *   frames, the frames kept, as ZeroMQ received them (no copy); they
 *   belong to the source and are valid only during the call; `NULL`
 *   otherwise
 * @size: the sum of every frame's size, also those not kept
 *
 * One whole multipart message, read by a [struct@ZmqSource].
 */
typedef struct
{
  GPtrArray *frames;
  guint      n_frames;
  guint      n_kept;
  zmq_msg_t *parts;
  gsize      size;
} NotificationZmqMessage;

/*
 * NotificationZmqSourceFunc:
 * @socket: the socket the message came from
 * @message: one whole message (the callee may steal @message->frames'
 *   elements; the source frees the rest after the call)
 * @user_data: the data given to notification_zmq_source_new()
 *
 * Returns: %G_SOURCE_CONTINUE, or %G_SOURCE_REMOVE to destroy the source
 */
typedef gboolean (*NotificationZmqSourceFunc) (void                   *socket,
                                               NotificationZmqMessage *message,
                                               gpointer                user_data);

GSource *notification_zmq_source_new (void                      *socket,
                                      guint                      max_frames,
                                      NotificationZmqSourceFunc  func,
                                      gpointer                   user_data,
                                      GDestroyNotify             destroy);

void     notification_zmq_source_set_lend_frames (GSource  *source,
                                                 gboolean  lend);

gboolean notification_zmq_socket_readable (void *socket);

G_END_DECLS
