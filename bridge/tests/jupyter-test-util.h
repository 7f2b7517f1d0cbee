/* jupyter-test-util.h: real and fake Jupyter kernels for the tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <signal.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif
#include <notification-bridge/notification-bridge.h>

#define KERNEL_PYTHON "/usr/bin/python3"

/* Whether Debian's python3-ipykernel is there (else the tests skip). */
static inline gboolean
have_ipykernel (void)
{
  int status = -1;
  const char *argv[] = { KERNEL_PYTHON, "-c", "import ipykernel, ipykernel_launcher", NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* Ports nobody listens on now (bound to :0, closed). */
static inline guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static inline char *
write_connection_file (const char *dir,
                       const char *name,
                       const char *key,
                       int         shell,
                       int         iopub,
                       int         control,
                       int         hb)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = g_strdup_printf (
    "{\"shell_port\": %d, \"iopub_port\": %d, \"stdin_port\": %d, \"control_port\": %d,"
    " \"hb_port\": %d, \"ip\": \"127.0.0.1\", \"key\": \"%s\", \"transport\": \"tcp\","
    " \"signature_scheme\": \"hmac-sha256\", \"kernel_name\": \"\"}\n",
    shell, iopub, free_port (), control, hb, key);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

typedef struct
{
  GSubprocess *process;
  char        *dir;
  char        *connection_file;
} Kernel;

/* A kernel must not outlive a test that aborts (g_error, a failed
 * assertion): on Linux it gets SIGTERM when the test dies. */
static void
kernel_child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/* Starts a real kernel (stopped by kernel_stop, by its PID). */
static inline Kernel *
kernel_start (void)
{
  Kernel *kernel = g_new0 (Kernel, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  kernel->dir = g_dir_make_tmp ("jupyter-test-XXXXXX", &error);
  g_assert_no_error (error);
  kernel->connection_file = write_connection_file (kernel->dir, "kernel.json", key,
                                                   free_port (), free_port (), free_port (), free_port ());
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, kernel_child_setup, NULL, NULL);
  kernel->process = g_subprocess_launcher_spawn (launcher, &error, KERNEL_PYTHON, "-m", "ipykernel_launcher",
                                                 "-f", kernel->connection_file, NULL);
  g_assert_no_error (error);
  return kernel;
}

static inline void
kernel_stop (Kernel *kernel,
             int     signum)
{
  if (kernel == NULL)
    return;
  if (kernel->process != NULL)
    {
      g_subprocess_send_signal (kernel->process, signum);
      g_subprocess_wait (kernel->process, NULL, NULL);
      g_clear_object (&kernel->process);
    }
  g_unlink (kernel->connection_file);
  g_rmdir (kernel->dir);
  g_free (kernel->connection_file);
  g_free (kernel->dir);
  g_free (kernel);
}

static gboolean
test_timed_out (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the thread-default context (blocking, woken by sources)
 * until @cond holds; fails after @seconds. */
#define wait_until(cond, seconds) G_STMT_START {                              \
    gboolean _timed_out = FALSE;                                               \
    guint _id = g_timeout_add_seconds ((seconds), test_timed_out, &_timed_out); \
    while (!(cond) && !_timed_out)                                             \
      g_main_context_iteration (NULL, TRUE);                                   \
    if (!(cond))                                                               \
      g_error ("timed out after %d s waiting for %s", (int) (seconds), #cond);  \
    if (!_timed_out)                                                           \
      g_source_remove (_id);                                                   \
  } G_STMT_END

static inline void
got_async_result (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static inline NotificationJupyterClient *
client_connect (NotificationCenter *center,
                const char         *connection_file)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  NotificationJupyterClient *client;

  client = notification_jupyter_client_new_for_connection_file (center, connection_file, &error);
  g_assert_no_error (error);
  notification_jupyter_client_connect_async (client, NULL, got_async_result, &result);
  wait_until (result != NULL, 30);
  g_assert_true (notification_jupyter_client_connect_finish (client, result, &error));
  g_assert_no_error (error);
  g_assert_true (notification_jupyter_client_get_connected (client));
  g_object_unref (result);
  return client;
}

/* What an observer saw. */
typedef struct
{
  char     *type;
  GVariant *user_info;
  gint64    when;      /* g_get_monotonic_time () */
  gpointer  sender;
} Seen;

static inline void
seen_free (Seen *seen)
{
  g_free (seen->type);
  g_variant_unref (seen->user_info);
  g_free (seen);
}

static inline void
record (NotificationCenter *center,
        const char         *type,
        GObject            *sender,
        GVariant           *user_info,
        gpointer            user_data)
{
  Seen *seen = g_new0 (Seen, 1);

  seen->type = g_strdup (type);
  seen->user_info = g_variant_ref (user_info);
  seen->when = g_get_monotonic_time ();
  seen->sender = sender;
  g_ptr_array_add (user_data, seen);
}

static inline const char *
seen_string (Seen       *seen,
             const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (seen->user_info, key, "&s", &value))
    return NULL;
  return value;
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

static inline void
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

static inline void
run_clear (Run *run)
{
  g_clear_pointer (&run->seen, g_ptr_array_unref);
  g_free (run->msg_id);
  g_free (run->status);
  g_clear_error (&run->error);
}
