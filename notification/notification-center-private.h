/* notification-center-private.h: what the center's other files use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "notification-center.h"
#include "notification-registry-private.h"

G_BEGIN_DECLS

struct _NotificationCenter
{
  GObject               parent_instance;

  NotificationRegistry *registry;      /* (owned) */
  gboolean              emits_signal;  /* construct-only */
  gboolean              strict_schemas; /* construct-only */
};

/* notification-center.c: the id of NotificationCenter::notification. */
extern guint _notification_center_notification_signal;
/* notification-center.c: the class, set by class_init; until then its
 * own address, which is no instance's class. */
extern gpointer _notification_center_class;

/* Whether @self is a center, the cheap way: the type is final, so a
 * center's class is the center class. Where this is FALSE, check with
 * NOTIFICATION_IS_CENTER(), which warns about what it finds instead. */
static inline gboolean
notification_center_is_exact (gconstpointer self)
{
  return self != NULL &&
    ((const GTypeInstance *) self)->g_class == __atomic_load_n (&_notification_center_class, __ATOMIC_RELAXED);
}

/* The detail to emit with when a `notification` handler could want a
 * post of @type; FALSE costs one GLib query (its global signal lock). */
static inline gboolean
notification_center_signal_wanted (NotificationCenter *self,
                                   const char         *type,
                                   GQuark             *detail)
{
  if (!self->emits_signal)
    return FALSE;

  if (g_signal_handler_find (self, G_SIGNAL_MATCH_ID, _notification_center_notification_signal,
                             0, NULL, NULL, NULL) == 0)
    return FALSE;

  /* A type that was never interned has no handler of its own: only the
   * handlers without a detail can receive it. */
  *detail = g_quark_try_string (type);

  return TRUE;
}

static inline NotificationRegistry *
notification_center_get_registry (NotificationCenter *self)
{
  return self->registry;
}

gulong   notification_center_add_checked  (NotificationCenter  *self,
                                           const char          *func,
                                           const char          *type,
                                           gpointer             sender,
                                           GObject             *owner,
                                           GMainContext        *context,
                                           guint                flags,
                                           guint                internal_flags,
                                           NotificationCallback callback,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy);
gboolean notification_center_post_payload (NotificationCenter  *self,
                                           const char          *type,
                                           GObject             *sender,
                                           GVariant            *payload,
                                           GError             **error);

G_END_DECLS
