/* gtk-frontend.c: a GTK 4 frontend showing a long computation's output live
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The blueprint's first use case. A simulated interpreter runs a long
 * block in a worker thread and posts `stdout` notifications (the text it
 * prints) and `progress` notifications (how far it got). The window
 * observes both through main-context observers: the callbacks run in the
 * GTK main thread, so they may touch widgets, in the order the worker
 * posted (the center's observers on one context share one queue), while
 * the worker never waits for the UI. The progress observer coalesces: the
 * bar gets the latest fraction, however fast the worker posts.
 *
 *   gtk-frontend                      run it, press "Run block"
 *   gtk-frontend --self-test [--screenshot=FILE]
 *                                     run the block once, check that the
 *                                     text view holds every line, that the
 *                                     progress bar reached 100 % and that
 *                                     the main loop never stalled; save a
 *                                     screenshot; exit 0 on success
 *   gtk-frontend --jupyter=FILE       the same window on a real Jupyter
 *   gtk-frontend --start-kernel       kernel: the one of connection file
 *                                     FILE, or one it starts (and stops)
 *                                     with /usr/bin/python3 -m
 *                                     ipykernel_launcher; "Run block"
 *                                     runs the same computation as a cell,
 *                                     whose `stdout` notifications the
 *                                     same observer shows, live (with
 *                                     --self-test: checked to arrive
 *                                     spread over the cell's run)
 *
 * The window's state is in gtk-frontend.h; --self-test's checks are in
 * gtk-frontend-self-test.c.
 */

#include "gtk-frontend.h"

#ifdef HAVE_JUPYTER
# include <signal.h>
# include <glib/gstdio.h>
# include <notification-bridge/notification-bridge.h>
#endif

/* The interpreter --------------------------------------------------------
 *
 * A stand-in for a kernel executing a long cell: it computes partial sums
 * of the Basel series (ζ(2) = π²/6), prints one line per step and reports
 * its progress. It only knows the center and its own identity (the
 * sender); whether anybody shows its output is not its business. With
 * nobody observing, notification_center_post_values() returns before
 * building any user info.
 */

typedef struct
{
  NotificationCenter *center;       /* (owned) */
  GObject            *interpreter;  /* (owned) */
  guint               n_steps;
  gulong              step_usec;
} Block;

/* The line of one step: the worker prints it, the self-test expects it. */
char *
block_format_line (guint  step,
                   guint  n_steps,
                   double sum)
{
  return g_strdup_printf ("[%3u/%u] sum of 1/k² for k ≤ %7u = %.12f\n",
                          step, n_steps, step * 2000, sum);
}

static gpointer
block_run (gpointer data)
{
  Block *block = data;
  double sum = 0.0;
  guint k = 1;

  for (guint step = 1; step <= block->n_steps; step++)
    {
      g_autofree char *line = NULL;

      for (; k <= step * 2000; k++)
        sum += 1.0 / ((double) k * (double) k);
      g_usleep (block->step_usec);  /* the rest of the "long computation" */

      line = block_format_line (step, block->n_steps, sum);
      notification_center_post_values (block->center, "stdout", block->interpreter,
                                       "out_string", "s", line,
                                       NULL);
      notification_center_post_values (block->center, "progress", block->interpreter,
                                       "fraction", "d", (double) step / block->n_steps,
                                       NULL);
    }

  notification_center_post_values (block->center, "finished", block->interpreter,
                                   "result", "d", sum,
                                   NULL);

  g_object_unref (block->interpreter);
  g_object_unref (block->center);
  g_free (block);

  return NULL;
}

/* The frontend ----------------------------------------------------------- */

static void
on_stdout (NotificationCenter *center,
           const char         *type,
           GObject            *sender,
           GVariant           *user_info,
           gpointer            user_data)
{
  Frontend *self = user_data;
  const char *text;
  GtkTextIter end;

  /* Runs in the main thread: widgets may be touched. */
  if (!g_variant_lookup (user_info, "out_string", "&s", &text))
    return;

  if (self->first_line == 0)
    self->first_line = g_get_monotonic_time ();
  self->last_line = g_get_monotonic_time ();
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  gtk_text_buffer_insert (self->buffer, &end, text, -1);
  /* Queued until the new line is laid out. */
  gtk_text_view_scroll_to_mark (self->text_view, self->end_mark, 0.0, TRUE, 0.0, 1.0);
}

