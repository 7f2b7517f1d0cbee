/* notification-keygen: makes and stores a CURVE key pair for the ZeroMQ transport
 *
 * notification-keygen PATH writes the secret key to PATH (mode 0600) and
 * the public key to PATH.pub, and prints the public key (never the
 * secret one). --public PATH prints the public key of an existing
 * secret key file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "tool-common.h"

static gboolean opt_force;
static gboolean opt_public;

int
main (int argc, char **argv)
{
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &opt_force,
      "Replace PATH and PATH.pub if they exist", NULL },
    { "public", 'p', 0, G_OPTION_ARG_NONE, &opt_public,
      "Make nothing: print the public key of the secret key file PATH", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("PATH - make a CURVE key pair for ZeroMQ");
  g_autoptr(GError) error = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *secret_key = NULL;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_description (options,
    "Writes a new secret key to PATH, readable by its owner alone (mode 0600),\n"
    "and its public key to PATH.pub, then prints the public key. Give PATH to\n"
    "the program that is this host (--curve-secret-key, or the relay's\n"
    "--frontend-secret-key / --backend-secret-key); give PATH.pub to its peers\n"
    "(a server's key to its clients, a client's key to the server's allow-list).\n"
    "\n"
    "Exit status: 0 done, 1 the files could not be read or written (or exist,\n"
    "without --force), 2 bad arguments.");

  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return TOOL_EXIT_USAGE;
    }
  if (argc != 2 || argv[1][0] == '\0')
    {
      g_printerr ("%s: give one PATH (see --help)\n", g_get_prgname ());
      return TOOL_EXIT_USAGE;
    }
  if (opt_public && opt_force)
    {
      g_printerr ("%s: --public makes nothing; --force does not apply\n", g_get_prgname ());
      return TOOL_EXIT_USAGE;
    }

  if (opt_public)
    {
      if (!notification_zmq_load_curve_keypair (argv[1], &public_key, NULL, &error))
        {
          g_printerr ("%s: %s\n", g_get_prgname (), error->message);
          return TOOL_EXIT_FAILURE;
        }
      g_print ("%s\n", public_key);
      return TOOL_EXIT_OK;
    }

  if (!notification_zmq_generate_curve_keypair (&public_key, &secret_key, &error) ||
      !notification_zmq_save_curve_keypair (argv[1], public_key, secret_key, opt_force, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      if (secret_key != NULL)
        memset (secret_key, 0, strlen (secret_key));
      return TOOL_EXIT_FAILURE;
    }
  memset (secret_key, 0, strlen (secret_key));

  g_print ("%s\n", public_key);
  return TOOL_EXIT_OK;
}
