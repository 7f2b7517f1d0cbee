/* test-reentrancy.c: observers that post, add and remove observers while
 * being called
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

/* A scripted observer: on each call it logs its name, then performs an
 * action on the center. */
typedef enum
{
  ACTION_NONE,
  ACTION_POST,            /* post @arg_type (once per depth limit) */
  ACTION_ADD,             /* add @target as observer of @arg_type */
  ACTION_REMOVE,          /* remove observer *@arg_id */
  ACTION_ADD_AND_POST,    /* add @target for @arg_type, then post @arg_type */
  ACTION_NESTED_REMOVE,   /* first call: post @arg_type; the call nested
                           * in that post: remove observer *@arg_id */
  ACTION_UNREF_OBJECT,    /* drop *@arg_object */
} Action;

typedef struct Scripted Scripted;
struct Scripted
{
  const char *name;
  GString    *log;
  Action      action;
  const char *arg_type;
  gulong     *arg_id;
  GObject   **arg_object;
  Probe      *target;
  gulong      added_id;
  int         max_depth;
  int         depth;
  int         n_calls;
  int         n_destroys;
};

static void
scripted_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            user_data)
{
  Scripted *s = user_data;

  g_assert_cmpint (s->n_destroys, ==, 0);
  s->n_calls++;
  s->depth++;
  g_string_append_printf (s->log, "%s( ", s->name);

  switch (s->action)
    {
    case ACTION_NONE:
      break;
    case ACTION_POST:
      if (s->depth <= s->max_depth)
        notification_center_post (center, s->arg_type, NULL, NULL);
      break;
    case ACTION_ADD:
      s->added_id = notification_center_add_observer (center, s->arg_type, NULL,
                                                      probe_cb, s->target, probe_destroy);
      g_assert_cmpuint (s->added_id, >, 0);
      s->action = ACTION_NONE;
      break;
    case ACTION_REMOVE:
      notification_center_remove_observer (center, *s->arg_id);
      s->action = ACTION_NONE;
      break;
    case ACTION_ADD_AND_POST:
      s->added_id = notification_center_add_observer (center, s->arg_type, NULL,
                                                      probe_cb, s->target, probe_destroy);
      s->action = ACTION_NONE;
      notification_center_post (center, s->arg_type, NULL, NULL);
      break;
    case ACTION_UNREF_OBJECT:
      g_clear_object (s->arg_object);
      s->action = ACTION_NONE;
      break;
    case ACTION_NESTED_REMOVE:
      if (s->depth == 1)
        {
          notification_center_post (center, s->arg_type, NULL, NULL);
        }
      else
        {
          notification_center_remove_observer (center, *s->arg_id);
          s->action = ACTION_NONE;
        }
      break;
    default:
      g_assert_not_reached ();
    }

  g_string_append_printf (s->log, ")%s ", s->name);
  s->depth--;
}

static void
scripted_destroy (gpointer data)
{
  Scripted *s = data;

  g_assert_cmpint (s->depth, ==, 0);
  s->n_destroys++;
}

static gulong
scripted_add (NotificationCenter *center,
              const char         *type,
              Scripted           *s)
{
  return notification_center_add_observer (center, type, NULL,
                                           scripted_cb, s, scripted_destroy);
}

static void
test_post_from_callback (void)
{
  g_autoptr(GString) log = g_string_new ("");
  Scripted a = { "a", log, ACTION_POST, "b", .max_depth = 1 };
  Scripted b = { "b", log, ACTION_NONE };
  Scripted c = { "c", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer that posts another type runs the nested post to "
                  "completion before the outer post goes on");

  scripted_add (center, "a", &a);
  scripted_add (center, "b", &b);
  scripted_add (center, "a", &c);

  notification_center_post (center, "a", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "a( b( )b )a c( )c ");
}

