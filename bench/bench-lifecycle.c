/* bench-lifecycle.c: adding and removing observers, interest watchers, finalization
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Against g_signal_connect() / g_signal_handler_disconnect() and
 * g_signal_connect_object().
 */

#include "bench-common.h"

/* Measure functions (ns per operation) -------------------------------------------------- */

static double
measure_add_remove (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      gulong id = notification_center_add_observer (f->center, f->type, NULL,
                                                    observer_cb, &f->counter, NULL);

      notification_center_remove_observer (f->center, id);
    }

  return (now_ns () - t0) / (double) n;
}

/* The same, running the interest watcher's context after each change, so
 * that both reports are recorded and delivered (not cancelled). */
static double
measure_add_remove_deliver (Case    *c,
                            guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      gulong id = notification_center_add_observer (f->center, f->type, NULL,
                                                    observer_cb, &f->counter, NULL);

      g_main_context_iteration (f->context, FALSE);
      notification_center_remove_observer (f->center, id);
      g_main_context_iteration (f->context, FALSE);
    }

  return (now_ns () - t0) / (double) n;
}

static gboolean
idle_once_cb (gpointer data)
{
  (*(guint64 *) data)++;

  return G_SOURCE_REMOVE;
}

/* GLib's own cost of what a delivered report takes: a source made ready
 * and dispatched by one iteration, twice. */
static double
measure_idle_dispatch (Case    *c,
                       guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    for (int k = 0; k < 2; k++)
      {
        GSource *source = g_idle_source_new ();

        g_source_set_callback (source, idle_once_cb, &f->counter, NULL);
        g_source_attach (source, f->context);
        g_source_unref (source);
        g_main_context_iteration (f->context, FALSE);
      }

  return (now_ns () - t0) / (double) n;
}

static double
measure_connect_disconnect (Case    *c,
                            guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      gulong id = g_signal_connect (f->emitter, "bench-signal::" POST_TYPE,
                                    G_CALLBACK (handler_cb), &f->counter);

      g_signal_handler_disconnect (f->emitter, id);
    }

  return (now_ns () - t0) / (double) n;
}

/* Create an object, tie an observer to it (mode 0: as owner, 1: as
 * sender), finalize it. */
static double
measure_finalize (Case    *c,
                  guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

      if (f->mode == 0)
        notification_center_add_observer_full (f->center, POST_TYPE, NULL, object, NULL,
                                               observer_cb, &f->counter, NULL);
      else
        notification_center_add_observer (f->center, POST_TYPE, object,
                                          observer_cb, &f->counter, NULL);
      g_object_unref (object);
    }

  return (now_ns () - t0) / (double) n;
}

/* The same with g_signal_connect_object (): GLib's owner-tied handler. */
static double
measure_finalize_gobject (Case    *c,
                          guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

      g_signal_connect_object (f->emitter, "bench-signal::" POST_TYPE,
                               G_CALLBACK (handler_cb), object, 0);
      g_object_unref (object);
    }

  return (now_ns () - t0) / (double) n;
}

/* Setup functions ------------------------------------------------------------------------ */

static void
setup_add_remove (Case *c)
{
  setup_common (c);
  c->f.type = "bench-add";
  c->f.center = center_new (TRUE);
  c->f.emitter = emitter_new (0, 0, &c->f.counter);
}

static void
interest_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             gboolean            observed,
             gpointer            user_data)
{
  (*(guint64 *) user_data)++;
}

/* A center with an interest watcher on a context of its own, which only
 * measure_add_remove_deliver() runs. f.mode 1: the type keeps another
 * observer, so that adding and removing change no interest. */
static void
setup_add_remove_watched (Case *c)
{
  setup_add_remove (c);
  c->f.context = g_main_context_new ();
  notification_center_watch_interest (c->f.center, c->f.context, interest_cb, &c->f.counter, NULL);
  if (c->f.mode == 1)
    notification_center_add_observer (c->f.center, c->f.type, NULL, observer_cb, &c->f.counter, NULL);
  while (g_main_context_iteration (c->f.context, FALSE))
    ;
}

/* Finalization: f.mode 0 owner, 1 sender; f.n other observers tied to
 * other objects the same way (mode 2: GObject connect_object). */
