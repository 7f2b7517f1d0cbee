/* notification-zmq-normal.c: is a received a{sv} in normal form?
 *
 * g_variant_is_normal_form() walks a serialised value through GLib's
 * generic serialiser, making a GVariantSerialised per child: measured
 * with callgrind, about 40 % of what the ZeroMQ subscriber spends per
 * message of a 2-key user info. This reads the bytes of an a{sv} whose
 * values have basic types (the common user info: strings, numbers,
 * booleans) and says whether they are in normal form, by the rules of
 * the GVariant specification ("Serialisation"; GLib's
 * gvariant-serialiser.c):
 *
 *   a{sv}  entries one after the other, each aligned to 8 (the alignment
 *          of v) with zero padding, then one framing offset per entry:
 *          where it ends. Offsets are little endian, of the fewest bytes
 *          (1, 2, 4 or 8) that can hold the container's whole size; no
 *          entry is empty.
 *   {sv}   the key, zero padding to 8, the value, then one framing
 *          offset (sized by the entry's size): where the key ends.
 *   s      UTF-8 without NUL bytes, then a NUL; o and g also a valid
 *          object path or signature.
 *   v      the value's bytes, a NUL, then its type string.
 *   b      one byte, 0 or 1; y n q i u h x t d: exactly their size.
 *
 * A value of any other type (a container, a variant, a maybe) gives
 * NOTIFICATION_ZMQ_NORMAL_UNSURE, and the caller asks GLib. It never
 * reads outside [data, data + size). tests/fuzz/fuzz-zmq-wire.c checks
 * every answer that is not UNSURE against g_variant_is_normal_form().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "notification-zmq-normal-private.h"

static guint
offset_size_for (gsize size)
{
  if (size == 0)
    return 0;
  if (size <= G_MAXUINT8)
    return 1;
  if (size <= G_MAXUINT16)
    return 2;
  if (size <= G_MAXUINT32)
    return 4;
  return 8;
}

static guint64
read_offset (const guint8 *p,
             guint         offset_size)
{
  guint64 le = 0;

  memcpy (&le, p, offset_size);
  return GUINT64_FROM_LE (le);
}

static gsize
align8 (gsize n)
{
  return (n + 7) & ~(gsize) 7;
}

static gboolean
all_zero (const guint8 *p,
          gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

/*
 * notification_zmq_utf8_validate:
 * @data: bytes
 * @size: how many
 *
 * Whether @data is valid UTF-8, like g_utf8_validate() with a length
 * except that a NUL byte is not judged (callers look for NULs with
 * memchr() first). ASCII, the common case of keys, types and sender
 * ids, is checked eight bytes at a time; from the first word with a
 * byte above 127, GLib judges the rest. g_utf8_validate() takes a
 * branch or more per byte: measured with callgrind, this took the three
 * strings of the benchmark's user info from 513 instructions to
 * about 100.
 *
 * Returns: whether @data is valid UTF-8
 */
gboolean
notification_zmq_utf8_validate (const guint8 *data,
                                gsize         size)
{
  gsize i = 0;

  for (; i + 8 <= size; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, sizeof word);
      if ((word & G_GUINT64_CONSTANT (0x8080808080808080)) != 0)
        break;
    }
  for (; i < size && data[i] < 0x80; i++)
    ;
  /* every byte before i is ASCII: i starts a character */
  return i == size || g_utf8_validate ((const char *) data + i, size - i, NULL);
}

/* @n counts the NUL */
static gboolean
valid_string (const guint8 *p,
              gsize         n)
{
  return n >= 1 && p[n - 1] == '\0' && memchr (p, '\0', n - 1) == NULL &&
         notification_zmq_utf8_validate (p, n - 1);
}