static void
test_recursive_post (void)
{
  g_autoptr(GString) log = g_string_new ("");
  Scripted a = { "a", log, ACTION_POST, "t", .max_depth = 3 };
  Scripted b = { "b", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer that posts its own type recursively: each level calls "
                  "every observer, the nested posts first");

  scripted_add (center, "t", &a);
  scripted_add (center, "t", &b);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (a.n_calls, ==, 4);
  g_assert_cmpint (b.n_calls, ==, 4);
  g_assert_cmpstr (log->str, ==,
                   "a( a( a( a( )a b( )b )a b( )b )a b( )b )a b( )b ");
}

/* Observers added during a post are not called by that post. */
static void
test_add_during_post (void)
{
  g_autoptr(GString) log = g_string_new ("");
  Probe added;
  Scripted a = { "a", log, ACTION_ADD, "t", .target = &added };
  Scripted b = { "b", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer added during a post is not called by that post, and "
                  "is by the next one");

  probe_init (&added, "added", log);
  scripted_add (center, "t", &a);
  scripted_add (center, NULL, &b);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&added), ==, 0);
  g_assert_cmpstr (log->str, ==, "a( )a b( )b ");
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 3);

  g_string_truncate (log, 0);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpint (probe_calls (&added), ==, 1);
  g_assert_cmpstr (log->str, ==, "a( )a b( )b added ");

  probe_clear (&added);
}

/* ...but a post started after the add (nested) does call it. */
static void
test_add_then_nested_post (void)
{
  g_autoptr(GString) log = g_string_new ("");
  Probe added;
  Scripted a = { "a", log, ACTION_ADD_AND_POST, "t", .target = &added };
  Scripted b = { "b", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer added during a post is called by a post nested after "
                  "the add, not by the outer post");

  probe_init (&added, "added", log);
  scripted_add (center, "t", &a);
  scripted_add (center, "t", &b);

  notification_center_post (center, "t", NULL, NULL);
  /* outer: a, b (not added); nested (from a): a, b, added */
  g_assert_cmpstr (log->str, ==, "a( a( )a b( )b added )a b( )b ");
  g_assert_cmpint (probe_calls (&added), ==, 1);

  probe_clear (&added);
}

/* An observer removed before its turn is not called. */
static void
test_remove_later_observer (void)
{
  g_autoptr(GString) log = g_string_new ("");
  gulong c_id = 0;
  Scripted a = { "a", log, ACTION_REMOVE, .arg_id = &c_id };
  Scripted b = { "b", log, ACTION_NONE };
  Scripted c = { "c", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer removed during a post before its turn is not called, "
                  "and its destroy notify runs once");

  scripted_add (center, "t", &a);
  scripted_add (center, NULL, &b);
  c_id = scripted_add (center, "t", &c);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "a( )a b( )b ");
  g_assert_cmpint (c.n_calls, ==, 0);
  g_assert_cmpint (c.n_destroys, ==, 1);
}

/* Removing an observer that was already called in this post is harmless. */
static void
test_remove_earlier_observer (void)
{
  g_autoptr(GString) log = g_string_new ("");
  gulong a_id = 0;
  Scripted a = { "a", log, ACTION_NONE };
  Scripted b = { "b", log, ACTION_REMOVE, .arg_id = &a_id };
  Scripted c = { "c", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("Removing an observer already called by the running post is "
                  "harmless, and the next post skips it");

  a_id = scripted_add (center, "t", &a);
  scripted_add (center, "t", &b);
  scripted_add (center, "t", &c);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "a( )a b( )b c( )c ");
  g_assert_cmpint (a.n_destroys, ==, 1);

  g_string_truncate (log, 0);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "b( )b c( )c ");
}

/* An observer removing itself while a nested post runs: "a" posts "t"
 * from its call by the outer post, and removes itself from its call by
 * that nested post. Both posts started before the removal and had
 * already called "a": "a" is called exactly twice, its destroy notify
 * runs once, after the outer call returned (scripted_destroy checks
 * that no call of "a" is running), and the outer post goes on with "b". */
