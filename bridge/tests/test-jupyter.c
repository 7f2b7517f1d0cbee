/* test-jupyter.c: NotificationJupyterClient against real kernels
 * (python3-ipykernel), its connection files and its JSON; the fake
 * kernel's cases are in test-jupyter-fake.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <zmq.h>

#include "jupyter-test-util.h"
#include "notification-jupyter-client-private.h"
#include "notification-jupyter-message-private.h"
#include "notification-zmq-context-private.h"
#include "notification-zmq-source-private.h"

static Kernel *shared_kernel;  /* one kernel for the tests that allow it */

static gboolean
need_kernel (void)
{
  if (shared_kernel != NULL)
    return TRUE;
  g_test_skip ("ipykernel is not installed (Debian python3-ipykernel): no real kernel");
  return FALSE;
}


static void
run_code (NotificationJupyterClient *client,
          Run                       *run,
          const char                *code,
          int                        seconds)
{
  NotificationCenter *center = notification_jupyter_client_get_center (client);
  gulong id;

  memset (run, 0, sizeof *run);
  run->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  id = notification_center_add_observer (center, NULL, client, record, run->seen, NULL);
  run->msg_id = notification_jupyter_client_execute_async (client, code, NULL, run_done, run);
  g_assert_nonnull (run->msg_id);
  wait_until (run->done, seconds);
  notification_center_remove_observer (center, id);
}

/* The notifications of @run with @type and our parent. */
static GPtrArray *
ours (Run        *run,
      const char *type)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < run->seen->len; i++)
    {
      Seen *seen = run->seen->pdata[i];

      if ((type == NULL || strcmp (seen->type, type) == 0) &&
          g_strcmp0 (seen_string (seen, "parent_msg_id"), run->msg_id) == 0)
        g_ptr_array_add (found, seen);
    }
  return found;
}

static guint
count_ours (Run        *run,
            const char *type)
{
  g_autoptr(GPtrArray) found = ours (run, type);

  return found->len;
}

/* The stdout (or stderr) chunks of @run, joined. */
static char *
joined_output (Run        *run,
               const char *type)
{
  g_autoptr(GPtrArray) chunks = ours (run, type);
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < chunks->len; i++)
    g_string_append (joined, seen_string (chunks->pdata[i], "out_string"));
  return g_string_free (joined, FALSE);
}

