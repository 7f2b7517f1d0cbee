/* test-jupyter.c: NotificationJupyterClient against real kernels
 * (python3-ipykernel) and a fake one the test binds itself
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

/* An execution with execute_async, its notifications recorded. */
typedef struct
{
  GPtrArray *seen;
  char      *msg_id;
  char      *status;
  GError    *error;
  gboolean   done;
  gint64     done_at;
} Run;

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;

  run->status = notification_jupyter_client_execute_finish (NOTIFICATION_JUPYTER_CLIENT (source),
                                                            result, &run->error);
  run->done = TRUE;
  run->done_at = g_get_monotonic_time ();
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->seen, g_ptr_array_unref);
  g_free (run->msg_id);
  g_free (run->status);
  g_clear_error (&run->error);
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
typedef struct
{
  void *pub;
  void *router;
  void *hb;
  void *control;
  GSource *source;
  GSource *hb_source;
  char *key;
  guint n_requests;
  guint n_kernel_info;
  gboolean silent;
  gboolean keep_last;      /* keeps the routing id of the last execute_request */
  gboolean hb_silent;      /* the heartbeat stops answering (a hung kernel) */
  guint n_burst;           /* stream messages published right after each kernel_info status */
  gboolean hb_manual;      /* pings wait in ping_pending for the test to answer */
  gboolean ping_pending;
  GBytes *last_identity;   /* answers nothing on shell (a kernel still starting) */
} FakeKernel;

static int
bind_port (void *socket,
           int   port)
{
  char endpoint[256];
  size_t len = sizeof endpoint;
  int linger = 0;
  g_autofree char *address = port != 0 ? g_strdup_printf ("tcp://127.0.0.1:%d", port)
                                       : g_strdup ("tcp://127.0.0.1:*");

  zmq_setsockopt (socket, ZMQ_LINGER, &linger, sizeof linger);
  g_assert_cmpint (zmq_bind (socket, address), ==, 0);
  g_assert_cmpint (zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, endpoint, &len), ==, 0);
  return atoi (strrchr (endpoint, ':') + 1);
}

static int
bind_any (void *socket)
{
  return bind_port (socket, 0);
}

static void
send_raw (void       *socket,
          const char *first,
          ...)
{
  va_list args;
  const char *frame = first;

  va_start (args, first);
  while (frame != NULL)
    {
      const char *next = va_arg (args, const char *);

      zmq_send (socket, frame, strlen (frame), next != NULL ? ZMQ_SNDMORE : 0);
      frame = next;
    }
  va_end (args);
}

/* Publishes a message signed with @key ("" = unsigned; NULL = the
 * fake's key), with @parent (a header's JSON) as parent. */
static void
fake_publish (FakeKernel *fake,
              const char *key,
              const char *msg_type,
              const char *parent,
              const char *content)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *header = g_strdup_printf ("{\"msg_id\": \"%s\", \"msg_type\": \"%s\", \"session\": \"fake\","
                                             " \"username\": \"\", \"date\": \"2026-01-01T00:00:00.000000Z\","
                                             " \"version\": \"5.3\"}", id, msg_type);
  g_autoptr(GBytes) h = g_bytes_new_static (header, strlen (header));
  g_autoptr(GBytes) p = g_bytes_new_static (parent, strlen (parent));
  g_autoptr(GBytes) m = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) c = g_bytes_new_static (content, strlen (content));
  g_autofree char *sig = NULL;

  if (key == NULL)
    key = fake->key;
  sig = *key != '\0' ? notification_jupyter_sign (key, h, p, m, c) : g_strdup ("");
  send_raw (fake->pub, "kernel.fake.topic", "<IDS|MSG>", sig, header, parent, "{}", content, NULL);
}

