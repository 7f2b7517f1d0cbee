/* notification-demo.c: the blueprint's two use cases (doc/blueprint.md),
 * made visible
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 1. A frontend shows an interpreter's output live: a simulated
 *    interpreter runs a long block in a worker thread and posts `stdout`
 *    and `progress` notifications; the frontend observes them on its main
 *    context and shows them as they come.
 * 2. A command-line frontend observes nothing: posting then costs a small
 *    constant, measured here beside an empty loop and g_signal_emit().
 *
 * Out of process (with the bridge): `--frontend` and `--interpreter` run
 * use case 1 in two processes, over the D-Bus bridge (the session bus, or
 * --address): the interpreter waits for a frontend, runs the block and
 * exits; the frontend shows what it posts and exits when it finishes.
 */

#include <stdio.h>
#include <unistd.h>

#include <notification/notification.h>

#ifdef DEMO_HAS_BRIDGE
# include <glib-unix.h>
# include "tool-common.h"
#endif

#define N_STEPS 8

typedef struct
{
  NotificationCenter *center;
  GObject            *interpreter;
  GMainLoop          *loop;
  guint               lines;
  gboolean            done;        /* the worker has posted "finished" (atomic) */
} Demo;

/* Redraws the progress line in a terminal; plain lines elsewhere. */
static const char *
line_start (void)
{
  return isatty (STDOUT_FILENO) ? "\r\033[K" : "";
}

static gpointer
interpreter_run_block (gpointer data)
{
  Demo *demo = data;

  for (guint i = 1; i <= N_STEPS; i++)
    {
      g_autofree char *line = g_strdup_printf ("computing step %u of %u: partial sum %u", i, N_STEPS, i * (i + 1) / 2);

      g_usleep (G_USEC_PER_SEC / 8);   /* the long-running block's work */
      notification_center_post_values (demo->center, "stdout", demo->interpreter,
                                       "out_string", "s", line,
                                       NULL);
      notification_center_post_values (demo->center, "progress", demo->interpreter,
                                       "fraction", "d", (double) i / N_STEPS,
                                       NULL);
    }

  notification_center_post (demo->center, "finished", demo->interpreter, NULL);
  g_atomic_int_set (&demo->done, TRUE);

  return NULL;
}

static void
frontend_on_stdout (NotificationCenter *center,
                    const char         *type,
                    GObject            *sender,
                    GVariant           *user_info,
                    gpointer            user_data)
{
  Demo *demo = user_data;
  const char *text = NULL;

  g_variant_lookup (user_info, "out_string", "&s", &text);
  demo->lines++;
  printf ("%s  [main thread] stdout: %s\n", line_start (), text);
}