static void
test_connection_file_errors (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autofree char *dir = g_dir_make_tmp ("jupyter-test-XXXXXX", NULL);
  const struct { const char *name; const char *text; } cases[] = {
    { "not-json", "{ not json" },
    { "array", "[1, 2]" },
    { "no-ip", "{\"shell_port\": 1, \"iopub_port\": 2, \"control_port\": 3, \"hb_port\": 4}" },
    { "bad-port", "{\"ip\": \"127.0.0.1\", \"shell_port\": 70000, \"iopub_port\": 2, \"control_port\": 3, \"hb_port\": 4}" },
    { "string-port", "{\"ip\": \"127.0.0.1\", \"shell_port\": \"1\", \"iopub_port\": 2, \"control_port\": 3, \"hb_port\": 4}" },
    { "transport", "{\"ip\": \"127.0.0.1\", \"transport\": \"udp\", \"shell_port\": 1, \"iopub_port\": 2, \"control_port\": 3, \"hb_port\": 4}" },
    { "scheme", "{\"ip\": \"127.0.0.1\", \"key\": \"k\", \"signature_scheme\": \"hmac-md5\", \"shell_port\": 1, \"iopub_port\": 2, \"control_port\": 3, \"hb_port\": 4}" },
    { "ip", "{\"ip\": \"a b\", \"shell_port\": 1, \"iopub_port\": 2, \"control_port\": 3, \"hb_port\": 4}" },
    { "key-type", "{\"ip\": \"127.0.0.1\", \"key\": 5, \"shell_port\": 1, \"iopub_port\": 2, \"control_port\": 3, \"hb_port\": 4}" },
  };
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *good = NULL;
  g_autoptr(NotificationJupyterClient) client = NULL;

  g_test_summary ("A missing or invalid connection file is a G_FILE_ERROR or G_IO_ERROR, "
                  "and a good one gives an unconnected client whose schemas accept a local "
                  "stdout post and refuse a jupyter.status without its message ids");

  g_assert_null (notification_jupyter_client_new_for_connection_file (center, missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);

      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      g_assert_null (notification_jupyter_client_new_for_connection_file (center, path, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR);
      g_test_message ("%s: %s", cases[i].name, error->message);
      g_clear_error (&error);
      g_unlink (path);
    }

  good = write_connection_file (dir, "good.json", "", 1, 2, 3, 4);
  client = notification_jupyter_client_new_for_connection_file (center, good, &error);
  g_assert_no_error (error);
  /* its schemas leave the blueprint's stdout to local interpreters too */
  g_assert_true (notification_center_post_checked (center, "stdout", NULL,
                                                   g_variant_new_parsed ("{'out_string': <'local\\n'>}"),
                                                   &error));
  g_assert_no_error (error);
  g_assert_false (notification_center_post_checked (center, "jupyter.status", NULL,
                                                    g_variant_new_parsed ("{'execution_state': <'idle'>}"),
                                                    &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (notification_jupyter_client_get_connected (client));
  g_assert_cmpstr (notification_jupyter_client_get_connection_file (client), ==, good);
  g_unlink (good);
  g_rmdir (dir);
}

/* Frames of one message, signed with @key, from its four JSON parts. */
static GPtrArray *
message_frames (const char *key,
                const char *header,
                const char *parent,
                const char *content)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *h = g_bytes_new (header, strlen (header));
  GBytes *p = g_bytes_new (parent, strlen (parent));
  GBytes *m = g_bytes_new ("{}", 2);
  GBytes *c = g_bytes_new (content, strlen (content));
  char *sig = notification_jupyter_sign (key, h, p, m, c);

  g_ptr_array_add (frames, g_bytes_new ("topic", 5));
  g_ptr_array_add (frames, g_bytes_new ("<IDS|MSG>", 9));
  g_ptr_array_add (frames, g_bytes_new_take (sig, strlen (sig)));
  g_ptr_array_add (frames, h);
  g_ptr_array_add (frames, p);
  g_ptr_array_add (frames, m);
  g_ptr_array_add (frames, c);
  return frames;
}

/* A JSON escape of a lone surrogate (`\ud800`) in a member name: the
 * text is valid UTF-8, json-glib's name is not. The message is rejected
 * (no GVariant with a non-UTF-8 key, no critical). */
static void
test_message_bad_names (void)
{
  const char *header = "{\"msg_id\": \"m1\", \"msg_type\": \"display_data\"}";
  const char *contents[] = {
    "{\"data\": {\"text/plain\": \"x\"}, \"a\\ud800b\": 1}",          /* a top-level member */
    "{\"data\": {\"text/plain\": \"x\", \"a\\ud800b\": \"y\"}}",      /* a nested one */
    "{\"data\": {\"text/plain\": \"x\"}, \"l\": [1, {\"a\\ud800b\": 1}]}", /* in an array */
  };

  g_test_summary ("A message with a lone surrogate escape in a JSON member name, at the top "
                  "level, nested or in an array, parses but gives no user info: "
                  "G_IO_ERROR_INVALID_DATA");

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      g_autoptr(GPtrArray) frames = message_frames ("key", header, "{}", contents[i]);
      g_autoptr(NotificationJupyterMessage) message = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) user_info = NULL;
      NotificationJupyterDrop drop;

      message = notification_jupyter_message_parse (frames, "key", &drop, &error);
      g_assert_no_error (error);
      g_assert_nonnull (message);
      user_info = notification_jupyter_message_to_user_info (message, &error);
      g_assert_null (user_info);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

/* notification-monitor --json: large doubles print with an exponent and
 * no point (%.17g); json-glib 1.6 then appends ".0", `1e+308.0`, which
 * is not JSON (a kernel's display of 1e308 gave one). Every line must
 * parse, to the same values. */
static void
test_json_doubles (void)
{
  const double values[] = { 1e20, -1e17, 1e308, 2e30, 100.0, 1.5e300, 5e-324, 0.1, -0.0 };
  GVariantBuilder builder;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonArray *list;

  g_test_summary ("notification_bridge_to_json() writes large, tiny and negative zero "
                  "doubles as JSON that parses back to the same values, and leaves strings "
                  "that look like numbers alone");

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_variant_builder_add (&builder, "v", g_variant_new_double (values[i]));
  json = notification_bridge_to_json ("x", NULL,
                                      g_variant_new_parsed ("{'list': <%v>, 'key e+1.0': <'1e+20.0'>}",
                                                            g_variant_builder_end (&builder)),
                                      0);
  g_test_message ("%s", json);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  list = json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                      "user_info"), "list");
  g_assert_cmpuint (json_array_get_length (list), ==, G_N_ELEMENTS (values));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_assert_cmpfloat (json_array_get_double_element (list, i), ==, values[i]);
  /* strings are left alone */
  g_assert_nonnull (strstr (json, "\"key e+1.0\":\"1e+20.0\""));
}

