/* notification-jupyter-message-private.h: the Jupyter wire protocol
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure functions (no sockets, no main loop), so that the fuzz target
 * tests/fuzz/fuzz-jupyter-message.c can call them (doc/jupyter.md).
 */

#pragma once

#include <json-glib/json-glib.h>
#include <notification/notification.h>

G_BEGIN_DECLS

/* Why a received message was dropped; each kind is counted apart. */
typedef enum
{
  NOTIFICATION_JUPYTER_DROP_SIGNATURE,  /* bad or missing HMAC while a key is set */
  NOTIFICATION_JUPYTER_DROP_FRAMES,     /* no <IDS|MSG> delimiter, too few frames */
  NOTIFICATION_JUPYTER_DROP_JSON,       /* not JSON, not objects, no msg_id/msg_type, bad UTF-8, too deep */
  NOTIFICATION_JUPYTER_N_DROPS
} NotificationJupyterDrop;

/* The deepest JSON nesting accepted (the converter recurses). */
#define NOTIFICATION_JUPYTER_MAX_DEPTH 64

typedef struct
{
  char       *msg_id;         /* header.msg_id, never NULL */
  char       *msg_type;       /* header.msg_type, never NULL or empty */
  char       *parent_msg_id;  /* parent_header.msg_id, "" if none */
  char       *date;           /* header.date, NULL if absent */
  JsonNode   *content;        /* (owned): an object */
  GPtrArray  *buffers;        /* (element-type GBytes): frames after content */
} NotificationJupyterMessage;

void        notification_jupyter_message_free           (NotificationJupyterMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotificationJupyterMessage, notification_jupyter_message_free)

NotificationJupyterMessage *
            notification_jupyter_message_parse          (GPtrArray                *frames,
                                                         const char               *key,
                                                         NotificationJupyterDrop  *drop,
                                                         GError                  **error);

char       *notification_jupyter_sign                   (const char               *key,
                                                         GBytes                   *header,
                                                         GBytes                   *parent,
                                                         GBytes                   *metadata,
                                                         GBytes                   *content);

GPtrArray  *notification_jupyter_message_build          (const char               *key,
                                                         const char               *session,
                                                         const char               *msg_type,
                                                         JsonNode                 *content,
                                                         char                    **msg_id);

GVariant   *notification_jupyter_json_to_variant        (JsonNode                 *node,
                                                         GError                  **error);

char       *notification_jupyter_message_notification_type (NotificationJupyterMessage *message);

GVariant   *notification_jupyter_message_to_user_info   (NotificationJupyterMessage *message,
                                                         GError                    **error);

void        notification_jupyter_register_schemas       (NotificationCenter       *center);

gint64      notification_jupyter_parse_date             (const char               *date);

G_END_DECLS