static void
test_remove_self (void)
{
  g_autoptr(GString) log = g_string_new ("");
  gulong a_id = 0;
  Scripted a = { "a", log, ACTION_NESTED_REMOVE, "t", .arg_id = &a_id };
  Scripted b = { "b", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer removing itself in a nested post is called exactly by "
                  "the two posts that started before, its destroy notify running once "
                  "after the outer call");

  a_id = scripted_add (center, "t", &a);
  scripted_add (center, "t", &b);

  notification_center_post (center, "t", NULL, NULL);
  /* outer: a (nested: a, which removes itself, then b), then b */
  g_assert_cmpstr (log->str, ==, "a( a( )a b( )b )a b( )b ");
  g_assert_cmpint (a.n_calls, ==, 2);
  g_assert_cmpint (b.n_calls, ==, 2);
  g_assert_cmpint (a.n_destroys, ==, 1);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);

  g_string_truncate (log, 0);
  notification_center_post (center, "t", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "b( )b ");
  g_assert_cmpint (a.n_calls, ==, 2);
}

/* An observer removed by a nested post's observer, before its turn in
 * the outer post, is not called by the outer post. */
static void
test_remove_in_nested_post (void)
{
  g_autoptr(GString) log = g_string_new ("");
  gulong c_id = 0;
  Scripted a = { "a", log, ACTION_POST, "inner", .max_depth = 1 };
  Scripted r = { "r", log, ACTION_REMOVE, .arg_id = &c_id };
  Scripted c = { "c", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer removed by a nested post's observer before its turn "
                  "in the outer post is not called by the outer post");

  scripted_add (center, "outer", &a);
  scripted_add (center, "inner", &r);
  c_id = scripted_add (center, "outer", &c);

  notification_center_post (center, "outer", NULL, NULL);
  g_assert_cmpstr (log->str, ==, "a( r( )r )a ");
  g_assert_cmpint (c.n_calls, ==, 0);
  g_assert_cmpint (c.n_destroys, ==, 1);
}

/* The owner of a later observer is finalized by an earlier observer. */
static void
test_owner_finalized_during_post (void)
{
  g_autoptr(GString) log = g_string_new ("");
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  Scripted a = { "a", log, ACTION_UNREF_OBJECT, .arg_object = &owner };
  Scripted c = { "c", log, ACTION_NONE };
  Scripted d = { "d", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer whose owner an earlier observer finalizes during the "
                  "post is not called, gets its destroy notify, and the post goes on");

  scripted_add (center, "t", &a);
  notification_center_add_observer_full (center, "t", NULL, owner, NULL,
                                         scripted_cb, &c, scripted_destroy);
  scripted_add (center, "t", &d);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_null (owner);
  g_assert_cmpstr (log->str, ==, "a( )a d( )d ");
  g_assert_cmpint (c.n_calls, ==, 0);
  g_assert_cmpint (c.n_destroys, ==, 1);
}

/* An earlier observer finalizes the sender of a (non-matching)
 * sender-specific observer during a post: that observer is removed
 * mid-post without disturbing the rest of the post. */
static void
test_sender_finalized_during_post (void)
{
  g_autoptr(GString) log = g_string_new ("");
  GObject *other = g_object_new (G_TYPE_OBJECT, NULL);
  Scripted a = { "a", log, ACTION_UNREF_OBJECT, .arg_object = &other };
  Scripted c = { "c", log, ACTION_NONE };
  Scripted d = { "d", log, ACTION_NONE };
  g_autoptr(NotificationCenter) center = notification_center_new ();

  g_test_summary ("An observer of a sender that an earlier observer finalizes during "
                  "the post is removed without disturbing the rest of the post");

  scripted_add (center, "t", &a);
  notification_center_add_observer (center, NULL, other, scripted_cb, &c, scripted_destroy);
  scripted_add (center, "t", &d);

  notification_center_post (center, "t", NULL, NULL);
  g_assert_null (other);
  g_assert_cmpstr (log->str, ==, "a( )a d( )d ");
  g_assert_cmpint (c.n_destroys, ==, 1);
}