/* json-glib 1.6 wraps integers beyond int64 (2**64 read as -1): such an
 * integer is the nearest double instead; those that fit stay `x`. */
static void
test_message_big_integers (void)
{
  const char *header = "{\"msg_id\": \"m1\", \"msg_type\": \"display_data\"}";
  const char *content = "{\"data\": {\"text/plain\": \"x\", \"application/json\":"
                        " {\"big\": 18446744073709551616, \"neg\": -9223372036854775809,"
                        " \"max\": 9223372036854775807, \"min\": -9223372036854775808,"
                        " \"s\": \"12345678901234567890123\", \"list\": [99999999999999999999, 1]}}}";
  g_autoptr(GPtrArray) frames = message_frames ("key", header, "{}", content);
  g_autoptr(NotificationJupyterMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) user_info = NULL;
  g_autoptr(GVariant) data = NULL;
  g_autoptr(GVariant) json = NULL;
  g_autoptr(GVariant) list = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) inner = NULL;
  NotificationJupyterDrop drop;
  gint64 i64;
  double d;
  const char *str;

  g_test_summary ("JSON integers beyond the int64 range become the nearest double in the "
                  "user info, while those in range stay int64 and numeric strings stay "
                  "strings");

  message = notification_jupyter_message_parse (frames, "key", &drop, &error);
  g_assert_no_error (error);
  user_info = g_variant_ref_sink (notification_jupyter_message_to_user_info (message, &error));
  g_assert_no_error (error);
  data = g_variant_lookup_value (user_info, "data", G_VARIANT_TYPE_VARDICT);
  json = g_variant_lookup_value (data, "application/json", G_VARIANT_TYPE_VARDICT);
  g_assert_true (g_variant_lookup (json, "big", "d", &d));
  g_assert_cmpfloat (d, ==, 18446744073709551616.0);
  g_assert_true (g_variant_lookup (json, "neg", "d", &d));
  g_assert_cmpfloat (d, ==, -9223372036854775809.0);
  g_assert_true (g_variant_lookup (json, "max", "x", &i64));
  g_assert_cmpint (i64, ==, G_MAXINT64);
  g_assert_true (g_variant_lookup (json, "min", "x", &i64));
  g_assert_cmpint (i64, ==, G_MININT64);
  g_assert_true (g_variant_lookup (json, "s", "&s", &str));
  g_assert_cmpstr (str, ==, "12345678901234567890123");
  list = g_variant_lookup_value (json, "list", G_VARIANT_TYPE ("av"));
  first = g_variant_get_child_value (list, 0);
  inner = g_variant_get_variant (first);
  g_assert_cmpstr (g_variant_get_type_string (inner), ==, "d");
}

