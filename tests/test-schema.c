/* test-schema.c: declared types with a schema of user-info keys, and the
 * checked post that reports violations as a GError
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <notification/notification.h>

#include "test-util.h"

/* stdout: out_string (s, required), progress (d, optional) */
static NotificationSchema *
stdout_schema_new (gboolean allow_unknown_keys)
{
  NotificationSchema *schema = notification_schema_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (notification_schema_add_key (schema, "out_string", "s", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (notification_schema_add_key (schema, "progress", "d", FALSE, &error));
  g_assert_no_error (error);
  notification_schema_set_allow_unknown_keys (schema, allow_unknown_keys);
  return schema;
}

static gboolean
strv_contains_all (char       **strv,
                   const char  *first,
                   ...)
{
  const char *s;
  va_list args;
  gboolean ok = TRUE;

  va_start (args, first);
  for (s = first; s != NULL; s = va_arg (args, const char *))
    if (!g_strv_contains ((const char * const *) strv, s))
      ok = FALSE;
  va_end (args);
  return ok;
}

/* ------------------------------------------------------------------ */
/* NotificationSchema */

static void
test_schema_list_keys_sorted (void)
{
  const char *names[] = { "b", "a", "d", "c", "aa", "ab", "out_string", "line" };
  const char *sorted[] = { "a", "aa", "ab", "b", "c", "d", "line", "out_string" };
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  g_auto(GStrv) keys = NULL;

  g_test_summary ("list_keys() returns the keys in sorted order, whatever the order "
                  "they were added in");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (notification_schema_add_key (schema, names[i], "s", FALSE, NULL));

  keys = notification_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), ==, G_N_ELEMENTS (sorted));
  for (guint i = 0; i < G_N_ELEMENTS (sorted); i++)
    g_assert_cmpstr (keys[i], ==, sorted[i]);
}

