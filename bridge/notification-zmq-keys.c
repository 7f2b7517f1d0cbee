/* notification-zmq-keys.c: CURVE key pairs and allow-lists for the ZeroMQ transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <zmq.h>

#include "notification-bridge/notification-zmq-keys.h"

/* Key files are small; an allow-list of many hosts stays far below this. */
#define MAX_KEY_FILE_SIZE (1024 * 1024)

#define SECRET_HEADER "# libnotification CURVE secret key (Z85). Keep it private: whoever has it can be this host.\n"
#define PUBLIC_HEADER "# libnotification CURVE public key (Z85). Give it to the peers that must allow this host.\n"

static const char z85_alphabet[] =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/**
 * notification_zmq_curve_key_is_valid:
 * @key: (nullable): text
 *
 * Whether @key is a CURVE key in Z85 text: exactly
 * [const@NotificationBridge.ZMQ_CURVE_KEY_LENGTH] characters of the Z85
 * alphabet that decode to 32 bytes. Public and secret keys look the same.
 *
 * Returns: whether @key is a key
 *
 * Since: 1.2
 */
gboolean
notification_zmq_curve_key_is_valid (const char *key)
{
  guint8 bytes[32];

  if (key == NULL || strlen (key) != NOTIFICATION_ZMQ_CURVE_KEY_LENGTH)
    return FALSE;
  for (const char *p = key; *p != '\0'; p++)
    if (strchr (z85_alphabet, *p) == NULL)
      return FALSE;
  /* zmq_z85_decode() also refuses groups of five whose value overflows. */
  return zmq_z85_decode (bytes, key) != NULL;
}

/**
 * notification_zmq_generate_curve_keypair:
 * @public_key: (out) (transfer full) (optional): the public key, Z85 text
 * @secret_key: (out) (transfer full) (optional): the secret key, Z85 text
 * @error: return location for a #GError
 *
 * Makes a new CURVE key pair (zmq_curve_keypair(), from libsodium's
 * random source). Give the public key to peers; keep the secret key
 * private, for example in a file written by
 * [func@NotificationBridge.zmq_save_curve_keypair].
 *
 * Returns: (skip): `TRUE`, or `FALSE` with @error set when libzmq was
 *   built without CURVE (bindings return the two keys, or raise)
 *
 * Since: 1.2
 */
gboolean
notification_zmq_generate_curve_keypair (char   **public_key,
                                         char   **secret_key,
                                         GError **error)
{
  char public_text[NOTIFICATION_ZMQ_CURVE_KEY_LENGTH + 1];
  char secret_text[NOTIFICATION_ZMQ_CURVE_KEY_LENGTH + 1];

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (zmq_curve_keypair (public_text, secret_text) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Cannot make a CURVE key pair: %s", zmq_strerror (errno));
      return FALSE;
    }

  if (public_key != NULL)
    *public_key = g_strdup (public_text);
  if (secret_key != NULL)
    *secret_key = g_strdup (secret_text);
  memset (secret_text, 0, sizeof secret_text);
  return TRUE;
}

/**
 * notification_zmq_curve_public_key_for_secret:
 * @secret_key: a secret key, Z85 text
 * @error: return location for a #GError
 *
 * Computes the public key that belongs to @secret_key.
 *
 * Returns: (transfer full): the public key, Z85 text, or `NULL` with
 *   @error set (`G_IO_ERROR_INVALID_DATA`) when @secret_key is not a key
 *
 * Since: 1.2
 */
char *
notification_zmq_curve_public_key_for_secret (const char  *secret_key,
                                              GError     **error)
{
  char public_text[NOTIFICATION_ZMQ_CURVE_KEY_LENGTH + 1];

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!notification_zmq_curve_key_is_valid (secret_key))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The secret key is not a CURVE key in Z85 text (40 characters)");
      return NULL;
    }
  if (zmq_curve_public (public_text, secret_key) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Cannot compute a CURVE public key: %s", zmq_strerror (errno));
      return NULL;
    }
  return g_strdup (public_text);
}