static void
on_progress (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  Frontend *self = user_data;
  double fraction;
  g_autofree char *text = NULL;

  if (!g_variant_lookup (user_info, "fraction", "d", &fraction))
    return;

  self->n_progress_calls++;
  text = g_strdup_printf ("%.0f %%", fraction * 100.0);
  gtk_progress_bar_set_fraction (self->progress, fraction);
  gtk_progress_bar_set_text (self->progress, text);
}

#ifdef HAVE_JUPYTER
static void kernel_run_block (Frontend *self);
#endif

static void
on_finished (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  Frontend *self = user_data;
  double result = 0.0;
  g_autofree char *status = NULL;

  g_variant_lookup (user_info, "result", "d", &result);
  status = g_strdup_printf ("Finished: ζ(2) ≈ %.12f (π²/6 = %.12f)",
                            result, G_PI * G_PI / 6.0);
  gtk_label_set_text (self->status, status);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), TRUE);

  g_clear_pointer (&self->worker, g_thread_join);

  /* One queue for the three observers: every `stdout` line and the last
   * `progress` were posted before `finished`, so they have all been
   * handled by now. */
  if (self->self_test)
    self_test_check (self);
}

static void
frontend_run_block (Frontend *self)
{
  Block *block;

  if (self->worker != NULL || self->running)
    return;

  gtk_text_buffer_set_text (self->buffer, "", -1);
  gtk_progress_bar_set_fraction (self->progress, 0.0);
  gtk_progress_bar_set_text (self->progress, "0 %");
  self->n_progress_calls = 0;
  gtk_label_set_text (self->status, "Running…");
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), FALSE);

#ifdef HAVE_JUPYTER
  if (self->client != NULL)
    {
      kernel_run_block (self);
      return;
    }
#endif
  block = g_new0 (Block, 1);
  block->center = g_object_ref (self->center);
  block->interpreter = g_object_ref (self->interpreter);
  block->n_steps = self->n_steps;
  block->step_usec = self->step_usec;
  self->worker = g_thread_new ("interpreter", block_run, block);
}

/* The kernel ------------------------------------------------------------- */

#ifdef HAVE_JUPYTER
/* The block as a cell: the same lines, printed by a real kernel. */
static char *
kernel_cell (Frontend *self)
{
  return g_strdup_printf ("import time\n"
                          "s, k = 0.0, 1\n"
                          "for step in range(1, %u + 1):\n"
                          "    while k <= step * 2000:\n"
                          "        s += 1.0 / (float(k) * float(k)); k += 1\n"
                          "    time.sleep(%g)\n"
                          "    print(f'[{step:3d}/%u] sum of 1/k\u00b2 for k \u2264 {step * 2000:7d} = {s:.12f}', flush=True)\n",
                          self->n_steps, self->step_usec / 1e6, self->n_steps);
}

/* The cell's end, through the window's queue (see on_cell_done()). */
static void
on_cell_shown (NotificationCenter *center,
               const char         *type,
               GObject            *sender,
               GVariant           *user_info,
               gpointer            user_data)
{
  Frontend *self = user_data;
  const char *status = NULL;
  g_autofree char *text = NULL;

  g_variant_lookup (user_info, "status", "&s", &status);
  self->running = FALSE;
  text = g_strdup_printf ("Kernel: %s", status);
  gtk_label_set_text (self->status, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), TRUE);
  gtk_progress_bar_set_fraction (self->progress, g_strcmp0 (status, "ok") == 0 ? 1.0 : 0.0);
  gtk_progress_bar_set_text (self->progress, g_strcmp0 (status, "ok") == 0 ? "100 %" : "failed");
  if (self->self_test)
    {
      gint64 spread = self->last_line - self->first_line;
      gint64 cell = (gint64) self->n_steps * self->step_usec;

      /* live: the lines came while the cell ran, not at its end */
      if (spread < cell / 2)
        {
          g_printerr ("self-test: the kernel's lines came within %" G_GINT64_FORMAT " ms, not live\n",
                      spread / 1000);
          self->status_code = 1;
        }
      else
        g_print ("self-test: the kernel's lines came over %" G_GINT64_FORMAT " ms (the cell ran %" G_GINT64_FORMAT " ms)\n",
                 spread / 1000, cell / 1000);
      self_test_check (self);
    }
}

