/* gtk-frontend-self-test.c: --self-test, the window checking itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Once the block (or the kernel's cell) has finished: the text view holds
 * every line in order, the progress bar reached 100 %, and the main loop
 * (a 10 ms ticker) never stalled; then a screenshot of the final state.
 */

#include "gtk-frontend.h"

static gboolean
self_test_tick (gpointer data)
{
  Frontend *self = data;
  gint64 now = g_get_monotonic_time ();

  if (self->last_tick != 0)
    self->max_gap = MAX (self->max_gap, now - self->last_tick);
  self->last_tick = now;

  return G_SOURCE_CONTINUE;
}

static gboolean
self_test_watchdog (gpointer data)
{
  Frontend *self = data;

  g_printerr ("self-test: the block did not finish within 60 s\n");
  self->status_code = 1;
  g_application_quit (G_APPLICATION (self->app));

  return G_SOURCE_REMOVE;
}

static gboolean
save_screenshot (Frontend    *self,
                 const char  *path,
                 GError     **error)
{
  GtkWidget *widget = GTK_WIDGET (self->window);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window drew nothing");
      return FALSE;
    }

  renderer = gtk_native_get_renderer (GTK_NATIVE (self->window));
  texture = gsk_renderer_render_texture (renderer, node,
                                        &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not write %s", path);
      return FALSE;
    }

  return TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  Frontend *self = user_data;
  g_autoptr(GError) error = NULL;

  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->text_view));

  /* The text view lays out and scrolls to the end over a few frames. */
  if (gtk_adjustment_get_value (vadj) + gtk_adjustment_get_page_size (vadj) <
      gtk_adjustment_get_upper (vadj) - 1.0 &&
      ++self->n_frames < 120)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self->window));
      return;
    }

  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, self);

  if (self->screenshot != NULL)
    {
      if (save_screenshot (self, self->screenshot, &error))
        g_print ("self-test: screenshot saved to %s\n", self->screenshot);
      else
        {
          g_printerr ("self-test: screenshot failed: %s\n", error->message);
          self->status_code = 1;
        }
    }

  g_application_quit (G_APPLICATION (self->app));
}

void
self_test_check (Frontend *self)
{
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *shown = NULL;
  GtkTextIter start, end;
  double sum = 0.0;
  guint k = 1;
  double fraction;
  GdkFrameClock *clock;

  g_clear_handle_id (&self->ticker_id, g_source_remove);

  /* The very lines the worker printed, in order. */
  for (guint step = 1; step <= self->n_steps; step++)
    {
      g_autofree char *line = NULL;

      for (; k <= step * 2000; k++)
        sum += 1.0 / ((double) k * (double) k);
      line = block_format_line (step, self->n_steps, sum);
      g_string_append (expected, line);
    }

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  shown = gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
  fraction = gtk_progress_bar_get_fraction (self->progress);

  if (g_strcmp0 (shown, expected->str) != 0)
    {
      g_printerr ("self-test: the text view does not show the posted output\n"
                  "expected:\n%s\nshown:\n%s\n", expected->str, shown);
      self->status_code = 1;
    }
  else
    g_print ("self-test: the text view shows all %u lines, in order\n", self->n_steps);

  if (fraction != 1.0)
    {
      g_printerr ("self-test: the progress bar is at %.1f %%, not 100 %%\n", fraction * 100.0);
      self->status_code = 1;
    }
  else
    g_print ("self-test: the progress bar is at 100 %% (%u updates for %u posts)\n",
             self->n_progress_calls, self->n_steps);

  /* The main loop ran its 10 ms ticker all along: the window stayed
   * responsive while the worker computed. */
  if (self->max_gap > 500 * G_TIME_SPAN_MILLISECOND)
    {
      g_printerr ("self-test: the main loop stalled for %" G_GINT64_FORMAT " ms\n",
                  self->max_gap / G_TIME_SPAN_MILLISECOND);
      self->status_code = 1;
    }
  else
    g_print ("self-test: the main loop never stalled more than %" G_GINT64_FORMAT " ms\n",
             self->max_gap / G_TIME_SPAN_MILLISECOND);

  /* Take the screenshot once the final state has been painted. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (self->window));
}

/* From the window's activation: the ticker that measures the main loop's
 * stalls, and a watchdog. */
void
self_test_start (Frontend *self)
{
  self->ticker_id = g_timeout_add (10, self_test_tick, self);
  g_timeout_add_seconds (60, self_test_watchdog, self);
}
