/* test-stress.c: posting, observing and finalizing from many threads at once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For a bounded time (NOTIFICATION_STRESS_SECONDS, default 2, per center):
 *
 *  - 4 poster threads post random types (8 known ones, and distinct
 *    strings nobody names) from random senders or none, half of them with
 *    user info;
 *  - 2 manager threads add and remove observers: synchronous ones, ones
 *    delivered on a GMainContext that a further thread iterates, and
 *    `notification::TYPE` signal handlers; some filter by sender, some are
 *    tied to an owner object;
 *  - 1 finalizer thread replaces the senders and owners, so that they are
 *    finalized while being posted from and observed (on whichever thread
 *    drops the last reference).
 *
 * Nothing here depends on timing. Every check is exact:
 *
 *  - every call matches its observer's filters, on the right thread, with
 *    the posted type, sender and user info, from a live sender;
 *  - a call never runs while or after its destroy notify runs, and every
 *    destroy notify runs exactly once (removing an id twice does nothing);
 *  - no post that started after remove_observer() returned (or after the
 *    owner was finalized) reaches the observer: every post takes a ticket
 *    from one global counter before it starts, the manager takes one after
 *    remove_observer() returns, the owner one in its finalize;
 *  - counts: for each (type, sender) filter the posters count the posts
 *    started and the posts ended. An observer receives at most the posts
 *    started before it was removed less those ended before it was added,
 *    and (when only remove_observer() can remove it, and its deliveries
 *    are not dropped by that removal) at least those ended before its
 *    removal began less those started before its addition returned.
 *    Signal handlers on a center with emits-signal FALSE receive nothing.
 */

#include <string.h>

#include <notification/notification.h>

#define N_TYPES         8
#define OTHER           N_TYPES        /* counters of types no observer names */
#define ALL             (N_TYPES + 1)  /* counters of every type */
#define N_COUNTERS      (N_TYPES + 2)
#define N_POSTERS       4
#define N_MANAGERS      2
#define N_SENDER_SLOTS  8
#define N_OWNER_SLOTS   4
#define MAX_LIVE        48
#define GRAVEYARD_SIZE  4096

static const char * const type_names[N_TYPES] = {
  "stdout", "stderr", "progress", "status", "t4", "t5", "t6", "t7",
};

#define ATOMIC_GET(p)    __atomic_load_n ((p), __ATOMIC_SEQ_CST)
#define ATOMIC_SET(p, v) __atomic_store_n ((p), (v), __ATOMIC_SEQ_CST)
#define ATOMIC_ADD(p, v) __atomic_fetch_add ((p), (v), __ATOMIC_SEQ_CST)

typedef struct
{
  gint64 started[N_COUNTERS];   /* (atomic) */
  gint64 ended[N_COUNTERS];     /* (atomic) */
} Counters;

/* Outlives its object: freed at the end of the run. */
typedef struct
{
  guint    id;
  gint64   finalize_ticket;     /* (atomic) 0 until finalized */
  Counters counters;            /* posts from this sender */
} ObjRec;

typedef enum
{
  KIND_SYNC,
  KIND_CONTEXT,
  KIND_SIGNAL,
} Kind;

typedef struct
{
  Kind     kind;
  int      type;                /* index into type_names, or -1: every type */
  ObjRec  *sender;              /* (nullable) sender filter */
  ObjRec  *owner;               /* (nullable) */
  gboolean long_lived;          /* removed at the end, after draining */
  gulong   id;

  gint64   ended_before_add;
  gint64   started_after_add;
  gint64   ended_before_remove;
  gint64   started_after_remove;
  gint64   remove_done;         /* (atomic) ticket taken after removal returned */

  gint     in_flight;           /* (atomic) */
  gint     n_destroyed;         /* (atomic) */
  gint64   n_received;          /* (atomic) */
} ObsRec;

/* ---------------------------------------------------------------- */
/* A sender or owner whose finalization is recorded. */