/* The execution is complete once the kernel's reply and its `idle` have
 * arrived, and every `stream` before them was posted; but the calls of
 * the window's `stdout` observer may still be queued (the client can
 * complete inside the very dispatch that posted the last lines). Posted
 * to an observer on the same queue, the end comes after them. */
static void
on_cell_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Frontend *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = notification_jupyter_client_execute_finish (NOTIFICATION_JUPYTER_CLIENT (source),
                                                                        result, &error);

  notification_center_post_values (self->center, "cell-done", self->window,
                                   "status", "s", status != NULL ? status : error->message,
                                   NULL);
}

static void
kernel_run_block (Frontend *self)
{
  g_autofree char *code = kernel_cell (self);

  self->running = TRUE;
  self->first_line = self->last_line = 0;
  g_free (notification_jupyter_client_execute_async (NOTIFICATION_JUPYTER_CLIENT (self->client), code,
                                                     NULL, on_cell_done, self));
}

static void
on_kernel_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Frontend *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!notification_jupyter_client_connect_finish (NOTIFICATION_JUPYTER_CLIENT (source), result, &error))
    {
      g_printerr ("gtk-frontend: %s\n", error->message);
      self->status_code = 1;
      g_application_quit (G_APPLICATION (self->app));
      return;
    }
  self->kernel_connected = TRUE;
  gtk_label_set_text (self->status, "Connected to the kernel: press “Run block”.");
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), TRUE);
  if (self->self_test)
    frontend_run_block (self);
}

/* The kernel writes its connection file once it runs: try it until it
 * reads as one (a partly written file does not). */
static gboolean
kernel_try_connect (gpointer user_data)
{
  Frontend *self = user_data;
  NotificationJupyterClient *client;

  client = notification_jupyter_client_new_for_connection_file (self->center, self->connection_file, NULL);
  if (client == NULL)
    {
      if (g_file_test (self->connection_file, G_FILE_TEST_EXISTS) || self->kernel != NULL)
        return G_SOURCE_CONTINUE;
      g_printerr ("gtk-frontend: no connection file %s\n", self->connection_file);
      self->status_code = 1;
      g_application_quit (G_APPLICATION (self->app));
      return G_SOURCE_REMOVE;
    }
  self->client = G_OBJECT (client);
  /* The window's `stdout` observer, unchanged: only its sender differs. */
  self->stdout_id =
    notification_center_add_observer_full (self->center, "stdout", self->client,
                                           G_OBJECT (self->window), g_main_context_default (),
                                           on_stdout, self, NULL);
  self->cell_done_id =
    notification_center_add_observer_full (self->center, "cell-done", self->window,
                                           G_OBJECT (self->window), g_main_context_default (),
                                           on_cell_shown, self, NULL);
  notification_jupyter_client_connect_async (client, NULL, on_kernel_connected, self);
  return G_SOURCE_REMOVE;
}

/* A kernel that exits before it answered (ipykernel broken or missing)
 * would leave the window "Connecting…" for ever. */
static void
on_kernel_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Frontend *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* kernel_stop(): @self may be gone */
  if (self->kernel_connected)
    return;  /* the heartbeat reports a kernel that dies later */
  g_printerr ("gtk-frontend: the kernel exited before it answered (%s %d)\n",
              g_subprocess_get_if_signaled (G_SUBPROCESS (source)) ? "signal" : "status",
              g_subprocess_get_if_signaled (G_SUBPROCESS (source))
              ? g_subprocess_get_term_sig (G_SUBPROCESS (source))
              : g_subprocess_get_exit_status (G_SUBPROCESS (source)));
  self->status_code = 1;
  g_application_quit (G_APPLICATION (self->app));
}

