/* notification-center-post.c: posting
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-error.h"
#include "notification-registry-private.h"
#include "notification-schema-private.h"
#include "notification-user-info-private.h"
#include "notification-vardict-private.h"

/* A lazy payload is built only if the type has a schema. */
static gboolean
center_validate (NotificationRegistry  *registry,
                 const char            *type,
                 GVariant              *user_info,
                 GError               **error)
{
  NotificationSchema *schema;
  gboolean valid;

  if (G_LIKELY (!notification_payload_is_lazy (user_info)))
    return notification_registry_validate (registry, type, user_info, error);

  schema = notification_registry_dup_schema (registry, type);
  if (schema == NULL)
    return TRUE;
  valid = notification_schema_validate (schema, type, notification_payload_resolve (user_info), error);
  g_object_unref (schema);

  return valid;
}

/* Whether @sender may be given to observers and handlers; a critical
 * warning otherwise. */
static gboolean
center_sender_valid (gpointer sender)
{
  if (G_LIKELY (sender == NULL || G_IS_OBJECT (sender)))
    return TRUE;

  g_return_if_fail_warning (G_LOG_DOMAIN, "notification_center_post",
                            "sender == NULL || G_IS_OBJECT (sender)");
  return FALSE;
}

/* Validates against the type's schema and delivers. @user_info is not
 * floating; it may be a lazy payload (notification-user-info-private.h).
 * With @check_sender, @sender is checked only once some observer or
 * handler wants the post: the lookup only hashes and compares the
 * pointer. @caller_holds: the caller guarantees a reference to @self for
 * the call, so the center need not take one around the observers' calls
 * (an atomic write shared by every posting thread, and for a center with
 * a toggle reference, such as a Python wrapper's, two toggle notifies). */
static inline gboolean
center_post (NotificationCenter  *self,
             const char          *type,
             GObject             *sender,
             GVariant            *user_info,
             gboolean             check_sender,
             gboolean             caller_holds,
             GError             **error)
{
  NotificationRegistry *registry = self->registry;
  gboolean emits_signal = self->emits_signal;
  gboolean referenced = FALSE;
  GQuark detail = 0;

  if (G_UNLIKELY (notification_registry_has_schemas (registry)) &&
      !center_validate (registry, type, user_info, error))
    return FALSE;

  /* Without the signal, @self is not touched once observers have run (one
   * of them may finalize it), so it need not be referenced. */
  if (notification_registry_has_any (registry))
    {
      NotificationDispatch result;

      result = notification_registry_dispatch (registry, self, emits_signal && !caller_holds,
                                               check_sender, type, sender, user_info);
      if (G_UNLIKELY (result == NOTIFICATION_DISPATCH_BAD_SENDER))
        {
          center_sender_valid (sender);
          return TRUE;
        }
      referenced = result == NOTIFICATION_DISPATCH_HOLDING_CENTER;
    }

  if (emits_signal && notification_center_signal_wanted (self, type, &detail) &&
      (!check_sender || center_sender_valid (sender)))
    g_signal_emit (self, _notification_center_notification_signal, detail, type, sender,
                   notification_payload_resolve (user_info));

  if (referenced)
    g_object_unref (self);

  return TRUE;
}

/* notification-center-private.h: center_post() for a payload (see
 * notification-user-info-private.h), @type and @sender checked, by a
 * caller that holds a reference to @self. */
gboolean
notification_center_post_payload (NotificationCenter  *self,
                                  const char          *type,
                                  GObject             *sender,
                                  GVariant            *payload,
                                  GError             **error)
{
  return center_post (self, type, sender, payload, FALSE, TRUE, error);
}

/* notification_center_post(), every case: the bad input, user info,
 * schemas, no observer at all. */
