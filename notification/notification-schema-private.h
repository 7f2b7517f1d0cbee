/* notification-schema-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "notification-schema.h"

G_BEGIN_DECLS

void notification_schema_seal (NotificationSchema *self);

G_END_DECLS
