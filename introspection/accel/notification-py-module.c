/* notification-py-module.c: gi.overrides._notification, the accelerator
 * of the Python override
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The hot paths of Notification.py, in C: post() (METH_FASTCALL with
 * keywords, a method descriptor of Notification.Center), the trampoline
 * that calls Python observers (vectorcall), and the conversions between
 * Python values and GVariant (notification-py-convert.c).
 *
 * A post from Python carries its keyword arguments as the native form of
 * a NotificationUserInfo (the core's "user info built on first use"):
 * Python observers are called with the very values that were posted,
 * and the a{sv} is built, once, only if a C observer, a signal handler, a
 * bridge or a schema needs it.
 *
 * Senders: a GObject is itself; None is no sender; any other object
 * stands for itself through a proxy GObject that the core matches: by
 * value for str, int, bytes and tuples (kept while observers name it),
 * by identity for anything else (held weakly: the proxy is disposed, and
 * its observers removed, when the object is collected).
 *
 * Threads: every entry point runs with the GIL; the core calls the
 * trampoline without any of its locks held, and the trampoline takes the
 * GIL. add and remove release the GIL around the core's registry lock.
 */

#include "notification-py.h"

#include <structmember.h>
#include <string.h>

/* The kind of the native form of a Python post. */
const int notification_py_kind;

/* Observers ------------------------------------------------------------ */

typedef struct
{
  PyObject_HEAD
  PyObject *callback;    /* (owned) (nullable) */
  PyObject *method_ref;  /* (owned) (nullable) a weakref.WeakMethod */
  PyObject *weakreflist;
  PyObject *map;         /* (owned) (nullable) its center's map, once added */
  PyObject *handle;      /* (owned) (nullable) its id, once added */
  gboolean  released;    /* the core let it go; GIL */
  PyObject *value_key;   /* (owned) (nullable) its sender's, if matched by value */
} Observer;

/* Per center (qdata, created by the first add): observer id -> Observer,
 * for remove_observer(callable). An entry goes when the core releases
 * the observer, or at once when it is removed by id. */
static GQuark observers_quark;

static PyTypeObject Observer_Type;


static void
report_exception (void)
{
  PyObject *type, *value, *tb, *hook, *result;

  PyErr_Fetch (&type, &value, &tb);
  PyErr_NormalizeException (&type, &value, &tb);
  if (tb != NULL && value != NULL)
    PyException_SetTraceback (value, tb);
  hook = PySys_GetObject ("excepthook");
  if (hook != NULL)
    {
      result = PyObject_CallFunctionObjArgs (hook, type, value != NULL ? value : Py_None,
                                             tb != NULL ? tb : Py_None, NULL);
      if (result == NULL)
        PyErr_Clear ();
      Py_XDECREF (result);
    }
  Py_XDECREF (type);
  Py_XDECREF (value);
  Py_XDECREF (tb);
}

