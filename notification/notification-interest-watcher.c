/* notification-interest-watcher.c: telling watchers which pairs are observed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The locking and the references to senders are explained at the top of
 * notification-interest-private.h.
 */

#include "config.h"

#include "notification-center-private.h"
#include "notification-interest-private.h"

/* Reports delivered per dispatch of a watcher's source: a thread that
 * adds and removes observers faster than the context runs must not keep
 * the context busy. */
#define REPORT_BATCH 64

/* Reports ----------------------------------------------------------------- */

/* One change of interest queued for a watcher. */
typedef struct
{
  GList     link;      /* in the watcher's queue; @link.data is the report */
  char     *type;      /* (owned) (nullable) */
  GObject  *sender;    /* (nullable) referenced if @held, else only named */
  guint     hash;      /* of (type, sender), as the index hashes it */
  gboolean  observed;
  gboolean  held;
} Report;

static guint
report_hash (gconstpointer key)
{
  return ((const Report *) key)->hash;
}

static gboolean
report_equal (gconstpointer a,
              gconstpointer b)
{
  const Report *ra = a;
  const Report *rb = b;

  return ra->sender == rb->sender && notification_index_type_equal (ra->type, rb->type);
}

static Report *
report_new (const char *type,
            GObject    *sender,
            guint       hash,
            gboolean    observed)
{
  Report *self = g_new0 (Report, 1);

  self->link.data = self;
  self->type = g_strdup (type);
  self->sender = sender;
  self->hash = hash;
  self->observed = observed;

  return self;
}

/* Releases the sender of a held report: call it without the lock. */
static void
report_free (gpointer data)
{
  Report *self = data;

  if (self->held)
    g_object_unref (self->sender);
  g_free (self->type);
  g_free (self);
}

/* Queues ----------------------------------------------------------------- */

/* Registry lock held. Counts the queued reports that name @sender weakly. */
static void
count_add_locked (NotificationInterestHub *hub,
                  GObject                 *sender,
                  int                      delta)
{
  guint n;

  notification_lock_assert_held (hub->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (hub->weak_senders, sender)) + delta;
  if (n == 0)
    g_hash_table_remove (hub->weak_senders, sender);
  else
    g_hash_table_insert (hub->weak_senders, sender, GUINT_TO_POINTER (n));
}

/* Registry lock held. A report leaves the queues: a weak one is freed,
 * a held one goes to @garbage, freed after the lock. */
static void
hub_drop_report_locked (NotificationInterestHub *hub,
                        Report                  *report,
                        GPtrArray               *garbage)
{
  notification_lock_assert_held (hub->lock);
  if (report->held)
    {
      g_ptr_array_add (garbage, report);
      return;
    }

  if (report->sender != NULL)
    count_add_locked (hub, report->sender, -1);
  report_free (report);
}

/* Watchers --------------------------------------------------------------- */

typedef struct _NotificationInterestWatcher Watcher;

/* A watcher's state word: removed, and the number of its calls running. */
#define WATCHER_REMOVED 0x80000000u

struct _NotificationInterestWatcher
{
  gint                      ref_count;  /* (atomic) the hub's and its source callback's */
  guint                     state;      /* (atomic) WATCHER_REMOVED, calls running */
  guint                     id;
  NotificationRegistry     *registry;   /* (owned) */
  GWeakRef                  center;
  NotificationInterestFunc  func;
  gpointer                  user_data;
  GDestroyNotify            destroy;

  /* Protected by the registry lock. */
  gboolean                  removed;
  gboolean                  woken;      /* @source's ready time is 0 */
  GSource                  *source;     /* (unowned) (nullable) held by its context; NULL once destroyed */
  GQueue                    queue;      /* (element-type Report) (owned) */
  GHashTable               *pending;    /* Report → itself: the newest queued report of each pair */
};

static void
watcher_unref (Watcher *self)
{
  if (__atomic_sub_fetch (&self->ref_count, 1, __ATOMIC_SEQ_CST) != 0)
    return;

  g_assert (self->queue.length == 0);
  g_hash_table_unref (self->pending);
  g_weak_ref_clear (&self->center);
  notification_registry_unref (self->registry);
  g_free (self);
}

static void
watcher_run_destroy (Watcher *self)
{
  if (self->destroy != NULL)
    self->destroy (self->user_data);
}