static char *
public_path_for (const char *path)
{
  return g_strconcat (path, ".pub", NULL);
}

/**
 * notification_zmq_save_curve_keypair:
 * @path: (type filename): where to write the secret key
 * @public_key: the public key, Z85 text
 * @secret_key: the secret key, Z85 text
 * @overwrite: whether to replace existing files
 * @error: return location for a #GError
 *
 * Writes a key pair to two text files: the secret key to @path, readable
 * by its owner alone (mode 0600), and the public key beside it, to
 * @path with `.pub` appended (mode 0644). Each file is a comment line
 * starting with `#` and the key on a line of its own; each is written
 * atomically (a temporary file renamed).
 *
 * Returns: `TRUE`, or `FALSE` with @error set: `G_IO_ERROR_INVALID_DATA`
 *   when a key is not a key or the public key does not belong to the
 *   secret key, `G_IO_ERROR_EXISTS` when a file exists and @overwrite is
 *   `FALSE`, a `G_FILE_ERROR` when a file cannot be written
 *
 * Since: 1.2
 */
gboolean
notification_zmq_save_curve_keypair (const char  *path,
                                     const char  *public_key,
                                     const char  *secret_key,
                                     gboolean     overwrite,
                                     GError     **error)
{
  g_autofree char *public_path = NULL;
  g_autofree char *derived = NULL;
  g_autofree char *secret_text = NULL;
  g_autofree char *public_text = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL && *path != '\0', FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (secret_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!notification_zmq_curve_key_is_valid (public_key))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The public key is not a CURVE key in Z85 text (40 characters)");
      return FALSE;
    }
  derived = notification_zmq_curve_public_key_for_secret (secret_key, error);
  if (derived == NULL)
    return FALSE;
  if (strcmp (derived, public_key) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The public key does not belong to the secret key");
      return FALSE;
    }

  public_path = public_path_for (path);
  if (!overwrite)
    {
      /* Not atomic with the writes below: it guards against mistakes,
       * not against someone else writing in the directory. */
      for (guint i = 0; i < 2; i++)
        {
          const char *p = i == 0 ? path : public_path;

          if (g_file_test (p, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                           "“%s” exists (not replaced)", p);
              return FALSE;
            }
        }
    }

  secret_text = g_strconcat (SECRET_HEADER, secret_key, "\n", NULL);
  ok = g_file_set_contents_full (path, secret_text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  memset (secret_text, 0, strlen (secret_text));
  if (!ok)
    return FALSE;

  public_text = g_strconcat (PUBLIC_HEADER, public_key, "\n", NULL);
  return g_file_set_contents_full (public_path, public_text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* The keys of a key file: one per line, blank lines and lines starting
 * with '#' skipped, surrounding blanks ignored. Never puts a key's text
 * in an error. */
static GStrv
read_keys (const char  *path,
           gboolean     secret,
           GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  gsize length = 0;
  GStrv result;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot read “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not a regular file", path);
      return NULL;
    }
  if (secret && (st.st_mode & 0077) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "The secret key file “%s” can be read by others (mode %04o; "
                   "make it 0600)", path, (unsigned) (st.st_mode & 07777));
      return NULL;
    }
  if (st.st_size > MAX_KEY_FILE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is too large for a key file (%" G_GINT64_FORMAT " bytes)",
                   path, (gint64) st.st_size);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (memchr (contents, '\0', length) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not a text file", path);
      goto fail;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      /* '#' is a Z85 digit, but a group of five starting with it is
       * worth more than 2^32: no key starts with it. Keys first anyway. */
      if (notification_zmq_curve_key_is_valid (line))
        {
          g_strv_builder_add (keys, line);
          continue;
        }
      if (*line == '\0' || *line == '#')
        continue;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s”, line %u: not a CURVE key in Z85 text (40 characters)",
                   path, i + 1);
      goto fail;
    }

  if (secret)
    for (guint i = 0; lines[i] != NULL; i++)
      memset (lines[i], 0, strlen (lines[i]));
  if (secret)
    memset (contents, 0, length);
  result = g_strv_builder_end (keys);
  return result;

