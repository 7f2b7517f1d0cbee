/* test-zmq-normal.c: the a{sv} bytes reader agrees with GLib
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-zmq-normal-private.h"

static const char *dicts[] = {
  "@a{sv} {}",
  "{'out_string': <'hello'>, 'n': <3>}",
  "{'': <''>}",
  "{'b': <true>, 'f': <false>, 'y': <byte 200>, 'n': <int16 -2>, 'q': <uint16 2>}",
  "{'i': <int32 -5>, 'u': <uint32 5>, 'h': <handle 1>, 'x': <int64 -7>, 't': <uint64 7>, 'd': <1.5>}",
  "{'o': <objectpath '/org/a'>, 'g': <signature 'a{sv}'>, 's': <'ünïcode'>}",
  "{'k': <'a'>, 'k': <'b'>}",
  "{'as': <['x', 'y']>}",
  "{'nested': <{'a': <1>}>}",
  "{'v': <<'inner'>>}",
  "{'m': <@ms nothing>}",
  "{'unit': <()>}",
};

static int
check (const guint8 *data,
       gsize         size,
       guint        *n_judged)
{
  NotificationZmqNormal normal = notification_zmq_vardict_is_normal (data, size);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) dict = NULL;

  if (normal == NOTIFICATION_ZMQ_NORMAL_UNSURE)
    return normal;

  bytes = g_bytes_new (data, size);
  dict = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  g_assert_cmpint (normal == NOTIFICATION_ZMQ_NORMAL_YES, ==, g_variant_is_normal_form (dict));
  (*n_judged)++;
  return normal;
}

static void
test_normal_dicts (void)
{
  g_test_summary ("Normal dictionaries of basic values are YES, others YES or UNSURE");

  for (guint i = 0; i < G_N_ELEMENTS (dicts); i++)
    {
      g_autoptr(GVariant) dict = g_variant_ref_sink (g_variant_new_parsed (dicts[i]));
      guint n_judged = 0;
      int normal = check (g_variant_get_data (dict), g_variant_get_size (dict), &n_judged);

      g_assert_cmpint (normal, !=, NOTIFICATION_ZMQ_NORMAL_NO);
      if (i < 7)
        g_assert_cmpint (normal, ==, NOTIFICATION_ZMQ_NORMAL_YES);
    }
}

/* Every byte of every dictionary set to several values, every length
 * cut: wherever the reader answers, GLib agrees. */
static void
test_mutations (void)
{
  static const guint8 values[] = { 0x00, 0x01, 0x02, 0x07, 0x08, 0x2f, 0x61, 0x73, 0x76, 0x7f, 0x80, 0xc3, 0xfe, 0xff };
  guint n_judged = 0, n_no = 0;

  g_test_summary ("A byte changed or the size cut anywhere in a dictionary: the reader's "
                  "every answer is GLib's (g_variant_is_normal_form())");

  for (guint i = 0; i < G_N_ELEMENTS (dicts); i++)
    {
      g_autoptr(GVariant) dict = g_variant_ref_sink (g_variant_new_parsed (dicts[i]));
      gsize size = g_variant_get_size (dict);
      g_autofree guint8 *copy = g_memdup2 (g_variant_get_data (dict), size);

      for (gsize at = 0; at < size; at++)
        {
          guint8 saved = copy[at];

          for (guint v = 0; v < G_N_ELEMENTS (values); v++)
            {
              copy[at] = values[v];
              if (check (copy, size, &n_judged) == NOTIFICATION_ZMQ_NORMAL_NO)
                n_no++;
            }
          copy[at] = saved;
        }
      for (gsize cut = 0; cut < size; cut++)
        if (check (copy, cut, &n_judged) == NOTIFICATION_ZMQ_NORMAL_NO)
          n_no++;
    }

  g_test_message ("%u answers checked against GLib, %u of them not normal", n_judged, n_no);
  g_assert_cmpuint (n_judged, >, 1000);
  g_assert_cmpuint (n_no, >, 500);
}

/* The UTF-8 check agrees with g_utf8_validate() on strings without NUL:
 * every piece below at every offset 0–17 (across the eight-byte words)
 * in ASCII padding, and cut at every length. */
static void
test_utf8 (void)
{
  static const char *pieces[] = {
    "", "a", "\x7f", "é", "€", "𝄞", "ü\x7f",
    "\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc3", "\xe2\x82", "\xf0\x9d\x84",
    "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xfe", "\xff",
    "\xe0\x80\xaf", "é\xff", "\xff" "abcdefgh",
  };
  guint n = 0, n_invalid = 0;

  for (guint p = 0; p < G_N_ELEMENTS (pieces); p++)
    for (guint offset = 0; offset < 18; offset++)
      {
        g_autoptr(GString) text = g_string_new (NULL);

        for (guint i = 0; i < offset; i++)
          g_string_append_c (text, 'A' + i);
        g_string_append (text, pieces[p]);
        g_string_append (text, "tail-of-ascii");
        for (gsize len = 0; len <= text->len; len++)
          {
            gboolean glib = g_utf8_validate (text->str, len, NULL);

            g_assert_cmpint (notification_zmq_utf8_validate ((const guint8 *) text->str, len), ==, glib);
            n++;
            n_invalid += !glib;
          }
      }
  g_test_message ("%u strings checked against GLib, %u of them not UTF-8", n, n_invalid);
  g_assert_cmpuint (n_invalid, >, 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq-normal/dicts", test_normal_dicts);
  g_test_add_func ("/zmq-normal/mutations", test_mutations);
  g_test_add_func ("/zmq-normal/utf8", test_utf8);

  return g_test_run ();
}
