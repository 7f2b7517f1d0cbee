/* bench-post.c: posting: unobserved, to observers, with schemas, through the signal
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The GObject baselines (an indirect call, g_signal_emit() with and
 * without handlers) and the posts measured against them.
 */

#include "bench-common.h"

static void
noop_call (gpointer    instance,
           const char *type,
           gpointer    sender,
           GVariant   *user_info)
{
}

static void (* volatile indirect_fn) (gpointer, const char *, gpointer, GVariant *) = noop_call;

/* Measure functions (ns per operation) -------------------------------------------------- */

static double
measure_indirect (Case    *c,
                  guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    indirect_fn (f->emitter, f->type, f->sender, f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_emit (Case    *c,
              guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    g_signal_emit (f->emitter, bench_signal, f->detail, f->type, f->sender, f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_emit_cycle (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    g_signal_emit (f->emitter, bench_signal, f->details[i % N_CYCLE], f->types[i % N_CYCLE],
                   f->senders[i % N_CYCLE], f->user_info);

  return (now_ns () - t0) / (double) n;
}

double
measure_post_cycle (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post (f->center, f->types[i % N_CYCLE], f->senders[i % N_CYCLE], f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_emit_build (Case    *c,
                    guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    {
      GVariant *user_info = g_variant_ref_sink (build_dict ());

      g_signal_emit (f->emitter, bench_signal, f->detail, f->type, f->sender, user_info);
      g_variant_unref (user_info);
    }

  return (now_ns () - t0) / (double) n;
}

static double
measure_post (Case    *c,
              guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post (f->center, f->type, f->sender, f->user_info);

  return (now_ns () - t0) / (double) n;
}

static double
measure_post_checked (Case    *c,
                      guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post_checked (f->center, f->type, f->sender, f->user_info, NULL);

  return (now_ns () - t0) / (double) n;
}

static double
measure_post_values (Case    *c,
                     guint64  n)
{
  Fixture *f = &c->f;
  gint64 t0 = now_ns ();

  for (guint64 i = 0; i < n; i++)
    notification_center_post_values (f->center, f->type, f->sender,
                                     "out_string", "s", "hello, world\n",
                                     "line", "u", (guint32) 42,
                                     NULL);

  return (now_ns () - t0) / (double) n;
}

/* Setup functions ------------------------------------------------------------------------ */

static void
setup_indirect (Case *c)
{
  setup_common (c);
  c->f.emitter = emitter_new (0, 0, &c->f.counter);
}

/* f.n handlers on other details, f.mode matching ones; user info per
 * c->f.user_info as preset. */
static void
setup_emit (Case *c)
{
  GVariant *user_info = c->f.user_info;

  setup_common (c);
  c->f.user_info = user_info;
  c->f.emitter = emitter_new (c->f.n, c->f.mode, &c->f.counter);
  setup_cycle (c, 0);
}

/* f.n observers of other types (mode 0) or senders (mode 1) */
static void
setup_post_unobserved (Case *c)
{
  setup_common (c);
  c->f.center = get_center (case_emits_signal (c), c->f.mode == 0 ? "types" : "senders", c->f.n);
  setup_cycle (c, c->f.mode);
}

/* One observer of MATCH_TYPE from the_sender, alone or with f.n others
 * of other types. */
static void
setup_post_match (Case *c)
{
  GVariant *user_info = c->f.user_info;

  setup_common (c);
  c->f.user_info = user_info;
  c->f.type = MATCH_TYPE;
  /* A center of its own also with f.n others: added to the center that
   * the unobserved cases share, the matching observer would make their
   * posts look up one more kind of key, and each +100k case would call
   * the other two cases' matching observers as well. */
  c->f.center = center_new (case_emits_signal (c));
  if (c->f.n != 0)
    add_other_types (c->f.center, c->f.n);
  notification_center_add_observer (c->f.center, MATCH_TYPE, the_sender,
                                    observer_cb, &c->f.counter, NULL);
}

/* setup_post_match, and a schema on MATCH_TYPE that the 2-key
 * dictionary matches: out_string (s, required), line (u, optional). */
static void
setup_post_schema (Case *c)
{
  NotificationSchema *schema = notification_schema_new ();

  setup_post_match (c);
  notification_schema_add_key (schema, "out_string", "s", TRUE, NULL);
  notification_schema_add_key (schema, "line", "u", FALSE, NULL);
  notification_center_register_schema (c->f.center, MATCH_TYPE, schema);
  g_object_unref (schema);
}

/* f.n handlers on notification::SIGNAL_TYPE of a default center. */
static void
setup_signal_route (Case *c)
{
  setup_common (c);
  c->f.type = SIGNAL_TYPE;
  c->f.center = center_new (TRUE);
  for (guint i = 0; i < c->f.n; i++)
    g_signal_connect (c->f.center, "notification::" SIGNAL_TYPE,
                      G_CALLBACK (handler_cb), &c->f.counter);
}

static void
setup_post_none (Case *c)
{
  setup_common (c);
  c->f.center = get_center (case_emits_signal (c), "none", 0);
  setup_cycle (c, 0);
}

/* The list of cases ------------------------------------------------------------------------ */

void
define_post_cases (void)
{
  static const char *kinds[] = { "[sig]", "[nosig]" };
  guint other_counts[] = { 1, 100, n_mid, n_big };
  Case *c;
  char name[128], base[128], what[256];

  /* Baselines. */
  add_case ("call/indirect", "indirect call through a volatile function pointer, same 4 args",
            NULL, setup_indirect, measure_indirect);
  c = add_case ("emit/0h", "g_signal_emit, detailed (string, object, variant), no handler",
                NULL, setup_emit, measure_emit_cycle);
  for (guint i = 0; i < 3; i++)
    {
      g_snprintf (name, sizeof name, "emit/other-%s", count_label (other_counts[i]));
      g_snprintf (what, sizeof what, "g_signal_emit, %u handlers on other details", other_counts[i]);
      c = add_case (name, what, "emit/0h", setup_emit, measure_emit_cycle);
      c->f.n = other_counts[i];
    }
  c = add_case ("emit/1h", "g_signal_emit, 1 matching handler, NULL variant, generic marshaller",
                NULL, setup_emit, measure_emit);
  c->f.mode = 1;
  c = add_case ("emit/1h-dict", "g_signal_emit, 1 matching handler, prebuilt 2-key a{sv}",
                NULL, setup_emit, measure_emit);
  c->f.mode = 1;
  c->f.user_info = the_dict;
  c = add_case ("emit/1h-build", "build a 2-key a{sv}, g_signal_emit to 1 matching handler",
                NULL, setup_emit, measure_emit_build);
  c->f.mode = 1;
  c = add_case ("emit/100h", "g_signal_emit, 100 matching handlers",
                NULL, setup_emit, measure_emit);
  c->f.mode = 100;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const char *kind = kinds[k];
      gboolean sig = k == 0;

      /* No observer at all. */
      g_snprintf (name, sizeof name, "post/none%s", kind);
      c = add_case (name, "post, no observer at all, NULL user info", "emit/0h",
                    setup_post_none, measure_post_cycle);
      set_target (c, TARGET_RATIO_MAX, sig ? 1.3 : 0.3);
      g_snprintf (base, sizeof base, "post/none%s", kind);
      g_snprintf (name, sizeof name, "post/none%s~call", kind);
      add_alias (name, "the same, against an indirect call", base, "call/indirect");

      /* Unobserved type among observers of other types / other senders. */
      for (guint m = 0; m < 2; m++)
        {
          const char *others = m == 0 ? "types" : "senders";

          for (guint i = 0; i < G_N_ELEMENTS (other_counts); i++)
            {
              g_snprintf (name, sizeof name, "post/%s-%s%s", others, count_label (other_counts[i]), kind);
              g_snprintf (what, sizeof what, "post, unobserved; %u observers of other %s",
                          other_counts[i], others);
              if (i < 3)
                g_snprintf (base, sizeof base, "emit/other-%s", count_label (other_counts[i]));
              else
                g_snprintf (base, sizeof base, "emit/0h");
              c = add_case (name, what, base, setup_post_unobserved, measure_post_cycle);
              c->f.n = other_counts[i];
              c->f.mode = m;
              if (i == 3)
                set_target (c, TARGET_RATIO_MAX, sig ? 1.5 : 0.6);
            }
          g_snprintf (base, sizeof base, "post/%s-%s%s", others, count_label (n_big), kind);
          g_snprintf (name, sizeof name, "post/%s-%s%s~flat", others, count_label (n_big), kind);
          g_snprintf (what, sizeof what, "the same, against 1 observer of another %s (flat)",
                      m == 0 ? "type" : "sender");
          {
            char flat_base[128];

            g_snprintf (flat_base, sizeof flat_base, "post/%s-1%s", others, kind);
            c = add_alias (name, what, base, flat_base);
            set_target (c, TARGET_RATIO_MAX, 1.3);
          }
        }

      /* One matching observer. */
      for (guint with = 0; with < 2; with++)
        {
          const char *suffix = with ? "+100k" : "";
          const char *others_what = with ? ", with 100k observers of other types" : ", alone";
          char suffix_buf[16];

          if (with)
            g_snprintf (suffix_buf, sizeof suffix_buf, "+%s", count_label (n_big));
          else
            suffix_buf[0] = '\0';
          suffix = suffix_buf;

          g_snprintf (name, sizeof name, "post/match%s%s", suffix, kind);
          g_snprintf (what, sizeof what, "post to 1 matching observer, NULL user info%s", others_what);
          c = add_case (name, what, "emit/1h", setup_post_match, measure_post);
          c->f.n = with ? n_big : 0;
          set_target (c, TARGET_RATIO_MAX, 0.4);

          g_snprintf (name, sizeof name, "post/match-dict%s%s", suffix, kind);
          g_snprintf (what, sizeof what, "post to 1 matching observer, prebuilt 2-key a{sv}%s", others_what);
          c = add_case (name, what, "emit/1h-dict", setup_post_match, measure_post);
          c->f.n = with ? n_big : 0;
          c->f.user_info = the_dict;

          g_snprintf (name, sizeof name, "post/match-values%s%s", suffix, kind);
          g_snprintf (what, sizeof what, "post_values (2 keys) to 1 matching observer%s", others_what);
          c = add_case (name, what, "emit/1h-build", setup_post_match, measure_post_values);
          c->f.n = with ? n_big : 0;
        }

      /* A schema on the matching type: what checking the user info adds. */
      g_snprintf (name, sizeof name, "post/schema-dict%s", kind);
      g_snprintf (base, sizeof base, "post/match-dict%s", kind);
      c = add_case (name, "the same with a schema (2 keys)", base, setup_post_schema, measure_post);
      c->f.user_info = the_dict;
      g_snprintf (name, sizeof name, "post/schema-received%s", kind);
      c = add_case (name, "the same, the a{sv} serialised and untrusted, as received", base,
                    setup_post_schema, measure_post);
      c->f.user_info = the_received;
      g_snprintf (name, sizeof name, "post/schema-checked%s", kind);
      c = add_case (name, "post_checked, schema, the received a{sv}", base,
                    setup_post_schema, measure_post_checked);
      c->f.user_info = the_received;
      g_snprintf (name, sizeof name, "post/schema-values%s", kind);
      g_snprintf (base, sizeof base, "post/match-values%s", kind);
      c = add_case (name, "post_values (2 keys) with a schema", base, setup_post_schema, measure_post_values);

      /* Key/value convenience with nobody observing. */
      g_snprintf (name, sizeof name, "post/values-none%s", kind);
      g_snprintf (base, sizeof base, "post/none%s", kind);
      c = add_case (name, "post_values (2 keys), no observer", base,
                    setup_post_none, measure_post_values);
      set_target (c, TARGET_RATIO_MAX, 1.5);

      g_snprintf (name, sizeof name, "allocs/values-none%s", kind);
      c = add_case (name, "malloc/calloc/realloc calls per post_values, no observer", NULL,
                    setup_post_none, measure_allocs_values);
      c->unit = "allocs/op";
      c->fixed = TRUE;
      set_target (c, TARGET_VALUE_MAX, 0);

      g_snprintf (name, sizeof name, "allocs/post-none%s", kind);
      c = add_case (name, "malloc/calloc/realloc calls per post, no observer", NULL,
                    setup_post_none, measure_allocs_post);
      c->unit = "allocs/op";
      c->fixed = TRUE;
      set_target (c, TARGET_VALUE_MAX, 0);
    }

  /* The notification::TYPE signal route. */
  c = add_case ("signal/1h[sig]", "post, 1 handler on notification::TYPE, no observer", "emit/1h",
                setup_signal_route, measure_post);
  c->f.n = 1;
  c = add_case ("signal/100h[sig]", "post, 100 handlers on notification::TYPE, no observer", "emit/100h",
                setup_signal_route, measure_post);
  c->f.n = 100;
}
