/* gtk-frontend.h: the window's state, shared with its self-test
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <notification/notification.h>

typedef struct
{
  GtkApplication     *app;
  GtkWindow          *window;
  GtkTextView        *text_view;
  GtkTextBuffer      *buffer;
  GtkTextMark        *end_mark;
  GtkProgressBar     *progress;
  GtkLabel           *status;
  GtkButton          *run_button;

  NotificationCenter *center;
  GObject            *interpreter;  /* the sender of the posts */
  gulong              stdout_id;
  gulong              progress_id;
  gulong              finished_id;
  gulong              cell_done_id;
  guint               n_progress_calls;

  GThread            *worker;
  guint               n_steps;
  gulong              step_usec;

  /* --jupyter, --start-kernel: a real kernel runs the block */
  char               *connection_file;
  gboolean            start_kernel;
  GSubprocess        *kernel;
  GCancellable       *kernel_wait;  /* cancelled when we stop the kernel */
  gboolean            kernel_connected;
  char               *kernel_dir;
  GObject            *client;       /* a NotificationJupyterClient */
  gboolean            running;
  gint64              first_line;
  gint64              last_line;

  /* --self-test */
  gboolean            self_test;
  char               *screenshot;
  gint64              last_tick;
  gint64              max_gap;
  guint               ticker_id;
  guint               n_frames;
  int                 status_code;
} Frontend;

char *block_format_line (guint     step,
                         guint     n_steps,
                         double    sum);

/* gtk-frontend-self-test.c */
void  self_test_start   (Frontend *self);
void  self_test_check   (Frontend *self);
