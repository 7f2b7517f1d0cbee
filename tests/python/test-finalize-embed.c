/* test-finalize-embed.c: a Python post queued for a C observer on a main
 * context that runs after the interpreter has been finalized
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The queued call holds the post's native form (its keyword values, not
 * built yet). Building the dictionary then must not touch the
 * interpreter, which is gone: the C observer gets an empty dictionary.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pygobject.h>

#include <notification/notification.h>
#include <stdlib.h>
#include <unistd.h>

static int n_calls;
static gboolean finished;
static gsize n_keys = G_MAXSIZE;

static void
c_observer (NotificationCenter *center,
            const char         *type,
            GObject            *sender,
            GVariant           *user_info,
            gpointer            user_data)
{
  n_calls++;
  g_assert_nonnull (user_info);
  g_assert_true (g_variant_is_of_type (user_info, G_VARIANT_TYPE_VARDICT));
  n_keys = g_variant_n_children (user_info);
}

/* The override first, so that the wrapper made next is of its class. */
/* Taking the GIL after finalization ends the calling thread (CPython's
 * PyThread_exit_thread()), here the main thread: the process then exits
 * with status 0 before main() returns. */
static void
check_finished (void)
{
  if (!finished)
    {
      g_printerr ("the main thread ended before main() returned\n");
      _exit (1);
    }
}

static const char script_import[] =
  "import os, gi, gi.overrides\n"
  "gi.overrides.__path__.insert(0, os.path.join(os.environ['NOTIFICATION_OVERRIDE_DIR'], 'gi', 'overrides'))\n"
  "gi.overrides.__path__.insert(1, os.path.join(os.environ['NOTIFICATION_ACCEL_DIR'], 'gi', 'overrides'))\n"
  "gi.require_version('Notification', '1.0')\n"
  "from gi.repository import Notification\n"
  "import gi.overrides._notification\n";

static const char script_post[] =
  "center.post('t', None, n=12345, text='posted from Python')\n"
  "del center\n";

int
main (int    argc,
      char **argv)
{
  NotificationCenter *center;
  GMainContext *context;
  PyObject *wrapper;

  if (g_getenv ("NOTIFICATION_OVERRIDE_DIR") == NULL)
    {
      g_print ("SKIP: run through meson test\n");
      return 77;
    }

  atexit (check_finished);
  center = g_object_new (NOTIFICATION_TYPE_CENTER, "emits-signal", FALSE, NULL);
  context = g_main_context_new ();
  notification_center_add_observer_full (center, "t", NULL, NULL, context, c_observer, NULL, NULL);

  Py_InitializeEx (0);
  if (pygobject_init (-1, -1, -1) == NULL)
    {
      PyErr_Print ();
      return 1;
    }
  if (PyRun_SimpleString (script_import) != 0)
    return 1;
  wrapper = pygobject_new (G_OBJECT (center));
  g_assert_nonnull (wrapper);
  PyDict_SetItemString (PyModule_GetDict (PyImport_AddModule ("__main__")), "center", wrapper);
  Py_DECREF (wrapper);
  if (PyRun_SimpleString (script_post) != 0)
    return 1;
  g_assert_cmpint (Py_FinalizeEx (), ==, 0);

  /* The call was queued, not made: the context runs it now. */
  g_assert_cmpint (n_calls, ==, 0);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_cmpint (n_calls, ==, 1);
  g_assert_cmpuint (n_keys, ==, 0);

  g_object_unref (center);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_unref (context);
  finished = TRUE;

  return 0;
}
