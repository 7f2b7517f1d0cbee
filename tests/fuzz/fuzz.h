/* fuzz.h: shared by the fuzz targets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each target defines LLVMFuzzerTestOneInput(). Built with clang's
 * -fsanitize=fuzzer it is a libFuzzer binary; otherwise driver.c gives it
 * a main() that runs it over files, so that the seed corpus runs as
 * ordinary tests (suite 'fuzz'), as in GLib's fuzzing/.
 */

#pragma once

#include <stdint.h>
#include <string.h>

#include <notification/notification.h>

int LLVMFuzzerTestOneInput (const unsigned char *data, size_t size);

/* Input comes from outside: the API must answer with a GError, never a
 * warning or a critical. Make those abort, so the fuzzer reports them. */
static inline void
fuzz_set_up (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      g_once_init_leave (&done, 1);
    }
}

/* Splits off the next '\n'-terminated line of [*data, *data + *size),
 * as a new NUL-terminated string (which may hold other NUL bytes: it is
 * cut at the first). */
static inline char *
fuzz_next_line (const unsigned char **data,
                size_t               *size)
{
  const unsigned char *end = memchr (*data, '\n', *size);
  size_t len = end != NULL ? (size_t) (end - *data) : *size;
  char *line = g_strndup ((const char *) *data, len);

  *data += len + (end != NULL ? 1 : 0);
  *size -= len + (end != NULL ? 1 : 0);

  return line;
}

/* A GVariant of @type from untrusted bytes, in a properly aligned copy. */
static inline GVariant *
fuzz_variant_new (const GVariantType  *type,
                  const unsigned char *data,
                  size_t               size)
{
  GBytes *bytes = g_bytes_new (data, size);
  GVariant *variant = g_variant_new_from_bytes (type, bytes, FALSE);

  g_bytes_unref (bytes);

  return g_variant_ref_sink (variant);
}
