/* test-zmq-source.c: the ZeroMQ main-loop source receives everything
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <zmq.h>

#include "notification-zmq-source-private.h"

typedef struct
{
  GMainLoop *loop;
  guint      received;
  guint      expected;
  guint      dispatches;
  guint      last_frames;
  guint      last_n_frames;
  gsize      last_size;
  guint      watchdog;
  gboolean   lend;        /* the source lends its frames */
} Counter;

static gboolean
on_message (void                   *socket,
            NotificationZmqMessage *message,
            gpointer                user_data)
{
  Counter *counter = user_data;

  counter->received++;
  if (counter->lend)
    {
      g_assert_null (message->frames);
      for (guint i = 0; i < message->n_kept; i++)
        g_assert_cmpmem (zmq_msg_data (&message->parts[i]), zmq_msg_size (&message->parts[i]), "frame", 5);
    }
  else
    {
      g_assert_null (message->parts);
      g_assert_cmpuint (message->frames->len, ==, message->n_kept);
      for (guint i = 0; i < message->n_kept; i++)
        g_assert_cmpmem (g_bytes_get_data (message->frames->pdata[i], NULL),
                         g_bytes_get_size (message->frames->pdata[i]), "frame", 5);
    }
  counter->last_frames = message->n_kept;
  counter->last_n_frames = message->n_frames;
  counter->last_size = message->size;
  if (counter->received == counter->expected)
    g_main_loop_quit (counter->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_watchdog (gpointer user_data)
{
  Counter *counter = user_data;

  /* Silence with messages missing: the edge was lost. */
  counter->watchdog = 0;
  g_main_loop_quit (counter->loop);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  void  *socket;
  guint  bursts[8];
  guint  n_bursts;
  guint  n_frames;
} Publisher;

/* A publisher thread (it owns the socket, bound before it started: a
 * thread's start is the full barrier ZeroMQ asks for to move a socket):
 * waits for the subscription (XPUB), then sends
 * bursts back to back, 20 ms apart. */
static gpointer
publisher_thread (gpointer data)
{
  Publisher *pub = data;
  void *socket = pub->socket;
  char sub[16];

  g_assert_cmpint (zmq_recv (socket, sub, sizeof sub, 0), >=, 1);

  for (guint b = 0; b < pub->n_bursts; b++)
    {
      for (guint i = 0; i < pub->bursts[b]; i++)
        for (guint f = 0; f < pub->n_frames; f++)
          g_assert_cmpint (zmq_send (socket, "frame", 5, f + 1 < pub->n_frames ? ZMQ_SNDMORE : 0), ==, 5);
      g_usleep (20 * 1000);
    }

  zmq_close (socket);
  return NULL;
}

static void *
subscriber_new (void *context)
{
  void *socket = zmq_socket (context, ZMQ_SUB);
  int hwm = 0;

  zmq_setsockopt (socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
  zmq_setsockopt (socket, ZMQ_SUBSCRIBE, "", 0);
  return socket;
}

static void
run (guint        n_frames,
     guint        max_frames,
     const guint *bursts,
     guint        n_bursts,
     Counter     *counter)
{
  void *context = zmq_ctx_new ();
  Publisher pub = { .n_bursts = n_bursts, .n_frames = n_frames };
  char endpoint[256];
  size_t len = sizeof endpoint;
  int hwm = 0;
  GMainContext *main_context = g_main_context_new ();
  GSource *source;
  GThread *thread;
  void *socket;

  memcpy (pub.bursts, bursts, n_bursts * sizeof *bursts);
  for (guint b = 0; b < n_bursts; b++)
    counter->expected += bursts[b];

  g_main_context_push_thread_default (main_context);
  counter->loop = g_main_loop_new (main_context, FALSE);

  /* TCP: inproc:// hides a lost edge (its mailbox fires more often). */
  pub.socket = zmq_socket (context, ZMQ_XPUB);
  zmq_setsockopt (pub.socket, ZMQ_SNDHWM, &hwm, sizeof hwm);
  g_assert_cmpint (zmq_bind (pub.socket, "tcp://127.0.0.1:*"), ==, 0);
  g_assert_cmpint (zmq_getsockopt (pub.socket, ZMQ_LAST_ENDPOINT, endpoint, &len), ==, 0);
  thread = g_thread_new ("publisher", publisher_thread, &pub);

  socket = subscriber_new (context);
  g_assert_cmpint (zmq_connect (socket, endpoint), ==, 0);

  source = notification_zmq_source_new (socket, max_frames, on_message, counter, NULL);
  notification_zmq_source_set_lend_frames (source, counter->lend);
  g_source_attach (source, main_context);

  {
    GSource *timeout = g_timeout_source_new (3000);

    g_source_set_callback (timeout, on_watchdog, counter, NULL);
    g_source_attach (timeout, main_context);
    g_main_loop_run (counter->loop);
    g_source_destroy (timeout);
    g_source_unref (timeout);
  }

  g_thread_join (thread);
  g_source_destroy (source);
  g_source_unref (source);
  zmq_close (socket);
  zmq_ctx_term (context);
  g_main_loop_unref (counter->loop);
  g_main_context_pop_thread_default (main_context);
  g_main_context_unref (main_context);
}

static void
test_bursts (void)
{
  /* One read per wake-up hangs at the first burst bigger than one. */
  const guint bursts[] = { 1, 2, 10, 100, 1000, 10000 };
  Counter counter = { 0 };

  g_test_summary ("The ZeroMQ source reads every message of bursts of 1 to 10000, whole, "
                  "in a GMainLoop with no timer (ZMQ_FD is edge-triggered)");

  run (1, 8, bursts, G_N_ELEMENTS (bursts), &counter);
  g_assert_cmpuint (counter.received, ==, counter.expected);
  g_assert_cmpuint (counter.last_n_frames, ==, 1);
}

static void
test_multipart (gconstpointer lend)
{
  const guint bursts[] = { 3, 500 };
  Counter counter = { .lend = GPOINTER_TO_INT (lend) };

  g_test_summary ("The ZeroMQ source delivers every three-frame message of bursts of 3 and "
                  "500 whole, with its frame count and size");

  run (3, 8, bursts, G_N_ELEMENTS (bursts), &counter);
  g_assert_cmpuint (counter.received, ==, counter.expected);
  g_assert_cmpuint (counter.last_frames, ==, 3);
  g_assert_cmpuint (counter.last_n_frames, ==, 3);
  g_assert_cmpuint (counter.last_size, ==, 15);
}

static void
test_frame_limit (gconstpointer lend)
{
  /* Frames past the limit are read (the next message stays whole) and
   * counted, not kept. */
  const guint bursts[] = { 50 };
  Counter counter = { .lend = GPOINTER_TO_INT (lend) };

  g_test_summary ("With a limit of 4 frames, every 12-frame message is delivered, keeping 4 "
                  "frames and counting all 12 and their size");

  run (12, 4, bursts, G_N_ELEMENTS (bursts), &counter);
  g_assert_cmpuint (counter.received, ==, counter.expected);
  g_assert_cmpuint (counter.last_frames, ==, 4);
  g_assert_cmpuint (counter.last_n_frames, ==, 12);
  g_assert_cmpuint (counter.last_size, ==, 60);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq-source/bursts", test_bursts);
  g_test_add_data_func ("/zmq-source/multipart", GINT_TO_POINTER (FALSE), test_multipart);
  g_test_add_data_func ("/zmq-source/frame-limit", GINT_TO_POINTER (FALSE), test_frame_limit);
  /* the frames lent as ZeroMQ received them (the bridges' mode) */
  g_test_add_data_func ("/zmq-source/multipart-lent", GINT_TO_POINTER (TRUE), test_multipart);
  g_test_add_data_func ("/zmq-source/frame-limit-lent", GINT_TO_POINTER (TRUE), test_frame_limit);

  return g_test_run ();
}
