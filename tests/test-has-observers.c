/* test-has-observers.c: has_observers() agrees with delivery
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * notification_center_has_observers() answers whether a post made now
 * would reach anybody; post_values() and the Python override skip
 * building user info when it says no. So it must say yes exactly when a
 * post is received, for every combination of observers and of detailed,
 * undetailed and blocked `notification` handlers, whether or not the
 * type's string is already an interned quark (GLib's own
 * g_signal_has_handler_pending() with a detail ignores the handlers
 * without one).
 */

#include "test-util.h"

typedef enum
{
  OBSERVER_NONE,
  OBSERVER_TYPE,              /* the type, from every sender */
  OBSERVER_TYPE_SENDER,       /* the type, from the sender */
  OBSERVER_TYPE_OTHER_SENDER, /* the type, from another sender */
  OBSERVER_OTHER_TYPE,
  OBSERVER_ANY,               /* every type, every sender */
  OBSERVER_ANY_OTHER_SENDER,  /* every type, from another sender */
  N_OBSERVERS
} ObserverKind;

/* Handlers, as bits: each combination is tried. */
enum
{
  HANDLER_UNDETAILED         = 1 << 0,
  HANDLER_UNDETAILED_BLOCKED = 1 << 1,
  HANDLER_DETAILED           = 1 << 2,  /* notification::TYPE */
  HANDLER_DETAILED_BLOCKED   = 1 << 3,
  HANDLER_OTHER_DETAIL       = 1 << 4,  /* notification::OTHER */
  N_HANDLER_SETS             = 1 << 5
};

typedef struct
{
  guint n_cases;
  guint n_received;
  guint n_undetailed_interned;  /* received only by an undetailed handler, type interned */
} Tally;

static void
connect_handler (NotificationCenter *center,
                 const char         *signal,
                 gboolean            blocked,
                 int                *calls)
{
  gulong id = g_signal_connect (center, signal, G_CALLBACK (count_cb), calls);

  if (blocked)
    g_signal_handler_block (center, id);
}

static void
check_case (gboolean      emits_signal,
            ObserverKind  observer,
            guint         handlers,
            gboolean      interned,
            Tally        *tally)
{
  static guint serial;
  g_autofree char *type = g_strdup_printf ("has-observers-type-%u", ++serial);
  g_autofree char *other_type = g_strdup_printf ("has-observers-other-%u", serial);
  g_autofree char *detailed = g_strdup_printf ("notification::%s", type);
  g_autofree char *other_detailed = g_strdup_printf ("notification::%s", other_type);
  g_autoptr(GObject) sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) other_sender = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(NotificationCenter) center =
    g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", emits_signal, NULL);
  int calls = 0;
  gboolean has, received;

  if (interned)
    g_quark_from_string (type);

  switch (observer)
    {
    case OBSERVER_NONE:
      break;
    case OBSERVER_TYPE:
      notification_center_add_observer (center, type, NULL, count_cb, &calls, NULL);
      break;
    case OBSERVER_TYPE_SENDER:
      notification_center_add_observer (center, type, sender, count_cb, &calls, NULL);
      break;
    case OBSERVER_TYPE_OTHER_SENDER:
      notification_center_add_observer (center, type, other_sender, count_cb, &calls, NULL);
      break;
    case OBSERVER_OTHER_TYPE:
      notification_center_add_observer (center, other_type, NULL, count_cb, &calls, NULL);
      break;
    case OBSERVER_ANY:
      notification_center_add_observer (center, NULL, NULL, count_cb, &calls, NULL);
      break;
    case OBSERVER_ANY_OTHER_SENDER:
      notification_center_add_observer (center, NULL, other_sender, count_cb, &calls, NULL);
      break;
    default:
      g_assert_not_reached ();
    }

  if (handlers & HANDLER_UNDETAILED)
    connect_handler (center, "notification", FALSE, &calls);
  if (handlers & HANDLER_UNDETAILED_BLOCKED)
    connect_handler (center, "notification", TRUE, &calls);
  if (handlers & HANDLER_DETAILED)
    connect_handler (center, detailed, FALSE, &calls);
  if (handlers & HANDLER_DETAILED_BLOCKED)
    connect_handler (center, detailed, TRUE, &calls);
  if (handlers & HANDLER_OTHER_DETAIL)
    connect_handler (center, other_detailed, FALSE, &calls);

  /* Connecting a detailed handler interns its detail: the case is only
   * "not interned" if nothing did. */
  g_assert_true (interned || g_quark_try_string (type) == 0);

  has = notification_center_has_observers (center, type, sender);
  notification_center_post (center, type, sender, NULL);
  received = calls > 0;
  if (has != received)
    g_error ("emits-signal %d, observer kind %d, handlers 0x%x, interned %d: "
             "has_observers says %d, a post reached %d callbacks",
             emits_signal, observer, handlers, interned, has, calls);

  /* post_values() builds and posts exactly when has_observers() says. */
  calls = 0;
  notification_center_post_values (center, type, sender, "k", "s", "v", NULL);
  g_assert_cmpint (calls > 0, ==, received);

  tally->n_cases++;
  if (received)
    tally->n_received++;
  if (received && interned && observer == OBSERVER_NONE && emits_signal &&
      (handlers & (HANDLER_DETAILED | HANDLER_UNDETAILED)) == HANDLER_UNDETAILED)
    tally->n_undetailed_interned++;
}

static void
test_has_observers_table (void)
{
  Tally tally = { 0, };

  g_test_summary ("has_observers() agrees with delivery for every combination of "
                  "emits-signal, observer kind, signal handlers and interned type");

  for (int emits_signal = 0; emits_signal <= 1; emits_signal++)
    for (ObserverKind observer = 0; observer < N_OBSERVERS; observer++)
      for (guint handlers = 0; handlers < N_HANDLER_SETS; handlers++)
        for (int interned = 0; interned <= 1; interned++)
          {
            if (!interned && (handlers & (HANDLER_DETAILED | HANDLER_DETAILED_BLOCKED)) != 0)
              continue;
            check_case (emits_signal, observer, handlers, interned, &tally);
          }

  g_test_message ("%u cases, %u received", tally.n_cases, tally.n_received);
  g_assert_cmpuint (tally.n_received, >, 0);
  g_assert_cmpuint (tally.n_received, <, tally.n_cases);
  g_assert_cmpuint (tally.n_undetailed_interned, >, 0);
}

/* The case of the review: a type that GLib already knows as a quark. */
static void
test_interned_type_undetailed_handler (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  int calls = 0;

  g_test_summary ("has_observers() reports an undetailed signal handler for a type "
                  "that GLib already knows as a quark, and the post reaches it");

  g_signal_connect (center, "notification", G_CALLBACK (count_cb), &calls);
  g_assert_cmpuint (g_quark_try_string ("notify"), !=, 0);
  g_assert_true (notification_center_has_observers (center, "notify", NULL));
  notification_center_post_values (center, "notify", NULL, "k", "s", "v", NULL);
  g_assert_cmpint (calls, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_summary ("has_observers() says yes exactly when a post would be received");

  g_test_add_func ("/center/has-observers/interned-type-undetailed-handler",
                   test_interned_type_undetailed_handler);
  g_test_add_func ("/center/has-observers/table", test_has_observers_table);

  return g_test_run ();
}