static gboolean
watcher_begin_call (Watcher *self)
{
  guint state = __atomic_load_n (&self->state, __ATOMIC_RELAXED);

  do
    {
      if (state & WATCHER_REMOVED)
        return FALSE;
    }
  while (!__atomic_compare_exchange_n (&self->state, &state, state + 1, TRUE,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));

  return TRUE;
}

static void
watcher_end_call (Watcher *self)
{
  if (__atomic_sub_fetch (&self->state, 1, __ATOMIC_ACQ_REL) == WATCHER_REMOVED)
    watcher_run_destroy (self);
}

/* Registry lock held. Makes the source ready, unless it is already: that
 * takes the context's lock and may write to its wakeup fd. */
static void
watcher_wake_locked (Watcher *self)
{
  notification_lock_assert_held (&self->registry->lock);
  if (!self->woken && self->source != NULL)
    {
      g_source_set_ready_time (self->source, 0);
      self->woken = TRUE;
    }
}

/* Registry lock held. */
static Watcher *
watcher_find_locked (NotificationInterestHub *hub,
                     guint                    id)
{
  notification_lock_assert_held (hub->lock);
  for (guint i = 0; i < hub->watchers->len; i++)
    {
      Watcher *watcher = g_ptr_array_index (hub->watchers, i);

      if (watcher->id == id)
        return watcher;
    }

  return NULL;
}

/* Registry lock held. Queues a report, or cancels the one of the same pair
 * the watcher has not been given yet: a pair that gains and loses its
 * observers between two deliveries is not reported at all. A held report
 * is never cancelled (that would release its sender under the lock). */
static void
watcher_record_locked (Watcher                 *self,
                       NotificationInterestHub *hub,
                       const char              *type,
                       GObject                 *sender,
                       guint                    hash,
                       gboolean                 observed)
{
  Report key = { .type = (char *) type, .sender = sender, .hash = hash };
  Report *last;
  Report *report;

  notification_lock_assert_held (&self->registry->lock);
  last = g_hash_table_lookup (self->pending, &key);
  if (last != NULL && !last->held)
    {
      /* A pair's reports alternate. */
      g_assert (last->observed != observed);
      g_hash_table_remove (self->pending, last);
      g_queue_unlink (&self->queue, &last->link);
      hub_drop_report_locked (hub, last, NULL);
      return;
    }

  report = report_new (type, sender, hash, observed);
  if (sender != NULL)
    count_add_locked (hub, sender, 1);
  g_hash_table_add (self->pending, report);
  g_queue_push_tail_link (&self->queue, &report->link);
  watcher_wake_locked (self);
}

/* Registry lock held. */
static Report *
watcher_pop_locked (Watcher *self)
{
  GList *link;
  Report *report;

  notification_lock_assert_held (&self->registry->lock);
  link = g_queue_pop_head_link (&self->queue);
  if (link == NULL)
    return NULL;

  report = link->data;
  if (g_hash_table_lookup (self->pending, report) == report)
    g_hash_table_remove (self->pending, report);

  return report;
}

/* Registry lock held. Takes @self out of the hub, drops its queued
 * reports (the held ones into @garbage) and wakes its source, which then
 * destroys itself. The hub's reference passes to the caller.
 *
 * Returns: whether the destroy notify is the caller's to run, after the
 *   lock: no call is running (else the running call runs it) */
static gboolean
watcher_remove_locked (Watcher   *self,
                       GPtrArray *garbage)
{
  NotificationInterestHub *hub;
  Report *report;
  guint old;

  notification_lock_assert_held (&self->registry->lock);
  hub = self->registry->interest;
  self->removed = TRUE;
  g_ptr_array_remove (hub->watchers, self);
  g_hash_table_remove_all (self->pending);
  while ((report = watcher_pop_locked (self)) != NULL)
    hub_drop_report_locked (hub, report, garbage);
  watcher_wake_locked (self);

  old = __atomic_fetch_or (&self->state, WATCHER_REMOVED, __ATOMIC_ACQ_REL);
  g_assert ((old & WATCHER_REMOVED) == 0);

  return old == 0;
}

/* After the lock: what watcher_remove_locked() left to do. */
static void
watcher_finish_remove (Watcher  *self,
                       gboolean  destroy)
{
  if (destroy)
    watcher_run_destroy (self);
  watcher_unref (self);
}