static void
observer_call (NotificationCenter   *center,
               const char           *type,
               GObject              *sender,
               NotificationUserInfo *user_info,
               gpointer              user_data)
{
  Observer *self = user_data;
  PyNative *native = user_info != NULL ? notification_user_info_get_native (user_info, &notification_py_kind) : NULL;
  PyObject *result = NULL;
  PyObject *callback;
  PyGILState_STATE gil;

  /* A C thread posting after the interpreter has gone: nobody to call. */
  if (G_UNLIKELY (!Py_IsInitialized ()))
    return;

  gil = PyGILState_Ensure ();
  callback = self->callback;

  if (self->method_ref != NULL)
    {
      callback = PyObject_CallNoArgs (self->method_ref);
      if (callback == NULL || callback == Py_None)
        goto out;
    }
  else
    Py_INCREF (callback);

  if (native != NULL && native->built != NULL)
    {
      /* Containers or variants: each observer gets fresh values, as
       * unpacked from the one dictionary. */
      PyObject *args[2] = { native->type, native->sender };
      PyObject *kwargs = notification_py_unpack_vardict (native->built);

      if (kwargs != NULL)
        result = PyObject_VectorcallDict (callback, args, 2, kwargs);
      Py_XDECREF (kwargs);
    }
  else if (native != NULL)
    {
      PyObject *small[2 + 8];
      PyObject **args = native->n <= 8 ? small : g_new (PyObject *, 2 + native->n);

      args[0] = native->type;
      args[1] = native->sender;
      for (Py_ssize_t i = 0; i < native->n; i++)
        args[2 + i] = native->values[i];
      result = PyObject_Vectorcall (callback, args, 2, native->kwnames);
      if (args != small)
        g_free (args);
    }
  else
    {
      PyObject *args[2];
      PyObject *kwargs = NULL;

      args[0] = PyUnicode_FromString (type);
      args[1] = notification_py_sender_to_python (sender);
      if (user_info != NULL)
        kwargs = notification_py_unpack_vardict (notification_user_info_get_variant (user_info));
      if (args[0] != NULL && args[1] != NULL && (user_info == NULL || kwargs != NULL))
        result = PyObject_VectorcallDict (callback, args, 2, kwargs);
      Py_XDECREF (args[0]);
      Py_XDECREF (args[1]);
      Py_XDECREF (kwargs);
    }

out:
  if (result == NULL && PyErr_Occurred ())
    report_exception ();
  Py_XDECREF (result);
  Py_XDECREF (callback);
  PyGILState_Release (gil);
}

/* Forgets @self in its center's map, if it is still there. GIL held. */
static void
observer_forget (Observer *self)
{
  PyObject *found;

  if (self->map == NULL)
    return;
  found = PyDict_GetItemWithError (self->map, self->handle);
  if (found == (PyObject *) self && PyDict_DelItem (self->map, self->handle) < 0)
    PyErr_Clear ();
  else if (found == NULL)
    PyErr_Clear ();
  Py_CLEAR (self->map);
}

static void
observer_release (gpointer data)
{
  PyGILState_STATE gil;
  Observer *self = data;

  if (G_UNLIKELY (!Py_IsInitialized ()))
    return;  /* the interpreter and its objects are gone */

  gil = PyGILState_Ensure ();

  self->released = TRUE;
  observer_forget (self);
  if (self->value_key != NULL)
    notification_py_sender_unhold (g_steal_pointer (&self->value_key));
  Py_DECREF (self);
  PyGILState_Release (gil);
}

static void
observers_map_free (gpointer data)
{
  if (Py_IsInitialized ())
    {
      PyGILState_STATE gil = PyGILState_Ensure ();

      Py_DECREF ((PyObject *) data);
      PyGILState_Release (gil);
    }
}

/* The map of @center (borrowed), made if @create. */
static PyObject *
observers_map (NotificationCenter *center,
               gboolean            create)
{
  PyObject *map = g_object_get_qdata (G_OBJECT (center), observers_quark);

  if (map == NULL && create)
    {
      map = PyDict_New ();
      if (map != NULL)
        g_object_set_qdata_full (G_OBJECT (center), observers_quark, map, observers_map_free);
    }

  return map;
}

static PyObject *
Observer_new (PyTypeObject *type,
              PyObject     *args,
              PyObject     *kwargs)
{
  static char *names[] = { "callback", "method_ref", NULL };
  PyObject *callback = Py_None, *method_ref = Py_None;
  Observer *self;

  if (!PyArg_ParseTupleAndKeywords (args, kwargs, "|OO", names, &callback, &method_ref))
    return NULL;
  if (callback == Py_None && method_ref == Py_None)
    {
      PyErr_SetString (PyExc_TypeError, "an observer needs a callback or a method_ref");
      return NULL;
    }
  self = (Observer *) type->tp_alloc (type, 0);
  if (self == NULL)
    return NULL;
  if (callback != Py_None)
    self->callback = Py_NewRef (callback);
  if (method_ref != Py_None)
    self->method_ref = Py_NewRef (method_ref);

  return (PyObject *) self;
}

