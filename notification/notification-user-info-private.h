/* notification-user-info-private.h: a post's payload
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Inside the core a post's user info travels as one pointer, its
 * "payload": NULL, a GVariant (an a{sv}), or a NotificationUserInfo whose
 * dictionary is built on first use, tagged by its low bit (both are at
 * least pointer-aligned). The delivery paths keep their GVariant *
 * parameters: only the places that hand the user info to somebody (an
 * observer's callback, the signal, a schema) resolve the payload, and
 * only the queue references it.
 */

#pragma once

#include "notification-user-info.h"

G_BEGIN_DECLS

/* An internal observer flag (NotificationObserverFlags never use it):
 * the observer's callback is a NotificationUserInfoCallback. */
#define NOTIFICATION_OBSERVER_USER_INFO_PRIVATE (1u << 31)

struct _NotificationUserInfo
{
  gint                           ref_count;  /* (atomic); 0: on a caller's stack */
  GVariant                      *variant;    /* (atomic) (owned) (nullable) built on first use */
  gconstpointer                  kind;
  gpointer                       native;     /* (owned by @destroy) (nullable) */
  NotificationUserInfoBuildFunc  build;
  GDestroyNotify                 destroy;
};

static inline gboolean
notification_payload_is_lazy (GVariant *payload)
{
  return ((guintptr) payload & 1) != 0;
}

static inline GVariant *
notification_payload_from_user_info (NotificationUserInfo *user_info)
{
  return (GVariant *) ((guintptr) user_info | 1);
}

static inline NotificationUserInfo *
notification_payload_get_user_info (GVariant *payload)
{
  return (NotificationUserInfo *) ((guintptr) payload & ~(guintptr) 1);
}

/* The a{sv} of @payload, built now if it is lazy and not built yet. */
static inline GVariant *
notification_payload_resolve (GVariant *payload)
{
  if (G_LIKELY (!notification_payload_is_lazy (payload)))
    return payload;

  return notification_user_info_get_variant (notification_payload_get_user_info (payload));
}

static inline GVariant *
notification_payload_ref (GVariant *payload)
{
  if (payload == NULL)
    return NULL;
  if (notification_payload_is_lazy (payload))
    notification_user_info_ref (notification_payload_get_user_info (payload));
  else
    g_variant_ref (payload);

  return payload;
}

static inline void
notification_payload_unref (GVariant *payload)
{
  if (payload == NULL)
    return;
  if (notification_payload_is_lazy (payload))
    notification_user_info_unref (notification_payload_get_user_info (payload));
  else
    g_variant_unref (payload);
}

/* notification-user-info.c: calls @callback, an observer's, with
 * @payload as its user info: the dictionary for a NotificationCallback,
 * a NotificationUserInfo for one with NOTIFICATION_OBSERVER_USER_INFO_PRIVATE. */
void notification_user_info_call (NotificationCallback  callback,
                                  gboolean              takes_user_info,
                                  NotificationCenter   *center,
                                  const char           *type,
                                  GObject              *sender,
                                  GVariant             *payload,
                                  gpointer              user_data);

G_END_DECLS