/* Delivery --------------------------------------------------------------- */

static gboolean
watcher_deliver (Watcher *self,
                 GSource *source)
{
  NotificationRegistry *registry = self->registry;
  NotificationCenter *center = g_weak_ref_get (&self->center);
  gboolean keep = TRUE;

  for (guint i = 0; i < REPORT_BATCH; i++)
    {
      NotificationInterestHub *hub;
      Report *report;
      gboolean pinned = FALSE;

      notification_lock (&registry->lock);
      hub = registry->interest;
      report = watcher_pop_locked (self);
      if (report == NULL)
        {
          /* Nothing left: sleep until a report is queued, or go. */
          keep = !self->removed;
          g_source_set_ready_time (source, -1);
          self->woken = FALSE;
          notification_unlock (&registry->lock);
          break;
        }
      if (report->sender != NULL && !report->held)
        {
          count_add_locked (hub, report->sender, -1);
          notification_interest_pin_locked (hub, report->sender);
          pinned = TRUE;
        }
      notification_unlock (&registry->lock);

      if (pinned)
        {
          gboolean given;

          /* Alive thanks to the pin. A toggle notify may run here: no lock
           * is held. */
          g_object_ref (report->sender);
          report->held = TRUE;
          notification_lock (&registry->lock);
          given = notification_interest_unpin_locked (hub, report->sender);
          notification_unlock (&registry->lock);
          if (given)
            g_object_unref (report->sender);
        }

      if (center != NULL && watcher_begin_call (self))
        {
          self->func (center, report->type, report->sender, report->observed, self->user_data);
          watcher_end_call (self);
        }
      report_free (report);
    }

  g_clear_object (&center);

  return keep;
}

static gboolean
watcher_source_dispatch (GSource     *source,
                         GSourceFunc  callback,
                         gpointer     user_data)
{
  return watcher_deliver (user_data, source);
}

/* Ready when its ready time is: 0 while reports are queued, -1 otherwise. */
static GSourceFuncs watcher_source_funcs = {
  .dispatch = watcher_source_dispatch,
};

/* The source's callback destroy notify: the source is destroyed, because
 * the watcher was removed, or because its context is being finalized. In
 * the second case this removes the watcher. The context holds the source
 * and the source the watcher, but the watcher holds neither: a context
 * that is never run is still finalized when its last user unrefs it. */
static void
watcher_source_gone (gpointer data)
{
  Watcher *self = data;
  NotificationRegistry *registry = self->registry;
  GPtrArray *garbage = g_ptr_array_new_with_free_func (report_free);
  gboolean removed_here = FALSE;
  gboolean destroy = FALSE;

  notification_lock (&registry->lock);
  self->source = NULL;
  if (!self->removed)
    {
      destroy = watcher_remove_locked (self, garbage);
      removed_here = TRUE;
    }
  notification_unlock (&registry->lock);

  g_ptr_array_unref (garbage);
  if (removed_here)
    watcher_finish_remove (self, destroy);
  watcher_unref (self);
}

/* The registry's hooks --------------------------------------------------- */

void
notification_interest_changed_locked (NotificationRegistry     *registry,
                                      NotificationObserverList *list,
                                      gboolean                  observed)
{
  NotificationInterestHub *hub;

  notification_lock_assert_held (&registry->lock);
  hub = registry->interest;
  for (guint i = 0; i < hub->watchers->len; i++)
    watcher_record_locked (g_ptr_array_index (hub->watchers, i), hub,
                           notification_observer_list_get_type (list),
                           (GObject *) notification_observer_list_get_sender (list), list->key.hash, observed);
}

/*
 * notification_interest_sender_disposing_locked:
 * @sender: an object being disposed, whose entries are all gone
 *
 * Registry lock held. References @sender for each queued report that
 * names it and for each pin, so that it outlives them: safe during its
 * dispose (see the header), and GLib finalizes it when the last of these
 * references is released.
 */
