/* notification-center.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-marshalers.h"
#include "notification-registry-private.h"

/**
 * NotificationCenter:
 *
 * Delivers notifications from senders to the observers that want them.
 *
 * A notification has a type (any non-empty string, such as `"stdout"`),
 * an optional sender (the object that posts it) and optional user info,
 * an `a{sv}` [struct@GLib.Variant] dictionary. [method@Center.post]
 * delivers it synchronously, on the posting thread, to every observer
 * whose type is the posted type or every type and whose sender is the
 * posting sender or every sender, in the order the observers were added.
 *
 * There are two ways to observe:
 *
 * - [method@Center.add_observer] and [method@Center.add_observer_full]:
 *   a callback with a type filter and a sender filter, called on the
 *   posting thread or on a [struct@GLib.MainContext] of your choice, and
 *   removed by its id or when its sender or an owner object is finalized;
 * - the detailed [signal@Center::notification] signal:
 *   `g_signal_connect (center, "notification::stdout", …)`.
 *
 * Observers come first, in the order they were added: a synchronous one
 * is called on the posting thread, and the call of one with a main
 * context is queued, at its place, on the queue that the center's
 * observers on that context share (see [Threading](threading.html)).
 * Then signal handlers run, on the posting thread. Posting a type nobody
 * observes costs O(1) whatever the number of other observers and
 * allocates nothing. On a center whose [property@Center:emits-signal] is
 * `FALSE` it takes no lock at all; on one that emits the signal (the
 * default center does) it also asks GLib whether a `notification` handler
 * is connected, which takes GLib's global signal lock. The
 * [Cost model](cost-model.html) page of the guide states the delivery
 * order and what each kind of post costs.
 *
 * Post, add and remove are safe from any thread at once. Observers may
 * post, add and remove observers from their callbacks.
 */

