/* jupyter-fake-kernel.h: a fake Jupyter kernel the tests bind themselves
 *
 * Its IOPub, shell and heartbeat sockets, on the test's main context:
 * it publishes what a test hands it, signed with the connection file's
 * key or not, and answers the shell's requests and the heartbeat.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>

#include <zmq.h>

#include "jupyter-test-util.h"
#include "notification-jupyter-message-private.h"
#include "notification-zmq-context-private.h"
#include "notification-zmq-source-private.h"

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

static inline int
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

static inline int
bind_any (void *socket)
{
  return bind_port (socket, 0);
}

static inline void
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
static inline void
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

static inline gboolean
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

static inline gboolean
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

static inline char *
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
static inline void
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

static inline void
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

static inline guint
count_type (GPtrArray  *seen,
            const char *type)
{
  guint n = 0;

  for (guint i = 0; i < seen->len; i++)
    n += strcmp (((Seen *) seen->pdata[i])->type, type) == 0;
  return n;
}

static inline gboolean
saw_text (GPtrArray  *seen,
          const char *text)
{
  for (guint i = 0; i < seen->len; i++)
    if (g_strcmp0 (seen_string (seen->pdata[i], "out_string"), text) == 0)
      return TRUE;
  return FALSE;
}
