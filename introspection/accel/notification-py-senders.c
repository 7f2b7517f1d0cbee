/* notification-py-senders.c: any Python object as a sender
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The core matches GObject senders by pointer. A Python sender that is
 * not a GObject stands for itself through a proxy GObject: one per value
 * for str, int, bytes and tuple senders (kept while observers that name
 * the value exist), one per object for any other (held weakly: when the
 * object is collected the proxy is disposed, which removes its
 * observers, as the core does for a disposed sender). A proxy is made when an observer
 * names the sender; a post or has_observers() with a sender that has
 * none passes no sender, which only observers of every sender match, as
 * they should. The proxy's qdata is the Python sender (a weak reference
 * for an identity one), what observers are given.
 */

#define NO_IMPORT_PYGOBJECT
#include "notification-py.h"

static PyObject *sender_proxies;      /* dict: key -> PyCapsule of the proxy GObject */
static GQuark    sender_quark;        /* qdata of a proxy: its Python sender */

/* The Python object for the core's @sender. */
PyObject *
notification_py_sender_to_python (GObject *sender)
{
  PyObject *stored;

  if (sender == NULL)
    Py_RETURN_NONE;

  stored = g_object_get_qdata (sender, sender_quark);
  if (stored != NULL)
    {
      if (PyWeakref_Check (stored))
        {
          PyObject *target = PyWeakref_GetObject (stored);

          Py_INCREF (target);
          return target;
        }
      Py_INCREF (stored);
      return stored;
    }

  return pygobject_new (sender);
}

/* Senders ------------------------------------------------------------- */

static gboolean
matched_by_value (PyObject *sender)
{
  return PyUnicode_CheckExact (sender) || PyLong_CheckExact (sender) ||
         PyBytes_CheckExact (sender) || PyTuple_CheckExact (sender) ||
         PyBool_Check (sender);
}

/* The key of @sender in sender_proxies (a new reference). */
static PyObject *
sender_key (PyObject *sender)
{
  if (matched_by_value (sender))
    {
      if (PyTuple_CheckExact (sender) && PyObject_Hash (sender) == -1)
        return NULL;
      return Py_NewRef (sender);
    }

  return PyLong_FromVoidPtr (sender);
}

static void
stored_sender_free (gpointer data)
{
  if (Py_IsInitialized ())
    {
      PyGILState_STATE gil = PyGILState_Ensure ();

      Py_DECREF ((PyObject *) data);
      PyGILState_Release (gil);
    }
}

static void
proxy_capsule_free (PyObject *capsule)
{
  g_object_unref (PyCapsule_GetPointer (capsule, NULL));
}

/* An identity sender was collected: its proxy goes, and with it, its
 * observers (the core holds senders weakly and drops the observers of a
 * disposed one). */
static PyObject *
sender_collected (PyObject *self,
                  PyObject *weakref)
{
  PyObject *key = PyObject_GetAttrString (weakref, "key");
  PyObject *capsule;

  if (key == NULL)
    return NULL;
  capsule = PyDict_GetItemWithError (sender_proxies, key);
  if (capsule != NULL)
    {
      GObject *proxy = g_object_ref (PyCapsule_GetPointer (capsule, NULL));

      if (PyDict_DelItem (sender_proxies, key) < 0)
        PyErr_Clear ();
      Py_BEGIN_ALLOW_THREADS
      g_object_run_dispose (proxy);
      g_object_unref (proxy);
      Py_END_ALLOW_THREADS
    }
  Py_DECREF (key);
  if (PyErr_Occurred ())
    return NULL;

  Py_RETURN_NONE;
}

static PyMethodDef sender_collected_def = {
  "_sender_collected", sender_collected, METH_O, NULL
};
static PyObject *sender_collected_func;
static PyObject *keyed_ref_type;  /* a weakref.ref subclass with a 'key' slot */

/* The GObject that stands for @sender in the core. For a GObject, itself;
 * None: NULL. Otherwise its proxy; with @create FALSE, NULL (and no error)
 * when it has none (nobody observes it specifically). Borrowed. Returns
 * FALSE with an exception set on failure. */