static void
test_schema_add_key_not_utf8 (void)
{
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("A type string that is not UTF-8 is an INVALID_SCHEMA error whose "
                  "message is still valid UTF-8");

  /* A malformed declaration from outside: the error message stays UTF-8. */
  g_assert_false (notification_schema_add_key (schema, "k", "\x90/ss}", TRUE, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_schema_keys (void)
{
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = NULL;

  g_test_summary ("A schema lists the keys added, with their types and whether they "
                  "are required, and allow-unknown-keys can be set and read back");

  keys = notification_schema_list_keys (schema);
  g_assert_nonnull (keys);
  g_assert_cmpuint (g_strv_length (keys), ==, 0);
  g_clear_pointer (&keys, g_strfreev);
  g_assert_false (notification_schema_get_sealed (schema));

  g_assert_true (notification_schema_add_key (schema, "out_string", "s", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (notification_schema_add_key (schema, "lines", "as", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (notification_schema_add_key (schema, "extra", "a{sv}", FALSE, &error));
  g_assert_no_error (error);

  keys = notification_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), ==, 3);
  g_assert_true (strv_contains_all (keys, "out_string", "lines", "extra", NULL));

  g_assert_true (g_variant_type_equal (notification_schema_get_key_type (schema, "out_string"),
                                       G_VARIANT_TYPE_STRING));
  g_assert_true (g_variant_type_equal (notification_schema_get_key_type (schema, "lines"),
                                       G_VARIANT_TYPE_STRING_ARRAY));
  g_assert_true (g_variant_type_equal (notification_schema_get_key_type (schema, "extra"),
                                       G_VARIANT_TYPE_VARDICT));
  g_assert_null (notification_schema_get_key_type (schema, "nope"));
  g_assert_true (notification_schema_get_key_required (schema, "out_string"));
  g_assert_false (notification_schema_get_key_required (schema, "lines"));
  g_assert_false (notification_schema_get_key_required (schema, "nope"));

  notification_schema_set_allow_unknown_keys (schema, TRUE);
  g_assert_true (notification_schema_get_allow_unknown_keys (schema));
  notification_schema_set_allow_unknown_keys (schema, FALSE);
  g_assert_false (notification_schema_get_allow_unknown_keys (schema));
}

static void
test_schema_add_key_invalid_type (void)
{
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  const char *bad[] = { "not a type", "a", "ss", "(s", "" };
  gsize i;

  g_test_summary ("Invalid or indefinite type strings are INVALID_SCHEMA errors and "
                  "add no key");

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("type string '%s'", bad[i]);
      g_assert_false (notification_schema_add_key (schema, "k", bad[i], TRUE, &error));
      g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA);
      g_assert_nonnull (error->message);
    }
  g_assert_null (notification_schema_get_key_type (schema, "k"));
}

static void
test_schema_add_key_duplicate (void)
{
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("Adding a key twice is an INVALID_SCHEMA error and the first "
                  "declaration stands");

  g_assert_true (notification_schema_add_key (schema, "k", "s", TRUE, NULL));
  g_assert_false (notification_schema_add_key (schema, "k", "i", FALSE, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_SCHEMA);
  /* the first declaration stands */
  g_assert_true (g_variant_type_equal (notification_schema_get_key_type (schema, "k"),
                                       G_VARIANT_TYPE_STRING));
  g_assert_true (notification_schema_get_key_required (schema, "k"));
}

static void
test_schema_validate_ok (void)
{
  g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) only_required = NULL;
  g_autoptr(GVariant) both = NULL;

  g_test_summary ("User info with the required keys, and optional ones of the right "
                  "type, validates");

  only_required = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'out_string': <'hi'>}"));
  both = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'out_string': <'hi'>, 'progress': <0.5>}"));

  g_assert_true (notification_schema_validate (schema, "stdout", only_required, &error));
  g_assert_no_error (error);
  g_assert_true (notification_schema_validate (schema, "stdout", both, &error));
  g_assert_no_error (error);
}

static void
assert_message_names (const GError *error,
                      const char   *first,
                      ...)
{
  const char *s;
  va_list args;

  g_test_message ("error message: %s", error->message);
  va_start (args, first);
  for (s = first; s != NULL; s = va_arg (args, const char *))
    if (strstr (error->message, s) == NULL)
      g_error ("error message \"%s\" does not name \"%s\"", error->message, s);
  va_end (args);
}

static void
test_schema_validate_missing_key (void)
{
  g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = NULL;

  g_test_summary ("User info without a required key, NULL and empty dictionaries "
                  "included, is a MISSING_KEY error naming the type and the key");

  info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'progress': <0.5>}"));
  g_assert_false (notification_schema_validate (schema, "stdout", info, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY);
  assert_message_names (error, "stdout", "out_string", NULL);
  g_clear_error (&error);

  /* NULL user info lacks the required key too */
  g_assert_false (notification_schema_validate (schema, "stdout", NULL, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY);
  g_clear_error (&error);

  /* an empty dictionary too */
  g_clear_pointer (&info, g_variant_unref);
  info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  g_assert_false (notification_schema_validate (schema, "stdout", info, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_MISSING_KEY);
}

static void
test_schema_validate_optional_only (void)
{
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  g_autoptr(GVariant) empty = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  g_autoptr(GError) error = NULL;

  g_test_summary ("With only optional keys, NULL and empty user info validate");

  g_assert_true (notification_schema_add_key (schema, "k", "s", FALSE, NULL));
  g_assert_true (notification_schema_validate (schema, "t", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (notification_schema_validate (schema, "t", empty, &error));
  g_assert_no_error (error);
}

static void
test_schema_validate_wrong_type (void)
{
  g_autoptr(NotificationSchema) schema = notification_schema_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = NULL;

  g_test_summary ("A key of the wrong type, required or optional, is a WRONG_TYPE "
                  "error naming the key and both types, and types compare exactly");

  g_assert_true (notification_schema_add_key (schema, "pair", "(sx)", TRUE, NULL));
  g_assert_true (notification_schema_add_key (schema, "opt", "as", FALSE, NULL));

  info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'pair': <(int32 1, true)>}"));
  g_assert_false (notification_schema_validate (schema, "my-type", info, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
  assert_message_names (error, "my-type", "pair", "(sx)", "(ib)", NULL);
  g_clear_error (&error);
  g_clear_pointer (&info, g_variant_unref);

  /* an optional key present with the wrong type is wrong too */
  info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'pair': <('a', int64 2)>, 'opt': <@ay [1]>}"));
  g_assert_false (notification_schema_validate (schema, "my-type", info, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
  assert_message_names (error, "my-type", "opt", "as", "ay", NULL);
  g_clear_error (&error);
  g_clear_pointer (&info, g_variant_unref);

  /* types compare exactly: a string is not an object path */
  g_assert_true (notification_schema_add_key (schema, "name", "s", FALSE, NULL));
  info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'pair': <('a', int64 2)>, 'name': <objectpath '/a'>}"));
  g_assert_false (notification_schema_validate (schema, "my-type", info, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE);
}

static void
test_schema_validate_unknown_key (void)
{
  g_autoptr(NotificationSchema) strict = stdout_schema_new (FALSE);
  g_autoptr(NotificationSchema) lax = stdout_schema_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = NULL;

  g_test_summary ("An undeclared key is an UNKNOWN_KEY error unless the schema "
                  "allows unknown keys");

  info = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {'out_string': <'hi'>, 'colour': <'red'>}"));
  g_assert_false (notification_schema_validate (strict, "stdout", info, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_UNKNOWN_KEY);
  assert_message_names (error, "stdout", "colour", NULL);
  g_clear_error (&error);

  g_assert_true (notification_schema_validate (lax, "stdout", info, &error));
  g_assert_no_error (error);
}

static void
test_schema_validate_not_vardict (void)
{
  g_autoptr(NotificationSchema) schema = stdout_schema_new (TRUE);
  g_autoptr(GVariant) str = g_variant_ref_sink (g_variant_new_string ("out_string"));
  g_autoptr(GVariant) ass = g_variant_ref_sink (g_variant_new_parsed ("@a{ss} {'out_string': 'x'}"));
  g_autoptr(GError) error = NULL;

  g_test_summary ("User info that is not an a{sv} dictionary is an INVALID_USER_INFO "
                  "error, even when unknown keys are allowed");

  g_assert_false (notification_schema_validate (schema, "stdout", str, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO);
  g_clear_error (&error);
  g_assert_false (notification_schema_validate (schema, "stdout", ass, &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO);
}

static void
test_schema_sealed_add_key (void)
{
  g_test_summary ("A schema registered with a center is sealed: adding a key to it "
                  "is a critical and adds nothing");

  if (g_test_subprocess ())
    {
      g_autoptr(NotificationCenter) center = notification_center_new ();
      g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);

      notification_center_register_schema (center, "stdout", schema);
      g_assert_true (notification_schema_get_sealed (schema));
      make_criticals_non_fatal ();
      notification_schema_add_key (schema, "late", "s", FALSE, NULL);
      /* not added */
      g_assert_null (notification_schema_get_key_type (schema, "late"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Notification-CRITICAL*");
}

/* ------------------------------------------------------------------ */
/* Registering with a center */

static void
test_register_lookup (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationCenter) other = notification_center_new ();
  g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);
  g_autoptr(NotificationSchema) found = NULL;
  g_autoptr(NotificationSchema) replacement = stdout_schema_new (TRUE);
  GObject *weak_check;

  g_test_summary ("A registered schema is sealed and found by its type in that "
                  "center only, registering again replaces it, NULL removes it, and "
                  "the center releases its references");

  g_assert_null (notification_center_lookup_schema (center, "stdout"));
  notification_center_register_schema (center, "stdout", schema);
  g_assert_true (notification_schema_get_sealed (schema));

  found = notification_center_lookup_schema (center, "stdout");
  g_assert_true (found == schema);
  /* a new reference: ours, the center's, and found */
  g_assert_cmpuint (G_OBJECT (schema)->ref_count, >=, 3);
  g_clear_object (&found);

  g_assert_null (notification_center_lookup_schema (center, "stderr"));
  g_assert_null (notification_center_lookup_schema (other, "stdout"));

  /* re-registering replaces */
  notification_center_register_schema (center, "stdout", replacement);
  found = notification_center_lookup_schema (center, "stdout");
  g_assert_true (found == replacement);
  g_clear_object (&found);

  /* NULL unregisters */
  weak_check = G_OBJECT (replacement);
  notification_center_register_schema (center, "stdout", NULL);
  g_assert_null (notification_center_lookup_schema (center, "stdout"));

  /* the center's references are gone at the latest with the center (it
   * may defer releasing replaced schemas while other threads read them) */
  g_clear_object (&center);
  g_assert_cmpuint (weak_check->ref_count, ==, 1);
  g_assert_cmpuint (G_OBJECT (schema)->ref_count, ==, 1);
}

static void
test_register_center_keeps_schema (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  NotificationSchema *schema = stdout_schema_new (FALSE);
  gboolean gone = FALSE;

  g_test_summary ("The center keeps a reference on a registered schema, which is "
                  "still enforced after the caller drops its own");

  g_object_weak_ref (G_OBJECT (schema), flag_weak_notify, &gone);
  notification_center_register_schema (center, "stdout", schema);
  g_object_unref (schema);
  g_assert_false (gone);

  /* still enforced */
  g_assert_false (notification_center_post_checked (center, "stdout", NULL, NULL, NULL));

  g_clear_object (&center);
  g_assert_true (gone);
}

/* ------------------------------------------------------------------ */
/* Checked posts */

static void
test_post_checked_valid (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);
  g_autoptr(GError) error = NULL;
  gboolean freed;

  g_test_summary ("post_checked() delivers valid user info of a declared type, and "
                  "anything a{sv} or NULL for undeclared types, consuming floating "
                  "references");

  probe_init (&probe, "p", NULL);
  probe_add (center, "stdout", NULL, &probe);
  notification_center_register_schema (center, "stdout", schema);

  g_assert_true (notification_center_post_checked (center, "stdout", NULL,
                                                   g_variant_new_parsed ("@a{sv} {'out_string': <'hello'>}"),
                                                   &error));
  g_assert_no_error (error);
  g_assert_cmpint (probe_calls (&probe), ==, 1);

  /* undeclared types are labels: anything a{sv} goes */
  g_assert_true (notification_center_post_checked (center, "label", NULL,
                                                   tracked_vardict_new (&freed), &error));
  g_assert_no_error (error);
  g_assert_true (freed); /* floating reference consumed */
  g_assert_true (notification_center_post_checked (center, "label", NULL, NULL, &error));
  g_assert_no_error (error);

  probe_clear (&probe);
}

typedef struct
{
  const char        *name;
  const char        *info;     /* GVariant text, or NULL */
  NotificationError  code;
  const char        *names[5]; /* what the message must name */
} Violation;

static const Violation violations[] = {
  { "missing", "@a{sv} {'progress': <0.5>}", NOTIFICATION_ERROR_MISSING_KEY,
    { "stdout", "out_string", NULL } },
  { "missing-null", NULL, NOTIFICATION_ERROR_MISSING_KEY,
    { "stdout", "out_string", NULL } },
  { "wrong-type", "@a{sv} {'out_string': <int32 3>}", NOTIFICATION_ERROR_WRONG_TYPE,
    { "stdout", "out_string", "s", "i", NULL } },
  { "wrong-type-optional", "@a{sv} {'out_string': <'x'>, 'progress': <@ay [0x31]>}", NOTIFICATION_ERROR_WRONG_TYPE,
    { "stdout", "progress", "ay", NULL } },
  { "unknown", "@a{sv} {'out_string': <'x'>, 'colour': <'red'>}", NOTIFICATION_ERROR_UNKNOWN_KEY,
    { "stdout", "colour", NULL } },
  { "not-vardict", "@a{ss} {'out_string': 'x'}", NOTIFICATION_ERROR_INVALID_USER_INFO,
    { NULL } },
};

static GVariant *
violation_info (const Violation *v)
{
  return v->info != NULL ? g_variant_new_parsed (v->info) : NULL;
}

static void
test_post_checked_violation (gconstpointer data)
{
  const Violation *v = data;
  Probe typed, any;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);
  g_autoptr(GError) error = NULL;
  int signal_calls = 0;
  gsize i;

  g_test_summary ("post_checked() with user info that breaks the schema returns the "
                  "error, naming what is wrong, and delivers to nobody, observed or "
                  "not, while other types are unaffected");

  probe_init (&typed, "typed", NULL);
  probe_init (&any, "any", NULL);
  probe_add (center, "stdout", NULL, &typed);
  probe_add (center, NULL, NULL, &any);
  g_signal_connect (center, "notification", G_CALLBACK (count_cb), &signal_calls);
  notification_center_register_schema (center, "stdout", schema);

  g_assert_false (notification_center_post_checked (center, "stdout", NULL,
                                                    violation_info (v), &error));
  g_assert_error (error, NOTIFICATION_ERROR, (int) v->code);
  for (i = 0; v->names[i] != NULL; i++)
    if (strstr (error->message, v->names[i]) == NULL)
      g_error ("error message \"%s\" does not name \"%s\"", error->message, v->names[i]);

  /* delivered to nobody */
  g_assert_cmpint (probe_calls (&typed), ==, 0);
  g_assert_cmpint (probe_calls (&any), ==, 0);
  g_assert_cmpint (signal_calls, ==, 0);

  /* also when nobody observes */
  notification_center_remove_all_observers (center);
  g_clear_error (&error);
  g_assert_false (notification_center_post_checked (center, "stdout", NULL,
                                                    violation_info (v), &error));
  g_assert_error (error, NOTIFICATION_ERROR, (int) v->code);

  /* the schema applies to its type only */
  if (v->code != NOTIFICATION_ERROR_INVALID_USER_INFO)
    {
      g_clear_error (&error);
      g_assert_true (notification_center_post_checked (center, "stderr", NULL,
                                                       violation_info (v), &error));
      g_assert_no_error (error);
    }

  /* and after unregistering, the type is a label again */
  notification_center_register_schema (center, "stdout", NULL);
  if (v->code != NOTIFICATION_ERROR_INVALID_USER_INFO)
    {
      g_clear_error (&error);
      g_assert_true (notification_center_post_checked (center, "stdout", NULL,
                                                       violation_info (v), &error));
      g_assert_no_error (error);
    }

  probe_clear (&typed);
  probe_clear (&any);
}

static void
test_post_checked_invalid_type (void)
{
  Probe any;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  const char *bad[] = { NULL, "", "\xff\xfe" };
  gsize i;

  g_test_summary ("post_checked() with a NULL, empty or non-UTF-8 type is an "
                  "INVALID_TYPE error and delivers nothing");

  probe_init (&any, "any", NULL);
  probe_add (center, NULL, NULL, &any);

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (notification_center_post_checked (center, bad[i], NULL, NULL, &error));
      g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_TYPE);
    }
  g_assert_cmpint (probe_calls (&any), ==, 0);

  probe_clear (&any);
}

static void
test_post_checked_invalid_user_info (void)
{
  Probe any;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("post_checked() with user info that is not an a{sv} dictionary is "
                  "an INVALID_USER_INFO error, declared type or not, and delivers "
                  "nothing");

  probe_init (&any, "any", NULL);
  probe_add (center, NULL, NULL, &any);

  g_assert_false (notification_center_post_checked (center, "label", NULL,
                                                    g_variant_new_string ("x"), &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO);
  g_clear_error (&error);
  g_assert_false (notification_center_post_checked (center, "label", NULL,
                                                    g_variant_new_parsed ("@av []"), &error));
  g_assert_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO);
  g_assert_cmpint (probe_calls (&any), ==, 0);

  probe_clear (&any);
}

/* A NULL error is allowed. */
static void
test_post_checked_null_error (void)
{
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);

  g_test_summary ("post_checked() accepts a NULL error and still returns whether it "
                  "delivered");

  notification_center_register_schema (center, "stdout", schema);
  g_assert_false (notification_center_post_checked (center, "stdout", NULL, NULL, NULL));
  g_assert_false (notification_center_post_checked (center, "", NULL, NULL, NULL));
  g_assert_true (notification_center_post_checked (center, "x", NULL, NULL, NULL));
}

/* ------------------------------------------------------------------ */
/* A plain post that violates the schema: a critical naming the type,
 * the key, the expected and actual type, and nothing delivered. */

static void
test_post_violation_critical (void)
{
  g_test_summary ("A plain post that breaks the schema is a critical naming the "
                  "type, the key and both types, and is delivered to no observer or "
                  "handler");

  if (g_test_subprocess ())
    {
      Probe typed, any;
      g_autoptr(NotificationCenter) center = notification_center_new ();
      g_autoptr(NotificationSchema) schema = notification_schema_new ();
      int signal_calls = 0;

      g_assert_true (notification_schema_add_key (schema, "out_string", "(sx)", TRUE, NULL));
      notification_center_register_schema (center, "stdout", schema);
      probe_init (&typed, "typed", NULL);
      probe_init (&any, "any", NULL);
      probe_add (center, "stdout", NULL, &typed);
      probe_add (center, NULL, NULL, &any);
      g_signal_connect (center, "notification", G_CALLBACK (count_cb), &signal_calls);

      make_criticals_non_fatal ();
      notification_center_post (center, "stdout", NULL,
                                g_variant_new_parsed ("@a{sv} {'out_string': <(int32 1, true)>}"));

      g_assert_cmpint (probe_calls (&typed), ==, 0);
      g_assert_cmpint (probe_calls (&any), ==, 0);
      g_assert_cmpint (signal_calls, ==, 0);
      probe_clear (&typed);
      probe_clear (&any);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Notification-CRITICAL*");
  g_test_trap_assert_stderr ("*stdout*");
  g_test_trap_assert_stderr ("*out_string*");
  g_test_trap_assert_stderr ("*(sx)*");
  g_test_trap_assert_stderr ("*(ib)*");
}

/* A plain post whose user info breaks the schema: a critical naming the
 * type and the key, and nobody receives it. */
typedef struct
{
  const char *user_info;
  const char *key;
} ViolationCase;

static const ViolationCase missing_key_case = { "@a{sv} {'progress': <0.5>}", "out_string" };
static const ViolationCase unknown_key_case = { "@a{sv} {'out_string': <'x'>, 'colour': <'red'>}", "colour" };

static void
test_post_schema_critical (gconstpointer data)
{
  const ViolationCase *violation = data;
  g_autofree char *key_pattern = NULL;

  g_test_summary ("A plain post with a missing or undeclared key is a critical "
                  "naming the type and the key, and is delivered to nobody");

  if (g_test_subprocess ())
    {
      Probe any;
      g_autoptr(NotificationCenter) center = notification_center_new ();
      g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);

      notification_center_register_schema (center, "stdout", schema);
      probe_init (&any, "any", NULL);
      probe_add (center, NULL, NULL, &any);

      make_criticals_non_fatal ();
      notification_center_post (center, "stdout", NULL,
                                g_variant_new_parsed (violation->user_info));
      g_assert_cmpint (probe_calls (&any), ==, 0);
      probe_clear (&any);
      return;
    }

  key_pattern = g_strdup_printf ("*%s*", violation->key);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Notification-CRITICAL*");
  g_test_trap_assert_stderr ("*stdout*");
  g_test_trap_assert_stderr (key_pattern);
}

/* A valid plain post of a declared type is delivered, without criticals
 * (criticals are fatal here). */
static void
test_post_valid_declared (void)
{
  Probe probe;
  g_autoptr(NotificationCenter) center = notification_center_new ();
  g_autoptr(NotificationSchema) schema = stdout_schema_new (FALSE);

  g_test_summary ("A valid plain post or post_values() of a declared type is "
                  "delivered without a critical");

  notification_center_register_schema (center, "stdout", schema);
  probe_init (&probe, "p", NULL);
  probe_add (center, "stdout", NULL, &probe);

  notification_center_post (center, "stdout", NULL,
                            g_variant_new_parsed ("@a{sv} {'out_string': <'a'>, 'progress': <1.0>}"));
  notification_center_post_values (center, "stdout", NULL,
                                   "out_string", "s", "b", NULL);
  g_assert_cmpint (probe_calls (&probe), ==, 2);

  probe_clear (&probe);
}

int
main (int argc, char *argv[])
{
  gsize i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema/keys", test_schema_keys);
  g_test_add_func ("/schema/keys/sorted", test_schema_list_keys_sorted);
  g_test_add_func ("/schema/add-key/not-utf8", test_schema_add_key_not_utf8);
  g_test_add_func ("/schema/add-key/invalid-type", test_schema_add_key_invalid_type);
  g_test_add_func ("/schema/add-key/duplicate", test_schema_add_key_duplicate);
  g_test_add_func ("/schema/add-key/sealed", test_schema_sealed_add_key);
  g_test_add_func ("/schema/validate/ok", test_schema_validate_ok);
  g_test_add_func ("/schema/validate/missing-key", test_schema_validate_missing_key);
  g_test_add_func ("/schema/validate/optional-only", test_schema_validate_optional_only);
  g_test_add_func ("/schema/validate/wrong-type", test_schema_validate_wrong_type);
  g_test_add_func ("/schema/validate/unknown-key", test_schema_validate_unknown_key);
  g_test_add_func ("/schema/validate/not-vardict", test_schema_validate_not_vardict);
  g_test_add_func ("/schema/register/lookup", test_register_lookup);
  g_test_add_func ("/schema/register/center-keeps-schema", test_register_center_keeps_schema);
  g_test_add_func ("/center/post-checked/valid", test_post_checked_valid);
  for (i = 0; i < G_N_ELEMENTS (violations); i++)
    {
      g_autofree char *path = g_strdup_printf ("/center/post-checked/violation/%s", violations[i].name);

      g_test_add_data_func (path, &violations[i], test_post_checked_violation);
    }
  g_test_add_func ("/center/post-checked/invalid-type", test_post_checked_invalid_type);
  g_test_add_func ("/center/post-checked/invalid-user-info", test_post_checked_invalid_user_info);
  g_test_add_func ("/center/post-checked/null-error", test_post_checked_null_error);
  g_test_add_func ("/center/post/schema/valid", test_post_valid_declared);
  g_test_add_func ("/center/post/schema/wrong-type-critical", test_post_violation_critical);
  g_test_add_data_func ("/center/post/schema/missing-key-critical", &missing_key_case,
                        test_post_schema_critical);
  g_test_add_data_func ("/center/post/schema/unknown-key-critical", &unknown_key_case,
                        test_post_schema_critical);

  return g_test_run ();
}