static G_GNUC_NO_INLINE void
center_post_any (NotificationCenter *self,
                 const char         *type,
                 gpointer            sender,
                 GVariant           *user_info)
{
  GError *error = NULL;

  if (G_LIKELY (user_info == NULL &&
                NOTIFICATION_IS_CENTER (self) &&
                type != NULL && *type != '\0'))
    {
      /* No observer and no schema: only the signal may want the post
       * (a post nobody observes costs a few loads, and GLib's query if the
       * center emits the signal). */
      if (!notification_registry_has_any (self->registry) &&
          !notification_registry_has_schemas (self->registry))
        {
          GQuark detail = 0;

          if (!notification_center_signal_wanted (self, type, &detail))
            return;

          if (G_LIKELY (sender == NULL || G_IS_OBJECT (sender)))
            {
              g_signal_emit (self, _notification_center_notification_signal, detail, type, sender, NULL);
              return;
            }
        }
      else
        {
          if (!center_post (self, type, sender, NULL, TRUE, FALSE, &error))
            {
              g_critical ("%s", error->message);
              g_error_free (error);
            }
          return;
        }
    }

  if (user_info != NULL)
    g_variant_ref_sink (user_info);

  if (!NOTIFICATION_IS_CENTER (self) ||
      type == NULL || *type == '\0' ||
      (sender != NULL && !G_IS_OBJECT (sender)) ||
      (user_info != NULL && !notification_variant_is_vardict (user_info)))
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, "notification_center_post",
                                !NOTIFICATION_IS_CENTER (self) ? "NOTIFICATION_IS_CENTER (self)" :
                                type == NULL || *type == '\0' ? "type != NULL && *type != '\\0'" :
                                sender != NULL && !G_IS_OBJECT (sender) ? "sender == NULL || G_IS_OBJECT (sender)" :
                                "user_info == NULL || g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT)");
    }
  else if (!center_post (self, type, sender, user_info, FALSE, FALSE, &error))
    {
      g_critical ("%s", error->message);
      g_error_free (error);
    }

  if (user_info != NULL)
    g_variant_unref (user_info);
}

/* notification_center_post() when no observer wants the post, on a
 * center that emits the signal. */
static inline void
center_post_signal (NotificationCenter *self,
                    const char         *type,
                    gpointer            sender)
{
  GQuark detail = 0;

  if (notification_center_signal_wanted (self, type, &detail) && center_sender_valid (sender))
    g_signal_emit (self, _notification_center_notification_signal, detail, type, sender, NULL);
}

/* notification_center_post() once observers may match: @first, found by
 * notification_registry_match_first() with @type_hash after @last_seq
 * was read, inside the read section that the post entered. The rest of
 * the lookup, then center_post() from the dispatch on. */
static G_GNUC_NO_INLINE void
center_post_matched (NotificationCenter     *self,
                     const char             *type,
                     gpointer                sender,
                     guint64                 last_seq,
                     NotificationObserverList *first,
                     guint                   type_hash)
{
  NotificationRegistry *registry = self->registry;
  gboolean emits_signal = self->emits_signal;
  NotificationObserverList *matches[4];
  NotificationDispatch result;
  GQuark detail = 0;
  guint n_matches;

  if (G_LIKELY (notification_registry_match_confirm (first, type)))
    n_matches = notification_registry_match_rest (registry, type, sender, first, type_hash, matches);
  else
    n_matches = notification_registry_match_exact (registry, type, sender, type_hash, matches);
  if (n_matches == 0)
    {
      notification_ebr_leave ();
      if (emits_signal)
        center_post_signal (self, type, sender);
      return;
    }

  result = notification_registry_dispatch_matches (registry, self, emits_signal, TRUE,
                                                   type, sender, NULL,
                                                   matches, n_matches, last_seq);
  if (G_UNLIKELY (result == NOTIFICATION_DISPATCH_BAD_SENDER))
    {
      center_sender_valid (sender);
      return;
    }

  /* @sender was checked before the observers' calls. */
  if (emits_signal && notification_center_signal_wanted (self, type, &detail))
    g_signal_emit (self, _notification_center_notification_signal, detail, type, sender, NULL);

  if (result == NOTIFICATION_DISPATCH_HOLDING_CENTER)
    g_object_unref (self);
}