static void
test_stream_live (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GPtrArray) out = NULL;
  g_autoptr(GPtrArray) all = NULL;
  Seen *busy = NULL, *idle = NULL;
  Run run;

  g_test_summary ("A real kernel's prints are posted live, 0.3 s apart, as stdout chunks "
                  "from the client that join into the printed lines, between busy and idle "
                  "statuses, with one execute_reply and nothing dropped");

  if (!need_kernel ())
    return;
  client = client_connect (center, shared_kernel->connection_file);
  run_code (client, &run,
            "import time\n"
            "for i in range(5):\n"
            "    print(f'line {i}', flush=True)\n"
            "    time.sleep(0.3)\n", 30);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.status, ==, "ok");

  /* The kernel batches writes (out_string is a chunk: a print's text and
   * its newline can come apart under load): the chunks joined are the
   * lines, and the chunk holding each line came 0.3 s after the last. */
  out = ours (&run, "stdout");
  g_assert_cmpuint (out->len, >=, 5);
  {
    g_autoptr(GString) joined = g_string_new (NULL);
    gint64 line_at[5] = { 0 };

    for (guint i = 0; i < out->len; i++)
      {
        Seen *seen = out->pdata[i];
        const char *chunk = seen_string (seen, "out_string");

        g_assert_true (seen->sender == (gpointer) client);
        g_assert_nonnull (seen_string (seen, "msg_id"));
        g_string_append (joined, chunk);
        for (guint l = 0; l < 5; l++)
          {
            g_autofree char *line = g_strdup_printf ("line %u", l);

            if (strstr (chunk, line) != NULL)
              line_at[l] = seen->when;
          }
      }
    g_assert_cmpstr (joined->str, ==, "line 0\nline 1\nline 2\nline 3\nline 4\n");
    /* live: spread over the 1.2 s, the first well before the end */
    g_test_message ("%u chunks; line 0→line 4: %.0f ms; line 0→done: %.0f ms", out->len,
                    (line_at[4] - line_at[0]) / 1000.0, (run.done_at - line_at[0]) / 1000.0);
    g_assert_cmpint (line_at[4] - line_at[0], >=, 1000 * 1000);
    g_assert_cmpint (run.done_at - line_at[0], >=, 1000 * 1000);
    for (guint l = 1; l < 5; l++)
      g_assert_cmpint (line_at[l] - line_at[l - 1], >=, 200 * 1000);
  }

  /* bracketed by busy and idle */
  all = ours (&run, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      Seen *seen = all->pdata[i];
      const char *state = seen_string (seen, "execution_state");

      if (strcmp (seen->type, "jupyter.status") != 0)
        continue;
      if (g_strcmp0 (state, "busy") == 0)
        busy = seen;
      else if (g_strcmp0 (state, "idle") == 0)
        idle = seen;
    }
  g_assert_nonnull (busy);
  g_assert_nonnull (idle);
  g_assert_cmpint (busy->when, <=, ((Seen *) out->pdata[0])->when);
  g_assert_cmpint (idle->when, >=, ((Seen *) out->pdata[out->len - 1])->when);
  g_assert_cmpuint (count_ours (&run, "jupyter.execute_reply"), ==, 1);
  g_assert_cmpuint (notification_jupyter_client_get_n_dropped (client), ==, 0);
  run_clear (&run);
}