static int
Observer_traverse (Observer *self, visitproc visit, void *arg)
{
  Py_VISIT (self->callback);
  Py_VISIT (self->method_ref);
  Py_VISIT (self->map);
  return 0;
}

static int
Observer_clear (Observer *self)
{
  Py_CLEAR (self->callback);
  Py_CLEAR (self->method_ref);
  Py_CLEAR (self->map);
  Py_CLEAR (self->handle);
  Py_CLEAR (self->value_key);
  return 0;
}

static void
Observer_dealloc (Observer *self)
{
  PyObject_GC_UnTrack (self);
  if (self->weakreflist != NULL)
    PyObject_ClearWeakRefs ((PyObject *) self);
  Observer_clear (self);
  Py_TYPE (self)->tp_free ((PyObject *) self);
}

static PyMemberDef Observer_members[] = {
  { "callback", T_OBJECT, offsetof (Observer, callback), READONLY, "the callable, held strongly (None if weak)" },
  { "method_ref", T_OBJECT, offsetof (Observer, method_ref), READONLY, "the weakref.WeakMethod, or None" },
  { NULL }
};

static PyTypeObject Observer_Type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "gi.overrides._notification.Observer",
  .tp_doc = "What the core calls for one Python observer.",
  .tp_basicsize = sizeof (Observer),
  .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
  .tp_new = Observer_new,
  .tp_dealloc = (destructor) Observer_dealloc,
  .tp_traverse = (traverseproc) Observer_traverse,
  .tp_clear = (inquiry) Observer_clear,
  .tp_members = Observer_members,
  .tp_weaklistoffset = offsetof (Observer, weakreflist),
};

/* Native user info ------------------------------------------------------ */

GVariant *
notification_py_native_build (gpointer data)
{
  PyNative *native = data;
  PyGILState_STATE gil;
  GVariantBuilder builder;

  if (native->built != NULL)
    return g_variant_ref (native->built);

  /* A call queued for a C observer and run once the interpreter is gone
   * (a C thread's context, or the embedder's after Py_FinalizeEx()):
   * the values went with it, and taking the GIL would end this thread.
   * The dictionary is empty. */
  if (G_UNLIKELY (!Py_IsInitialized ()))
    return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);

  gil = PyGILState_Ensure ();

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (Py_ssize_t i = 0; i < native->n; i++)
    {
      GVariant *child = notification_py_natural (native->values[i]);

      if (child == NULL)
        {
          /* Checked when posted: only a value changed since can fail. */
          PyErr_WriteUnraisable (native->values[i]);
          continue;
        }
      g_variant_builder_add (&builder, "{sv}",
                             PyUnicode_AsUTF8 (PyTuple_GET_ITEM (native->kwnames, i)), child);
      g_variant_unref (child);
    }
  PyGILState_Release (gil);

  return g_variant_builder_end (&builder);
}

void
notification_py_native_free (gpointer data)
{
  PyNative *native = data;
  PyGILState_STATE gil;

  if (G_UNLIKELY (!Py_IsInitialized ()))
    return;  /* the interpreter and its objects are gone */

  gil = PyGILState_Ensure ();
  Py_DECREF (native->type);
  Py_DECREF (native->sender);
  Py_XDECREF (native->kwnames);
  for (Py_ssize_t i = 0; i < native->n; i++)
    Py_DECREF (native->values[i]);
  PyGILState_Release (gil);
  if (native->built != NULL)
    g_variant_unref (native->built);
  g_free (native);
}

PyNative *
notification_py_native_new (PyObject          *type,
            PyObject          *sender,
            PyObject          *kwnames,
            PyObject *const   *values,
            Py_ssize_t         n)
{
  PyNative *native = g_malloc (sizeof (PyNative) + n * sizeof (PyObject *));

  native->type = Py_NewRef (type);
  native->sender = Py_NewRef (sender);
  native->built = NULL;
  native->kwnames = Py_XNewRef (kwnames);
  native->n = n;
  for (Py_ssize_t i = 0; i < n; i++)
    native->values[i] = Py_NewRef (values[i]);

  return native;
}


