/* test-zmq-keys.c: CURVE key pairs, key files and allow-list files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <notification-bridge/notification-bridge.h>

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-zmq-keys-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "host.key", NULL);
}

static void
remove_in (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_in (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
write_file (const char *path,
            const char *text,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
test_keys_generate (void)
{
  g_autofree char *public_key = NULL;
  g_autofree char *secret_key = NULL;
  g_autofree char *other_public = NULL;
  g_autofree char *derived = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A generated CURVE key pair is two distinct valid 40-character keys, the "
                  "public one derived from the secret one, and each call makes a new pair");

  g_assert_true (notification_zmq_generate_curve_keypair (&public_key, &secret_key, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (public_key), ==, NOTIFICATION_ZMQ_CURVE_KEY_LENGTH);
  g_assert_true (notification_zmq_curve_key_is_valid (public_key));
  g_assert_true (notification_zmq_curve_key_is_valid (secret_key));
  g_assert_cmpstr (public_key, !=, secret_key);

  derived = notification_zmq_curve_public_key_for_secret (secret_key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (derived, ==, public_key);

  g_assert_true (notification_zmq_generate_curve_keypair (&other_public, NULL, &error));
  g_assert_cmpstr (other_public, !=, public_key);
}

static void
test_keys_is_valid (void)
{
  char key[41];

  g_test_summary ("notification_zmq_curve_key_is_valid() accepts a 40-character Z85 key and "
                  "refuses NULL, short, long, non-Z85 and overflowing ones");

  g_assert_false (notification_zmq_curve_key_is_valid (NULL));
  g_assert_false (notification_zmq_curve_key_is_valid (""));
  g_assert_false (notification_zmq_curve_key_is_valid ("abc"));
  /* the example key of the ZeroMQ CURVE documentation */
  g_assert_true (notification_zmq_curve_key_is_valid ("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"));
  strcpy (key, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
  key[3] = ' ';
  g_assert_false (notification_zmq_curve_key_is_valid (key));
  key[3] = '"';
  g_assert_false (notification_zmq_curve_key_is_valid (key));
  g_assert_false (notification_zmq_curve_key_is_valid ("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7x"));
  /* no key starts with '#' (a comment): its first group overflows */
  strcpy (key, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
  key[0] = '#';
  g_assert_false (notification_zmq_curve_key_is_valid (key));
  /* five characters worth more than 2^32 */
  g_assert_false (notification_zmq_curve_key_is_valid ("%%%%%Lns47E1%kR.o@n%FcmmsL/@{H8]yf7rq:rM"));
}

static void
test_keys_save_load (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *public_key = NULL;
  g_autofree char *secret_key = NULL;
  g_autofree char *loaded_public = NULL;
  g_autofree char *loaded_secret = NULL;
  g_autofree char *from_pub = NULL;
  g_autofree char *pub_path = g_strconcat (fixture->path, ".pub", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) allowed = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_test_summary ("A saved key pair is a 0600 secret file and a public file without the "
                  "secret key, loads back as the same pair, its public file as the public "
                  "key and a one-key allow-list, and is replaced only when asked");

  g_assert_true (notification_zmq_generate_curve_keypair (&public_key, &secret_key, &error));
  g_assert_true (notification_zmq_save_curve_keypair (fixture->path, public_key, secret_key, FALSE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (pub_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0600, ==, 0600);   /* 0644 less the umask */

  /* the public file holds the public key, not the secret one */
  g_assert_true (g_file_get_contents (pub_path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, public_key));
  g_assert_null (strstr (contents, secret_key));

  g_assert_true (notification_zmq_load_curve_keypair (fixture->path, &loaded_public, &loaded_secret, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (loaded_public, ==, public_key);
  g_assert_cmpstr (loaded_secret, ==, secret_key);

  from_pub = notification_zmq_load_curve_public_key (pub_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_pub, ==, public_key);

  /* a public file is an allow-list of one */
  allowed = notification_zmq_load_curve_allowed_keys (pub_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (allowed), ==, 1);
  g_assert_cmpstr (allowed[0], ==, public_key);

  /* not replaced unless asked */
  g_assert_false (notification_zmq_save_curve_keypair (fixture->path, public_key, secret_key, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (notification_zmq_save_curve_keypair (fixture->path, public_key, secret_key, TRUE, &error));
  g_assert_no_error (error);
}

static void
test_keys_save_mismatch (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *public_a = NULL;
  g_autofree char *secret_b = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Saving a public key that does not match the secret key, or a bad one, is "
                  "G_IO_ERROR_INVALID_DATA and writes no file, the message not showing the "
                  "secret key");

  g_assert_true (notification_zmq_generate_curve_keypair (&public_a, NULL, &error));
  g_assert_true (notification_zmq_generate_curve_keypair (NULL, &secret_b, &error));
  g_assert_false (notification_zmq_save_curve_keypair (fixture->path, public_a, secret_b, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (strstr (error->message, secret_b));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_false (notification_zmq_save_curve_keypair (fixture->path, "short", secret_b, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_keys_load_errors (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *secret_key = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  g_test_summary ("Loading a missing, short, empty, two-key, binary or directory key file "
                  "fails, and a secret key file others can read is refused as a key pair "
                  "but read as a public key, with no error quoting a key");

  /* missing */
  g_assert_false (notification_zmq_load_curve_keypair (fixture->path, &public_key, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_null (public_key);
  g_clear_error (&error);
  g_assert_null (notification_zmq_load_curve_public_key (fixture->path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  /* short, and the message does not repeat the file's text */
  write_file (fixture->path, "# a comment\nabcdefghij\n", 0600);
  g_assert_false (notification_zmq_load_curve_keypair (fixture->path, NULL, &secret_key, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_assert_null (strstr (error->message, "abcdefghij"));
  g_assert_null (secret_key);
  g_clear_error (&error);

  /* empty: no key */
  write_file (fixture->path, "# nothing\n\n", 0600);
  g_assert_false (notification_zmq_load_curve_keypair (fixture->path, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* a secret key others can read is refused */
  g_assert_true (notification_zmq_generate_curve_keypair (NULL, &secret_key, &error));
  text = g_strconcat (secret_key, "\n", NULL);
  write_file (fixture->path, text, 0644);
  g_assert_false (notification_zmq_load_curve_keypair (fixture->path, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_null (strstr (error->message, secret_key));
  g_clear_error (&error);
  /* … but is a valid public key file (no mode rule there) */
  key = notification_zmq_load_curve_public_key (fixture->path, &error);
  g_assert_no_error (error);
  g_free (key);
  g_assert_cmpint (g_chmod (fixture->path, 0600), ==, 0);
  g_assert_true (notification_zmq_load_curve_keypair (fixture->path, NULL, NULL, &error));
  g_assert_no_error (error);

  /* two keys are not one key; NUL bytes are not text */
  g_free (text);
  text = g_strconcat (secret_key, "\n", secret_key, "\n", NULL);
  write_file (fixture->path, text, 0600);
  g_assert_null (notification_zmq_load_curve_public_key (fixture->path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (fixture->path, "abc\0def", 7, NULL));
  g_assert_null (notification_zmq_load_curve_public_key (fixture->path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* a directory is not a key file */
  g_assert_null (notification_zmq_load_curve_public_key (fixture->dir, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_keys_allow_list (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("An allow-list file gives its keys, skipping comments, blank lines and "
                  "surrounding spaces, a file of comments only is an empty list, and a bad "
                  "line is an error naming the line");

  g_assert_true (notification_zmq_generate_curve_keypair (&a, NULL, &error));
  g_assert_true (notification_zmq_generate_curve_keypair (&b, NULL, &error));
  text = g_strdup_printf ("# hosts allowed to subscribe\n\n  %s  \n# b:\n%s\n", a, b);
  write_file (fixture->path, text, 0644);
  keys = notification_zmq_load_curve_allowed_keys (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, a);
  g_assert_cmpstr (keys[1], ==, b);
  g_clear_pointer (&keys, g_strfreev);

  /* an empty list is a list (it allows no client) */
  write_file (fixture->path, "# nobody\n", 0644);
  keys = notification_zmq_load_curve_allowed_keys (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (keys), ==, 0);
  g_clear_pointer (&keys, g_strfreev);

  /* a bad line is named */
  g_free (text);
  text = g_strdup_printf ("%s\n%s\nnot-a-key\n", a, b);
  write_file (fixture->path, text, 0644);
  g_assert_null (notification_zmq_load_curve_allowed_keys (fixture->path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 3"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zmq/keys/generate", test_keys_generate);
  g_test_add_func ("/zmq/keys/is-valid", test_keys_is_valid);
  g_test_add ("/zmq/keys/save-load", Fixture, NULL, fixture_set_up, test_keys_save_load, fixture_tear_down);
  g_test_add ("/zmq/keys/save-mismatch", Fixture, NULL, fixture_set_up, test_keys_save_mismatch, fixture_tear_down);
  g_test_add ("/zmq/keys/load-errors", Fixture, NULL, fixture_set_up, test_keys_load_errors, fixture_tear_down);
  g_test_add ("/zmq/keys/allow-list", Fixture, NULL, fixture_set_up, test_keys_allow_list, fixture_tear_down);

  return g_test_run ();
}
