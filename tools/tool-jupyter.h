/* tool-jupyter.h: notification-monitor --jupyter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tool-common.h"

/* Connects to the kernel of @connection_file, calls @print for its
 * notifications (those of @types, or all), and runs @loop until it is
 * quit (a signal, --count) or, with @code, until that code's execution
 * is complete. Returns the exit status: 0 done or interrupted (with
 * @code: its execution `ok`), 1 failure (with @code: an error, or
 * interrupted before the end). SIGINT/SIGTERM end a connect too. */
int tool_jupyter_run (const char            *connection_file,
                      const char            *code,
                      char                 **types,
                      NotificationCallback   print,
                      GMainLoop             *loop);