NotificationCenter *
notification_py_center_of (PyObject *self)
{
  if (!PyObject_TypeCheck (self, &PyGObject_Type) || !NOTIFICATION_IS_CENTER (pygobject_get (self)))
    {
      PyErr_SetString (PyExc_TypeError, "expected a Notification.Center");
      return NULL;
    }

  return (NotificationCenter *) pygobject_get (self);
}

const char *
notification_py_type_of (PyObject *type)
{
  const char *utf8;
  Py_ssize_t size;

  if (!PyUnicode_Check (type))
    {
      PyErr_Format (PyExc_TypeError, "the notification type must be a str, not %s",
                    type == Py_None ? "None" : Py_TYPE (type)->tp_name);
      return NULL;
    }
  if ((utf8 = PyUnicode_AsUTF8AndSize (type, &size)) == NULL)
    return NULL;
  if (*utf8 == '\0')
    {
      PyErr_SetString (PyExc_ValueError, "the notification type must be a non-empty str");
      return NULL;
    }
  /* Else the core would see it cut short at the NUL. */
  if ((Py_ssize_t) strlen (utf8) != size)
    {
      PyErr_Format (PyExc_ValueError, "the notification type %R contains a NUL character", type);
      return NULL;
    }

  return utf8;
}

/* Module functions ------------------------------------------------------- */

static gboolean
object_arg (PyObject  *value,
            GObject  **out,
            const char *what)
{
  *out = NULL;
  if (value == Py_None)
    return TRUE;
  if (!PyObject_TypeCheck (value, &PyGObject_Type))
    {
      PyErr_Format (PyExc_TypeError, "%s must be a GObject.Object or None, not %s", what, Py_TYPE (value)->tp_name);
      return FALSE;
    }
  *out = pygobject_get (value);
  return TRUE;
}

PyDoc_STRVAR (add_doc,
"add(center, type, sender, owner, context, coalesce, observer, /) -> id\n--\n\n"
"Adds ``observer`` (an Observer) to the core; it holds it until removed.");

