/* notification-interest.c: the observed pairs, listed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NotificationInterest, notification_center_list_interests(), and what
 * the watchers (notification-interest-watcher.c) share with it: the hub
 * and the pins. The locking and the references to senders are explained
 * at the top of notification-interest-private.h.
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-interest.h"
#include "notification-interest-private.h"

/**
 * NotificationInterest:
 *
 * A (type, sender) pair that has at least one observer, as
 * [method@Center.list_interests] lists them.
 *
 * The pair is the one observers were added with: a `NULL` type stands
 * for every type, a `NULL` sender for every sender. An interest holds a
 * reference to its sender.
 *
 * Since: 1.2
 */
struct _NotificationInterest
{
  gint     ref_count;  /* (atomic) */
  char    *type;       /* (owned) (nullable) */
  GObject *sender;     /* (owned) (nullable) */
};

G_DEFINE_BOXED_TYPE (NotificationInterest, notification_interest,
                     notification_interest_ref, notification_interest_unref)

/**
 * notification_interest_ref:
 * @self: an interest
 *
 * Acquires a reference on an interest.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.2
 */
NotificationInterest *
notification_interest_ref (NotificationInterest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  __atomic_fetch_add (&self->ref_count, 1, __ATOMIC_SEQ_CST);

  return self;
}

/**
 * notification_interest_unref:
 * @self: (transfer full): an interest
 *
 * Releases a reference on an interest; the last one frees it and
 * releases its sender.
 *
 * Since: 1.2
 */
void
notification_interest_unref (NotificationInterest *self)
{
  g_return_if_fail (self != NULL);

  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_SEQ_CST) != 0)
    return;

  g_clear_object (&self->sender);
  g_free (self->type);
  g_free (self);
}

/**
 * notification_interest_get_notification_type:
 * @self: an interest
 *
 * Gets the type observers were added for.
 *
 * Returns: (nullable): the type, or `NULL` for every type
 *
 * Since: 1.2
 */
const char *
notification_interest_get_notification_type (NotificationInterest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->type;
}

/**
 * notification_interest_get_sender:
 * @self: an interest
 *
 * Gets the sender observers were added for.
 *
 * Returns: (transfer none) (nullable): the sender, or `NULL` for every
 *   sender
 *
 * Since: 1.2
 */
GObject *
notification_interest_get_sender (NotificationInterest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->sender;
}

/* The hub and the pins --------------------------------------------------- */

/* Registry lock held. The hub, made on first use. */
NotificationInterestHub *
notification_interest_hub_get_locked (NotificationRegistry *registry)
{
  NotificationInterestHub *hub;

  notification_lock_assert_held (&registry->lock);
  hub = registry->interest;
  if (hub == NULL)
    {
      hub = g_new0 (NotificationInterestHub, 1);
      hub->lock = &registry->lock;
      hub->watchers = g_ptr_array_new ();
      hub->weak_senders = g_hash_table_new (NULL, NULL);
      hub->pins = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      registry->interest = hub;
    }

  return hub;
}

void
notification_interest_hub_free (NotificationInterestHub *hub)
{
  if (hub == NULL)
    return;

  g_assert (hub->watchers->len == 0);
  g_assert (g_hash_table_size (hub->weak_senders) == 0);
  g_assert (g_hash_table_size (hub->pins) == 0);

  g_ptr_array_unref (hub->watchers);
  g_hash_table_unref (hub->weak_senders);
  g_hash_table_unref (hub->pins);
  g_free (hub);
}

/* The threads about to reference a sender outside the lock, and the
 * references its disposal took for them. */
typedef struct
{
  guint n_pins;
  guint n_given;
} Pin;

/* Registry lock held. Until @sender is unpinned, the pinning thread may
 * reference it without the lock: if it is disposed meanwhile,
 * notification_interest_give_pins_locked() references it for the pin. */
void
notification_interest_pin_locked (NotificationInterestHub *hub,
                                  GObject                 *sender)
{
  Pin *pin;

  notification_lock_assert_held (hub->lock);
  pin = g_hash_table_lookup (hub->pins, sender);
  if (pin == NULL)
    {
      pin = g_new0 (Pin, 1);
      g_hash_table_insert (hub->pins, sender, pin);
    }
  pin->n_pins++;
}

/* Registry lock held, the pinning thread holding a reference of its own.
 *
 * Returns: whether it must release a reference taken for it, after the
 *   lock (it never is the last one) */
