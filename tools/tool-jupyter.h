/* tool-jupyter.h: notification-monitor --jupyter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tool-common.h"

/* Connects to the kernel of @connection_file, calls @print for its
 * notifications (those of @types, or all), and runs until interrupted,
 * @count notifications were printed (through *@n_printed), or, with
 * @code, until that code's execution is complete. Returns the exit
 * status: 0 done (or execution `ok`), 1 failure (or execution error). */
int tool_jupyter_run (const char            *connection_file,
                      const char            *code,
                      char                 **types,
                      NotificationCallback   print,
                      GMainLoop             *loop);