static PyObject *
module_add (PyObject        *module,
            PyObject *const *args,
            Py_ssize_t       nargs)
{
  NotificationCenter *center;
  const char *type = NULL;
  GObject *sender, *owner;
  GMainContext *context = NULL;
  NotificationObserverFlags flags = NOTIFICATION_OBSERVER_DEFAULT;
  Observer *observer;
  PyObject *map, *handle, *value_key;
  gboolean proxied;
  gulong id;

  if (nargs != 7)
    {
      PyErr_SetString (PyExc_TypeError, "add() takes 7 arguments");
      return NULL;
    }
  if ((center = notification_py_center_of (args[0])) == NULL)
    return NULL;
  if (args[1] != Py_None && (type = notification_py_type_of (args[1])) == NULL)
    return NULL;
  if (!notification_py_sender_to_core (args[2], TRUE, &sender))
    return NULL;
  if (!object_arg (args[3], &owner, "owner"))
    return NULL;
  if (args[4] != Py_None)
    {
      if (!pyg_boxed_check (args[4], G_TYPE_MAIN_CONTEXT))
        {
          PyErr_Format (PyExc_TypeError, "context must be a GLib.MainContext or None, not %s",
                        Py_TYPE (args[4])->tp_name);
          return NULL;
        }
      context = pyg_boxed_get (args[4], GMainContext);
    }
  if (PyObject_IsTrue (args[5]))
    flags |= NOTIFICATION_OBSERVER_COALESCE;
  if (!PyObject_TypeCheck (args[6], &Observer_Type))
    {
      PyErr_SetString (PyExc_TypeError, "observer must be an Observer");
      return NULL;
    }

  if ((map = observers_map (center, TRUE)) == NULL)
    return NULL;
  observer = (Observer *) args[6];
  if (observer->map != NULL || observer->released)
    {
      PyErr_SetString (PyExc_ValueError, "an Observer is added once");
      return NULL;
    }

  Py_INCREF (observer);
  /* A value's proxy lives while observers name it: counted now, and
   * referenced for the call, as another thread may release the last
   * other observer of the value while this one is being added. */
  value_key = notification_py_sender_hold (args[2]);
  /* A GObject sender is held by the caller (and referencing one held by
   * a toggle reference would cost two toggle notifies). */
  proxied = sender != NULL && !PyObject_TypeCheck (args[2], &PyGObject_Type);
  if (proxied)
    g_object_ref (sender);
  /* The registry lock is taken without the GIL: a thread holding it may
   * need the GIL (a toggle reference), and one delivering needs it. */
  Py_BEGIN_ALLOW_THREADS
  id = notification_center_add_user_info_observer (center, type, sender, owner, context, flags,
                                                   observer_call, observer, observer_release);
  if (proxied)
    g_object_unref (sender);
  Py_END_ALLOW_THREADS

  /* Released already: it let go of nothing, so the count goes here. */
  if (value_key != NULL && observer->released)
    notification_py_sender_unhold (value_key);
  else
    observer->value_key = value_key;

  handle = PyLong_FromUnsignedLong (id);
  if (handle == NULL)
    return NULL;
  /* Released already (by another thread, or its sender gone)? Then it is
   * not remembered. */
  if (!observer->released)
    {
      if (PyDict_SetItem (map, handle, (PyObject *) observer) < 0)
        {
          Py_DECREF (handle);
          return NULL;
        }
      observer->map = Py_NewRef (map);
      observer->handle = Py_NewRef (handle);
    }

  return handle;
}

static PyObject *
module_remove (PyObject        *module,
               PyObject *const *args,
               Py_ssize_t       nargs)
{
  NotificationCenter *center;
  PyObject *map;
  unsigned long id;

  if (nargs != 2)
    {
      PyErr_SetString (PyExc_TypeError, "remove() takes a center and an id");
      return NULL;
    }
  if ((center = notification_py_center_of (args[0])) == NULL)
    return NULL;
  id = PyLong_AsUnsignedLong (args[1]);
  if (id == (unsigned long) -1 && PyErr_Occurred ())
    return NULL;
  if (id == 0)
    {
      PyErr_SetString (PyExc_ValueError, "an observer id is never 0");
      return NULL;
    }

  /* Forgotten now, not when the core releases it: for an observer on a
   * main context that is when the context next runs. */
  map = observers_map (center, FALSE);
  if (map != NULL)
    {
      Observer *found = (Observer *) PyDict_GetItemWithError (map, args[1]);

      if (found != NULL)
        observer_forget (found);
      else if (PyErr_Occurred ())
        return NULL;
    }

  Py_BEGIN_ALLOW_THREADS
  notification_center_remove_observer (center, id);
  Py_END_ALLOW_THREADS

  Py_RETURN_NONE;
}

static PyObject *
module_observers (PyObject *module,
                  PyObject *center_obj)
{
  NotificationCenter *center = notification_py_center_of (center_obj);
  PyObject *map;

  if (center == NULL)
    return NULL;
  map = observers_map (center, FALSE);
  if (map == NULL)
    return PyDict_New ();

  return PyDict_Copy (map);
}

static PyObject *
module_python_sender (PyObject *module,
                      PyObject *sender)
{
  if (sender == Py_None || !PyObject_TypeCheck (sender, &PyGObject_Type))
    return Py_NewRef (sender);

  return notification_py_sender_to_python (pygobject_get (sender));
}

