/* notification-zmq-normal-private.h: is a received a{sv} in normal form?
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NOTIFICATION_ZMQ_NORMAL_NO,      /* not in normal form */
  NOTIFICATION_ZMQ_NORMAL_YES,     /* in normal form */
  NOTIFICATION_ZMQ_NORMAL_UNSURE,  /* a value this reader does not judge: ask GLib */
} NotificationZmqNormal;

NotificationZmqNormal notification_zmq_vardict_is_normal (const guint8 *data,
                                                          gsize         size);
gboolean              notification_zmq_utf8_validate     (const guint8 *data,
                                                          gsize         size);

G_END_DECLS
