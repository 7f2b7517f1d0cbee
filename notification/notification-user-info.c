/* notification-user-info.c: user info built on first use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-error.h"
#include "notification-user-info-private.h"
#include "notification-vardict-private.h"

/**
 * NotificationUserInfo:
 *
 * The user info of a post, in a native form of the poster's choosing,
 * turned into an `a{sv}` dictionary only when somebody needs one.
 *
 * A binding (the Python override) posts its keyword arguments with
 * [method@Center.post_user_info] as they are, with a function that
 * builds the dictionary. Observers added with
 * [method@Center.add_user_info_observer] that know the native form
 * (`notification_user_info_get_native()` with the poster's kind) take it as is;
 * everyone else (observers added with [method@Center.add_observer],
 * [signal@Center::notification] handlers, schemas, bridges) gets the
 * dictionary, built once, on first use, by the thread that first needs
 * it, and shared: they all see the same dictionary, as with
 * [method@Center.post]. A post that reaches only observers of the native
 * form builds no dictionary at all.
 *
 * A call queued for a main-context observer keeps the user info, native
 * form included, alive until it has been delivered or dropped.
 *
 * Since: 1.2
 */

static NotificationUserInfo *
user_info_copy (NotificationUserInfo *self)
{
  return notification_user_info_ref (self);
}

G_DEFINE_BOXED_TYPE (NotificationUserInfo, notification_user_info,
                     user_info_copy, notification_user_info_unref)

/**
 * notification_user_info_new:
 * @variant: an `a{sv}` dictionary; a floating reference is consumed
 *
 * Wraps a dictionary that already exists, for
 * [method@Center.post_user_info].
 *
 * Returns: (transfer full): the user info
 *
 * Since: 1.2
 */
NotificationUserInfo *
notification_user_info_new (GVariant *variant)
{
  NotificationUserInfo *self;

  g_return_val_if_fail (variant != NULL, NULL);
  g_return_val_if_fail (notification_variant_is_vardict (variant), NULL);

  self = g_new0 (NotificationUserInfo, 1);
  self->ref_count = 1;
  self->variant = g_variant_ref_sink (variant);

  return self;
}

/**
 * notification_user_info_new_native: (skip)
 * @kind: a pointer unique to the native form (the address of a static
 *   variable of its maker), for notification_user_info_get_native()
 * @native: the native form
 * @build: (scope forever): makes the dictionary of @native
 * @destroy: (nullable): releases @native when the user info is finalized
 *
 * Makes user info whose dictionary @build makes on first use.
 *
 * @destroy runs on the thread that drops the last reference: the poster's
 * after a synchronous post, or a main context's after a queued call.
 *
 * Returns: (transfer full): the user info
 *
 * Since: 1.2
 */
NotificationUserInfo *
notification_user_info_new_native (gconstpointer                  kind,
                                   gpointer                       native,
                                   NotificationUserInfoBuildFunc  build,
                                   GDestroyNotify                 destroy)
{
  NotificationUserInfo *self;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (build != NULL, NULL);

  self = g_new (NotificationUserInfo, 1);
  self->ref_count = 1;
  self->variant = NULL;
  self->kind = kind;
  self->native = native;
  self->build = build;
  self->destroy = destroy;

  return self;
}

/**
 * notification_user_info_ref:
 * @self: user info
 *
 * Takes a reference. The user info given to a
 * [callback@UserInfoCallback] may live on the caller's stack: a
 * reference to it is a new [struct@UserInfo] holding the same dictionary
 * (or native form).
 *
 * Returns: (transfer full): @self, or the copy
 *
 * Since: 1.2
 */
NotificationUserInfo *
notification_user_info_ref (NotificationUserInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (G_UNLIKELY (__atomic_load_n (&self->ref_count, __ATOMIC_RELAXED) == 0))
    return notification_user_info_new (notification_user_info_get_variant (self));

  __atomic_fetch_add (&self->ref_count, 1, __ATOMIC_RELAXED);

  return self;
}