static NotificationZmqNormal
basic_value (const guint8 *p,
             gsize         n,
             char          type)
{
  gboolean normal;

  switch (type)
    {
    case 'b':
      normal = n == 1 && p[0] <= 1;
      break;
    case 'y':
      normal = n == 1;
      break;
    case 'n':
    case 'q':
      normal = n == 2;
      break;
    case 'i':
    case 'u':
    case 'h':
      normal = n == 4;
      break;
    case 'x':
    case 't':
    case 'd':
      normal = n == 8;
      break;
    case 's':
      normal = valid_string (p, n);
      break;
    case 'o':
      normal = valid_string (p, n) && g_variant_is_object_path ((const char *) p);
      break;
    case 'g':
      normal = valid_string (p, n) && g_variant_is_signature ((const char *) p);
      break;
    default:
      return NOTIFICATION_ZMQ_NORMAL_UNSURE;
    }

  return normal ? NOTIFICATION_ZMQ_NORMAL_YES : NOTIFICATION_ZMQ_NORMAL_NO;
}

static NotificationZmqNormal
variant_value (const guint8 *p,
               gsize         n)
{
  gsize sep = n;

  /* the separator is the last NUL: a type string has none */
  while (sep > 0 && p[sep - 1] != '\0')
    sep--;
  if (sep == 0)
    return NOTIFICATION_ZMQ_NORMAL_NO;
  sep--;

  if (n - sep - 1 != 1)
    return NOTIFICATION_ZMQ_NORMAL_UNSURE;

  return basic_value (p, sep, (char) p[n - 1]);
}

static NotificationZmqNormal
entry (const guint8 *p,
       gsize         n)
{
  guint offset_size = offset_size_for (n);
  guint64 key_end;
  gsize value_start;

  if (n <= offset_size)
    return NOTIFICATION_ZMQ_NORMAL_NO;
  key_end = read_offset (p + n - offset_size, offset_size);
  if (key_end < 1 || key_end > n - offset_size || !valid_string (p, key_end))
    return NOTIFICATION_ZMQ_NORMAL_NO;

  value_start = align8 (key_end);
  if (value_start > n - offset_size || !all_zero (p + key_end, value_start - key_end))
    return NOTIFICATION_ZMQ_NORMAL_NO;

  return variant_value (p + value_start, n - offset_size - value_start);
}

/*
 * notification_zmq_vardict_is_normal:
 * @data: the serialised a{sv}, little endian
 * @size: its size
 *
 * Returns: whether @data is an a{sv} in normal form, or UNSURE when it
 *   has a value that is not of a basic type
 */
NotificationZmqNormal
notification_zmq_vardict_is_normal (const guint8 *data,
                                    gsize         size)
{
  guint offset_size = offset_size_for (size);
  guint64 last_end;
  gsize n_entries, start = 0;
  gboolean unsure = FALSE;

  if (size == 0)
    return NOTIFICATION_ZMQ_NORMAL_YES;

  last_end = read_offset (data + size - offset_size, offset_size);
  if (last_end > size || (size - last_end) % offset_size != 0)
    return NOTIFICATION_ZMQ_NORMAL_NO;
  n_entries = (size - last_end) / offset_size;
  if (n_entries == 0)
    return NOTIFICATION_ZMQ_NORMAL_NO;

  for (gsize i = 0; i < n_entries; i++)
    {
      guint64 end = read_offset (data + last_end + i * offset_size, offset_size);

      if (end <= start || end > last_end)
        return NOTIFICATION_ZMQ_NORMAL_NO;

      switch (entry (data + start, end - start))
        {
        case NOTIFICATION_ZMQ_NORMAL_NO:
          return NOTIFICATION_ZMQ_NORMAL_NO;
        case NOTIFICATION_ZMQ_NORMAL_UNSURE:
          unsure = TRUE;
          break;
        case NOTIFICATION_ZMQ_NORMAL_YES:
        default:
          break;
        }

      if (i + 1 < n_entries)
        {
          gsize next = align8 (end);

          if (next > last_end || !all_zero (data + end, next - end))
            return NOTIFICATION_ZMQ_NORMAL_NO;
          start = next;
        }
      else if (end != last_end)
        return NOTIFICATION_ZMQ_NORMAL_NO;
    }

  return unsure ? NOTIFICATION_ZMQ_NORMAL_UNSURE : NOTIFICATION_ZMQ_NORMAL_YES;
}