fail:
  if (secret)
    memset (contents, 0, length);
  return NULL;
}

static char *
read_one_key (const char  *path,
              gboolean     secret,
              GError     **error)
{
  g_auto(GStrv) keys = read_keys (path, secret, error);
  char *key;

  if (keys == NULL)
    return NULL;
  if (keys[0] == NULL || keys[1] != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” holds %u keys, not one", path, g_strv_length (keys));
      if (secret)
        for (guint i = 0; keys[i] != NULL; i++)
          memset (keys[i], 0, strlen (keys[i]));
      return NULL;
    }
  key = g_steal_pointer (&keys[0]);
  return key;
}

/**
 * notification_zmq_load_curve_keypair:
 * @path: (type filename): a secret key file
 * @public_key: (out) (transfer full) (optional): the public key, Z85 text
 * @secret_key: (out) (transfer full) (optional): the secret key, Z85 text
 * @error: return location for a #GError
 *
 * Reads the secret key that [func@NotificationBridge.zmq_save_curve_keypair]
 * wrote to @path, and computes its public key (the `.pub` file beside it
 * is not needed). The file must be readable by its owner alone.
 *
 * Returns: (skip): `TRUE`, or `FALSE` with @error set (bindings return
 *   the two keys, or raise): a `G_FILE_ERROR` when the file cannot be read (`G_FILE_ERROR_NOENT` when it is missing),
 *   `G_IO_ERROR_PERMISSION_DENIED` when others may read it,
 *   `G_IO_ERROR_INVALID_DATA` when it does not hold exactly one key
 *
 * Since: 1.2
 */
gboolean
notification_zmq_load_curve_keypair (const char  *path,
                                     char       **public_key,
                                     char       **secret_key,
                                     GError     **error)
{
  g_autofree char *secret = NULL;
  char *public;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  secret = read_one_key (path, TRUE, error);
  if (secret == NULL)
    return FALSE;
  public = notification_zmq_curve_public_key_for_secret (secret, error);
  if (public == NULL)
    {
      memset (secret, 0, strlen (secret));
      return FALSE;
    }

  if (public_key != NULL)
    *public_key = public;
  else
    g_free (public);
  if (secret_key != NULL)
    *secret_key = g_steal_pointer (&secret);
  else
    memset (secret, 0, strlen (secret));
  return TRUE;
}

/**
 * notification_zmq_load_curve_public_key:
 * @path: (type filename): a public key file
 * @error: return location for a #GError
 *
 * Reads a public key file, such as the `.pub` file
 * [func@NotificationBridge.zmq_save_curve_keypair] writes: the server key
 * a client connects with.
 *
 * Returns: (transfer full): the key, Z85 text, or `NULL` with @error set
 *   (a `G_FILE_ERROR`, or `G_IO_ERROR_INVALID_DATA` when the file does
 *   not hold exactly one key)
 *
 * Since: 1.2
 */
char *
notification_zmq_load_curve_public_key (const char  *path,
                                        GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_one_key (path, FALSE, error);
}

/**
 * notification_zmq_load_curve_allowed_keys:
 * @path: (type filename): an allow-list file
 * @error: return location for a #GError
 *
 * Reads an allow-list: the public keys of the clients a CURVE server
 * accepts, one per line, with blank lines and lines starting with `#`
 * ignored. Public key files concatenated make an allow-list
 * (`cat *.pub > allowed-keys`). An empty list is valid: it allows no
 * client.
 *
 * Returns: (transfer full) (array zero-terminated=1): the keys, Z85
 *   text, or `NULL` with @error set (a `G_FILE_ERROR`, or
 *   `G_IO_ERROR_INVALID_DATA` naming the first line that is not a key)
 *
 * Since: 1.2
 */
char **
notification_zmq_load_curve_allowed_keys (const char  *path,
                                          GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_keys (path, FALSE, error);
}
