/* notification-zmq-keys.h: CURVE key pairs and allow-lists for the ZeroMQ transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(NOTIFICATION_BRIDGE_INSIDE) && !defined(NOTIFICATION_BRIDGE_COMPILATION)
# error "Only <notification-bridge/notification-bridge.h> can be included directly."
#endif

#include <glib.h>

#include "notification-bridge-version-macros.h"

G_BEGIN_DECLS

/**
 * NOTIFICATION_ZMQ_CURVE_KEY_LENGTH:
 *
 * The length of a CURVE key in Z85 text: 40 characters for the 32 bytes
 * of the key.
 *
 * Since: 1.2
 */
#define NOTIFICATION_ZMQ_CURVE_KEY_LENGTH 40

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean notification_zmq_curve_key_is_valid          (const char  *key);

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean notification_zmq_generate_curve_keypair      (char       **public_key,
                                                       char       **secret_key,
                                                       GError     **error);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char    *notification_zmq_curve_public_key_for_secret (const char  *secret_key,
                                                       GError     **error) G_GNUC_WARN_UNUSED_RESULT;

NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean notification_zmq_save_curve_keypair          (const char  *path,
                                                       const char  *public_key,
                                                       const char  *secret_key,
                                                       gboolean     overwrite,
                                                       GError     **error);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
gboolean notification_zmq_load_curve_keypair          (const char  *path,
                                                       char       **public_key,
                                                       char       **secret_key,
                                                       GError     **error);
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char    *notification_zmq_load_curve_public_key       (const char  *path,
                                                       GError     **error) G_GNUC_WARN_UNUSED_RESULT;
NOTIFICATION_BRIDGE_AVAILABLE_IN_1_2
char   **notification_zmq_load_curve_allowed_keys     (const char  *path,
                                                       GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
