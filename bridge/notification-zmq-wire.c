/* notification-zmq-wire.c: the ZeroMQ transport's messages
 *
 * A notification is a message of two frames:
 *
 * 1. the type, then one NUL byte: ZeroMQ filters subscriptions by prefix,
 *    and with the terminator a subscription to "std\0" never matches
 *    "stdout\0"; a subscription to "" matches every type;
 * 2. a 32-byte header, then a GVariant of type (sa{sv}) in normal form,
 *    little-endian: the sender id and the user info. The header is the
 *    version (1 byte, 1), 7 zero bytes, the publisher's identity (16
 *    random bytes, made when the publisher starts), and the sequence
 *    number of this type from this publisher (uint64, little-endian,
 *    from 1).
 *
 * doc/zeromq-bridge.md is the reference; these functions are pure, for
 * the fuzzer (tests/fuzz/fuzz-zmq-wire.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "notification-zmq-normal-private.h"
#include "notification-zmq-wire-private.h"

/*
 * notification_zmq_wire_encode_topic:
 * @type: a notification type
 *
 * Returns: (transfer full): frame 1: @type and its terminator
 */
GBytes *
notification_zmq_wire_encode_topic (const char *type)
{
  return g_bytes_new (type, strlen (type) + 1);
}

/* The body (sa{sv}) is framed by hand, as the GVariant specification
 * says, rather than built as a tuple: a tuple costs a GVariant of its own
 * on each side, twice what the user info itself costs. The string, its
 * NUL, zero padding to 8 (the alignment of a{sv}), the user info, then
 * one framing offset (the end of the string) as wide as the total size
 * needs. The fuzzer checks this against GLib's own serialisation. */

static gsize
offset_size_for_total (gsize total)
{
  return total > G_MAXUINT32 ? 8 : total > G_MAXUINT16 ? 4 : total > G_MAXUINT8 ? 2 : total > 0 ? 1 : 0;
}

static gsize
total_for_body (gsize body)
{
  /* the smallest offset width that can address the whole container */
  if (body + 1 <= G_MAXUINT8)
    return body + 1;
  if (body + 2 <= G_MAXUINT16)
    return body + 2;
  if (body + 4 <= G_MAXUINT32)
    return body + 4;
  return body + 8;
}

/*
 * notification_zmq_wire_encode_body_into:
 * @buffer: where to write frame 2: its contents are replaced
 * @identity: the publisher's identity
 * @sequence: the sequence number of this type from this publisher
 * @sender_id: the sender's id ("" for none), UTF-8
 * @user_info: an a{sv}
 *
 * Writes frame 2 into @buffer, which a sender can reuse from one
 * message to the next (zmq_send() copies): no allocation per message
 * once @buffer is large enough.
 */
void
notification_zmq_wire_encode_body_into (GByteArray   *buffer,
                                        const guint8  identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE],
                                        guint64       sequence,
                                        const char   *sender_id,
                                        GVariant     *user_info)
{
  g_autoptr(GVariant) normal = g_variant_get_normal_form (user_info);
  guint64 le_sequence = GUINT64_TO_LE (sequence);
  gsize string_size = strlen (sender_id) + 1;
  gsize info_start = (string_size + 7) & ~(gsize) 7;
  gsize info_size, body, total, offset_size;
  guint64 le_offset = GUINT64_TO_LE ((guint64) string_size);
  guint8 *data;

#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    GVariant *swapped = g_variant_byteswap (normal);

    g_variant_unref (normal);
    normal = swapped;
  }
#endif
  info_size = g_variant_get_size (normal);
  body = info_start + info_size;
  total = total_for_body (body);
  offset_size = total - body;

  g_byte_array_set_size (buffer, NOTIFICATION_ZMQ_WIRE_HEADER_SIZE + total);
  data = buffer->data;
  /* g_variant_get_data() serialises in place, once: other bridges
   * sending the same post copy the bytes */
  memset (data, 0, NOTIFICATION_ZMQ_WIRE_HEADER_SIZE);
  data[0] = NOTIFICATION_ZMQ_WIRE_VERSION;
  memcpy (data + 8, identity, NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE);
  memcpy (data + 24, &le_sequence, sizeof le_sequence);
  memcpy (data + NOTIFICATION_ZMQ_WIRE_HEADER_SIZE, sender_id, string_size);
  /* the zero padding to the user info's alignment */
  memset (data + NOTIFICATION_ZMQ_WIRE_HEADER_SIZE + string_size, 0, info_start - string_size);
  if (info_size > 0)
    memcpy (data + NOTIFICATION_ZMQ_WIRE_HEADER_SIZE + info_start, g_variant_get_data (normal), info_size);
  memcpy (data + NOTIFICATION_ZMQ_WIRE_HEADER_SIZE + body, &le_offset, offset_size);
}