/**
 * notification_center_post:
 * @self: a center
 * @type: the notification type, a non-empty string
 * @sender: (type GObject.Object) (nullable): the object posting the
 *   notification, or `NULL`
 * @user_info: (nullable): user info, an `a{sv}` dictionary; a floating
 *   reference is consumed
 *
 * Delivers a notification, synchronously, to every observer that wants
 * it, then emits [signal@Center::notification].
 *
 * Every observer receives the same @user_info, not a copy. A type
 * registered with [method@Center.register_schema] must match its schema:
 * otherwise this is a programmer error, reported as a critical warning,
 * and nobody receives the notification. Use [method@Center.post_checked]
 * for data that comes from outside the program.
 *
 * A post nobody would receive returns after a few loads and one lookup
 * (and, when the center emits the signal, one query to GLib): @sender is
 * then not checked, only hashed and compared. A @sender that is no
 * `GObject` is a critical warning once some observer or handler wants the
 * post, and nobody receives it.
 */
void
notification_center_post (NotificationCenter *self,
                          const char         *type,
                          gpointer            sender,
                          GVariant           *user_info)
{
  NotificationRegistry *registry;

  /* The post of a good center and type without user info, when no
   * observer wants it: the checks, a few loads, strlen() and one lookup
   * per kind of key in use, then GLib's query if the center emits the
   * signal. Every other case is center_post_any()'s, which checks again,
   * and the others' calls are in tail position. */
  if (G_UNLIKELY (user_info != NULL || !notification_center_is_exact (self) ||
                  type == NULL || *type == '\0'))
    {
      center_post_any (self, type, sender, user_info);
      return;
    }

  registry = self->registry;
  if (G_UNLIKELY (notification_registry_has_schemas (registry)))
    {
      center_post_any (self, type, sender, NULL);
      return;
    }

  if (notification_registry_has_any (registry))
    {
      NotificationEbrThread *thread = notification_ebr_get_thread ();
      NotificationObserverList *first;
      guint64 last_seq;
      guint type_hash = 0;

      /* A thread's first post registers it, in center_post_any(): a
       * call here would cost every post the spills around it. */
      if (G_UNLIKELY (thread == NULL))
        {
          center_post_any (self, type, sender, NULL);
          return;
        }
      notification_ebr_enter_on (thread);

      /* Before the lookup: every observer up to it is found (Invariants,
       * C3). The array of matches is center_post_matched()'s, which
       * finds the others. */
      last_seq = __atomic_load_n (&registry->last_seq, __ATOMIC_ACQUIRE);
      first = notification_registry_match_first (registry, type, sender, &type_hash);
      if (G_UNLIKELY (first != NULL))
        {
          center_post_matched (self, type, sender, last_seq, first, type_hash);
          return;
        }
      notification_ebr_leave_thread (thread);
    }

  if (self->emits_signal)
    center_post_signal (self, type, sender);
}

/**
 * notification_center_post_checked:
 * @self: a center
 * @type: the notification type
 * @sender: (type GObject.Object) (nullable): the object posting the
 *   notification, or `NULL`
 * @user_info: (nullable): user info; a floating reference is consumed
 * @error: return location for an error
 *
 * Posts a notification whose type and user info come from outside the
 * program (a file, a peer, a user), reporting bad data as an error
 * instead of a critical warning.
 *
 * An empty or non-UTF-8 @type gives [error@Error.INVALID_TYPE], user info
 * that is not an `a{sv}` dictionary [error@Error.INVALID_USER_INFO], and
 * user info that does not match the type's schema the errors of
 * [method@Schema.validate]. Nothing is delivered then.
 *
 * Returns: `TRUE` if the notification was valid and delivered
 */
gboolean
notification_center_post_checked (NotificationCenter  *self,
                                  const char          *type,
                                  gpointer             sender,
                                  GVariant            *user_info,
                                  GError             **error)
{
  gboolean delivered = FALSE;

  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), FALSE);
  g_return_val_if_fail (sender == NULL || G_IS_OBJECT (sender), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (user_info != NULL)
    g_variant_ref_sink (user_info);

  if (type == NULL || *type == '\0' || !g_utf8_validate (type, -1, NULL))
    g_set_error_literal (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_TYPE,
                         "A notification type must be a non-empty UTF-8 string");
  else if (user_info != NULL && !notification_variant_is_vardict (user_info))
    g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO,
                 "Notification “%s”: user info must be of type “a{sv}”, not “%s”",
                 type, g_variant_get_type_string (user_info));
  else
    delivered = center_post (self, type, sender, user_info, FALSE, FALSE, error);

  if (user_info != NULL)
    g_variant_unref (user_info);

  return delivered;
}