#define STRESS_TYPE_OBJECT (stress_object_get_type ())
G_DECLARE_FINAL_TYPE (StressObject, stress_object, STRESS, OBJECT, GObject)

struct _StressObject
{
  GObject parent_instance;
  ObjRec *rec;                  /* (atomic) set once, right after creation */
};

G_DEFINE_FINAL_TYPE (StressObject, stress_object, G_TYPE_OBJECT)

typedef struct
{
  NotificationCenter *center;
  gboolean            emits_signal;
  gint                stop;              /* (atomic) */
  gint64              clock;             /* (atomic) tickets */
  Counters            global;            /* posts from any sender or none */

  GMutex              slots_lock;
  StressObject       *senders[N_SENDER_SLOTS];
  StressObject       *owners[N_OWNER_SLOTS];

  GMutex              recs_lock;
  GPtrArray          *obj_recs;          /* (element-type ObjRec) (owned) */
  GQueue              graveyard;         /* checked ObsRecs, freed later */
  GPtrArray          *zombies;           /* removed while a call ran */
  guint               next_obj_id;

  GMainContext       *context;
  GThread            *context_thread;
  gint                context_stop;      /* (atomic) */

  /* Figures */
  gint64              n_posts;
  gint64              n_received;
  gint64              n_added;
  gint64              n_removed;
  gint64              n_destroyed;
  gint64              n_finalized;
  gint64              n_checked_lower;
} Run;

static Run *run;

typedef struct
{
  gint64      ticket;
  const char *type;
  GObject    *sender;
} CurrentPost;

static __thread CurrentPost *current_post;

static gint64
tick (void)
{
  return ATOMIC_ADD (&run->clock, 1) + 1;
}

/* A read that is also a full barrier (a locked RMW on x86). */
static gint64
snap (gint64 *counter)
{
  return ATOMIC_ADD (counter, 0);
}

static void
stress_object_finalize (GObject *object)
{
  StressObject *self = STRESS_OBJECT (object);
  ObjRec *rec = __atomic_load_n (&self->rec, __ATOMIC_ACQUIRE);

  /* The weak notifies (observer removal) have run by now. */
  ATOMIC_SET (&rec->finalize_ticket, tick ());
  ATOMIC_ADD (&run->n_finalized, 1);

  G_OBJECT_CLASS (stress_object_parent_class)->finalize (object);
}

static void
stress_object_class_init (StressObjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = stress_object_finalize;
}

static void
stress_object_init (StressObject *self)
{
}

static ObjRec *
object_rec (GObject *object)
{
  return __atomic_load_n (&STRESS_OBJECT (object)->rec, __ATOMIC_ACQUIRE);
}

static StressObject *
stress_object_new (void)
{
  StressObject *object = g_object_new (STRESS_TYPE_OBJECT, NULL);
  ObjRec *rec = g_new0 (ObjRec, 1);

  g_mutex_lock (&run->recs_lock);
  rec->id = ++run->next_obj_id;
  g_ptr_array_add (run->obj_recs, rec);
  g_mutex_unlock (&run->recs_lock);
  __atomic_store_n (&object->rec, rec, __ATOMIC_RELEASE);

  return object;
}

/* A new reference to a random live object of @slots. */
static StressObject *
take_object (StressObject **slots,
             guint          n_slots,
             GRand         *rand)
{
  StressObject *object;

  g_mutex_lock (&run->slots_lock);
  object = g_object_ref (slots[g_rand_int_range (rand, 0, n_slots)]);
  g_mutex_unlock (&run->slots_lock);

  return object;
}

/* ---------------------------------------------------------------- */
/* Observers */

static gint64 *
obs_counter (ObsRec   *o,
             gboolean  started)
{
  Counters *counters = o->sender != NULL ? &o->sender->counters : &run->global;
  int i = o->type < 0 ? ALL : o->type;

  return started ? &counters->started[i] : &counters->ended[i];
}