/*
 * notification_zmq_wire_encode_body:
 * @identity: the publisher's identity
 * @sequence: the sequence number of this type from this publisher
 * @sender_id: the sender's id ("" for none), UTF-8
 * @user_info: an a{sv}
 *
 * Returns: (transfer full): frame 2
 */
GBytes *
notification_zmq_wire_encode_body (const guint8  identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE],
                                   guint64       sequence,
                                   const char   *sender_id,
                                   GVariant     *user_info)
{
  GByteArray *buffer = g_byte_array_new ();

  notification_zmq_wire_encode_body_into (buffer, identity, sequence, sender_id, user_info);
  return g_byte_array_free_to_bytes (buffer);
}

static gboolean
valid_topic (const guint8 *topic,
             gsize         size)
{
  /* a non-empty UTF-8 type, no NUL inside, then the terminator */
  if (size < 2 || topic[size - 1] != '\0')
    return FALSE;
  if (memchr (topic, '\0', size - 1) != NULL)
    return FALSE;
  return notification_zmq_utf8_validate (topic, size - 1);
}

/* Splits a (sa{sv}) in normal form; FALSE if it is not one. */
static gboolean
split_body (const guint8  *data,
            gsize          total,
            gsize         *string_size,
            gsize         *info_start,
            gsize         *info_size)
{
  gsize offset_size = offset_size_for_total (total);
  guint64 le_offset = 0, end;

  if (total == 0 || total < offset_size)
    return FALSE;
  memcpy (&le_offset, data + total - offset_size, offset_size);
  end = GUINT64_FROM_LE (le_offset);
  if (end < 1 || end > total - offset_size)
    return FALSE;
  /* the string: its NUL at its end, none inside, UTF-8 */
  if (data[end - 1] != '\0' || memchr (data, '\0', end - 1) != NULL ||
      !notification_zmq_utf8_validate (data, end - 1))
    return FALSE;
  *string_size = end;
  *info_start = (end + 7) & ~(guint64) 7;
  if (*info_start > total - offset_size)
    return FALSE;
  for (gsize i = end; i < *info_start; i++)
    if (data[i] != 0)
      return FALSE;
  *info_size = total - offset_size - *info_start;
  /* normal form: the narrowest framing offset for this size */
  return total_for_body (*info_start + *info_size) == total;
}

/*
 * notification_zmq_wire_decode:
 * @topic: frame 1
 * @topic_size: its size
 * @body: frame 2
 * @body_size: its size
 * @message: (out caller-allocates): the message, on %NOTIFICATION_ZMQ_WIRE_OK
 *   (free with notification_zmq_wire_message_clear()); zeroed otherwise
 *
 * Decodes a received message. Nothing is trusted: the body must be a
 * (sa{sv}) in normal form (which also means valid UTF-8 strings and a
 * bounded depth). The type and the sender id in @message point into
 * @topic and @body, which must outlive their use; the user info is a
 * copy.
 *
 * Returns: %NOTIFICATION_ZMQ_WIRE_OK or why not
 */