static gboolean
fake_on_shell (void                   *socket,
               NotificationZmqMessage *raw,
               gpointer                user_data)
{
  FakeKernel *fake = user_data;
  g_autoptr(NotificationJupyterMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  NotificationJupyterDrop drop;
  g_autofree char *parent = NULL;
  guint delim = 0;

  message = notification_jupyter_message_parse (raw->frames, fake->key, &drop, &error);
  g_assert_no_error (error);
  fake->n_requests++;
  fake->n_kernel_info += strcmp (message->msg_type, "kernel_info_request") == 0;
  if (fake->keep_last && strcmp (message->msg_type, "execute_request") == 0)
    {
      g_clear_pointer (&fake->last_identity, g_bytes_unref);
      fake->last_identity = g_bytes_ref (raw->frames->pdata[0]);
    }
  if (fake->silent || strcmp (message->msg_type, "kernel_info_request") != 0)
    return G_SOURCE_CONTINUE;
  while (strncmp (g_bytes_get_data (raw->frames->pdata[delim], NULL), "<IDS|MSG>", 9) != 0)
    delim++;
  parent = g_strndup (g_bytes_get_data (raw->frames->pdata[delim + 2], NULL),
                      g_bytes_get_size (raw->frames->pdata[delim + 2]));
  fake_publish (fake, NULL, "status", parent, "{\"execution_state\": \"busy\"}");
  for (guint i = 0; i < fake->n_burst; i++)
    fake_publish (fake, NULL, "stream", "{}", "{\"name\": \"stdout\", \"text\": \"burst\"}");
  return G_SOURCE_CONTINUE;
}

static gboolean
fake_on_hb (void                   *socket,
            NotificationZmqMessage *raw,
            gpointer                user_data)
{
  FakeKernel *fake = user_data;

  if (fake->hb_silent)
    return G_SOURCE_CONTINUE;
  if (fake->hb_manual)
    {
      fake->ping_pending = TRUE;
      return G_SOURCE_CONTINUE;
    }
  zmq_send (socket, "ping", 4, 0);
  return G_SOURCE_CONTINUE;
}

static char *
fake_kernel_start (FakeKernel *fake,
                   const char *dir,
                   const char *key)
{
  void *context = notification_zmq_context_get ();
  int shell, iopub, control, hb;

  fake->key = g_strdup (key);
  fake->pub = zmq_socket (context, ZMQ_PUB);
  fake->router = zmq_socket (context, ZMQ_ROUTER);
  fake->control = zmq_socket (context, ZMQ_ROUTER);
  fake->hb = zmq_socket (context, ZMQ_REP);
  iopub = bind_any (fake->pub);
  shell = bind_any (fake->router);
  control = bind_any (fake->control);
  hb = bind_any (fake->hb);
  fake->source = notification_zmq_source_new (fake->router, 64, fake_on_shell, fake, NULL);
  g_source_attach (fake->source, NULL);
  fake->hb_source = notification_zmq_source_new (fake->hb, 64, fake_on_hb, fake, NULL);
  g_source_attach (fake->hb_source, NULL);

  return write_connection_file (dir, "fake.json", key, shell, iopub, control, hb);
}

/* The fake on the ports of an existing connection file (a kernel that
 * starts after its client). */
static void
fake_kernel_start_at (FakeKernel *fake,
                      const char *key,
                      int         shell,
                      int         iopub,
                      int         control,
                      int         hb)
{
  void *context = notification_zmq_context_get ();

  fake->key = g_strdup (key);
  fake->pub = zmq_socket (context, ZMQ_PUB);
  fake->router = zmq_socket (context, ZMQ_ROUTER);
  fake->control = zmq_socket (context, ZMQ_ROUTER);
  fake->hb = zmq_socket (context, ZMQ_REP);
  bind_port (fake->pub, iopub);
  bind_port (fake->router, shell);
  bind_port (fake->control, control);
  bind_port (fake->hb, hb);
  fake->source = notification_zmq_source_new (fake->router, 64, fake_on_shell, fake, NULL);
  g_source_attach (fake->source, NULL);
  fake->hb_source = notification_zmq_source_new (fake->hb, 64, fake_on_hb, fake, NULL);
  g_source_attach (fake->hb_source, NULL);
}

static void
fake_kernel_stop (FakeKernel *fake)
{
  g_source_destroy (fake->source);
  g_source_unref (fake->source);
  g_source_destroy (fake->hb_source);
  g_source_unref (fake->hb_source);
  zmq_close (fake->pub);
  zmq_close (fake->router);
  zmq_close (fake->control);
  zmq_close (fake->hb);
  g_clear_pointer (&fake->last_identity, g_bytes_unref);
  g_free (fake->key);
}

static guint
count_type (GPtrArray  *seen,
            const char *type)
{
  guint n = 0;

  for (guint i = 0; i < seen->len; i++)
    n += strcmp (((Seen *) seen->pdata[i])->type, type) == 0;
  return n;
}

static gboolean
saw_text (GPtrArray  *seen,
          const char *text)
{
  for (guint i = 0; i < seen->len; i++)
    if (g_strcmp0 (seen_string (seen->pdata[i], "out_string"), text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_forged (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  const char *stream = "{\"name\": \"stdout\", \"text\": \"forged\"}";
  FakeKernel fake = { 0 };

  path = fake_kernel_start (&fake, dir, "the-real-key");
  client = client_connect (center, path);
  notification_center_add_observer (center, NULL, client, record, seen, NULL);

  /* each kind is logged once */
  g_test_expect_message ("NotificationBridge", G_LOG_LEVEL_WARNING, "*IOPub (bad signature)*wrong signature*");
  g_test_expect_message ("NotificationBridge", G_LOG_LEVEL_WARNING, "*IOPub (malformed frames)*delimiter*");
  g_test_expect_message ("NotificationBridge", G_LOG_LEVEL_WARNING, "*IOPub (malformed JSON)*");

  fake_publish (&fake, "another-key", "stream", "{}", stream);
  fake_publish (&fake, "", "stream", "{}", stream);  /* no signature */
  send_raw (fake.pub, "stream.stdout", "no delimiter", NULL);
  fake_publish (&fake, NULL, "stream", "{}", "{\"name\": \"stdout\", \"text\": ");
  fake_publish (&fake, NULL, "stream", "{}", "{\"name\": \"stdout\"}");  /* no text: fails the schema */
  fake_publish (&fake, NULL, "stream", "{}", "{\"name\": \"stdout\", \"text\": \"good\"}");
  wait_until (saw_text (seen, "good"), 10);
  g_test_assert_expected_messages ();

  g_assert_false (saw_text (seen, "forged"));
  g_assert_cmpuint (count_type (seen, "stdout"), ==, 1);
  g_assert_cmpuint (notification_jupyter_client_get_n_bad_signatures (client), ==, 2);
  g_assert_cmpuint (notification_jupyter_client_get_n_malformed_frames (client), ==, 1);
  g_assert_cmpuint (notification_jupyter_client_get_n_malformed_json (client), ==, 2);
  g_assert_cmpuint (notification_jupyter_client_get_n_dropped (client), ==, 5);

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

/* An empty key: nothing is signed, nothing is checked. */
static void
test_unsigned (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  FakeKernel fake = { 0 };

  path = fake_kernel_start (&fake, dir, "");
  client = client_connect (center, path);
  notification_center_add_observer (center, NULL, client, record, seen, NULL);
  fake_publish (&fake, NULL, "stream", "{}", "{\"name\": \"stderr\", \"text\": \"unsigned\"}");
  wait_until (saw_text (seen, "unsigned"), 10);
  g_assert_cmpuint (count_type (seen, "stderr"), ==, 1);
  g_assert_cmpuint (notification_jupyter_client_get_n_dropped (client), ==, 0);

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

/* Cancelling execute_async ends the wait at once, although the kernel
 * (the fake never answers an execute_request) is still running it; and
 * the execution never completes a second time. */
static void
test_execute_cancelled (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  FakeKernel fake = { 0 };
  Run run = { 0 };
  guint n_done = 0;

  path = fake_kernel_start (&fake, dir, "key");
  client = client_connect (center, path);
  run.msg_id = notification_jupyter_client_execute_async (client, "import time; time.sleep(60)",
                                                          cancellable, run_done, &run);
  wait_until (fake.n_requests >= 2, 10);  /* the fake has it */
  g_cancellable_cancel (cancellable);
  wait_until (run.done, 10);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.status);
  n_done++;

  /* the kernel's late reply and idle complete nothing */
  {
    g_autofree char *parent = g_strdup_printf ("{\"msg_id\": \"%s\"}", run.msg_id);

    run.done = FALSE;
    fake_publish (&fake, NULL, "status", parent, "{\"execution_state\": \"idle\"}");
    fake_publish (&fake, NULL, "stream", "{}", "{\"name\": \"stdout\", \"text\": \"after\"}");
  }
  {
    g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);

    notification_center_add_observer (center, "stdout", client, record, seen, NULL);
    wait_until (seen->len == 1, 10);
  }
  g_assert_false (run.done);
  g_assert_cmpuint (n_done, ==, 1);
  run_clear (&run);

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

/* A cancelled connect leaves nothing connected: a second connect works. */
static void
test_connect_again (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  FakeKernel fake = { 0 };

  path = fake_kernel_start (&fake, dir, "key");
  client = notification_jupyter_client_new_for_connection_file (center, path, &error);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  notification_jupyter_client_connect_async (client, cancellable, got_async_result, &result);
  wait_until (result != NULL, 10);
  g_assert_false (notification_jupyter_client_connect_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (notification_jupyter_client_get_connected (client));
  g_clear_error (&error);
  g_clear_object (&result);

  notification_jupyter_client_connect_async (client, NULL, got_async_result, &result);
  wait_until (result != NULL, 10);
  g_assert_true (notification_jupyter_client_connect_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_true (notification_jupyter_client_get_connected (client));
  g_clear_object (&result);

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

/* Disposing the client (g_object_run_dispose(), as bindings do) fails
 * what is pending: each callback is called, once. */
static void
test_dispose_pending (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(NotificationJupyterClient) connecting = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autofree char *none = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  FakeKernel fake = { 0 };
  Run run = { 0 };

  path = fake_kernel_start (&fake, dir, "key");
  client = client_connect (center, path);
  run.msg_id = notification_jupyter_client_execute_async (client, "pass", NULL, run_done, &run);
  g_object_run_dispose (G_OBJECT (client));
  wait_until (run.done, 10);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  run_clear (&run);

  /* nothing answers there: the connect is still waiting */
  none = write_connection_file (dir, "none.json", "k", free_port (), free_port (), free_port (), free_port ());
  connecting = notification_jupyter_client_new_for_connection_file (center, none, &error);
  g_assert_no_error (error);
  notification_jupyter_client_connect_async (connecting, NULL, got_async_result, &result);
  g_object_run_dispose (G_OBJECT (connecting));
  wait_until (result != NULL, 10);
  g_assert_false (notification_jupyter_client_connect_finish (connecting, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_object (&result);

  g_clear_object (&client);
  g_clear_object (&connecting);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_unlink (none);
  g_rmdir (dir);
}

/* A kernel that starts a second after its client began to connect gets
 * a kernel_info_request or two, not one per 100 ms tick queued since
 * (each answered with busy and idle, posted as jupyter.status). */
static void
test_kernel_starts_later (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  int shell = free_port (), iopub = free_port (), control = free_port (), hb = free_port ();
  g_autofree char *path = write_connection_file (dir, "later.json", "key", shell, iopub, control, hb);
  g_autoptr(GError) error = NULL;
  g_autofree char *msg_id = NULL;
  GAsyncResult *result = NULL;
  gboolean started = FALSE;
  FakeKernel fake = { 0 };

  client = notification_jupyter_client_new_for_connection_file (center, path, &error);
  g_assert_no_error (error);
  notification_jupyter_client_connect_async (client, NULL, got_async_result, &result);
  /* the scenario, not a synchronisation: the kernel is a second late */
  g_timeout_add_seconds (1, test_timed_out, &started);
  wait_until (started, 10);
  g_assert_null (result);
  fake_kernel_start_at (&fake, "key", shell, iopub, control, hb);
  wait_until (result != NULL, 10);
  g_assert_true (notification_jupyter_client_connect_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* the shell is ordered: once the execute is in, so is every request before it */
  msg_id = notification_jupyter_client_execute (client, "pass");
  wait_until (fake.n_requests == fake.n_kernel_info + 1, 10);
  g_test_message ("%u kernel_info_request", fake.n_kernel_info);
  g_assert_cmpuint (fake.n_kernel_info, >=, 1);
  g_assert_cmpuint (fake.n_kernel_info, <=, 5);  /* ~10-14 queued before */

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

static void
dispose_sender (NotificationCenter *center,
                const char         *type,
                GObject            *sender,
                GVariant           *user_info,
                gpointer            user_data)
{
  (*(guint *) user_data)++;
  g_object_run_dispose (sender);
}

/* An observer of jupyter.execute_reply that disposes the client (a
 * frontend closing its session): the execution it completes fails once
 * with G_IO_ERROR_CLOSED, and nothing touches it afterwards (valgrind and
 * ASan saw the freed execution written to). */
static void
test_dispose_in_reply_observer (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *header = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *sig = NULL;
  const char *content = "{\"status\": \"ok\", \"execution_count\": 1}";
  FakeKernel fake = { 0 };
  Run run = { 0 };
  guint n_observed = 0;
  GBytes *h, *p, *m, *c;
  void *routing = NULL;
  gsize routing_len = 0;

  path = fake_kernel_start (&fake, dir, "key");
  client = client_connect (center, path);
  notification_center_add_observer (center, "jupyter.execute_reply", client, dispose_sender, &n_observed, NULL);
  fake.keep_last = TRUE;
  run.msg_id = notification_jupyter_client_execute_async (client, "pass", NULL, run_done, &run);
  wait_until (fake.last_identity != NULL, 10);
  routing = g_bytes_unref_to_data (g_steal_pointer (&fake.last_identity), &routing_len);

  /* the reply, on the shell, to the client's DEALER */
  parent = g_strdup_printf ("{\"msg_id\": \"%s\"}", run.msg_id);
  header = g_strdup_printf ("{\"msg_id\": \"%s\", \"msg_type\": \"execute_reply\"}", id);
  h = g_bytes_new_static (header, strlen (header));
  p = g_bytes_new_static (parent, strlen (parent));
  m = g_bytes_new_static ("{}", 2);
  c = g_bytes_new_static (content, strlen (content));
  sig = notification_jupyter_sign ("key", h, p, m, c);
  zmq_send (fake.router, routing, routing_len, ZMQ_SNDMORE);
  send_raw (fake.router, "<IDS|MSG>", sig, header, parent, "{}", content, NULL);
  wait_until (run.done, 10);
  g_assert_cmpuint (n_observed, ==, 1);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  run_clear (&run);
  g_bytes_unref (h);
  g_bytes_unref (p);
  g_bytes_unref (m);
  g_bytes_unref (c);
  g_free (routing);

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

static void
dispose_on_connected (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(gboolean *) user_data = notification_jupyter_client_connect_finish (NOTIFICATION_JUPYTER_CLIENT (source),
                                                                        result, &error);
  g_assert_no_error (error);
  g_object_run_dispose (source);
}

/* A connect callback that disposes the client: the IOPub message that
 * completed the connect is not posted into the center the client let go
 * (a critical before). */
static void
test_dispose_in_connect_callback (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean connected = FALSE;
  FakeKernel fake = { 0 };

  path = fake_kernel_start (&fake, dir, "key");
  client = notification_jupyter_client_new_for_connection_file (center, path, &error);
  g_assert_no_error (error);
  notification_jupyter_client_connect_async (client, NULL, dispose_on_connected, &connected);
  wait_until (connected, 10);
  g_assert_null (notification_jupyter_client_get_center (client));

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

static void
drop_client_when_dead (GObject    *client,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  if (notification_jupyter_client_get_kernel_alive (NOTIFICATION_JUPYTER_CLIENT (client)))
    return;
  (*(guint *) user_data)++;
  g_object_unref (client);  /* the last reference: a frontend lets it go */
}

/* A frontend that drops the client when the kernel is declared dead
 * (notify::kernel-alive) drops its last reference inside the heartbeat's
 * callback, which must not touch the client afterwards. */
static void
test_drop_client_when_dead (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  NotificationJupyterClient *client;
  FakeKernel fake = { 0 };
  guint n_dead = 0;

  path = fake_kernel_start (&fake, dir, "key");
  client = client_connect (center, path);
  notification_jupyter_client_set_heartbeat_timeout (client, 200);
  notification_center_add_observer (center, "jupyter.kernel-died", NULL, record, seen, NULL);
  g_signal_connect (client, "notify::kernel-alive", G_CALLBACK (drop_client_when_dead), &n_dead);
  fake.hb_silent = TRUE;
  wait_until (n_dead == 1, 10);
  /* the notification still went out, from the client being let go */
  g_assert_cmpuint (seen->len, ==, 1);

  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  FakeKernel                *fake;
  NotificationJupyterClient *client;
  guint                      n_calls;
} SlowObserver;

/* A frontend's observer that takes longer than the heartbeat timeout
 * (a text view appending a large chunk); the kernel answers the ping
 * meanwhile. */
static void
slow_observer (NotificationCenter *center,
               const char         *type,
               GObject            *sender,
               GVariant           *user_info,
               gpointer            user_data)
{
  SlowObserver *slow = user_data;
  zmq_pollitem_t item = { slow->client->hb, 0, ZMQ_POLLIN, 0 };

  slow->n_calls++;
  g_assert_true (slow->fake->ping_pending);
  zmq_send (slow->fake->hb, "ping", 4, 0);
  slow->fake->ping_pending = FALSE;
  /* the answer is in the client's socket (nothing read: only polled) */
  g_assert_cmpint (zmq_poll (&item, 1, 10000), ==, 1);
  g_usleep (1100 * 1000);  /* the slow part, past the 1 s timeout */
}

/* The heartbeat tick runs in the iteration of a slow observer: the
 * kernel's answer came during the observer (~150 ms after the ping, of a
 * 1 s timeout), before the tick, but its socket's source has not run
 * yet. The kernel is alive. */
static void
test_heartbeat_slow_observer (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  FakeKernel fake = { 0 };
  SlowObserver slow = { &fake, NULL, 0 };

  path = fake_kernel_start (&fake, dir, "key");
  client = client_connect (center, path);
  slow.client = client;
  notification_jupyter_client_set_heartbeat_timeout (client, 1000);
  notification_center_add_observer (center, "stdout", client, slow_observer, &slow, NULL);
  notification_center_add_observer (center, "stdout", client, record, seen, NULL);
  fake.hb_manual = TRUE;
  wait_until (fake.ping_pending, 10);  /* the client waits for an answer */

  fake_publish (&fake, NULL, "stream", "{}", "{\"name\": \"stdout\", \"text\": \"big chunk\"}");
  /* the program is busy 150 ms first: the tick is due when the loop next
   * looks, with the chunk (the scenario, not a synchronisation) */
  g_usleep (150 * 1000);
  wait_until (seen->len == 1, 10);
  fake.hb_manual = FALSE;
  /* a few more ticks */
  {
    gboolean later = FALSE;

    g_timeout_add (500, test_timed_out, &later);
    wait_until (later, 10);
  }
  g_assert_cmpuint (slow.n_calls, ==, 1);
  g_assert_true (notification_jupyter_client_get_kernel_alive (client));

  g_clear_object (&client);
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

/* Nothing answers: connect times out? Too slow (30 s); a cancellable ends it. */
static void
test_connect_cancelled (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationJupyterClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("jupyter-none-XXXXXX", NULL);
  g_autofree char *path = write_connection_file (dir, "none.json", "k", free_port (), free_port (),
                                                 free_port (), free_port ());
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  client = notification_jupyter_client_new_for_connection_file (center, path, &error);
  g_assert_no_error (error);
  notification_jupyter_client_connect_async (client, cancellable, got_async_result, &result);
  g_cancellable_cancel (cancellable);
  wait_until (result != NULL, 10);
  g_assert_false (notification_jupyter_client_connect_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (result);
  g_unlink (path);
  g_rmdir (dir);
}

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

static void
process_exited (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* SIGTERM while the monitor waits for a kernel that does not answer yet
 * (the connect gives up after 30 s): it exits at once, 0 when it only
 * monitors, 1 with --execute (the code did not run). */
static void
test_monitor_interrupted (void)
{
  const char *monitor = g_getenv ("NOTIFICATION_MONITOR");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  FakeKernel fake = { 0 };

  if (monitor == NULL)
    {
      g_test_skip ("NOTIFICATION_MONITOR is not set");
      return;
    }
  dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  path = fake_kernel_start (&fake, dir, "key");
  fake.silent = TRUE;
  for (guint with_code = 0; with_code < 2; with_code++)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      guint before = fake.n_requests;
      gboolean exited = FALSE;

      process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, monitor, "--jupyter", path,
                                  with_code ? "--execute" : NULL, "print(1)", NULL);
      g_assert_no_error (error);
      /* its first kernel_info_request: it is connecting, its handlers are in */
      wait_until (fake.n_requests > before, 10);
      g_subprocess_send_signal (process, SIGTERM);
      g_subprocess_wait_async (process, NULL, process_exited, &exited);
      wait_until (exited, 10);
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, with_code ? 1 : 0);
    }
  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

/* --count N prints N lines, also when more arrive in one read of the
 * socket (the fake publishes 20 right after answering the handshake). */
static void
test_monitor_count (void)
{
  const char *monitor = g_getenv ("NOTIFICATION_MONITOR");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GAsyncResult *result = NULL;
  g_autofree char *out = NULL;
  FakeKernel fake = { 0 };

  if (monitor == NULL)
    {
      g_test_skip ("NOTIFICATION_MONITOR is not set");
      return;
    }
  dir = g_dir_make_tmp ("jupyter-fake-XXXXXX", NULL);
  path = fake_kernel_start (&fake, dir, "key");
  fake.n_burst = 20;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, monitor, "--jupyter", path,
                              "--type", "stdout", "--count", "2", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, got_async_result, &result);
  wait_until (result != NULL, 10);
  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, &out, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_subprocess_wait (process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_test_message ("%s", out);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);  /* two, then "" */
  g_assert_cmpstr (lines[2], ==, "");

  fake_kernel_stop (&fake);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_summary ("NotificationJupyterClient against real ipykernel kernels and a fake one");

  if (have_ipykernel ())
    shared_kernel = kernel_start ();
  else
    g_test_message ("ipykernel is not installed (Debian python3-ipykernel): the real-kernel tests skip");

  g_test_add_func ("/jupyter/connection-file/errors", test_connection_file_errors);
  g_test_add_func ("/jupyter/message/bad-names", test_message_bad_names);
  g_test_add_func ("/jupyter/message/big-integers", test_message_big_integers);
  g_test_add_func ("/jupyter/monitor/json-doubles", test_json_doubles);
  g_test_add_func ("/jupyter/fake/forged", test_forged);
  g_test_add_func ("/jupyter/fake/unsigned", test_unsigned);
  g_test_add_func ("/jupyter/connect/cancelled", test_connect_cancelled);
  g_test_add_func ("/jupyter/connect/again", test_connect_again);
  g_test_add_func ("/jupyter/connect/kernel-starts-later", test_kernel_starts_later);
  g_test_add_func ("/jupyter/fake/execute-cancelled", test_execute_cancelled);
  g_test_add_func ("/jupyter/fake/dispose-pending", test_dispose_pending);
  g_test_add_func ("/jupyter/fake/drop-client-when-dead", test_drop_client_when_dead);
  g_test_add_func ("/jupyter/fake/heartbeat-slow-observer", test_heartbeat_slow_observer);
  g_test_add_func ("/jupyter/fake/dispose-in-connect-callback", test_dispose_in_connect_callback);
  g_test_add_func ("/jupyter/fake/dispose-in-reply-observer", test_dispose_in_reply_observer);
  g_test_add_func ("/jupyter/kernel/stream-live", test_stream_live);
  g_test_add_func ("/jupyter/kernel/outputs", test_outputs);
  g_test_add_func ("/jupyter/kernel/first-output", test_first_output);
  g_test_add_func ("/jupyter/kernel/interrupt", test_interrupt);
  g_test_add_func ("/jupyter/kernel/monitor", test_monitor);
  g_test_add_func ("/jupyter/fake/monitor-interrupted", test_monitor_interrupted);
  g_test_add_func ("/jupyter/fake/monitor-count", test_monitor_count);
  g_test_add_func ("/jupyter/kernel/died", test_kernel_died);

  status = g_test_run ();
  kernel_stop (shared_kernel, SIGTERM);
  return status;
}