void
notification_interest_sender_disposing_locked (NotificationRegistry *registry,
                                               GObject              *sender)
{
  NotificationInterestHub *hub;
  gboolean alive;

  notification_lock_assert_held (&registry->lock);
  hub = registry->interest;
  /* Only an object observed from its own finalization gets here with no
   * reference left: it cannot be kept, its reports are dropped. */
  alive = g_atomic_int_get ((gint *) &sender->ref_count) > 0;
  if (alive)
    notification_interest_give_pins_locked (hub, sender);

  if (g_hash_table_contains (hub->weak_senders, sender))
    {
      for (guint i = 0; i < hub->watchers->len; i++)
        {
          Watcher *watcher = g_ptr_array_index (hub->watchers, i);
          GList *next;

          for (GList *link = watcher->queue.head; link != NULL; link = next)
            {
              Report *report = link->data;

              next = link->next;
              if (report->sender != sender || report->held)
                continue;

              if (alive)
                {
                  g_object_ref (sender);
                  report->held = TRUE;
                  continue;
                }

              if (g_hash_table_lookup (watcher->pending, report) == report)
                g_hash_table_remove (watcher->pending, report);
              g_queue_unlink (&watcher->queue, link);
              report_free (report);
            }
        }
      g_hash_table_remove (hub->weak_senders, sender);
    }
}

/* The center is being finalized: every watcher is removed, in the order
 * they were added. */
void
notification_interest_shutdown (NotificationRegistry *registry)
{
  GPtrArray *garbage = g_ptr_array_new_with_free_func (report_free);
  GPtrArray *removed = g_ptr_array_new ();
  GArray *destroys = g_array_new (FALSE, FALSE, sizeof (gboolean));

  notification_lock (&registry->lock);
  while (registry->interest != NULL && registry->interest->watchers->len > 0)
    {
      Watcher *watcher = g_ptr_array_index (registry->interest->watchers, 0);
      gboolean destroy = watcher_remove_locked (watcher, garbage);

      g_ptr_array_add (removed, watcher);
      g_array_append_val (destroys, destroy);
    }
  notification_unlock (&registry->lock);

  g_ptr_array_unref (garbage);
  for (guint i = 0; i < removed->len; i++)
    watcher_finish_remove (g_ptr_array_index (removed, i), g_array_index (destroys, gboolean, i));
  g_ptr_array_unref (removed);
  g_array_unref (destroys);
}

/* The center's API ------------------------------------------------------- */

static void
record_observed_cb (NotificationObserverList *list,
                    gpointer                  data)
{
  Watcher *watcher = data;

  watcher_record_locked (watcher, watcher->registry->interest, notification_observer_list_get_type (list),
                         (GObject *) notification_observer_list_get_sender (list), list->key.hash, TRUE);
}

/**
 * notification_center_watch_interest:
 * @self: a center
 * @context: (nullable): the main context to call @func on, or `NULL` for
 *   the thread-default main context of the calling thread
 * @func: (scope notified) (closure user_data) (destroy destroy): the
 *   function to call
 * @user_data: data for @func
 * @destroy: (nullable): called on @user_data when the watcher is removed
 *
 * Tells @func, on @context, when a (type, sender) pair gains its first
 * observer (`observed` is `TRUE`) and when it loses its last one
 * (`FALSE`): what a bridge needs to forward only the notifications
 * somebody wants.
 *
 * A pair is the type and sender that observers were added with
 * ([method@Center.add_observer]): a `NULL` type stands for every type, a
 * `NULL` sender for every sender, so an observer of every `"stdout"`
 * makes the pair (`"stdout"`, `NULL`) observed, not one pair per sender.
 * A pair is observed while it has at least one observer, however many.
 * Observers removed one by one, all at once
 * ([method@Center.remove_all_observers]), or because their sender or
 * owner was finalized all count.
 *
 * Handlers of [signal@Center::notification] connected with
 * `g_signal_connect()` are not reported: GLib tells nobody when they
 * come and go. They count only in [method@Center.has_observers].
 *
 * The watcher first gets a report (`observed` `TRUE`) for every pair
 * observed when it is added, then one per change, in the order the
 * changes happened: the last report it gets for a pair is that pair's
 * state, even when threads add and remove observers of it at once, so
 * the set of pairs it was told about ends up equal to
 * [method@Center.list_interests]. A pair that gains and loses its
 * observers before the watcher was told is not reported at all (nor the
 * other way round): a watcher whose context runs rarely gets the changes
 * it missed, not every step.
 *
 * The reports are delivered by a source of @context at
 * `G_PRIORITY_DEFAULT`, at most 64 per dispatch. Nothing is added to a
 * post: adding or removing an observer records a change only when a
 * watcher exists, and a post nobody observes costs what it costs without
 * a watcher.
 *
 * A sender is passed alive to @func. Queued reports do not keep their
 * sender alive, with one exception: a sender disposed while reports about
 * it are queued (its last reference dropped, or
 * g_object_run_dispose()) is referenced during its dispose, so it is not
 * finalized until those reports are delivered or dropped. Its dispose
 * has run then: it has no observer and no signal handler left, and the
 * last report releases it, on @context after @func returned, or where the
 * reports are dropped ([method@Center.unwatch_interest], or the
 * finalization of @context or of the center).
 *
 * The watcher lasts until [method@Center.unwatch_interest], the
 * finalization of @context (a context nobody runs any more is not kept
 * alive by the watcher) or that of the center. @destroy runs exactly once,
 * after the last call of @func has returned: where the watcher is removed
 * if no call is running, else on @context when the running call returns.
 *
 * Returns: the watcher's id, for [method@Center.unwatch_interest]
 *
 * Since: 1.2
 */