/**
 * notification_user_info_unref:
 * @self: (transfer full): user info
 *
 * Drops a reference; the last one releases the dictionary and the native
 * form.
 *
 * Since: 1.2
 */
void
notification_user_info_unref (NotificationUserInfo *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->ref_count > 0);

  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_ACQ_REL) != 0)
    return;

  if (self->variant != NULL)
    g_variant_unref (self->variant);
  if (self->destroy != NULL)
    self->destroy (self->native);
  g_free (self);
}

/**
 * notification_user_info_get_native: (skip)
 * @self: user info
 * @kind: the kind given to notification_user_info_new_native()
 *
 * Gets the native form, if it is of @kind.
 *
 * Returns: (nullable) (transfer none): the native form, or `NULL` if
 *   @self has none of @kind
 *
 * Since: 1.2
 */
gpointer
notification_user_info_get_native (NotificationUserInfo *self,
                                   gconstpointer         kind)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->kind == kind && kind != NULL ? self->native : NULL;
}

/**
 * notification_user_info_get_variant:
 * @self: user info
 *
 * Gets the `a{sv}` dictionary, built now if nobody needed it before.
 *
 * Safe from any thread: when several need it at once, one dictionary is
 * kept and every caller gets it.
 *
 * Returns: (transfer none): the dictionary, alive as long as @self
 *
 * Since: 1.2
 */
