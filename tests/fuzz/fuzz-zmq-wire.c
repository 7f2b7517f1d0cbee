/* fuzz-zmq-wire.c: the ZeroMQ bridge's message decoder on untrusted bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: one byte N (the size of frame 1, at most the rest), frame 1,
 * then frame 2 (the rest). The same input is also read as an XPUB
 * subscription message.
 *
 * Checks, besides the sanitizers: a message that decodes has a non-empty
 * UTF-8 type and an a{sv} in normal form, and encoding what was decoded
 * gives back frame 2 byte for byte (the format is canonical: a normal
 * form GVariant, fixed byte order, zero reserved bytes).
 */

#include "fuzz.h"
#include "../../bridge/notification-zmq-normal-private.h"
#include "../../bridge/notification-zmq-wire-private.h"

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  NotificationZmqWireMessage message;
  NotificationZmqWireStatus status;
  gsize topic_size;
  gboolean subscribe;
  char *type = NULL;

  fuzz_set_up ();

  if (notification_zmq_wire_parse_subscription (data, size, &subscribe, &type))
    {
      g_assert_nonnull (type);
      g_assert_true (*type == '\0' || g_utf8_validate (type, -1, NULL));
    }
  g_free (type);

  /* The UTF-8 check agrees with GLib on bytes without NUL. */
  if (memchr (data, '\0', size) == NULL)
    g_assert_cmpint (notification_zmq_utf8_validate (data, size), ==,
                     g_utf8_validate ((const char *) data, size, NULL));

  /* The bytes reader of a{sv} agrees with GLib whenever it answers. */
  {
    NotificationZmqNormal normal = notification_zmq_vardict_is_normal (data, size);

    if (normal != NOTIFICATION_ZMQ_NORMAL_UNSURE)
      {
        g_autoptr(GBytes) bytes = g_bytes_new (data, size);
        g_autoptr(GVariant) dict = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));

        g_assert_cmpint (normal == NOTIFICATION_ZMQ_NORMAL_YES, ==, g_variant_is_normal_form (dict));
      }
  }

  if (size < 1)
    return 0;
  topic_size = MIN ((gsize) data[0], size - 1);
  status = notification_zmq_wire_decode (data + 1, topic_size,
                                         data + 1 + topic_size, size - 1 - topic_size,
                                         &message);
  if (status != NOTIFICATION_ZMQ_WIRE_OK)
    {
      g_assert_null (message.type);
      g_assert_null (message.user_info);
      return 0;
    }

  g_assert_cmpuint (strlen (message.type), ==, topic_size - 1);
  g_assert_true (g_utf8_validate (message.type, -1, NULL));
  g_assert_true (g_utf8_validate (message.sender_id, -1, NULL));
  g_assert_true (g_variant_is_of_type (message.user_info, G_VARIANT_TYPE_VARDICT));
  g_assert_true (g_variant_is_normal_form (message.user_info));

  {
    g_autoptr(GBytes) again = notification_zmq_wire_encode_body (message.identity, message.sequence,
                                                                 message.sender_id, message.user_info);
    g_autoptr(GBytes) topic = notification_zmq_wire_encode_topic (message.type);
    gsize again_size;
    const guint8 *again_data = g_bytes_get_data (again, &again_size);

    g_assert_cmpmem (again_data, again_size, data + 1 + topic_size, size - 1 - topic_size);
    g_assert_cmpuint (g_bytes_get_size (topic), ==, topic_size);
  }

  notification_zmq_wire_message_clear (&message);
  return 0;
}
