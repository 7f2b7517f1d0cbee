/* tool-zmq.h: the ZeroMQ mode of notification-monitor and notification-post
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <notification-bridge/notification-bridge.h>

/* notification-post --zmq: no subscriber for the type within --timeout */
#define TOOL_ZMQ_EXIT_NO_SUBSCRIBER 3

GOptionGroup *tool_zmq_option_group (gboolean for_post);
gboolean      tool_zmq_requested    (void);
gboolean      tool_zmq_check_args   (const char  *program,
                                     GError     **error);
int           tool_zmq_monitor      (NotificationCallback   print,
                                     char                 **types,
                                     GMainLoop            **loop);
int           tool_zmq_post         (NotificationCenter *center,
                                     const char         *type,
                                     GVariant           *user_info);