static gboolean
kernel_start (Frontend  *self,
              GError   **error)
{
  if (self->start_kernel)
    {
      self->kernel_dir = g_dir_make_tmp ("gtk-frontend-XXXXXX", error);
      if (self->kernel_dir == NULL)
        return FALSE;
      self->connection_file = g_build_filename (self->kernel_dir, "kernel.json", NULL);
      self->kernel = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                       error, "/usr/bin/python3", "-m", "ipykernel_launcher",
                                       "-f", self->connection_file, NULL);
      if (self->kernel == NULL)
        return FALSE;
      self->kernel_wait = g_cancellable_new ();
      g_subprocess_wait_async (self->kernel, self->kernel_wait, on_kernel_exited, self);
    }
  if (kernel_try_connect (self))
    g_timeout_add (50, kernel_try_connect, self);
  return TRUE;
}

static void
kernel_stop (Frontend *self)
{
  g_clear_object (&self->client);
  if (self->kernel_wait != NULL)
    g_cancellable_cancel (self->kernel_wait);
  g_clear_object (&self->kernel_wait);
  if (self->kernel != NULL)
    {
      g_subprocess_send_signal (self->kernel, SIGTERM);
      g_subprocess_wait (self->kernel, NULL, NULL);
      g_clear_object (&self->kernel);
      g_unlink (self->connection_file);
      g_rmdir (self->kernel_dir);
    }
  g_free (self->kernel_dir);
}
#endif

static void
on_run_clicked (GtkButton *button,
                gpointer   user_data)
{
  frontend_run_block (user_data);
}

/* The window ------------------------------------------------------------- */

static void
on_window_destroy (GtkWidget *window,
                   gpointer   user_data)
{
  Frontend *self = user_data;
  gulong *ids[] = { &self->stdout_id, &self->progress_id, &self->finished_id, &self->cell_done_id };

  /* Queued deliveries are dropped; no callback runs after this. An id
   * of 0 was never added (the kernel's observers, without a kernel). */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (*ids[i] != 0)
      {
        notification_center_remove_observer (self->center, *ids[i]);
        *ids[i] = 0;
      }
}

static void
on_activate (GApplication *app,
             gpointer      user_data)
{
  Frontend *self = user_data;
  GtkWidget *box, *scrolled, *bar, *text_view, *header;
  GtkTextIter end;
  GMainContext *context = g_main_context_default ();

  if (self->window != NULL)
    {
      gtk_window_present (self->window);
      return;
    }

  self->window = GTK_WINDOW (gtk_application_window_new (GTK_APPLICATION (app)));
  gtk_window_set_title (self->window, "libnotification: GTK frontend");
  gtk_window_set_default_size (self->window, 640, 420);
  header = gtk_header_bar_new ();
  gtk_window_set_titlebar (self->window, header);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_window_set_child (self->window, box);

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (box), bar);

  self->run_button = GTK_BUTTON (gtk_button_new_with_mnemonic ("_Run block"));
  g_signal_connect (self->run_button, "clicked", G_CALLBACK (on_run_clicked), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->run_button));

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress, TRUE);
  gtk_progress_bar_set_text (self->progress, "0 %");
  gtk_widget_set_hexpand (GTK_WIDGET (self->progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->progress));

  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);

  text_view = gtk_text_view_new ();
  self->text_view = GTK_TEXT_VIEW (text_view);
  gtk_text_view_set_editable (self->text_view, FALSE);
  gtk_text_view_set_cursor_visible (self->text_view, FALSE);
  gtk_text_view_set_monospace (self->text_view, TRUE);
  gtk_text_view_set_left_margin (self->text_view, 6);
  gtk_text_view_set_top_margin (self->text_view, 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), text_view);

  self->buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  self->end_mark = gtk_text_buffer_create_mark (self->buffer, "end", &end, FALSE);

  self->status = GTK_LABEL (gtk_label_new ("Press “Run block” to start the computation."));
  gtk_label_set_xalign (self->status, 0.0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));

  /* The frontend's side of the blueprint: observe the interpreter's posts
   * on the main context. The window is the owner: its finalization
   * removes the observers too. The three share the main context's queue,
   * so they are called in the order the worker posted. */
  if (self->connection_file == NULL && !self->start_kernel)
    self->stdout_id =
      notification_center_add_observer_full (self->center, "stdout", self->interpreter,
                                             G_OBJECT (self->window), context,
                                             on_stdout, self, NULL);
  /* A progress bar shows one value: while a `progress` call is still
   * queued, a newer post replaces it (and takes its place in the order). */
  self->progress_id =
    notification_center_add_observer_with_flags (self->center, "progress", self->interpreter,
                                                 G_OBJECT (self->window), context,
                                                 NOTIFICATION_OBSERVER_COALESCE,
                                                 on_progress, self, NULL);
  self->finished_id =
    notification_center_add_observer_full (self->center, "finished", self->interpreter,
                                           G_OBJECT (self->window), context,
                                           on_finished, self, NULL);
  g_signal_connect (self->window, "destroy", G_CALLBACK (on_window_destroy), self);

  gtk_window_present (self->window);

  if (self->self_test)
    self_test_start (self);