NotificationZmqWireStatus
notification_zmq_wire_decode (const guint8               *topic,
                              gsize                       topic_size,
                              const guint8               *body,
                              gsize                       body_size,
                              NotificationZmqWireMessage *message)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) info = NULL;
  const guint8 *tuple;
  gsize string_size, info_start, info_size;
  NotificationZmqNormal normal;
  guint64 le_sequence;

  memset (message, 0, sizeof *message);

  if (topic == NULL || !valid_topic (topic, topic_size))
    return NOTIFICATION_ZMQ_WIRE_BAD_TYPE;
  if (body == NULL || body_size < 1)
    return NOTIFICATION_ZMQ_WIRE_BAD_ENCODING;
  if (body[0] != NOTIFICATION_ZMQ_WIRE_VERSION)
    return NOTIFICATION_ZMQ_WIRE_BAD_VERSION;
  if (body_size < NOTIFICATION_ZMQ_WIRE_HEADER_SIZE)
    return NOTIFICATION_ZMQ_WIRE_BAD_ENCODING;
  for (guint i = 1; i < 8; i++)
    if (body[i] != 0)
      return NOTIFICATION_ZMQ_WIRE_BAD_ENCODING;

  tuple = body + NOTIFICATION_ZMQ_WIRE_HEADER_SIZE;
  if (!split_body (tuple, body_size - NOTIFICATION_ZMQ_WIRE_HEADER_SIZE,
                   &string_size, &info_start, &info_size))
    return NOTIFICATION_ZMQ_WIRE_BAD_ENCODING;

  /* The common user info (values of basic types) is judged from its
   * bytes; anything else by GLib (notification-zmq-normal.c). */
  normal = notification_zmq_vardict_is_normal (tuple + info_start, info_size);
  if (normal == NOTIFICATION_ZMQ_NORMAL_NO)
    return NOTIFICATION_ZMQ_WIRE_BAD_ENCODING;

  /* copied: aligned, and independent of the caller's buffer; untrusted
   * either way, so that GLib still checks what it reads */
  bytes = g_bytes_new (tuple + info_start, info_size);
  info = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    GVariant *swapped = g_variant_byteswap (info);

    g_variant_unref (info);
    info = swapped;
  }
#endif
  if (normal == NOTIFICATION_ZMQ_NORMAL_UNSURE && !g_variant_is_normal_form (info))
    return NOTIFICATION_ZMQ_WIRE_BAD_ENCODING;

  /* both end in the NUL that valid_topic() and split_body() checked */
  message->type = (const char *) topic;
  memcpy (message->identity, body + 8, NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE);
  memcpy (&le_sequence, body + 24, sizeof le_sequence);
  message->sequence = GUINT64_FROM_LE (le_sequence);
  message->sender_id = (const char *) tuple;
  message->user_info = g_steal_pointer (&info);

  return NOTIFICATION_ZMQ_WIRE_OK;
}

/*
 * notification_zmq_wire_message_clear:
 * @message: a decoded message
 *
 * Frees what @message holds (not @message): its user info.
 */
void
notification_zmq_wire_message_clear (NotificationZmqWireMessage *message)
{
  message->type = NULL;
  message->sender_id = NULL;
  g_clear_pointer (&message->user_info, g_variant_unref);
}

/*
 * notification_zmq_wire_identity_name:
 * @identity: a publisher's identity
 *
 * Returns: (transfer full): the peer name of the publisher: "zmq:" and
 *   the identity in lower-case hexadecimal
 */
char *
notification_zmq_wire_identity_name (const guint8 identity[NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE])
{
  static const char hex[] = "0123456789abcdef";
  char name[4 + 2 * NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE + 1] = "zmq:";

  for (guint i = 0; i < NOTIFICATION_ZMQ_WIRE_IDENTITY_SIZE; i++)
    {
      name[4 + 2 * i] = hex[identity[i] >> 4];
      name[4 + 2 * i + 1] = hex[identity[i] & 0xf];
    }
  name[sizeof name - 1] = '\0';
  return g_strdup (name);
}

/*
 * notification_zmq_wire_parse_subscription:
 * @data: a message an XPUB socket received
 * @size: its size
 * @subscribe: (out): whether it subscribes (or unsubscribes)
 * @type: (out) (transfer full): the type it is about: "" for every type,
 *   which is also what a prefix without the terminator stands for (it
 *   matches many types)
 *
 * Returns: whether @data is a subscription message with a usable topic
 */
gboolean
notification_zmq_wire_parse_subscription (const guint8  *data,
                                          gsize          size,
                                          gboolean      *subscribe,
                                          char         **type)
{
  *type = NULL;
  if (size < 1 || (data[0] != 0 && data[0] != 1))
    return FALSE;
  *subscribe = data[0] == 1;
  data++;
  size--;

  if (size == 0)
    *type = g_strdup ("");
  else if (valid_topic (data, size))
    *type = g_strndup ((const char *) data, size - 1);
  else if (memchr (data, '\0', size) == NULL)
    *type = g_strdup ("");   /* a bare prefix: it may match any type */
  else
    return FALSE;            /* a NUL inside: matches no type we send */
  return TRUE;
}