static void
observer_cb (NotificationCenter *center,
             const char         *type,
             GObject            *sender,
             GVariant           *user_info,
             gpointer            data)
{
  ObsRec *o = data;
  gint64 ticket = 0;

  ATOMIC_ADD (&o->in_flight, 1);
  if (ATOMIC_GET (&o->n_destroyed) != 0)
    g_error ("observer %lu called after its destroy notify", o->id);

  g_assert_true (center == run->center);
  if (o->kind == KIND_SIGNAL)
    g_assert_true (run->emits_signal);

  if (o->kind == KIND_CONTEXT)
    {
      g_assert_true (g_main_context_is_owner (run->context));
      g_assert_null (current_post);
    }
  else
    {
      /* Synchronous, on the posting thread, with what was posted. */
      g_assert_nonnull (current_post);
      g_assert_cmpstr (type, ==, current_post->type);
      g_assert_true (sender == current_post->sender);
      ticket = current_post->ticket;
    }

  /* The filters. */
  if (o->type >= 0)
    g_assert_cmpstr (type, ==, type_names[o->type]);
  if (o->sender != NULL)
    {
      g_assert_nonnull (sender);
      g_assert_true (object_rec (sender) == o->sender);
    }

  /* A sender is alive while it is posted from (or queued). */
  if (sender != NULL)
    g_assert_cmpint (ATOMIC_GET (&object_rec (sender)->finalize_ticket), ==, 0);

  if (user_info != NULL)
    {
      const char *info_type;
      guint32 info_sender;
      gint64 info_ticket;

      g_assert_true (g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT));
      g_assert_true (g_variant_lookup (user_info, "type", "&s", &info_type));
      g_assert_true (g_variant_lookup (user_info, "sender", "u", &info_sender));
      g_assert_true (g_variant_lookup (user_info, "ticket", "x", &info_ticket));
      g_assert_cmpstr (info_type, ==, type);
      g_assert_cmpuint (info_sender, ==, sender != NULL ? object_rec (sender)->id : 0);
      if (ticket != 0)
        g_assert_cmpint (info_ticket, ==, ticket);
      ticket = info_ticket;
    }

  if (ticket != 0)
    {
      gint64 removed = ATOMIC_GET (&o->remove_done);

      if (removed != 0 && ticket > removed)
        g_error ("observer %lu: post %" G_GINT64_FORMAT " started after remove "
                 "returned (%" G_GINT64_FORMAT ")", o->id, ticket, removed);

      if (o->owner != NULL)
        {
          gint64 finalized = ATOMIC_GET (&o->owner->finalize_ticket);

          if (finalized != 0 && ticket > finalized)
            g_error ("observer %lu: post %" G_GINT64_FORMAT " started after its "
                     "owner was finalized (%" G_GINT64_FORMAT ")", o->id, ticket, finalized);
        }
    }

  ATOMIC_ADD (&o->n_received, 1);
  ATOMIC_ADD (&run->n_received, 1);
  ATOMIC_ADD (&o->in_flight, -1);
}

static void
observer_destroy (gpointer data)
{
  ObsRec *o = data;

  if (ATOMIC_ADD (&o->n_destroyed, 1) != 0)
    g_error ("observer %lu: destroy notify ran twice", o->id);
  if (ATOMIC_GET (&o->in_flight) != 0)
    g_error ("observer %lu: destroy notify ran during a call", o->id);
  ATOMIC_ADD (&run->n_destroyed, 1);
}

static void
signal_destroy (gpointer  data,
                GClosure *closure)
{
  observer_destroy (data);
}