gboolean
notification_py_sender_to_core (PyObject  *sender,
                gboolean   create,
                GObject  **out)
{
  PyObject *key, *capsule;
  GObject *proxy;
  PyObject *stored;

  *out = NULL;
  if (sender == Py_None)
    return TRUE;
  if (PyObject_TypeCheck (sender, &PyGObject_Type))
    {
      *out = pygobject_get (sender);
      return TRUE;
    }

  if ((key = sender_key (sender)) == NULL)
    return FALSE;
  capsule = PyDict_GetItemWithError (sender_proxies, key);
  if (capsule != NULL || PyErr_Occurred () || !create)
    {
      if (capsule != NULL)
        {
          proxy = PyCapsule_GetPointer (capsule, NULL);
          /* An identity key may be a recycled address: check the target. */
          stored = g_object_get_qdata (proxy, sender_quark);
          if (!PyWeakref_Check (stored) || PyWeakref_GetObject (stored) == sender)
            *out = proxy;
          else if (!create)
            capsule = NULL;
        }
      if (*out != NULL || !create || PyErr_Occurred ())
        {
          Py_DECREF (key);
          return !PyErr_Occurred ();
        }
    }

  if (matched_by_value (sender))
    stored = Py_NewRef (sender);
  else
    {
      PyObject *ref_args = Py_BuildValue ("(OO)", sender, sender_collected_func);

      stored = ref_args != NULL ? PyObject_Call (keyed_ref_type, ref_args, NULL) : NULL;
      Py_XDECREF (ref_args);
      if (stored == NULL)
        {
          if (PyErr_ExceptionMatches (PyExc_TypeError))
            {
              PyErr_Clear ();
              PyErr_Format (PyExc_TypeError,
                            "a sender must be None, a GObject.Object, a str, int, bytes or "
                            "tuple (matched by value) or an object that supports weak "
                            "references (matched by identity, held weakly); %s does not",
                            Py_TYPE (sender)->tp_name);
            }
          Py_DECREF (key);
          return FALSE;
        }
      if (PyObject_SetAttrString (stored, "key", key) < 0)
        {
          Py_DECREF (stored);
          Py_DECREF (key);
          return FALSE;
        }
    }

  proxy = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_qdata_full (proxy, sender_quark, stored, stored_sender_free);
  capsule = PyCapsule_New (proxy, NULL, proxy_capsule_free);
  if (capsule == NULL || PyDict_SetItem (sender_proxies, key, capsule) < 0)
    {
      Py_XDECREF (capsule);
      Py_DECREF (key);
      return FALSE;
    }
  Py_DECREF (capsule);
  Py_DECREF (key);
  *out = proxy;

  return TRUE;
}

/* Value proxies are counted: the capsule's context is the number of
 * observers added that name the value (notification_py_sender_hold()),
 * and the proxy goes when the last of them is released, so that senders
 * such as request ids do not pile up. */

/* GIL held. After @sender's proxy was made (or found) for an observer:
 * one more observer names it. Returns the key to give
 * notification_py_sender_unhold() when the observer is released, or
 * NULL (no error) for a sender that is not matched by value. */
PyObject *
notification_py_sender_hold (PyObject *sender)
{
  PyObject *key, *capsule;

  if (sender == Py_None || PyObject_TypeCheck (sender, &PyGObject_Type) || !matched_by_value (sender))
    return NULL;
  if ((key = sender_key (sender)) == NULL)
    {
      PyErr_Clear ();
      return NULL;
    }
  capsule = PyDict_GetItemWithError (sender_proxies, key);
  if (capsule == NULL)
    {
      PyErr_Clear ();
      Py_DECREF (key);
      return NULL;
    }
  PyCapsule_SetContext (capsule, (void *) ((guintptr) PyCapsule_GetContext (capsule) + 1));

  return key;
}

/* GIL held. An observer that named the value of @key (from
 * notification_py_sender_hold()) was released: the last one takes the
 * proxy out of the map. Steals @key. */
void
notification_py_sender_unhold (PyObject *key)
{
  PyObject *capsule = PyDict_GetItemWithError (sender_proxies, key);
  guintptr count;

  if (capsule == NULL)
    {
      PyErr_Clear ();
      Py_DECREF (key);
      return;
    }
  count = (guintptr) PyCapsule_GetContext (capsule);
  if (count > 1)
    PyCapsule_SetContext (capsule, (void *) (count - 1));
  else
    {
      GObject *proxy = g_object_ref (PyCapsule_GetPointer (capsule, NULL));

      if (PyDict_DelItem (sender_proxies, key) < 0)
        PyErr_Clear ();
      /* Maybe the last reference: the core forgets the sender under its
       * lock, which is never taken with the GIL held. */
      Py_BEGIN_ALLOW_THREADS
      g_object_unref (proxy);
      Py_END_ALLOW_THREADS
    }
  Py_DECREF (key);
}

/* A reference to @proxy, the core sender of a post, is dropped: without
 * the GIL if it may be the last one (see above). */
void
notification_py_sender_release_core (GObject *proxy)
{
  if (__atomic_load_n (&proxy->ref_count, __ATOMIC_ACQUIRE) == 1)
    {
      Py_BEGIN_ALLOW_THREADS
      g_object_unref (proxy);
      Py_END_ALLOW_THREADS
    }
  else
    g_object_unref (proxy);
}

void
notification_py_senders_set_keyed_ref (PyObject *type)
{
  Py_XSETREF (keyed_ref_type, Py_NewRef (type));
}

int
notification_py_senders_init (PyObject *module)
{
  sender_quark = g_quark_from_static_string ("notification-py-sender");
  sender_proxies = PyDict_New ();
  sender_collected_func = PyCFunction_New (&sender_collected_def, NULL);
  if (sender_proxies == NULL || sender_collected_func == NULL ||
      PyModule_AddObjectRef (module, "sender_proxies", sender_proxies) < 0)
    return -1;

  return 0;
}