static void
setup_finalize (Case *c)
{
  setup_common (c);

  if (c->f.mode == 2)
    {
      c->f.emitter = g_object_new (BENCH_TYPE_EMITTER, NULL);
      for (guint i = 0; i < c->f.n; i++)
        g_signal_connect_object (c->f.emitter, "bench-signal::other",
                                 G_CALLBACK (handler_cb), sender_at (i), 0);
      return;
    }

  c->f.center = center_new (FALSE);
  for (guint i = 0; i < c->f.n; i++)
    {
      /* Other objects than the ones of the other cases' fixtures. */
      GObject *object = sender_at (n_big + 1 + i);

      if (c->f.mode == 0)
        notification_center_add_observer_full (c->f.center, "other", NULL, object, NULL,
                                               observer_cb, &c->f.counter, NULL);
      else
        notification_center_add_observer (c->f.center, POST_TYPE, object,
                                          observer_cb, &c->f.counter, NULL);
    }
}


static void
setup_idle_dispatch (Case *c)
{
  setup_common (c);
  c->f.context = g_main_context_new ();
}

/* post/none[nosig] on a center of its own that an interest watcher
 * watches. */
static void
setup_post_none_watched (Case *c)
{
  setup_common (c);
  c->f.center = center_new (FALSE);
  c->f.context = g_main_context_new ();
  notification_center_watch_interest (c->f.center, c->f.context, interest_cb, &c->f.counter, NULL);
  setup_cycle (c, 0);
}

/* The list of cases ------------------------------------------------------------------------ */

void
define_lifecycle_cases (void)
{
  Case *c;
  char name[128], base[128], what[256];

  /* Add and remove. */
  add_case ("gobj/connect+disconnect", "g_signal_connect + g_signal_handler_disconnect", NULL,
            setup_add_remove, measure_connect_disconnect);
  c = add_case ("observer/add+remove", "add_observer + remove_observer", "gobj/connect+disconnect",
                setup_add_remove, measure_add_remove);
  set_target (c, TARGET_RATIO_MAX, 0.3);

  /* With an interest watcher (no target: reported). */
  c = add_case ("interest/add+remove", "the same, a watcher told of both changes (not run: they cancel)",
                "observer/add+remove", setup_add_remove_watched, measure_add_remove);
  c = add_case ("interest/add+remove-kept", "the same, the type keeps another observer: no change",
                "observer/add+remove", setup_add_remove_watched, measure_add_remove);
  c->f.mode = 1;
  add_case ("gmain/2-idle", "attach an idle source and run the context, twice",
            NULL, setup_idle_dispatch, measure_idle_dispatch);
  c = add_case ("interest/add+remove+deliver", "the same, the watcher's context run after each change (2 reports)",
                "gmain/2-idle", setup_add_remove_watched, measure_add_remove_deliver);
  c = add_case ("interest/post-none[nosig]", "post/none[nosig] on a center that a watcher watches",
                "post/none[nosig]", setup_post_none_watched, measure_post_cycle);

  /* Finalization. */
  for (guint m = 0; m < 2; m++)
    {
      const char *what_kind = m == 0 ? "owner" : "sender";

      g_snprintf (name, sizeof name, "fin/%s-1", what_kind);
      g_snprintf (base, sizeof base, "%s", name);
      g_snprintf (what, sizeof what, "new object, observer with it as %s, unref; 1 other such observer",
                  what_kind);
      c = add_case (name, what, NULL, setup_finalize, measure_finalize);
      c->f.n = 1;
      c->f.mode = m;
      g_snprintf (name, sizeof name, "fin/%s-%s", what_kind, count_label (n_big));
      g_snprintf (what, sizeof what, "the same with %u other such observers (flat)", n_big);
      c = add_case (name, what, base, setup_finalize, measure_finalize);
      c->f.n = n_big;
      c->f.mode = m;
      set_target (c, TARGET_RATIO_MAX, 1.3);
    }
  c = add_case ("gobj/fin-owner-1", "new object, g_signal_connect_object to it, unref; 1 other", NULL,
                setup_finalize, measure_finalize_gobject);
  c->f.n = 1;
  c->f.mode = 2;
  g_snprintf (name, sizeof name, "gobj/fin-owner-%s", count_label (n_mid));
  g_snprintf (what, sizeof what, "the same with %u other connect_object handlers", n_mid);
  c = add_case (name, what, "gobj/fin-owner-1", setup_finalize, measure_finalize_gobject);
  c->f.n = n_mid;
  c->f.mode = 2;
}