static void
obs_check_counts (ObsRec *o)
{
  gint64 received = ATOMIC_GET (&o->n_received);

  g_assert_cmpint (ATOMIC_GET (&o->n_destroyed), ==, 1);
  g_assert_cmpint (ATOMIC_GET (&o->in_flight), ==, 0);

  if (o->kind == KIND_SIGNAL && !run->emits_signal)
    {
      g_assert_cmpint (received, ==, 0);
      return;
    }

  /* At most the posts that started before it was gone, less those that
   * had ended before it was added. */
  if (received > o->started_after_remove - o->ended_before_add)
    g_error ("observer %lu (kind %d, type %d) received %" G_GINT64_FORMAT
             " posts, at most %" G_GINT64_FORMAT " possible",
             o->id, o->kind, o->type, received,
             o->started_after_remove - o->ended_before_add);

  /* At least every post that started after add returned and ended before
   * removal began, when nothing but remove_observer() can remove it and
   * removal drops no queued delivery. */
  if (o->sender == NULL && o->owner == NULL &&
      (o->kind != KIND_CONTEXT || o->long_lived))
    {
      if (received < o->ended_before_remove - o->started_after_add)
        g_error ("observer %lu (kind %d, type %d) received %" G_GINT64_FORMAT
                 " posts, at least %" G_GINT64_FORMAT " were due",
                 o->id, o->kind, o->type, received,
                 o->ended_before_remove - o->started_after_add);
      ATOMIC_ADD (&run->n_checked_lower, 1);
    }
}

/* Checks a removed observer whose destroy notify has run, and keeps it a
 * while so that a (buggy) late call would still find it. */
static void
obs_retire (ObsRec *o)
{
  obs_check_counts (o);

  g_mutex_lock (&run->recs_lock);
  g_queue_push_tail (&run->graveyard, o);
  if (run->graveyard.length > GRAVEYARD_SIZE)
    g_free (g_queue_pop_head (&run->graveyard));
  g_mutex_unlock (&run->recs_lock);
}

static ObsRec *
obs_add (Kind          kind,
         int           type,
         StressObject *sender,
         StressObject *owner,
         gboolean      long_lived)
{
  ObsRec *o = g_new0 (ObsRec, 1);

  o->kind = kind;
  o->type = type;
  o->sender = sender != NULL ? object_rec (G_OBJECT (sender)) : NULL;
  o->owner = owner != NULL ? object_rec (G_OBJECT (owner)) : NULL;
  o->long_lived = long_lived;

  o->ended_before_add = snap (obs_counter (o, FALSE));
  if (kind == KIND_SIGNAL)
    {
      g_autofree char *signal = NULL;

      g_assert_null (sender);
      g_assert_null (owner);
      signal = type < 0 ? g_strdup ("notification")
                        : g_strconcat ("notification::", type_names[type], NULL);
      o->id = g_signal_connect_data (run->center, signal, G_CALLBACK (observer_cb),
                                     o, signal_destroy, 0);
    }
  else
    {
      o->id = notification_center_add_observer_full (run->center,
                                                     type < 0 ? NULL : type_names[type],
                                                     sender, G_OBJECT (owner),
                                                     kind == KIND_CONTEXT ? run->context : NULL,
                                                     observer_cb, o, observer_destroy);
    }
  g_assert_cmpuint (o->id, >, 0);
  o->started_after_add = snap (obs_counter (o, TRUE));
  ATOMIC_ADD (&run->n_added, 1);

  return o;
}

static void
obs_remove (ObsRec   *o,
            gboolean  twice)
{
  o->ended_before_remove = snap (obs_counter (o, FALSE));
  if (o->kind == KIND_SIGNAL)
    {
      g_signal_handler_disconnect (run->center, o->id);
    }
  else
    {
      /* Possibly gone already: its sender or owner was finalized. */
      notification_center_remove_observer (run->center, o->id);
      if (twice)
        notification_center_remove_observer (run->center, o->id);
    }
  ATOMIC_SET (&o->remove_done, tick ());
  o->started_after_remove = snap (obs_counter (o, TRUE));
  ATOMIC_ADD (&run->n_removed, 1);

  if (ATOMIC_GET (&o->n_destroyed) != 0)
    {
      obs_retire (o);
    }
  else
    {
      /* A call is running: its end runs the destroy notify. */
      g_mutex_lock (&run->recs_lock);
      g_ptr_array_add (run->zombies, o);
      g_mutex_unlock (&run->recs_lock);
    }
}