GVariant *
notification_user_info_get_variant (NotificationUserInfo *self)
{
  GVariant *variant;
  GVariant *expected = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  variant = __atomic_load_n (&self->variant, __ATOMIC_ACQUIRE);
  if (G_LIKELY (variant != NULL))
    return variant;

  variant = self->build (self->native);
  if (variant == NULL || !notification_variant_is_vardict (variant))
    {
      g_critical ("NotificationUserInfoBuildFunc %p did not make an a{sv} dictionary",
                  self->build);
      if (variant != NULL)
        g_variant_unref (g_variant_take_ref (variant));
      variant = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
    }
  /* Sunk before it is published, so that readers never see it floating;
   * a full reference that is not floating is taken over as it is. */
  g_variant_take_ref (variant);

  if (!__atomic_compare_exchange_n (&self->variant, &expected, variant, FALSE,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    {
      g_variant_unref (variant);
      variant = expected;
    }

  return variant;
}

/**
 * notification_user_info_is_built:
 * @self: user info
 *
 * Tells whether the dictionary exists yet, for tests and statistics.
 *
 * Returns: `TRUE` if the dictionary was built or given
 *
 * Since: 1.2
 */
gboolean
notification_user_info_is_built (NotificationUserInfo *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return __atomic_load_n (&self->variant, __ATOMIC_ACQUIRE) != NULL;
}

void
notification_user_info_call (NotificationCallback  callback,
                             gboolean              takes_user_info,
                             NotificationCenter   *center,
                             const char           *type,
                             GObject              *sender,
                             GVariant             *payload,
                             gpointer              user_data)
{
  NotificationUserInfoCallback user_info_callback;
  NotificationUserInfo on_stack = { 0, };

  if (!takes_user_info)
    {
      callback (center, type, sender, notification_payload_resolve (payload), user_data);
      return;
    }

  user_info_callback = (NotificationUserInfoCallback) (void (*) (void)) callback;
  if (payload == NULL)
    {
      user_info_callback (center, type, sender, NULL, user_data);
    }
  else if (notification_payload_is_lazy (payload))
    {
      user_info_callback (center, type, sender, notification_payload_get_user_info (payload), user_data);
    }
  else
    {
      /* A plain post: its dictionary, without an allocation. */
      on_stack.variant = payload;
      user_info_callback (center, type, sender, &on_stack, user_data);
    }
}

/**
 * notification_center_post_user_info:
 * @self: a center
 * @type: the notification type, a non-empty string
 * @sender: (type GObject.Object) (nullable): the object posting the
 *   notification, or `NULL`
 * @user_info: (nullable): the user info; not consumed: every queued
 *   call takes a reference of its own
 * @error: return location for an error
 *
 * Posts a notification as [method@Center.post_checked] does, with user
 * info that may be in a native form (see [struct@UserInfo]).
 *
 * Observers added with [method@Center.add_user_info_observer] get
 * @user_info itself; the dictionary is built, once, only if an observer
 * added with [method@Center.add_observer], a
 * [signal@Center::notification] handler, or the type's schema needs it.
 * A type that has a schema always needs it: the schema checks it before
 * anybody receives the post, and its errors are those of
 * [method@Center.post_checked].
 *
 * Unlike [method@Center.post], it does not reference @self around the
 * calls of the observers: the caller holds a reference for the duration
 * of the call (a binding's wrapper does), so that an observer dropping
 * another one cannot finalize @self under it. On a center that emits the
 * signal this saves an atomic write shared by every posting thread, and,
 * on a center a Python wrapper holds by a toggle reference, two toggle
 * notifies per post.
 *
 * Returns: `TRUE` if the notification was valid and delivered
 *
 * Since: 1.2
 */
gboolean
notification_center_post_user_info (NotificationCenter    *self,
                                    const char            *type,
                                    gpointer               sender,
                                    NotificationUserInfo  *user_info,
                                    GError               **error)
{
  GVariant *payload = NULL;

  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), FALSE);
  g_return_val_if_fail (sender == NULL || G_IS_OBJECT (sender), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (type == NULL || *type == '\0' || !g_utf8_validate (type, -1, NULL))
    {
      g_set_error_literal (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_TYPE,
                           "A notification type must be a non-empty UTF-8 string");
      return FALSE;
    }

  if (user_info != NULL)
    {
      GVariant *variant = __atomic_load_n (&user_info->variant, __ATOMIC_ACQUIRE);

      /* A dictionary with no native form: a plain post. With a native
       * form, lazy even once built (by an earlier post), so that
       * observers of the native form still get it; resolving it then
       * builds nothing. */
      payload = variant != NULL && user_info->kind == NULL ?
                variant : notification_payload_from_user_info (user_info);
    }

  return notification_center_post_payload (self, type, sender, payload, error);
}

/**
 * notification_center_add_user_info_observer:
 * @self: a center
 * @type: (nullable): the type to observe, or `NULL` for every type
 * @sender: (type GObject.Object) (nullable): the sender to observe, or
 *   `NULL` for every sender
 * @owner: (nullable): an object whose finalization removes the observer
 * @context: (nullable): the main context to call @callback on, or `NULL`
 *   to call it synchronously on the posting thread
 * @flags: options
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): called on @user_data when the observer is removed
 *
 * Adds an observer as [method@Center.add_observer_with_flags] does, whose
 * callback gets the [struct@UserInfo] of each post instead of its
 * dictionary: the native form of a post made with
 * [method@Center.post_user_info], without building the dictionary, and
 * for any other post its dictionary.
 *
 * [method@Center.remove_observers_by_func] finds it by @callback and
 * [method@Center.remove_observers_by_data] by @user_data.
 *
 * Returns: the observer's id, for [method@Center.remove_observer]
 *
 * Since: 1.2
 */
gulong
notification_center_add_user_info_observer (NotificationCenter           *self,
                                            const char                   *type,
                                            gpointer                      sender,
                                            GObject                      *owner,
                                            GMainContext                 *context,
                                            NotificationObserverFlags     flags,
                                            NotificationUserInfoCallback  callback,
                                            gpointer                      user_data,
                                            GDestroyNotify                destroy)
{
  return notification_center_add_checked (self, G_STRFUNC, type, sender, owner, context, flags,
                                          NOTIFICATION_OBSERVER_USER_INFO_PRIVATE,
                                          (NotificationCallback) (void (*) (void)) callback,
                                          user_data, destroy);
}