static PyObject *
module_install (PyObject        *module,
                PyObject *const *args,
                Py_ssize_t       nargs)
{
  PyObject *descr;

  if (nargs != 3 || !PyType_Check (args[0]) || !PyType_Check (args[1]) || !PyType_Check (args[2]))
    {
      PyErr_SetString (PyExc_TypeError, "install(Center, GLib.Variant, KeyedRef)");
      return NULL;
    }
  Py_XSETREF (notification_py_variant_class, Py_NewRef (args[1]));
  notification_py_senders_set_keyed_ref (args[2]);

  descr = PyDescr_NewMethod ((PyTypeObject *) args[0], &notification_py_center_post_def);
  if (descr == NULL || PyObject_SetAttrString (args[0], "post", descr) < 0)
    return NULL;
  Py_DECREF (descr);
  descr = PyDescr_NewMethod ((PyTypeObject *) args[0], &notification_py_center_has_observers_def);
  if (descr == NULL || PyObject_SetAttrString (args[0], "has_observers", descr) < 0)
    return NULL;
  Py_DECREF (descr);

  Py_RETURN_NONE;
}

static PyObject *
module_to_variant (PyObject *module,
                   PyObject *const *args,
                   Py_ssize_t nargs)
{
  GVariant *variant;
  char *why = NULL;
  PyObject *result;

  if (nargs == 1)
    variant = notification_py_natural (args[0]);
  else if (nargs == 2 && PyUnicode_Check (args[1]) &&
           g_variant_type_string_is_valid (PyUnicode_AsUTF8 (args[1])))
    {
      variant = notification_py_typed (args[0], G_VARIANT_TYPE (PyUnicode_AsUTF8 (args[1])), &why);
      if (variant == NULL)
        {
          PyErr_Format (PyExc_TypeError, "the value does not fit '%U'%s%s", args[1],
                        why != NULL ? ": " : "", why != NULL ? why : "");
          g_free (why);
        }
    }
  else
    {
      PyErr_SetString (PyExc_TypeError, "to_variant(value, type_string=None)");
      return NULL;
    }
  if (variant == NULL)
    return NULL;
  {
    char *text = g_variant_print (variant, TRUE);

    result = PyUnicode_FromString (text);
    g_free (text);
  }
  g_variant_unref (variant);

  return result;
}

static PyMethodDef module_methods[] = {
  { "add", (PyCFunction) (void (*) (void)) module_add, METH_FASTCALL, add_doc },
  { "remove", (PyCFunction) (void (*) (void)) module_remove, METH_FASTCALL,
    "remove(center, id, /): removes an observer, without the GIL" },
  { "observers", module_observers, METH_O,
    "observers(center, /): a copy of the center's map of observer id -> Observer" },
  { "python_sender", module_python_sender, METH_O,
    "python_sender(sender, /): the Python object a core sender stands for" },
  { "install", (PyCFunction) (void (*) (void)) module_install, METH_FASTCALL,
    "install(Center, Variant, KeyedRef, /): makes post and has_observers methods of Center" },
  { "to_variant", (PyCFunction) (void (*) (void)) module_to_variant, METH_FASTCALL,
    "to_variant(value, type_string=None, /): the GVariant text of a conversion (for tests)" },
  { NULL }
};

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT,
  .m_name = "gi.overrides._notification",
  .m_doc = "The C accelerator of the Notification override.",
  .m_size = -1,
  .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__notification (void);

PyMODINIT_FUNC
PyInit__notification (void)
{
  PyObject *module;

  if (pygobject_init (-1, -1, -1) == NULL)
    return NULL;
  if (PyType_Ready (&Observer_Type) < 0)
    return NULL;
  module = PyModule_Create (&module_def);
  if (module == NULL)
    return NULL;
  observers_quark = g_quark_from_static_string ("notification-py-observers");
  if (PyModule_AddObjectRef (module, "Observer", (PyObject *) &Observer_Type) < 0 ||
      notification_py_senders_init (module) < 0)
    {
      Py_DECREF (module);
      return NULL;
    }

  return module;
}