static void
frontend_on_progress (NotificationCenter *center,
                      const char         *type,
                      GObject            *sender,
                      GVariant           *user_info,
                      gpointer            user_data)
{
  double fraction = 0;
  char bar[33];
  guint filled;

  g_variant_lookup (user_info, "fraction", "d", &fraction);
  filled = (guint) (fraction * 32 + 0.5);
  for (guint i = 0; i < 32; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[32] = '\0';
  printf ("%s  progress [%s] %3.0f %%%s", line_start (), bar, fraction * 100,
          isatty (STDOUT_FILENO) ? "" : "\n");
  fflush (stdout);
}

static void
frontend_on_finished (NotificationCenter *center,
                      const char         *type,
                      GObject            *sender,
                      GVariant           *user_info,
                      gpointer            user_data)
{
  Demo *demo = user_data;

  printf ("\n  [main thread] block finished, %u lines shown live\n", demo->lines);
  g_main_loop_quit (demo->loop);
}

/* The frontend's observers, on @context: of @sender, or of every sender
 * (`NULL`: the interpreter is in another process). */
static void
frontend_observe (Demo         *demo,
                  GObject      *sender,
                  GMainContext *context)
{
  notification_center_add_observer_full (demo->center, "stdout", sender, NULL, context,
                                         frontend_on_stdout, demo, NULL);
  notification_center_add_observer_full (demo->center, "progress", sender, NULL, context,
                                         frontend_on_progress, demo, NULL);
  notification_center_add_observer_full (demo->center, "finished", sender, NULL, context,
                                         frontend_on_finished, demo, NULL);
}

static void
use_case_live_output (void)
{
  Demo demo = { 0 };
  GMainContext *context = g_main_context_default ();
  GThread *worker;

  printf ("1. A frontend shows the interpreter's output live, while a worker thread runs the block\n");

  demo.center = notification_center_new ();
  demo.interpreter = g_object_new (G_TYPE_OBJECT, NULL);
  demo.loop = g_main_loop_new (context, FALSE);

  frontend_observe (&demo, demo.interpreter, context);

  worker = g_thread_new ("interpreter", interpreter_run_block, &demo);
  g_main_loop_run (demo.loop);
  g_thread_join (worker);

  g_main_loop_unref (demo.loop);
  g_object_unref (demo.interpreter);
  g_object_unref (demo.center);
}

/* What a post nobody observes costs: ns per call, the best of five
 * rounds. */
typedef void (*PostFunc) (gpointer data, guint i);

static double
measure (PostFunc func,
         gpointer data)
{
  const guint n = 2000000;
  double best = G_MAXDOUBLE;

  for (guint round = 0; round < 5; round++)
    {
      gint64 start = g_get_monotonic_time ();

      for (guint i = 0; i < n; i++)
        func (data, i);

      best = MIN (best, (g_get_monotonic_time () - start) * 1000.0 / n);
    }

  return best;
}

static void
empty_body (gpointer data,
            guint    i)
{
}

static void
post_unobserved (gpointer data,
                 guint    i)
{
  notification_center_post_values (data, "stdout", NULL,
                                   "out_string", "s", "nobody reads this",
                                   NULL);
}

static void
emit_unhandled (gpointer data,
                guint    i)
{
  g_signal_emit_by_name (data, "notification::stdout", "stdout", NULL, NULL);
}

static void
use_case_no_observer (void)
{
  NotificationCenter *center = notification_center_new ();
  NotificationCenter *quiet = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  PostFunc volatile empty = empty_body;
  double loop_ns, quiet_ns, default_ns, emit_ns;

  printf ("\n2. A command-line frontend observes nothing: what each post costs it\n");

  loop_ns = measure (empty, NULL);
  quiet_ns = measure (post_unobserved, quiet);
  default_ns = measure (post_unobserved, center);
  emit_ns = measure (emit_unhandled, center);

  printf ("  empty loop body (an indirect call)                 %6.1f ns\n", loop_ns);
  printf ("  unobserved post, center with emits-signal FALSE    %6.1f ns  (%.1f x the empty loop)\n",
          quiet_ns, quiet_ns / loop_ns);
  printf ("  unobserved post, default center (asks GLib once)   %6.1f ns  (%.1f x the empty loop)\n",
          default_ns, default_ns / loop_ns);
  printf ("  for comparison: g_signal_emit_by_name, no handler  %6.1f ns\n", emit_ns);
  printf ("  (the user info of these posts is never built: nobody would read it)\n");

  g_object_unref (quiet);
  g_object_unref (center);
}

#ifdef DEMO_HAS_BRIDGE
/* Out of process --------------------------------------------------------- */

static const char * const demo_types[] = { "stdout", "progress", "finished", NULL };

static NotificationDBusBridge *
demo_connect (const char          *address,
              NotificationCenter  *center,
              GDBusConnection    **connection)
{
  g_autoptr(GError) error = NULL;
  NotificationDBusBridge *bridge;

  *connection = tool_connect (address, &error);
  if (*connection == NULL)
    {
      g_printerr ("notification-demo: cannot connect to %s: %s\n",
                  address != NULL ? address : "the session bus", error->message);
      return NULL;
    }
  g_dbus_connection_set_exit_on_close (*connection, FALSE);
  bridge = tool_bridge (center, *connection, &error);
  if (bridge == NULL)
    g_printerr ("notification-demo: %s\n", error->message);
  return bridge;
}

static gboolean
frontend_present (NotificationDBusBridge *bridge)
{
  g_auto(GStrv) types = notification_bridge_dup_exported_types (NOTIFICATION_BRIDGE (bridge));

  for (guint i = 0; demo_types[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) types, demo_types[i]) &&
        !g_strv_contains ((const char * const *) types, ""))
      return FALSE;
  return TRUE;
}

/* The interpreter's process: waits until a frontend observes what it
 * posts, runs the block in a worker thread (its bridge sends from this
 * thread's main context), then makes sure the frontend has it all. */
