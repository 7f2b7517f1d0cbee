/* test-bad-input.c: programmer errors are criticals and deliver nothing
 *
 * Each case runs in a g_test_trap_subprocess() child with criticals made
 * non-fatal, so the child can also check that no observer and no signal
 * handler was called; the parent checks the child passed and printed a
 * Notification critical.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

typedef enum
{
  BAD_POST_NULL_TYPE,
  BAD_POST_EMPTY_TYPE,
  BAD_POST_STRING_USER_INFO,
  BAD_POST_ASS_USER_INFO,
  BAD_POST_AS_USER_INFO,
  BAD_POST_NULL_CENTER,
  BAD_POST_NOT_A_CENTER,
  BAD_POST_NOT_AN_OBJECT_SENDER,
  BAD_POST_NOT_AN_OBJECT_SENDER_WITH_INFO,
  BAD_POST_VALUES_NULL_TYPE,
  BAD_POST_VALUES_EMPTY_TYPE,
  BAD_POST_VALUES_NULL_CENTER,
  BAD_POST_VALUES_UNKNOWN_FORMAT,
  BAD_POST_VALUES_TWO_VALUE_FORMAT,
  BAD_POST_VALUES_NULL_FORMAT,
  BAD_POST_VALUES_EMPTY_FORMAT,
  BAD_POST_VALUES_NULL_STRING,
  BAD_POST_VALUES_KEY_NOT_UTF8,
  BAD_POST_VALUES_STRING_NOT_UTF8,
  BAD_POST_VALUES_BAD_OBJECT_PATH,
  BAD_POST_VALUES_NULL_VARIANT,
  BAD_POST_VALUES_WRONG_VARIANT_TYPE,
  BAD_POST_CHECKED_NULL_CENTER,
  BAD_ADD_NULL_CALLBACK,
  BAD_ADD_EMPTY_TYPE,
  BAD_ADD_NULL_CENTER,
  BAD_ADD_UNKNOWN_FLAG,
  BAD_ADD_USER_INFO_NULL_CALLBACK,
  BAD_ADD_USER_INFO_EMPTY_TYPE,
  BAD_ADD_USER_INFO_NOT_AN_OBJECT_OWNER,
  BAD_HAS_OBSERVERS_NULL_TYPE,
  BAD_HAS_OBSERVERS_NULL_CENTER,
  BAD_REMOVE_NULL_CENTER,
  BAD_REMOVE_ALL_NULL_CENTER,
} BadCase;

typedef struct
{
  const char *path;
  BadCase     bad;
} BadInput;

static const BadInput bad_inputs[] = {
  { "/center/bad-input/post/null-type", BAD_POST_NULL_TYPE },
  { "/center/bad-input/post/empty-type", BAD_POST_EMPTY_TYPE },
  { "/center/bad-input/post/string-user-info", BAD_POST_STRING_USER_INFO },
  { "/center/bad-input/post/a-ss-user-info", BAD_POST_ASS_USER_INFO },
  { "/center/bad-input/post/as-user-info", BAD_POST_AS_USER_INFO },
  { "/center/bad-input/post/null-center", BAD_POST_NULL_CENTER },
  { "/center/bad-input/post/not-a-center", BAD_POST_NOT_A_CENTER },
  { "/center/bad-input/post/not-an-object-sender", BAD_POST_NOT_AN_OBJECT_SENDER },
  { "/center/bad-input/post/not-an-object-sender-with-info", BAD_POST_NOT_AN_OBJECT_SENDER_WITH_INFO },
  { "/center/bad-input/post-values/null-type", BAD_POST_VALUES_NULL_TYPE },
  { "/center/bad-input/post-values/empty-type", BAD_POST_VALUES_EMPTY_TYPE },
  { "/center/bad-input/post-values/null-center", BAD_POST_VALUES_NULL_CENTER },
  { "/center/bad-input/post-values/unknown-format", BAD_POST_VALUES_UNKNOWN_FORMAT },
  { "/center/bad-input/post-values/two-value-format", BAD_POST_VALUES_TWO_VALUE_FORMAT },
  { "/center/bad-input/post-values/null-format", BAD_POST_VALUES_NULL_FORMAT },
  { "/center/bad-input/post-values/empty-format", BAD_POST_VALUES_EMPTY_FORMAT },
  { "/center/bad-input/post-values/null-string", BAD_POST_VALUES_NULL_STRING },
  { "/center/bad-input/post-values/key-not-utf8", BAD_POST_VALUES_KEY_NOT_UTF8 },
  { "/center/bad-input/post-values/string-not-utf8", BAD_POST_VALUES_STRING_NOT_UTF8 },
  { "/center/bad-input/post-values/bad-object-path", BAD_POST_VALUES_BAD_OBJECT_PATH },
  { "/center/bad-input/post-values/null-variant", BAD_POST_VALUES_NULL_VARIANT },
  { "/center/bad-input/post-values/wrong-variant-type", BAD_POST_VALUES_WRONG_VARIANT_TYPE },
  { "/center/bad-input/post-checked/null-center", BAD_POST_CHECKED_NULL_CENTER },
  { "/center/bad-input/add-observer/null-callback", BAD_ADD_NULL_CALLBACK },
  { "/center/bad-input/add-observer/empty-type", BAD_ADD_EMPTY_TYPE },
  { "/center/bad-input/add-observer/null-center", BAD_ADD_NULL_CENTER },
  { "/center/bad-input/add/unknown-flag", BAD_ADD_UNKNOWN_FLAG },
  { "/center/bad-input/add-user-info/null-callback", BAD_ADD_USER_INFO_NULL_CALLBACK },
  { "/center/bad-input/add-user-info/empty-type", BAD_ADD_USER_INFO_EMPTY_TYPE },
  { "/center/bad-input/add-user-info/not-an-object-owner", BAD_ADD_USER_INFO_NOT_AN_OBJECT_OWNER },
  { "/center/bad-input/has-observers/null-type", BAD_HAS_OBSERVERS_NULL_TYPE },
  { "/center/bad-input/has-observers/null-center", BAD_HAS_OBSERVERS_NULL_CENTER },
  { "/center/bad-input/remove-observer/null-center", BAD_REMOVE_NULL_CENTER },
  { "/center/bad-input/remove-all-observers/null-center", BAD_REMOVE_ALL_NULL_CENTER },
};

static void
noop_user_info_cb (NotificationCenter   *center,
                   const char           *type,
                   GObject              *sender,
                   NotificationUserInfo *user_info,
                   gpointer              user_data)
{
}

static void
run_bad_case (NotificationCenter *center,
              BadCase             bad)
{
  g_autoptr(GObject) not_a_center = g_object_new (G_TYPE_OBJECT, NULL);
  gulong id;

  switch (bad)
    {
    case BAD_POST_NULL_TYPE:
      notification_center_post (center, NULL, NULL, NULL);
      break;
    case BAD_POST_EMPTY_TYPE:
      notification_center_post (center, "", NULL, g_variant_new_parsed ("@a{sv} {}"));
      break;
    case BAD_POST_STRING_USER_INFO:
      notification_center_post (center, "t", NULL, g_variant_new_string ("x"));
      break;
    case BAD_POST_ASS_USER_INFO:
      notification_center_post (center, "t", NULL, g_variant_new_parsed ("@a{ss} {'k': 'v'}"));
      break;
    case BAD_POST_AS_USER_INFO:
      notification_center_post (center, "t", NULL, g_variant_new_parsed ("@as []"));
      break;
    case BAD_POST_NULL_CENTER:
      notification_center_post (NULL, "t", NULL, NULL);
      break;
    case BAD_POST_NOT_A_CENTER:
      notification_center_post ((NotificationCenter *) not_a_center, "t", NULL, NULL);
      break;
    /* A type instance that is no GObject (a param spec) */
    case BAD_POST_NOT_AN_OBJECT_SENDER:
      {
        GParamSpec *pspec = g_param_spec_ref_sink (g_param_spec_int ("n", NULL, NULL, 0, 1, 0, 0));

        notification_center_post (center, "t", pspec, NULL);
        g_param_spec_unref (pspec);
      }
      break;
    case BAD_POST_NOT_AN_OBJECT_SENDER_WITH_INFO:
      {
        GParamSpec *pspec = g_param_spec_ref_sink (g_param_spec_int ("n", NULL, NULL, 0, 1, 0, 0));

        notification_center_post (center, "t", pspec, g_variant_new_parsed ("@a{sv} {}"));
        g_param_spec_unref (pspec);
      }
      break;
    case BAD_POST_VALUES_NULL_TYPE:
      notification_center_post_values (center, NULL, NULL, "k", "s", "v", NULL);
      break;
    case BAD_POST_VALUES_EMPTY_TYPE:
      notification_center_post_values (center, "", NULL, "k", "s", "v", NULL);
      break;
    case BAD_POST_VALUES_NULL_CENTER:
      notification_center_post_values (NULL, "t", NULL, "k", "s", "v", NULL);
      break;
    /* A good triple first: nothing of the post is delivered either. */
    case BAD_POST_VALUES_UNKNOWN_FORMAT:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "Z", 1, NULL);
      break;
    case BAD_POST_VALUES_TWO_VALUE_FORMAT:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "ss", "a", "b", NULL);
      break;
    case BAD_POST_VALUES_NULL_FORMAT:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", NULL, NULL);
      break;
    case BAD_POST_VALUES_EMPTY_FORMAT:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "", NULL);
      break;
    case BAD_POST_VALUES_NULL_STRING:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "s", NULL, NULL);
      break;
    case BAD_POST_VALUES_KEY_NOT_UTF8:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "\xff", "s", "v", NULL);
      break;
    case BAD_POST_VALUES_STRING_NOT_UTF8:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "&s", "\xff", NULL);
      break;
    case BAD_POST_VALUES_BAD_OBJECT_PATH:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "o", "not/a/path", NULL);
      break;
    case BAD_POST_VALUES_NULL_VARIANT:
      notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "v", NULL, NULL);
      break;
    case BAD_POST_VALUES_WRONG_VARIANT_TYPE:
      {
        g_autoptr(GVariant) number = g_variant_ref_sink (g_variant_new_int32 (1));

        notification_center_post_values (center, "t", NULL, "good", "s", "v", "k", "@s", number, NULL);
      }
      break;
    case BAD_POST_CHECKED_NULL_CENTER:
      g_assert_false (notification_center_post_checked (NULL, "t", NULL, NULL, NULL));
      break;
    case BAD_ADD_NULL_CALLBACK:
      id = notification_center_add_observer (center, "t", NULL, NULL, NULL, NULL);
      g_assert_cmpuint (id, ==, 0);
      break;
    case BAD_ADD_EMPTY_TYPE:
      id = notification_center_add_observer (center, "", NULL, noop_cb, NULL, NULL);
      g_assert_cmpuint (id, ==, 0);
      break;
    case BAD_ADD_NULL_CENTER:
      id = notification_center_add_observer (NULL, "t", NULL, noop_cb, NULL, NULL);
      g_assert_cmpuint (id, ==, 0);
      break;
    case BAD_ADD_UNKNOWN_FLAG:
      id = notification_center_add_observer_with_flags (center, "t", NULL, NULL, NULL, 1u << 30,
                                                        noop_cb, NULL, NULL);
      g_assert_cmpuint (id, ==, 0);
      break;
    case BAD_ADD_USER_INFO_NULL_CALLBACK:
      id = notification_center_add_user_info_observer (center, "t", NULL, NULL, NULL, 0, NULL, NULL, NULL);
      g_assert_cmpuint (id, ==, 0);
      break;
    case BAD_ADD_USER_INFO_EMPTY_TYPE:
      id = notification_center_add_user_info_observer (center, "", NULL, NULL, NULL, 0,
                                                       noop_user_info_cb, NULL, NULL);
      g_assert_cmpuint (id, ==, 0);
      break;
    case BAD_ADD_USER_INFO_NOT_AN_OBJECT_OWNER:
      {
        /* A type instance, but no GObject. */
        GParamSpec *pspec = g_param_spec_ref_sink (g_param_spec_int ("n", NULL, NULL, 0, 1, 0, 0));

        id = notification_center_add_user_info_observer (center, "t", NULL, (GObject *) pspec,
                                                         NULL, 0, noop_user_info_cb, NULL, NULL);
        g_assert_cmpuint (id, ==, 0);
        g_param_spec_unref (pspec);
      }
      break;
    case BAD_HAS_OBSERVERS_NULL_TYPE:
      g_assert_false (notification_center_has_observers (center, NULL, NULL));
      break;
    case BAD_HAS_OBSERVERS_NULL_CENTER:
      g_assert_false (notification_center_has_observers (NULL, "t", NULL));
      break;
    case BAD_REMOVE_NULL_CENTER:
      notification_center_remove_observer (NULL, 1);
      break;
    case BAD_REMOVE_ALL_NULL_CENTER:
      notification_center_remove_all_observers (NULL);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_bad_input (gconstpointer data)
{
  const BadInput *input = data;

  g_test_summary ("A programmer error prints a critical, delivers nothing and leaves "
                  "the center working");

  if (g_test_subprocess ())
    {
      Probe any;
      g_autoptr(NotificationCenter) center = notification_center_new ();
      int signal_calls = 0;

      probe_init (&any, "any", NULL);
      probe_add (center, NULL, NULL, &any);
      g_signal_connect (center, "notification", G_CALLBACK (count_cb), &signal_calls);

      make_criticals_non_fatal ();
      run_bad_case (center, input->bad);

      /* nothing delivered, and the center still works */
      g_assert_cmpint (probe_calls (&any), ==, 0);
      g_assert_cmpint (signal_calls, ==, 0);
      g_assert_cmpuint (notification_center_get_n_observers (center), ==, 1);
      notification_center_post (center, "ok", NULL, NULL);
      g_assert_cmpint (probe_calls (&any), ==, 1);
      g_assert_cmpint (signal_calls, ==, 1);

      probe_clear (&any);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Notification-CRITICAL*");
  /* Named after the function called, not an internal one. */
  if (strstr (input->path, "/add-user-info/") != NULL)
    g_test_trap_assert_stderr ("*notification_center_add_user_info_observer*");
  else if (input->bad == BAD_ADD_UNKNOWN_FLAG)
    g_test_trap_assert_stderr ("*notification_center_add_observer_with_flags*");
}

/* The same, with criticals fatal as usual in tests: the program aborts. */
static void
test_bad_input_fatal (void)
{
  g_test_summary ("A bad type to post() is a critical that aborts the program when "
                  "criticals are fatal");

  if (g_test_subprocess ())
    {
      g_autoptr(NotificationCenter) center = notification_center_new ();

      notification_center_post (center, "", NULL, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Notification-CRITICAL*");
}

/* A sender that is no GObject is checked once someone wants the post:
 * an observer of another type does not, the signal handler does. */
static void
test_bad_sender_signal_only (void)
{
  g_test_summary ("A post with a sender that is no GObject, which only a signal handler "
                  "wants, prints a critical and reaches nobody; one that nobody wants "
                  "returns quietly");

  if (g_test_subprocess ())
    {
      Probe other;
      g_autoptr(NotificationCenter) center = notification_center_new ();
      g_autoptr(NotificationCenter) quiet = g_object_new (NOTIFICATION_TYPE_CENTER,
                                                          "emits-signal", FALSE, NULL);
      GParamSpec *pspec = g_param_spec_ref_sink (g_param_spec_int ("n", NULL, NULL, 0, 1, 0, 0));
      int signal_calls = 0;

      probe_init (&other, "other", NULL);
      probe_add (center, "other", NULL, &other);
      probe_add (quiet, "other", NULL, &other);
      g_signal_connect (center, "notification", G_CALLBACK (count_cb), &signal_calls);
      make_criticals_non_fatal ();

      notification_center_post (quiet, "t", pspec, NULL);
      g_printerr ("quiet-done\n");
      notification_center_post (center, "t", pspec, NULL);
      g_assert_cmpint (signal_calls, ==, 0);
      g_assert_cmpint (probe_calls (&other), ==, 0);

      g_param_spec_unref (pspec);
      probe_clear (&other);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("quiet-done\n*Notification-CRITICAL*sender*");
  g_test_trap_assert_stderr_unmatched ("*CRITICAL*quiet-done*");
}

/* Control: valid input prints no critical. */
static void
test_valid_input_control (void)
{
  g_test_summary ("Valid input to post() and post_values() reaches the observers and "
                  "prints no critical");

  if (g_test_subprocess ())
    {
      Probe any;
      g_autoptr(NotificationCenter) center = notification_center_new ();

      probe_init (&any, "any", NULL);
      probe_add (center, NULL, NULL, &any);
      make_criticals_non_fatal ();
      notification_center_post (center, "t", NULL, NULL);
      notification_center_post (center, "t", NULL, g_variant_new_parsed ("@a{sv} {}"));
      notification_center_post_values (center, "t", NULL, "k", "s", "v", NULL);
      g_assert_cmpint (probe_calls (&any), ==, 3);
      probe_clear (&any);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*CRITICAL*");
}

int
main (int argc, char *argv[])
{
  gsize i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/center/bad-input/control/valid", test_valid_input_control);
  g_test_add_func ("/center/bad-input/fatal", test_bad_input_fatal);
  g_test_add_func ("/center/bad-input/post/not-an-object-sender-signal-only", test_bad_sender_signal_only);
  for (i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    g_test_add_data_func (bad_inputs[i].path, &bad_inputs[i], test_bad_input);

  return g_test_run ();
}