/* ---------------------------------------------------------------- */
/* Threads */

static gboolean
stopping (void)
{
  return ATOMIC_GET (&run->stop) != 0;
}

static void
counters_add (Counters *counters,
              int       type,
              gboolean  started)
{
  gint64 *array = started ? counters->started : counters->ended;

  ATOMIC_ADD (&array[type], 1);
  ATOMIC_ADD (&array[ALL], 1);
}

static gpointer
poster_thread (gpointer data)
{
  GRand *rand = data;
  char other[32];

  while (!stopping ())
    {
      int type = g_rand_int_range (rand, 0, 10) == 0 ? OTHER : g_rand_int_range (rand, 0, N_TYPES);
      StressObject *sender = NULL;
      ObjRec *rec = NULL;
      CurrentPost post;
      GVariant *user_info = NULL;

      if (type == OTHER)
        g_snprintf (other, sizeof other, "other-%u", g_rand_int_range (rand, 0, 1000000));
      if (g_rand_int_range (rand, 0, 5) != 0)
        {
          sender = take_object (run->senders, N_SENDER_SLOTS, rand);
          rec = object_rec (G_OBJECT (sender));
        }

      post.ticket = tick ();
      post.type = type == OTHER ? other : type_names[type];
      post.sender = (GObject *) sender;

      if (g_rand_boolean (rand))
        {
          GVariantBuilder builder;

          g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string (post.type));
          g_variant_builder_add (&builder, "{sv}", "sender", g_variant_new_uint32 (rec != NULL ? rec->id : 0));
          g_variant_builder_add (&builder, "{sv}", "ticket", g_variant_new_int64 (post.ticket));
          user_info = g_variant_builder_end (&builder);
        }

      counters_add (&run->global, type, TRUE);
      if (rec != NULL)
        counters_add (&rec->counters, type, TRUE);

      current_post = &post;
      notification_center_post (run->center, post.type, sender, user_info);
      current_post = NULL;

      counters_add (&run->global, type, FALSE);
      if (rec != NULL)
        counters_add (&rec->counters, type, FALSE);

      g_clear_object (&sender);
      ATOMIC_ADD (&run->n_posts, 1);
    }

  g_rand_free (rand);

  return NULL;
}

static ObsRec *
add_random (GRand *rand)
{
  g_autoptr(StressObject) sender = NULL;
  g_autoptr(StressObject) owner = NULL;
  int r = g_rand_int_range (rand, 0, 100);
  Kind kind = r < 15 ? KIND_SIGNAL : r < 40 ? KIND_CONTEXT : KIND_SYNC;
  int type = g_rand_int_range (rand, 0, 10) == 0 ? -1 : g_rand_int_range (rand, 0, N_TYPES);

  if (kind != KIND_SIGNAL)
    {
      if (g_rand_boolean (rand))
        sender = take_object (run->senders, N_SENDER_SLOTS, rand);
      if (g_rand_int_range (rand, 0, 4) == 0)
        owner = take_object (run->owners, N_OWNER_SLOTS, rand);
    }

  /* Dropping the references may finalize them right here. */
  return obs_add (kind, type, sender, owner, FALSE);
}