static int
run_interpreter (const char *address)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(NotificationDBusBridge) bridge = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  Demo demo = { 0 };
  GThread *worker;
  gboolean ok;

  demo.center = notification_center_new ();
  demo.interpreter = g_object_new (G_TYPE_OBJECT, NULL);
  bridge = demo_connect (address, demo.center, &connection);
  if (bridge == NULL)
    return TOOL_EXIT_FAILURE;

  if (!frontend_present (bridge))
    g_printerr ("interpreter: waiting for a frontend (notification-demo --frontend)\n");
  while (!frontend_present (bridge) && !g_dbus_connection_is_closed (connection))
    g_main_context_iteration (NULL, TRUE);
  if (!frontend_present (bridge))
    {
      g_printerr ("notification-demo: the connection closed\n");
      g_clear_object (&bridge);
      g_object_unref (demo.interpreter);
      g_object_unref (demo.center);
      return TOOL_EXIT_FAILURE;
    }

  g_printerr ("interpreter: running the block in a worker thread\n");
  worker = g_thread_new ("interpreter", interpreter_run_block, &demo);
  while (!g_atomic_int_get (&demo.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (worker);

  notification_dbus_bridge_flush (bridge, NULL, tool_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = notification_dbus_bridge_flush_finish (bridge, result, &error);
  g_object_unref (result);
  if (!ok)
    g_printerr ("notification-demo: %s\n", error->message);
  else
    g_printerr ("interpreter: done, %" G_GUINT64_FORMAT " notifications sent\n",
                notification_bridge_get_n_sent (NOTIFICATION_BRIDGE (bridge)));

  g_clear_object (&bridge);
  g_object_unref (demo.interpreter);
  g_object_unref (demo.center);
  return ok ? TOOL_EXIT_OK : TOOL_EXIT_FAILURE;
}

static void
frontend_on_closed (GDBusConnection *connection,
                    gboolean         remote_peer_vanished,
                    GError          *error,
                    gpointer         user_data)
{
  Demo *demo = user_data;

  g_printerr ("notification-demo: the connection closed\n");
  demo->lines = G_MAXUINT;
  g_main_loop_quit (demo->loop);
}

static gboolean
frontend_on_signal (gpointer user_data)
{
  Demo *demo = user_data;

  g_main_loop_quit (demo->loop);
  return G_SOURCE_CONTINUE;
}

/* The frontend's process: imports and observes the three types, shows
 * them as they come, exits when the block has finished. */
static int
run_frontend (const char *address)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(NotificationDBusBridge) bridge = NULL;
  Demo demo = { 0 };
  int status = TOOL_EXIT_OK;

  demo.center = notification_center_new ();
  bridge = demo_connect (address, demo.center, &connection);
  if (bridge == NULL)
    return TOOL_EXIT_FAILURE;

  demo.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (connection, "closed", G_CALLBACK (frontend_on_closed), &demo);
  g_unix_signal_add (SIGINT, frontend_on_signal, &demo);
  g_unix_signal_add (SIGTERM, frontend_on_signal, &demo);

  frontend_observe (&demo, NULL, g_main_context_default ());
  for (guint i = 0; demo_types[i] != NULL; i++)
    notification_dbus_bridge_subscribe (bridge, demo_types[i]);
  printf ("frontend: showing the output of an interpreter in another process "
          "(notification-demo --interpreter)\n");
  fflush (stdout);

  g_main_loop_run (demo.loop);
  if (demo.lines == G_MAXUINT)
    status = TOOL_EXIT_FAILURE;

  g_signal_handlers_disconnect_by_func (connection, frontend_on_closed, &demo);
  g_clear_object (&bridge);
  g_main_loop_unref (demo.loop);
  g_object_unref (demo.center);
  return status;
}
#endif

int
main (int   argc,
      char *argv[])
{
  gboolean opt_interpreter = FALSE, opt_frontend = FALSE;
  g_autofree char *opt_address = NULL;
  const GOptionEntry entries[] = {
    { "interpreter", 'i', 0, G_OPTION_ARG_NONE, &opt_interpreter,
      "Run only the interpreter, posting over the D-Bus bridge to a frontend in another process", NULL },
    { "frontend", 'f', 0, G_OPTION_ARG_NONE, &opt_frontend,
      "Run only the frontend, showing what an interpreter in another process posts", NULL },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &opt_address,
      "With --interpreter or --frontend: the D-Bus bus or peer at ADDRESS (default: the session bus)",
      "ADDRESS" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- the blueprint's use cases, made visible");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_description (options,
    "Without options, both use cases run in this process. Out of process:\n"
    "  dbus-run-session -- sh -c 'notification-demo --frontend & notification-demo --interpreter; wait'\n"
    "Exit status: 0 done, 1 connection failure, 2 bad arguments.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("notification-demo: %s\n", error->message);
      return 2;
    }
  if (argc > 1 || (opt_interpreter && opt_frontend) ||
      (opt_address != NULL && !opt_interpreter && !opt_frontend))
    {
      g_printerr ("notification-demo: use --interpreter or --frontend (one of them), "
                  "--address only with one (see --help)\n");
      return 2;
    }

  if (opt_interpreter || opt_frontend)
    {
#ifdef DEMO_HAS_BRIDGE
      return opt_interpreter ? run_interpreter (opt_address) : run_frontend (opt_address);
#else
      g_printerr ("notification-demo: built without the bridge (-Dbridge): no out-of-process mode\n");
      return 2;
#endif
    }

  printf ("libnotification %s demo\n\n", NOTIFICATION_VERSION_S);
  use_case_live_output ();
  use_case_no_observer ();

  return 0;
}
