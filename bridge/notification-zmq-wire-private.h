/* notification-zmq-wire-private.h: the ZeroMQ transport's messages
 *
 * Pure functions (no socket, no state), so that the decoder can be
 * fuzzed alone. doc/zeromq-bridge.md, "Wire format", is the reference.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Frame 2's layout, version 1. */
#define NOTIFICATION_ZMQ_WIRE_VERSION       1
#define NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE 16
#define NOTIFICATION_ZMQ_WIRE_HEADER_SIZE   32
#define NOTIFICATION_ZMQ_WIRE_BODY_TYPE     "(sa{sv})"

/* Why a received message does not decode. */
typedef enum
{
  NOTIFICATION_ZMQ_WIRE_OK,
  NOTIFICATION_ZMQ_WIRE_BAD_FRAMES,    /* not two frames (callers) */
  NOTIFICATION_ZMQ_WIRE_BAD_TYPE,      /* frame 1 is not a type and its terminator */
  NOTIFICATION_ZMQ_WIRE_BAD_VERSION,   /* frame 2 has another version */
  NOTIFICATION_ZMQ_WIRE_BAD_ENCODING,  /* frame 2 does not decode */
} NotificationZmqWireStatus;

/* A decoded message. The strings are not copied: they point into the
 * frames given to notification_zmq_wire_decode() (each is validated and
 * NUL-terminated there), so they live as long as those frames. */
typedef struct
{
  const char *type;                                        /* (unowned) in frame 1 */
  guint8      identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE];
  guint64     sequence;
  const char *sender_id;                                   /* (unowned) in frame 2 */
  GVariant   *user_info;                                   /* (owned) a{sv}, a copy */
} NotificationZmqWireMessage;

GBytes                    *notification_zmq_wire_encode_topic  (const char *type);
GBytes                    *notification_zmq_wire_encode_body   (const guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE],
                                                                guint64       sequence,
                                                                const char   *sender_id,
                                                                GVariant     *user_info);
void                       notification_zmq_wire_encode_body_into (GByteArray   *buffer,
                                                                   const guint8  identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE],
                                                                   guint64       sequence,
                                                                   const char   *sender_id,
                                                                   GVariant     *user_info);
NotificationZmqWireStatus  notification_zmq_wire_decode        (const guint8               *topic,
                                                                gsize                       topic_size,
                                                                const guint8               *body,
                                                                gsize                       body_size,
                                                                NotificationZmqWireMessage *message);
void                       notification_zmq_wire_message_clear (NotificationZmqWireMessage *message);
char                      *notification_zmq_wire_identity_name (const guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE]);
gboolean                   notification_zmq_wire_parse_subscription (const guint8  *data,
                                                                     gsize          size,
                                                                     gboolean      *subscribe,
                                                                     char         **type);

G_END_DECLS