static gpointer
manager_thread (gpointer data)
{
  GRand *rand = data;
  GPtrArray *live = g_ptr_array_new ();

  gint64 n_ops = 0;

  while (!stopping ())
    {
      /* Pacing only: about as many observer changes as posts, so that
       * neither side starves the other (valgrind runs one thread at a
       * time). */
      while (n_ops > ATOMIC_GET (&run->n_posts) + 64 && !stopping ())
        g_usleep (50);
      n_ops++;

      if (live->len == 0 || (live->len < MAX_LIVE && g_rand_int_range (rand, 0, 100) < 55))
        {
          g_ptr_array_add (live, add_random (rand));
        }
      else
        {
          ObsRec *o = g_ptr_array_steal_index_fast (live, g_rand_int_range (rand, 0, live->len));

          obs_remove (o, g_rand_int_range (rand, 0, 10) == 0);
        }
    }

  for (guint i = 0; i < live->len; i++)
    obs_remove (g_ptr_array_index (live, i), FALSE);
  g_ptr_array_unref (live);
  g_rand_free (rand);

  return NULL;
}

static void
replace_object (StressObject **slot)
{
  StressObject *fresh = stress_object_new ();
  StressObject *old;

  g_mutex_lock (&run->slots_lock);
  old = *slot;
  *slot = fresh;
  g_mutex_unlock (&run->slots_lock);

  /* Finalized here, or on whichever thread drops the last reference. */
  g_object_unref (old);
}

static gpointer
finalizer_thread (gpointer data)
{
  GRand *rand = data;

  while (!stopping ())
    {
      if (g_rand_boolean (rand))
        replace_object (&run->senders[g_rand_int_range (rand, 0, N_SENDER_SLOTS)]);
      else
        replace_object (&run->owners[g_rand_int_range (rand, 0, N_OWNER_SLOTS)]);

      /* Pacing only, so that objects live long enough to be observed. */
      g_usleep (200);
    }

  g_rand_free (rand);

  return NULL;
}

static gpointer
context_thread (gpointer data)
{
  while (!ATOMIC_GET (&run->context_stop))
    g_main_context_iteration (run->context, TRUE);

  return NULL;
}

/* ---------------------------------------------------------------- */

static double
stress_seconds (void)
{
  const char *env = g_getenv ("NOTIFICATION_STRESS_SECONDS");
  double seconds = env != NULL ? g_ascii_strtod (env, NULL) : 0;

  return seconds > 0 ? seconds : 2;
}