guint
notification_center_watch_interest (NotificationCenter       *self,
                                    GMainContext             *context,
                                    NotificationInterestFunc  func,
                                    gpointer                  user_data,
                                    GDestroyNotify            destroy)
{
  NotificationRegistry *registry;
  NotificationInterestHub *hub;
  Watcher *watcher;
  GSource *source;
  guint id;

  g_return_val_if_fail (NOTIFICATION_IS_CENTER (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  registry = notification_center_get_registry (self);
  context = context != NULL ? g_main_context_ref (context) : g_main_context_ref_thread_default ();

  watcher = g_new0 (Watcher, 1);
  watcher->ref_count = 2;
  watcher->registry = notification_registry_ref (registry);
  g_weak_ref_init (&watcher->center, self);
  watcher->func = func;
  watcher->user_data = user_data;
  watcher->destroy = destroy;
  g_queue_init (&watcher->queue);
  watcher->pending = g_hash_table_new (report_hash, report_equal);

  /* The dispatch function does the work: the callback only carries the
   * watcher and tells when the source is destroyed. */
  source = g_source_new (&watcher_source_funcs, sizeof (GSource));
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[notification] interest");
  g_source_set_callback (source, NULL, watcher, watcher_source_gone);
  g_source_attach (source, context);

  notification_lock (&registry->lock);
  hub = notification_interest_hub_get_locked (registry);
  do
    id = ++hub->last_id;
  while (id == 0 || watcher_find_locked (hub, id) != NULL);
  watcher->id = id;
  watcher->source = source;
  g_ptr_array_add (hub->watchers, watcher);
  notification_interest_foreach_observed_locked (registry, record_observed_cb, watcher);
  notification_unlock (&registry->lock);

  g_source_unref (source);
  g_main_context_unref (context);

  return id;
}

/**
 * notification_center_unwatch_interest:
 * @self: a center
 * @id: an id returned by [method@Center.watch_interest]
 *
 * Removes a watcher, from any thread. Its queued reports are dropped at
 * once (releasing the senders they hold) and no call of it starts after
 * this returns.
 *
 * Its destroy notify runs before this returns, or, if a call of the
 * watcher is running (on its context, or this very call's caller), when
 * that call returns. Removing a watcher that is already gone does
 * nothing.
 *
 * Since: 1.2
 */
void
notification_center_unwatch_interest (NotificationCenter *self,
                                      guint               id)
{
  NotificationRegistry *registry;
  GPtrArray *garbage;
  Watcher *watcher = NULL;
  gboolean destroy = FALSE;

  g_return_if_fail (NOTIFICATION_IS_CENTER (self));
  g_return_if_fail (id > 0);

  registry = notification_center_get_registry (self);
  garbage = g_ptr_array_new_with_free_func (report_free);

  notification_lock (&registry->lock);
  if (registry->interest != NULL)
    watcher = watcher_find_locked (registry->interest, id);
  if (watcher != NULL)
    destroy = watcher_remove_locked (watcher, garbage);
  notification_unlock (&registry->lock);

  g_ptr_array_unref (garbage);
  if (watcher != NULL)
    watcher_finish_remove (watcher, destroy);
}