gboolean
notification_interest_unpin_locked (NotificationInterestHub *hub,
                                    GObject                 *sender)
{
  Pin *pin;
  gboolean given;

  notification_lock_assert_held (hub->lock);
  pin = g_hash_table_lookup (hub->pins, sender);
  given = pin->n_given > 0;
  if (given)
    pin->n_given--;
  if (--pin->n_pins == 0)
    g_hash_table_remove (hub->pins, sender);

  return given;
}

/* Registry lock held, @sender being disposed: references it for each
 * pin not given one yet (see notification-interest-private.h). */
void
notification_interest_give_pins_locked (NotificationInterestHub *hub,
                                        GObject                 *sender)
{
  Pin *pin;

  notification_lock_assert_held (hub->lock);
  pin = g_hash_table_lookup (hub->pins, sender);
  for (; pin != NULL && pin->n_given < pin->n_pins; pin->n_given++)
    g_object_ref (sender);
}

/* Registry lock held. Calls @func on every observed entry, in the index's
 * order. */
typedef struct
{
  NotificationInterestEntryFunc func;
  gpointer                      data;
} ForeachObserved;

static void
foreach_observed_cb (NotificationIndexKey *key,
                     gpointer              data)
{
  ForeachObserved *f = data;
  NotificationObserverList *list = notification_observer_list_from_key (key);

  if (list->n_reported != 0)
    f->func (list, f->data);
}

void
notification_interest_foreach_observed_locked (NotificationRegistry          *registry,
                                               NotificationInterestEntryFunc  func,
                                               gpointer                       data)
{
  ForeachObserved f = { func, data };

  notification_lock_assert_held (&registry->lock);
  notification_index_foreach (registry->index, foreach_observed_cb, &f);
}

/* Listing --------------------------------------------------------------- */

static void
list_observed_cb (NotificationObserverList *list,
                  gpointer                  data)
{
  GPtrArray *interests = data;
  NotificationInterest *interest = g_new0 (NotificationInterest, 1);

  /* Referenced once the lock is released: pinned till then. */
  interest->ref_count = 1;
  interest->type = g_strdup (notification_observer_list_get_type (list));
  interest->sender = (GObject *) notification_observer_list_get_sender (list);
  g_ptr_array_add (interests, interest);
}

/**
 * notification_center_list_interests:
 * @self: a center
 *
 * Lists the (type, sender) pairs that have at least one observer now, in
 * no particular order: the state that [method@Center.watch_interest]
 * reports the changes of. Signal handlers are not listed.
 *
 * The array owns its elements: g_ptr_array_unref() releases them (and
 * their senders).
 *
 * Returns: (transfer container) (element-type NotificationInterest): the
 *   observed pairs
 *
 * Since: 1.2
 */
/* (transfer container), not full: the array has a free function, and
 * PyGObject (3.42) frees a (transfer full) array with it after taking
 * the elements, which would release them twice. */
GPtrArray *
notification_center_list_interests (NotificationCenter *self)
{
  NotificationRegistry *registry;
  NotificationInterestHub *hub;
  GPtrArray *interests;
  GSList *given = NULL;
  gboolean pinned = FALSE;

  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), NULL);

  registry = notification_center_get_registry (self);
  interests = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_interest_unref);

  notification_lock (&registry->lock);
  notification_interest_foreach_observed_locked (registry, list_observed_cb, interests);
  hub = notification_interest_hub_get_locked (registry);
  for (guint i = 0; i < interests->len; i++)
    {
      NotificationInterest *interest = g_ptr_array_index (interests, i);

      if (interest->sender != NULL)
        {
          notification_interest_pin_locked (hub, interest->sender);
          pinned = TRUE;
        }
    }
  notification_unlock (&registry->lock);

  if (!pinned)
    return interests;

  for (guint i = 0; i < interests->len; i++)
    {
      NotificationInterest *interest = g_ptr_array_index (interests, i);

      if (interest->sender != NULL)
        g_object_ref (interest->sender);
    }

  notification_lock (&registry->lock);
  for (guint i = 0; i < interests->len; i++)
    {
      NotificationInterest *interest = g_ptr_array_index (interests, i);

      if (interest->sender != NULL && notification_interest_unpin_locked (hub, interest->sender))
        given = g_slist_prepend (given, interest->sender);
    }
  notification_unlock (&registry->lock);

  g_slist_free_full (given, g_object_unref);

  return interests;
}