static void
test_outputs (void)
{
  g_autoptr(NotificationCenter) center = g_object_new (NOTIFICATION_TYPE_CENTER, "strict-schemas", TRUE, NULL);
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GPtrArray) err = NULL;
  g_autoptr(GPtrArray) display = NULL;
  g_autoptr(GPtrArray) result = NULL;
  g_autoptr(GPtrArray) error = NULL;
  g_autoptr(GVariant) data = NULL;
  g_autoptr(GVariant) traceback = NULL;
  g_autofree char *text_owned = NULL;
  const char *text;
  Run run;

  g_test_summary ("A real kernel's stderr, display_data, execute_input and execute_result "
                  "are posted with their data on a strict-schemas center, and a cell that "
                  "raises gives status error and one jupyter.error with its ename and "
                  "traceback");

  if (!need_kernel ())
    return;
  client = client_connect (center, shared_kernel->connection_file);
  run_code (client, &run,
            "import sys\n"
            "from IPython.display import display\n"
            "print('to stderr', file=sys.stderr, flush=True)\n"
            "display({'text/plain': 'shown'}, raw=True)\n"
            "6 * 7\n", 30);
  g_assert_cmpstr (run.status, ==, "ok");
  err = ours (&run, "stderr");
  g_assert_cmpuint (err->len, >=, 1);
  g_assert_cmpstr ((text_owned = joined_output (&run, "stderr")), ==, "to stderr\n");

  display = ours (&run, "jupyter.display_data");
  g_assert_cmpuint (display->len, ==, 1);
  data = g_variant_lookup_value (((Seen *) display->pdata[0])->user_info, "data", G_VARIANT_TYPE_VARDICT);
  g_assert_true (g_variant_lookup (data, "text/plain", "&s", &text));
  g_assert_cmpstr (text, ==, "shown");
  g_clear_pointer (&data, g_variant_unref);

  result = ours (&run, "jupyter.execute_result");
  g_assert_cmpuint (result->len, ==, 1);
  data = g_variant_lookup_value (((Seen *) result->pdata[0])->user_info, "data", G_VARIANT_TYPE_VARDICT);
  g_assert_true (g_variant_lookup (data, "text/plain", "&s", &text));
  g_assert_cmpstr (text, ==, "42");
  g_assert_cmpuint (count_ours (&run, "jupyter.execute_input"), ==, 1);
  run_clear (&run);

  run_code (client, &run, "1/0", 30);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.status, ==, "error");
  error = ours (&run, "jupyter.error");
  g_assert_cmpuint (error->len, ==, 1);
  g_assert_cmpstr (seen_string (error->pdata[0], "ename"), ==, "ZeroDivisionError");
  traceback = g_variant_lookup_value (((Seen *) error->pdata[0])->user_info, "traceback", G_VARIANT_TYPE ("av"));
  g_assert_cmpuint (g_variant_n_children (traceback), >, 0);
  g_assert_cmpuint (notification_jupyter_client_get_n_dropped (client), ==, 0);
  run_clear (&run);
}

/* A fresh client per repeat: its first execute's first output is there. */
static void
test_first_output (void)
{
  g_test_summary ("For 20 fresh clients in turn, the first execution's busy and idle "
                  "statuses and its whole stdout are posted");

  if (!need_kernel ())
    return;
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(NotificationCenter) center = notification_center_new ();
      g_autoptr(NotificationJupyterClient) client = client_connect (center, shared_kernel->connection_file);
      g_autoptr(GPtrArray) status = NULL;
      g_autoptr(GPtrArray) out = NULL;
      g_autofree char *code = g_strdup_printf ("print('first %u')", i);
      g_autofree char *expected = g_strdup_printf ("first %u\n", i);
      g_autofree char *joined = NULL;
      Run run;

      run_code (client, &run, code, 30);
      status = ours (&run, "jupyter.status");
      out = ours (&run, "stdout");
      g_assert_cmpuint (status->len, ==, 2);
      g_assert_cmpstr (seen_string (status->pdata[0], "execution_state"), ==, "busy");
      g_assert_cmpuint (out->len, >=, 1);
      g_assert_cmpstr ((joined = joined_output (&run, "stdout")), ==, expected);
      run_clear (&run);
    }
}

static void
test_interrupt (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GPtrArray) error = NULL;
  Run run = { 0 };
  gulong id;

  g_test_summary ("Interrupting a real kernel's running cell ends it with status error and "
                  "one jupyter.error named KeyboardInterrupt");

  if (!need_kernel ())
    return;
  client = client_connect (center, shared_kernel->connection_file);
  run.seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  id = notification_center_add_observer (center, NULL, client, record, run.seen, NULL);
  run.msg_id = notification_jupyter_client_execute_async (client, "import time\nprint('sleeping', flush=True)\ntime.sleep(60)",
                                                          NULL, run_done, &run);
  /* interrupt once the cell runs (its output is there) */
  wait_until (count_ours (&run, "stdout") >= 1, 30);
  notification_jupyter_client_interrupt (client);
  wait_until (run.done, 30);
  notification_center_remove_observer (center, id);
  g_assert_cmpstr (run.status, ==, "error");
  error = ours (&run, "jupyter.error");
  g_assert_cmpuint (error->len, ==, 1);
  g_assert_cmpstr (seen_string (error->pdata[0], "ename"), ==, "KeyboardInterrupt");
  run_clear (&run);
}