G_DEFINE_FINAL_TYPE (NotificationCenter, notification_center, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EMITS_SIGNAL,
  PROP_N_DROPPED,
  PROP_STRICT_SCHEMAS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _notification_center_notification_signal;
gpointer _notification_center_class = &_notification_center_class; /* (atomic) */

static void
notification_center_finalize (GObject *object)
{
  NotificationCenter *self = (NotificationCenter *) object;

  notification_registry_shutdown (self->registry);
  notification_registry_unref (self->registry);

  G_OBJECT_CLASS (notification_center_parent_class)->finalize (object);
}

static void
notification_center_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NotificationCenter *self = NOTIFICATION_CENTER (object);

  switch (prop_id)
    {
    case PROP_EMITS_SIGNAL:
      g_value_set_boolean (value, self->emits_signal);
      break;

    case PROP_N_DROPPED:
      g_value_set_uint64 (value, notification_registry_get_n_dropped (self->registry));
      break;

    case PROP_STRICT_SCHEMAS:
      g_value_set_boolean (value, self->strict_schemas);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* NOTIFICATION_DEBUG=schemas: turns strict-schemas on. */
static gboolean
center_debug_schemas (void)
{
  static gsize debug;

  if (g_once_init_enter (&debug))
    {
      static const GDebugKey keys[] = { { "schemas", 1 } };
      guint flags = g_parse_debug_string (g_getenv ("NOTIFICATION_DEBUG"), keys, G_N_ELEMENTS (keys));

      g_once_init_leave (&debug, 2 | flags);
    }

  return (debug & 1) != 0;
}

static void
notification_center_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  NotificationCenter *self = NOTIFICATION_CENTER (object);

  switch (prop_id)
    {
    case PROP_EMITS_SIGNAL:
      self->emits_signal = g_value_get_boolean (value);
      break;

    case PROP_STRICT_SCHEMAS:
      /* The environment turns it on whatever the program asks. */
      self->strict_schemas = g_value_get_boolean (value) || center_debug_schemas ();
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
notification_center_class_init (NotificationCenterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* Before any center exists: notification_center_is_exact(). */
  __atomic_store_n (&_notification_center_class, klass, __ATOMIC_RELEASE);

  object_class->finalize = notification_center_finalize;
  object_class->get_property = notification_center_get_property;
  object_class->set_property = notification_center_set_property;

  /**
   * NotificationCenter:emits-signal: (getter get_emits_signal)
   *
   * Whether posts also emit [signal@Center::notification].
   *
   * When `FALSE` the center never emits the signal and never asks GLib
   * whether a handler is connected, which takes GLib's global signal
   * lock: posting threads then share no lock at all. Observe such a
   * center with [method@Center.add_observer].
   */
  properties[PROP_EMITS_SIGNAL] =
    g_param_spec_boolean ("emits-signal", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * NotificationCenter:n-dropped: (getter get_n_dropped)
   *
   * How many calls of main-context observers were dropped because their
   * queue was full (see [method@Center.set_queue_limit]).
   *
   * It is counted on the posting threads without taking a lock, so it is
   * not notified: read it when you want to know.
   *
   * Since: 1.2
   */
  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * NotificationCenter:strict-schemas: (getter get_strict_schemas)
   *
   * Whether every post of a type that has a schema is checked against it,
   * even when nobody would receive it, for tests and development.
   *
   * [method@Center.post] and [method@Center.post_checked] always check;
   * what this changes is [method@Center.post_values] and the Python
   * override's `post()`, which otherwise build (and so check) user info
   * only for a post someone receives, so that an unobserved post stays
   * O(1). It is `FALSE` unless set, and `TRUE` on every center when the
   * environment variable `NOTIFICATION_DEBUG` contains `schemas` (read
   * once, when the first center is made).
   *
   * Since: 1.2
   */
  properties[PROP_STRICT_SCHEMAS] =
    g_param_spec_boolean ("strict-schemas", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NotificationCenter::notification:
   * @self: the center
   * @type: the notification type
   * @sender: (nullable): the object that posted the notification
   * @user_info: (nullable): the user info, an `a{sv}` dictionary
   *
   * Emitted for every post that reaches a handler, after the observers
   * added with [method@Center.add_observer] have been called.
   *
   * The signal is detailed with the notification type: connect to
   * `notification::stdout` for the `stdout` posts only, or to
   * `notification` for all of them.
   */
  _notification_center_notification_signal =
    g_signal_new ("notification",
                  G_TYPE_FROM_CLASS (klass),
                  (G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED | G_SIGNAL_NO_HOOKS),
                  0,
                  NULL, NULL,
                  _notification_marshal_VOID__STRING_OBJECT_VARIANT,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_OBJECT,
                  G_TYPE_VARIANT | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (_notification_center_notification_signal,
                              G_TYPE_FROM_CLASS (klass),
                              _notification_marshal_VOID__STRING_OBJECT_VARIANTv);
}

static void
notification_center_init (NotificationCenter *self)
{
  self->registry = notification_registry_new ();
  self->emits_signal = TRUE;
}

/**
 * notification_center_get_default:
 *
 * Gets the process-wide shared center.
 *
 * It emits [signal@Center::notification] and lives until the process
 * exits.
 *
 * Returns: (transfer none): the default center
 */
NotificationCenter *
notification_center_get_default (void)
{
  static NotificationCenter *default_center;

  if (g_once_init_enter (&default_center))
    g_once_init_leave (&default_center, notification_center_new ());

  return default_center;
}

/**
 * notification_center_new:
 *
 * Creates a center independent of the default one, which emits
 * [signal@Center::notification].
 *
 * Use `g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL)`
 * for a center that does not.
 *
 * Returns: (transfer full): a new center
 */
NotificationCenter *
notification_center_new (void)
{
  return g_object_new (NOTIFICATION_TYPE_CENTER, NULL);
}

/**
 * notification_center_get_strict_schemas: (get-property strict-schemas)
 * @self: a center
 *
 * Gets whether every post of a type with a schema is checked, even when
 * nobody would receive it.
 *
 * Returns: whether schemas are strict
 *
 * Since: 1.2
 */
gboolean
notification_center_get_strict_schemas (NotificationCenter *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), FALSE);

  return self->strict_schemas;
}

/**
 * notification_center_get_emits_signal: (get-property emits-signal)
 * @self: a center
 *
 * Gets whether posts also emit [signal@Center::notification].
 *
 * Returns: whether the center emits the signal
 */
gboolean
notification_center_get_emits_signal (NotificationCenter *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), FALSE);

  return self->emits_signal;
}

/**
 * notification_center_add_observer:
 * @self: a center
 * @type: (nullable): the type to observe, or `NULL` for every type
 * @sender: (type GObject.Object) (nullable): the sender to observe, or
 *   `NULL` for every sender
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): called on @user_data when the observer is removed
 *
 * Adds an observer, called synchronously on the posting thread for every
 * notification of @type from @sender.
 *
 * Adding the same callback twice makes two observers. A specific @sender
 * is held weakly: the observer is removed (and @destroy called) when
 * @sender is disposed, by its last unref or g_object_run_dispose().
 *
 * Returns: the observer's id, for [method@Center.remove_observer]
 */
gulong
notification_center_add_observer (NotificationCenter   *self,
                                  const char           *type,
                                  gpointer              sender,
                                  NotificationCallback  callback,
                                  gpointer              user_data,
                                  GDestroyNotify        destroy)
{
  return notification_center_add_observer_full (self, type, sender, NULL, NULL,
                                                callback, user_data, destroy);
}

/**
 * notification_center_add_observer_full:
 * @self: a center
 * @type: (nullable): the type to observe, or `NULL` for every type
 * @sender: (type GObject.Object) (nullable): the sender to observe, or
 *   `NULL` for every sender
 * @owner: (nullable): an object whose finalization removes the observer
 * @context: (nullable): the main context to call @callback on, or `NULL`
 *   to call it synchronously on the posting thread
 * @callback: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @callback
 * @destroy: (nullable): called on @user_data when the observer is removed
 *
 * Adds an observer, optionally tied to the lifetime of @owner (as
 * g_signal_connect_object() does) and optionally called on @context.
 *
 * With a @context, each post that matches queues a call, run on @context
 * at `G_PRIORITY_DEFAULT` (see [method@Center.set_queue_priority]); the
 * type, sender and user info are kept alive until then. All the
 * main-context observers of a center on one context share one queue, so
 * their calls come in the order the posts were made, across types and
 * observers, and the observers of one post in the order they were added.
 * This is how a GTK frontend shows, in its main thread, the output a
 * worker thread posts, then learns it has finished.
 *
 * Removing the observer drops its queued calls at once, releasing their
 * senders and user info. A post that calls a synchronous observer after
 * queueing calls holds its place in the queue until that observer returns
 * (see the threading page): a synchronous observer must not wait for a
 * main-context observer of the same center to be called. The center does not keep @context alive: when
 * @context is finalized, the observer is removed.
 *
 * @destroy runs exactly once, after the observer's last call has
 * returned. For an observer without @context: when the observer is
 * removed if none of its calls is running, else as soon as the running
 * call returns, on that thread. For one with a @context: on @context,
 * after its last call, or, if @context is finalized first, then.
 *
 * Returns: the observer's id, for [method@Center.remove_observer]
 */
gulong
notification_center_add_observer_full (NotificationCenter   *self,
                                       const char           *type,
                                       gpointer              sender,
                                       GObject              *owner,
                                       GMainContext         *context,
                                       NotificationCallback  callback,
                                       gpointer              user_data,
                                       GDestroyNotify        destroy)
{
  return notification_center_add_observer_with_flags (self, type, sender, owner, context,
                                                      NOTIFICATION_OBSERVER_DEFAULT,
                                                      callback, user_data, destroy);
}

/**
 * notification_center_remove_observer:
 * @self: a center
 * @id: an id returned by [method@Center.add_observer]
 *
 * Removes an observer. No call of it starts after this returns.
 *
 * Its destroy notify runs before this returns, or, if a call of the
 * observer is running (on another thread, or this very call's caller),
 * when that call returns. Removing an observer that is already gone, for
 * example because its sender was finalized, does nothing.
 */
void
notification_center_remove_observer (NotificationCenter *self,
                                     gulong              id)
{
  g_return_if_fail (NOTIFICATION_IS_CENTER (self));
  g_return_if_fail (id > 0);

  notification_registry_remove (self->registry, id);
}

/**
 * notification_center_remove_all_observers:
 * @self: a center
 *
 * Removes every observer added with [method@Center.add_observer], as
 * [method@Center.remove_observer] would, in the order they were added.
 * Signal handlers and schemas stay.
 */
void
notification_center_remove_all_observers (NotificationCenter *self)
{
  g_return_if_fail (NOTIFICATION_IS_CENTER (self));

  notification_registry_remove_all (self->registry);
}

/* Whether an emission with @detail runs an unblocked handler connected
 * with exactly @detail (0: without a detail). An emission runs the
 * handlers without a detail and those of its own; GLib's
 * g_signal_has_handler_pending() with a detail counts only the latter. */
static gboolean
center_handler_would_run (NotificationCenter *self,
                          GQuark              detail)
{
  return g_signal_handler_find (self,
                                G_SIGNAL_MATCH_ID | G_SIGNAL_MATCH_DETAIL | G_SIGNAL_MATCH_UNBLOCKED,
                                _notification_center_notification_signal, detail,
                                NULL, NULL, NULL) != 0;
}

/**
 * notification_center_has_observers:
 * @self: a center
 * @type: a notification type
 * @sender: (type GObject.Object) (nullable): a sender, or `NULL` for a post
 *   without one
 *
 * Checks whether a post of @type from @sender, made now, would reach at
 * least one observer or [signal@Center::notification] handler.
 *
 * It costs about as much as an unobserved post: call it to skip building
 * user info nobody will read.
 *
 * Returns: `TRUE` if the post would be received
 */
gboolean
notification_center_has_observers (NotificationCenter *self,
                                   const char         *type,
                                   gpointer            sender)
{
  gboolean found;
  GQuark detail = 0;

  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), FALSE);
  g_return_val_if_fail (type != NULL && *type != '\0', FALSE);

  found = notification_registry_has (self->registry, type, sender);

  if (!found && notification_center_signal_wanted (self, type, &detail))
    found = center_handler_would_run (self, 0) ||
            (detail != 0 && center_handler_would_run (self, detail));

  return found;
}

/**
 * notification_center_get_n_observers:
 * @self: a center
 *
 * Counts the observers added with [method@Center.add_observer] and not yet
 * removed (signal handlers are not counted).
 *
 * Returns: the number of observers
 */
guint
notification_center_get_n_observers (NotificationCenter *self)
{
  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), 0);

  return notification_registry_get_n_observers (self->registry);
}
