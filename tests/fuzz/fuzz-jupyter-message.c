/* fuzz-jupyter-message.c: the Jupyter client's message parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the frames of one message, each a 4-byte big-endian length then
 * its bytes (a truncated last frame is cut). The frames go through
 * notification_jupyter_message_parse() twice, signed with the key
 * "fuzz-key" and unsigned (so that mutated JSON is reached although a
 * mutation breaks the HMAC), then into a center with the client's
 * schemas: a notification or a counted rejection, never a warning.
 * Seeds: real ipykernel messages (capture-jupyter-seeds.py), re-signed.
 */

#include "config.h"

#include "fuzz.h"
#include "notification-jupyter-message-private.h"

#define FUZZ_KEY "fuzz-key"

static void
observe (NotificationCenter *center,
         const char         *type,
         GObject            *sender,
         GVariant           *user_info,
         gpointer            user_data)
{
  const char *msg_id;

  /* whatever is posted has our ids */
  g_assert (g_variant_lookup (user_info, "msg_id", "&s", &msg_id));
  (*(guint *) user_data)++;
}

static guint
try_message (NotificationCenter *center,
             GPtrArray          *frames,
             const char         *key,
             guint              *n_seen)
{
  g_autoptr(NotificationJupyterMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) user_info = NULL;
  g_autofree char *type = NULL;
  NotificationJupyterDrop drop = NOTIFICATION_JUPYTER_N_DROPS;
  guint before = *n_seen;

  message = notification_jupyter_message_parse (frames, key, &drop, &error);
  if (message == NULL)
    {
      g_assert (error != NULL);
      g_assert (drop < NOTIFICATION_JUPYTER_N_DROPS);
      return 0;
    }
  g_assert (error == NULL);
  g_assert (*message->msg_type != '\0');
  type = notification_jupyter_message_notification_type (message);
  user_info = notification_jupyter_message_to_user_info (message, &error);
  if (user_info == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  g_variant_ref_sink (user_info);
  if (notification_center_post_checked (center, type, NULL, user_info, &error))
    g_assert (*n_seen == before + 1);
  else
    g_assert (error != NULL && *n_seen == before);
  (void) notification_jupyter_parse_date (message->date);

  return 1;
}

int
LLVMFuzzerTestOneInput (const unsigned char *data,
                        size_t               size)
{
  g_autoptr(NotificationCenter) center = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint n_seen = 0;
  guint signed_ok, unsigned_ok;

  fuzz_set_up ();

  while (size >= 4 && frames->len < 64)
    {
      size_t len = ((size_t) data[0] << 24) | ((size_t) data[1] << 16) | ((size_t) data[2] << 8) | data[3];

      data += 4;
      size -= 4;
      if (len > size)
        len = size;
      g_ptr_array_add (frames, g_bytes_new (data, len));
      data += len;
      size -= len;
    }

  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  notification_jupyter_register_schemas (center);
  notification_center_add_observer (center, NULL, NULL, observe, &n_seen, NULL);

  signed_ok = try_message (center, frames, FUZZ_KEY, &n_seen);
  unsigned_ok = try_message (center, frames, "", &n_seen);
  /* a signature never makes a bad message good */
  g_assert (signed_ok <= unsigned_ok);

  return 0;
}
