/* notification-zmq-context-private.h: the process's ZeroMQ context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     *notification_zmq_context_get       (void);
void     *notification_zmq_socket_open       (int          type,
                                              GError     **error);
void      notification_zmq_socket_close      (void        *socket);
gboolean  notification_zmq_context_terminate (GError     **error);

G_END_DECLS