static void
run_stress (NotificationCenter *center)
{
  GThread *posters[N_POSTERS], *managers[N_MANAGERS], *finalizer;
  GPtrArray *long_lived = g_ptr_array_new ();
  double seconds = stress_seconds ();
  g_autoptr(GTimer) timer = g_timer_new ();
  guint32 seed = g_test_rand_int ();

  run = g_new0 (Run, 1);
  run->center = center;
  run->emits_signal = notification_center_get_emits_signal (center);
  g_mutex_init (&run->slots_lock);
  g_mutex_init (&run->recs_lock);
  run->obj_recs = g_ptr_array_new_with_free_func (g_free);
  run->zombies = g_ptr_array_new ();
  g_queue_init (&run->graveyard);
  run->context = g_main_context_new ();

  for (guint i = 0; i < N_SENDER_SLOTS; i++)
    run->senders[i] = stress_object_new ();
  for (guint i = 0; i < N_OWNER_SLOTS; i++)
    run->owners[i] = stress_object_new ();

  /* Observers whose every due delivery is counted, including the
   * main-context ones: they are removed after the context is drained. */
  for (int t = -1; t < N_TYPES; t++)
    {
      g_ptr_array_add (long_lived, obs_add (KIND_SYNC, t, NULL, NULL, TRUE));
      g_ptr_array_add (long_lived, obs_add (KIND_CONTEXT, t, NULL, NULL, TRUE));
    }
  g_ptr_array_add (long_lived, obs_add (KIND_SIGNAL, -1, NULL, NULL, TRUE));
  g_ptr_array_add (long_lived, obs_add (KIND_SIGNAL, 0, NULL, NULL, TRUE));

  run->context_thread = g_thread_new ("stress-context", context_thread, NULL);
  for (guint i = 0; i < N_POSTERS; i++)
    posters[i] = g_thread_new ("stress-poster", poster_thread, g_rand_new_with_seed (seed + i));
  for (guint i = 0; i < N_MANAGERS; i++)
    managers[i] = g_thread_new ("stress-manager", manager_thread, g_rand_new_with_seed (seed + 100 + i));
  finalizer = g_thread_new ("stress-finalizer", finalizer_thread, g_rand_new_with_seed (seed + 200));

  while (g_timer_elapsed (timer, NULL) < seconds)
    g_usleep (10000);

  ATOMIC_SET (&run->stop, 1);
  for (guint i = 0; i < N_POSTERS; i++)
    g_thread_join (posters[i]);
  for (guint i = 0; i < N_MANAGERS; i++)
    g_thread_join (managers[i]);
  g_thread_join (finalizer);

  /* Deliver what is queued, here, now that nobody posts. */
  ATOMIC_SET (&run->context_stop, 1);
  g_main_context_wakeup (run->context);
  g_thread_join (run->context_thread);
  while (g_main_context_iteration (run->context, FALSE))
    ;

  for (guint i = 0; i < long_lived->len; i++)
    obs_remove (g_ptr_array_index (long_lived, i), FALSE);
  g_ptr_array_unref (long_lived);
  while (g_main_context_iteration (run->context, FALSE))
    ;

  /* Nothing runs any more: every destroy notify must have run. */
  for (guint i = 0; i < run->zombies->len; i++)
    {
      ObsRec *o = g_ptr_array_index (run->zombies, i);

      obs_check_counts (o);
      g_free (o);
    }
  g_assert_cmpint (run->n_destroyed, ==, run->n_added);
  g_assert_cmpint (run->n_removed, ==, run->n_added);
  g_assert_cmpuint (notification_center_get_n_observers (center), ==, 0);
  g_assert_false (g_signal_has_handler_pending (center, g_signal_lookup ("notification", NOTIFICATION_TYPE_CENTER), 0, FALSE));

  for (guint i = 0; i < N_SENDER_SLOTS; i++)
    g_object_unref (run->senders[i]);
  for (guint i = 0; i < N_OWNER_SLOTS; i++)
    g_object_unref (run->owners[i]);
  g_assert_cmpint (run->n_finalized, ==, run->obj_recs->len);

  g_test_message ("emits-signal %s: %.1f s, %d posting + %d observing + 1 finalizing "
                  "+ 1 main-context threads; %" G_GINT64_FORMAT " posts, %" G_GINT64_FORMAT
                  " deliveries, %" G_GINT64_FORMAT " observers added and removed "
                  "(%" G_GINT64_FORMAT " with exact lower bound), %" G_GINT64_FORMAT
                  " senders/owners finalized, %u removed during a call",
                  run->emits_signal ? "TRUE" : "FALSE", g_timer_elapsed (timer, NULL),
                  N_POSTERS, N_MANAGERS, run->n_posts, run->n_received, run->n_added,
                  run->n_checked_lower, run->n_finalized, run->zombies->len);
  g_assert_cmpint (run->n_posts, >, 0);
  g_assert_cmpint (run->n_received, >, 0);

  g_queue_clear_full (&run->graveyard, g_free);
  g_ptr_array_unref (run->zombies);
  g_ptr_array_unref (run->obj_recs);
  g_main_context_unref (run->context);
  g_mutex_clear (&run->slots_lock);
  g_mutex_clear (&run->recs_lock);
  g_clear_pointer (&run, g_free);
}

static void
test_stress_default (void)
{
  g_test_summary ("Threads post, observe and finalize senders on the default center");

  run_stress (notification_center_get_default ());
}

static void
test_stress_no_signal (void)
{
  NotificationCenter *center;

  g_test_summary ("Threads post, observe and finalize senders on a center with emits-signal FALSE");

  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  run_stress (center);
  g_assert_finalize_object (center);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stress/default-center", test_stress_default);
  g_test_add_func ("/stress/no-signal-center", test_stress_no_signal);

  return g_test_run ();
}