static void
test_kernel_died (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  Kernel *kernel;
  Run run = { 0 };
  gint64 killed;
  gint64 last_seen;

  g_test_summary ("A real kernel killed during an execution is declared dead by the "
                  "heartbeat: kernel-alive turns false, jupyter.kernel-died is posted with "
                  "its connection file and last_seen, and the execution fails with "
                  "G_IO_ERROR_BROKEN_PIPE");

  if (!need_kernel ())
    return;
  kernel = kernel_start ();
  client = client_connect (center, kernel->connection_file);
  notification_jupyter_client_set_heartbeat_timeout (client, 500);
  notification_center_add_observer (center, "jupyter.kernel-died", client, record, seen, NULL);
  run.seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  run.msg_id = notification_jupyter_client_execute_async (client, "import time\ntime.sleep(60)", NULL, run_done, &run);

  killed = g_get_monotonic_time ();
  g_subprocess_send_signal (kernel->process, SIGKILL);
  wait_until (seen->len == 1, 10);
  g_test_message ("kernel-died %.0f ms after SIGKILL",
                  (((Seen *) seen->pdata[0])->when - killed) / 1000.0);
  g_assert_false (notification_jupyter_client_get_kernel_alive (client));
  g_assert_cmpstr (seen_string (seen->pdata[0], "connection_file"), ==, kernel->connection_file);
  g_assert_true (g_variant_lookup (((Seen *) seen->pdata[0])->user_info, "last_seen", "x", &last_seen));
  g_assert_cmpint (last_seen, >, 0);
  /* the pending execution fails */
  wait_until (run.done, 10);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  run_clear (&run);
  kernel_stop (kernel, SIGKILL);
}

/* A fake kernel: IOPub PUB and shell ROUTER bound by the test. */
static void
run_monitor (const char  *code,
             int          expected_status,
             const char  *expected_output)
{
  const char *monitor = g_getenv ("NOTIFICATION_MONITOR");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, monitor,
                              "--jupyter", shared_kernel->connection_file, "--execute", code, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s", out);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, expected_status);
  g_assert_nonnull (strstr (out, expected_output));
}

static void
test_monitor (void)
{
  g_test_summary ("notification-monitor --jupyter --execute prints a real kernel's stdout "
                  "and exits 0, and prints the jupyter.error of a cell that raises and "
                  "exits 1");

  if (!need_kernel ())
    return;
  if (g_getenv ("NOTIFICATION_MONITOR") == NULL)
    {
      g_test_skip ("NOTIFICATION_MONITOR is not set");
      return;
    }
  run_monitor ("print('from the monitor')", 0, "stdout - {'out_string': <'from the monitor");
  run_monitor ("1/0", 1, "jupyter.error");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (have_ipykernel ())
    shared_kernel = kernel_start ();
  else
    g_test_message ("ipykernel is not installed (Debian python3-ipykernel): the real-kernel tests skip");

  g_test_add_func ("/jupyter/connection-file/errors", test_connection_file_errors);
  g_test_add_func ("/jupyter/message/bad-names", test_message_bad_names);
  g_test_add_func ("/jupyter/message/big-integers", test_message_big_integers);
  g_test_add_func ("/jupyter/monitor/json-doubles", test_json_doubles);
  g_test_add_func ("/jupyter/kernel/stream-live", test_stream_live);
  g_test_add_func ("/jupyter/kernel/outputs", test_outputs);
  g_test_add_func ("/jupyter/kernel/first-output", test_first_output);
  g_test_add_func ("/jupyter/kernel/interrupt", test_interrupt);
  g_test_add_func ("/jupyter/kernel/monitor", test_monitor);
  g_test_add_func ("/jupyter/kernel/died", test_kernel_died);

  status = g_test_run ();
  kernel_stop (shared_kernel, SIGTERM);
  return status;
}
