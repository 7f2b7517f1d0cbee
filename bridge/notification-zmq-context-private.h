/* notification-zmq-context-private.h: the process's ZeroMQ context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void *notification_zmq_context_get (void);

G_END_DECLS