#ifdef HAVE_JUPYTER
  if (self->connection_file != NULL || self->start_kernel)
    {
      g_autoptr(GError) error = NULL;

      gtk_label_set_text (self->status, "Connecting to the kernel…");
      gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), FALSE);
      if (!kernel_start (self, &error))
        {
          g_printerr ("gtk-frontend: cannot start a kernel: %s\n", error->message);
          self->status_code = 1;
          g_application_quit (G_APPLICATION (self->app));
        }
      return;
    }
#endif
  if (self->self_test)
    frontend_run_block (self);
}

int
main (int   argc,
      char *argv[])
{
  Frontend self = { 0 };
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NotificationSchema) schema = NULL;
  GOptionEntry entries[] = {
    { "self-test", 0, 0, G_OPTION_ARG_NONE, &self.self_test,
      "Run the block once, check what the window shows, then quit", NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &self.screenshot,
      "With --self-test, save a screenshot of the window to FILE", "FILE" },
#ifdef HAVE_JUPYTER
    { "jupyter", 0, 0, G_OPTION_ARG_FILENAME, &self.connection_file,
      "Run the block in the Jupyter kernel of connection file FILE", "FILE" },
    { "start-kernel", 0, 0, G_OPTION_ARG_NONE, &self.start_kernel,
      "Start a Jupyter kernel (python3-ipykernel) and run the block there", NULL },
#endif
    { NULL }
  };
  int status;

  options = g_option_context_new ("- show a long computation's output live");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  self.center = g_object_ref (notification_center_get_default ());
  self.interpreter = g_object_new (G_TYPE_OBJECT, NULL);
  self.n_steps = self.self_test ? 60 : 200;
  self.step_usec = self.self_test ? 10 * 1000 : 25 * 1000;
  if (self.connection_file != NULL || self.start_kernel)
    {
      /* a kernel flushes its output every 0.2 s at most: longer steps */
      self.n_steps = self.self_test ? 20 : 100;
      self.step_usec = 50 * 1000;
    }

  /* `progress` carries typed user info: a post without a double
   * `fraction` would be rejected and delivered to nobody. */
  schema = notification_schema_new ();
  notification_schema_add_key (schema, "fraction", "d", TRUE, NULL);
  notification_center_register_schema (self.center, "progress", schema);

  self.app = gtk_application_new ("org.example.NotificationFrontend",
                                  G_APPLICATION_NON_UNIQUE);
  g_signal_connect (self.app, "activate", G_CALLBACK (on_activate), &self);
  status = g_application_run (G_APPLICATION (self.app), 1, argv);

  /* A block still running when the window was closed: let it finish
   * (it posts to nobody now). */
  g_clear_pointer (&self.worker, g_thread_join);
#ifdef HAVE_JUPYTER
  kernel_stop (&self);
#endif
  g_free (self.connection_file);

  g_object_unref (self.app);
  g_object_unref (self.interpreter);
  g_object_unref (self.center);
  g_free (self.screenshot);

  return status != 0 ? status : self.status_code;
}
