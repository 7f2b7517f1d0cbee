/* driver.c: runs a fuzz target over files, for compilers without libFuzzer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Like GLib's fuzzing/driver.c: each argument is a file whose contents
 * are passed to LLVMFuzzerTestOneInput() once. A crash, an abort or a
 * sanitizer report fails the test.
 */

#include "fuzz.h"

int
main (int    argc,
      char **argv)
{
  g_print ("1..%d\n", argc - 1);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (argv[i], &contents, &length, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }

      LLVMFuzzerTestOneInput ((const unsigned char *) contents, length);
      g_print ("ok %d %s\n", i, argv[i]);
    }

  return 0;
}
