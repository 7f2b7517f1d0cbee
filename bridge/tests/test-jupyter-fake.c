/* test-jupyter-fake.c: NotificationJupyterClient against a fake kernel
 * the test binds itself (forged and malformed input, cancellation,
 * disposal, heartbeat, the monitor's exit codes); the real kernels are
 * in test-jupyter.c
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
#include "jupyter-fake-kernel.h"

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

  g_test_summary ("IOPub messages with a wrong or no signature, malformed frames, malformed "
                  "JSON or content failing the schema are dropped, counted and logged once "
                  "per kind, and a good message after them is posted");

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

  g_test_summary ("With an empty key in the connection file, unsigned IOPub messages are "
                  "accepted and posted, none dropped");

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

  g_test_summary ("Cancelling execute_async() completes it at once with "
                  "G_IO_ERROR_CANCELLED although the kernel has not answered, and the "
                  "kernel's late idle status does not complete it again");

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

  g_test_summary ("A connect cancelled before it starts fails with G_IO_ERROR_CANCELLED and "
                  "leaves the client unconnected, and a second connect then succeeds");

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

  g_test_summary ("Disposing a client completes its pending execution, and disposing a "
                  "connecting client its pending connect, with G_IO_ERROR_CLOSED");

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

  g_test_summary ("A connect to a kernel that starts a second late succeeds, the kernel "
                  "getting 1 to 5 kernel_info_requests, not one for each retry due "
                  "meanwhile");

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

  g_test_summary ("An observer of jupyter.execute_reply that disposes the client makes the "
                  "execution that reply completes fail once, with G_IO_ERROR_CLOSED");

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

  g_test_summary ("A connect callback that disposes the client gets a successful connect "
                  "and leaves the client without a center, with no critical from the "
                  "message that completed the connect");

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

  g_test_summary ("A notify::kernel-alive handler may drop the last reference to the client "
                  "when the heartbeat declares the kernel dead, and jupyter.kernel-died is "
                  "still posted");

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

  g_test_summary ("A kernel whose heartbeat answer arrived during an observer slower than "
                  "the heartbeat timeout is still alive after the next ticks");

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

  g_test_summary ("Cancelling the connect to a kernel that never answers ends it with "
                  "G_IO_ERROR_CANCELLED");

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

  g_test_summary ("notification-monitor --jupyter exits at once on SIGTERM while it waits "
                  "for a silent kernel, with status 0 when it only monitors and 1 with "
                  "--execute");

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

  g_test_summary ("notification-monitor --jupyter --count 2 prints exactly two lines and "
                  "exits 0 although the kernel publishes 20 at once");

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
  g_test_init (&argc, &argv, NULL);

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
  g_test_add_func ("/jupyter/fake/monitor-interrupted", test_monitor_interrupted);
  g_test_add_func ("/jupyter/fake/monitor-count", test_monitor_count);

  return g_test_run ();
}
