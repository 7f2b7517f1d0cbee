/* notification-zmq-auth-private.h: the process's ZAP handler (CURVE allow-lists)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The ZAP endpoint of a ZeroMQ context (RFC 27). */
#define NOTIFICATION_ZMQ_ZAP_ENDPOINT "inproc://zeromq.zap.01"

typedef struct _NotificationZmqAuthDomain NotificationZmqAuthDomain;

NotificationZmqAuthDomain *notification_zmq_auth_domain_new   (const char * const         *allowed_keys,
                                                               GError                    **error);
void        notification_zmq_auth_domain_free              (NotificationZmqAuthDomain  *domain);
const char *notification_zmq_auth_domain_get_name          (NotificationZmqAuthDomain  *domain);
gboolean    notification_zmq_auth_domain_set_allowed_keys  (NotificationZmqAuthDomain  *domain,
                                                            const char * const         *allowed_keys,
                                                            GError                    **error);
gboolean    notification_zmq_auth_domain_apply             (NotificationZmqAuthDomain  *domain,
                                                            void                       *socket,
                                                            GError                    **error);
guint64     notification_zmq_auth_domain_get_denied        (NotificationZmqAuthDomain  *domain);
guint64     notification_zmq_auth_domain_get_accepted      (NotificationZmqAuthDomain  *domain);

gboolean    notification_zmq_auth_check_keys               (const char * const         *keys,
                                                            GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotificationZmqAuthDomain, notification_zmq_auth_domain_free)

G_END_DECLS