/* The last reference to the center is dropped by an observer, while a
 * post is running. Observers after it in the post are not called with a
 * dead center:
 *
 * - a center that emits the signal is referenced by the post, which
 *   still needs it for the signal: it is finalized when the post
 *   returns, after the later observer was called (once);
 * - a center that does not emit the signal is not referenced by the
 *   post: it is finalized inside the dropping observer, which removes
 *   its other observers, so the later observer is removed before its
 *   turn and not called. */
typedef struct
{
  NotificationCenter **center;
  GString             *log;
} Dropper;

static void
dropper_cb (NotificationCenter *center,
            const char         *type,
            GObject            *sender,
            GVariant           *user_info,
            gpointer            user_data)
{
  Dropper *d = user_data;

  g_string_append (d->log, "drop ");
  g_clear_object (d->center);
}

static void
center_unref_during_post (gboolean emits_signal)
{
  NotificationCenter *center = g_object_new (NOTIFICATION_TYPE_CENTER,
                                             "emits-signal", emits_signal,
                                             NULL);
  NotificationCenter *posting = center;
  g_autoptr(GString) log = g_string_new ("");
  gboolean center_gone = FALSE;
  Dropper d = { &center, log };
  Probe after;

  probe_init (&after, "after", log);
  g_object_weak_ref (G_OBJECT (center), flag_weak_notify, &center_gone);
  notification_center_add_observer (center, "t", NULL, dropper_cb, &d, NULL);
  probe_add (center, "t", NULL, &after);
  /* the signal route runs after the observers */
  g_signal_connect (center, "notification", G_CALLBACK (noop_cb), NULL);

  notification_center_post (posting, "t", NULL, NULL);
  g_assert_true (center_gone);
  g_assert_null (center);
  g_assert_cmpint (probe_destroys (&after), ==, 1);
  /* never called after its destroy notify either (probe_cb asserts that) */
  g_assert_cmpint (probe_calls (&after), ==, emits_signal ? 1 : 0);
  g_assert_cmpstr (log->str, ==, emits_signal ? "drop after " : "drop ");

  probe_clear (&after);
}

static void
test_center_unref_during_post (gconstpointer data)
{
  g_test_summary ("An observer that drops the last reference to the center during a "
                  "post finalizes it safely: no later call after a destroy notify and "
                  "no use after free");

  if (g_test_subprocess ())
    {
      center_unref_during_post (GPOINTER_TO_INT (data));
      return;
    }

  /* A use-after-free of the center must not go unnoticed: run in a child
   * where freed GObject memory is plain malloc memory, scribbled over. */
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_setenv ("MALLOC_PERTURB_", "165", TRUE);
  g_unsetenv ("G_DEBUG");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/center/reentrancy/post-from-callback", test_post_from_callback);
  g_test_add_func ("/center/reentrancy/recursive-post", test_recursive_post);
  g_test_add_func ("/center/reentrancy/add-during-post", test_add_during_post);
  g_test_add_func ("/center/reentrancy/add-then-nested-post", test_add_then_nested_post);
  g_test_add_func ("/center/reentrancy/remove-later-observer", test_remove_later_observer);
  g_test_add_func ("/center/reentrancy/remove-earlier-observer", test_remove_earlier_observer);
  g_test_add_func ("/center/reentrancy/remove-self", test_remove_self);
  g_test_add_func ("/center/reentrancy/remove-in-nested-post", test_remove_in_nested_post);
  g_test_add_func ("/center/reentrancy/owner-finalized-during-post", test_owner_finalized_during_post);
  g_test_add_func ("/center/reentrancy/sender-finalized-during-post", test_sender_finalized_during_post);
  g_test_add_data_func ("/center/reentrancy/center-unref-during-post/emits-signal",
                        GINT_TO_POINTER (TRUE), test_center_unref_during_post);
  g_test_add_data_func ("/center/reentrancy/center-unref-during-post/no-signal",
                        GINT_TO_POINTER (FALSE), test_center_unref_during_post);

  return g_test_run ();
}
