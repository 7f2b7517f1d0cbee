/* notification-py-post.c: Center.post() and Center.has_observers(), the
 * accelerator's hot path
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define NO_IMPORT_PYGOBJECT
#include "notification-py.h"

#include <string.h>

/* post() and has_observers() ------------------------------------------- */



static gboolean
raise_error (GError *error)
{
  return pyg_error_check (&error);
}

/* The a{sv} of keyword values, converted to the types @schema declares. */
static GVariant *
schema_user_info (NotificationSchema *schema,
                  const char         *type,
                  PyObject           *kwnames,
                  PyObject *const    *values,
                  Py_ssize_t          n,
                  GError            **error)
{
  gboolean allow_unknown = notification_schema_get_allow_unknown_keys (schema);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (Py_ssize_t i = 0; i < n; i++)
    {
      const char *key = PyUnicode_AsUTF8 (PyTuple_GET_ITEM (kwnames, i));
      const GVariantType *declared = notification_schema_get_key_type (schema, key);
      GVariant *child;
      char *why = NULL;

      if (declared == NULL)
        {
          if (!allow_unknown)
            {
              char **keys = notification_schema_list_keys (schema);
              char *list = g_strjoinv (", ", keys);

              g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_UNKNOWN_KEY,
                           "Notification '%s': key '%s' is not declared by the schema (declared: %s)",
                           type, key, *list != '\0' ? list : "none");
              g_free (list);
              g_strfreev (keys);
              goto fail;
            }
          child = notification_py_natural (values[i]);
          if (child == NULL)
            {
              PyObject *ptype, *pvalue, *ptb, *text;

              PyErr_Fetch (&ptype, &pvalue, &ptb);
              text = pvalue != NULL ? PyObject_Str (pvalue) : NULL;
              g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_INVALID_USER_INFO,
                           "Notification '%s': key '%s' (not declared): %s", type, key,
                           text != NULL ? PyUnicode_AsUTF8 (text) : "cannot convert");
              Py_XDECREF (text);
              Py_XDECREF (ptype);
              Py_XDECREF (pvalue);
              Py_XDECREF (ptb);
              PyErr_Clear ();
              goto fail;
            }
        }
      else if ((child = notification_py_typed (values[i], declared, &why)) == NULL)
        {
          char *type_string = g_variant_type_dup_string (declared);

          if (why != NULL)
            g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE,
                         "Notification '%s': key '%s' (GVariant type '%s'): %s",
                         type, key, type_string, why);
          else
            {
              char *hint = notification_py_hint (declared);
              const char *got = Py_TYPE (values[i])->tp_name;

              if (PyObject_TypeCheck (values[i], (PyTypeObject *) notification_py_variant_class))
                g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE,
                             "Notification '%s': key '%s' must be of GVariant type '%s' (%s), "
                             "got a GLib.Variant of type '%s'", type, key, type_string, hint,
                             g_variant_get_type_string (pyg_pointer_get (values[i], GVariant)));
              else
                g_set_error (error, NOTIFICATION_ERROR, NOTIFICATION_ERROR_WRONG_TYPE,
                             "Notification '%s': key '%s' must be of GVariant type '%s' (%s), "
                             "got a value of Python type %s", type, key, type_string, hint, got);
              g_free (hint);
            }
          g_free (why);
          g_free (type_string);
          goto fail;
        }
      g_variant_builder_add (&builder, "{sv}", key, child);
      g_variant_unref (child);
    }

  return g_variant_ref_sink (g_variant_builder_end (&builder));

fail:
  g_variant_builder_clear (&builder);
  return NULL;
}

/* Re-raises the conversion error of @key with the type and key named. */
static void
name_key_in_error (const char *type,
                   PyObject   *key)
{
  PyObject *ptype, *pvalue, *ptb;

  PyErr_Fetch (&ptype, &pvalue, &ptb);
  PyErr_NormalizeException (&ptype, &pvalue, &ptb);
  if (PyErr_GivenExceptionMatches (ptype, PyExc_TypeError) ||
      PyErr_GivenExceptionMatches (ptype, PyExc_ValueError))
    {
      PyErr_Format (PyErr_GivenExceptionMatches (ptype, PyExc_TypeError) ? PyExc_TypeError : PyExc_ValueError,
                    "%s: user info key %R: %S", type, key, pvalue);
      Py_XDECREF (ptype);
      Py_XDECREF (pvalue);
      Py_XDECREF (ptb);
    }
  else
    PyErr_Restore (ptype, pvalue, ptb);
}

/* Whether every key is a GVariant string (UTF-8, no NUL), as the a{sv}
 * needs: else ValueError naming it. */
static gboolean
keys_valid (const char *type,
            PyObject   *kwnames,
            Py_ssize_t  n)
{
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *key = PyTuple_GET_ITEM (kwnames, i);
      Py_ssize_t size;
      const char *utf8 = PyUnicode_AsUTF8AndSize (key, &size);

      if (utf8 == NULL || (Py_ssize_t) strlen (utf8) != size)
        {
          PyErr_Clear ();
          PyErr_Format (PyExc_ValueError,
                        "%s: user info key %R is not a GVariant string (UTF-8 without NUL)",
                        type, key);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
post_values (NotificationCenter *center,
             PyObject           *type_obj,
             const char         *type,
             PyObject           *sender,
             GObject            *core_sender,
             PyObject           *kwnames,
             PyObject *const    *values,
             Py_ssize_t          n)
{
  NotificationSchema *schema = notification_center_lookup_schema (center, type);
  NotificationUserInfo *user_info = NULL;
  GError *error = NULL;
  gboolean ok;

  if (!keys_valid (type, kwnames, n))
    {
      g_clear_object (&schema);
      return FALSE;
    }
  if (schema != NULL)
    {
      GVariant *variant = schema_user_info (schema, type, kwnames, values, n, &error);

      g_object_unref (schema);
      if (variant == NULL)
        return !raise_error (error);
      user_info = notification_user_info_new (variant);
      g_variant_unref (variant);
    }
  else if (n > 0 || !(sender == Py_None || PyObject_TypeCheck (sender, &PyGObject_Type)))
    {
      gboolean scalars = TRUE;
      PyNative *native;

      /* Immutable scalars reach Python observers as the very objects
       * posted; anything else (containers, bytearray, GLib.Variant) is
       * converted now and reaches them unpacked, fresh for each, as
       * through a C observer. Either way a value that cannot convert
       * raises here. */
      for (Py_ssize_t i = 0; i < n; i++)
        {
          PyTypeObject *t = Py_TYPE (values[i]);

          if (t != &PyUnicode_Type && t != &PyLong_Type && t != &PyFloat_Type &&
              t != &PyBool_Type && t != &PyBytes_Type)
            scalars = FALSE;
          if (notification_py_check (values[i]) < 0)
            {
              name_key_in_error (type, PyTuple_GET_ITEM (kwnames, i));
              return FALSE;
            }
        }
      native = notification_py_native_new (type_obj, sender, n > 0 ? kwnames : NULL, values, n);
      if (!scalars)
        {
          native->built = NULL;
          native->built = notification_py_native_build (native);
          g_variant_ref_sink (native->built);
        }
      user_info = notification_user_info_new_native (&notification_py_kind, native, notification_py_native_build, notification_py_native_free);
    }

  ok = notification_center_post_user_info (center, type, core_sender, user_info, &error);
  if (user_info != NULL)
    notification_user_info_unref (user_info);
  if (!ok)
    return !raise_error (error);

  return TRUE;
}

PyDoc_STRVAR (center_post_doc,
"post(type, sender=None, user_info=None, /, **user_info_kwargs)\n--\n\n"
"Posts ``type`` from ``sender`` with the keyword arguments as user info.\n"
"Returns at once, converting nothing, when nobody observes it.");

static PyObject *
center_post (PyObject        *self,
             PyObject *const *args,
             Py_ssize_t       nargs,
             PyObject        *kwnames)
{
  NotificationCenter *center = notification_py_center_of (self);
  PyObject *sender = nargs > 1 ? args[1] : Py_None;
  PyObject *user_info = nargs > 2 ? args[2] : Py_None;
  Py_ssize_t n = kwnames != NULL ? PyTuple_GET_SIZE (kwnames) : 0;
  GObject *core_sender;
  const char *type;
  gboolean proxied;
  gboolean ok;

  if (center == NULL)
    return NULL;
  if (nargs < 1 || nargs > 3)
    {
      PyErr_Format (PyExc_TypeError, "post() takes from 1 to 3 positional arguments but %zd were given", nargs);
      return NULL;
    }
  if ((type = notification_py_type_of (args[0])) == NULL)
    return NULL;
  if (!notification_py_sender_to_core (sender, FALSE, &core_sender))
    return NULL;

  if (!notification_center_has_observers (center, type, core_sender))
    {
      NotificationSchema *schema;

      if (!notification_center_get_strict_schemas (center))
        Py_RETURN_NONE;
      schema = notification_center_lookup_schema (center, type);
      if (schema == NULL)
        Py_RETURN_NONE;
      g_object_unref (schema);
    }

  /* A value's proxy may lose its last observer, and the map its
   * reference, while Python observers run: referenced for the post. */
  proxied = core_sender != NULL && !PyObject_TypeCheck (sender, &PyGObject_Type);
  if (proxied)
    g_object_ref (core_sender);

  if (user_info == Py_None)
    ok = post_values (center, args[0], type, sender, core_sender, kwnames, args + nargs, n);
  else if (PyObject_TypeCheck (user_info, (PyTypeObject *) notification_py_variant_class))
    {
      GVariant *variant = pyg_pointer_get (user_info, GVariant);
      GError *error = NULL;

      if (n > 0)
        {
          PyErr_SetString (PyExc_TypeError, "post() takes user info either as a GLib.Variant or as keywords, not both");
          ok = FALSE;
        }
      else if (!g_variant_is_of_type (variant, G_VARIANT_TYPE_VARDICT))
        {
          PyErr_Format (PyExc_TypeError, "%s: user info must be an 'a{sv}' variant, not '%s'",
                        type, g_variant_get_type_string (variant));
          ok = FALSE;
        }
      else
        ok = notification_center_post_checked (center, type, core_sender, variant, &error) || !raise_error (error);
    }
  else if (PyDict_Check (user_info))
    {
      PyObject *merged = PyDict_Copy (user_info);
      PyObject *names = NULL, **values = NULL;
      Py_ssize_t pos = 0, m, i = 0;
      PyObject *key, *value;

      ok = FALSE;
      if (merged == NULL)
        goto out;
      for (Py_ssize_t k = 0; k < n; k++)
        if (PyDict_SetItem (merged, PyTuple_GET_ITEM (kwnames, k), args[nargs + k]) < 0)
          goto merged_out;
      m = PyDict_GET_SIZE (merged);
      names = PyTuple_New (m);
      values = g_new (PyObject *, m > 0 ? m : 1);
      if (names == NULL)
        goto merged_out;
      while (PyDict_Next (merged, &pos, &key, &value))
        {
          if (!PyUnicode_Check (key))
            {
              PyErr_Format (PyExc_TypeError, "%s: user info keys must be str, not %R", type, key);
              goto merged_out;
            }
          PyTuple_SET_ITEM (names, i, Py_NewRef (key));
          values[i++] = value;
        }
      ok = post_values (center, args[0], type, sender, core_sender, names, values, m);
merged_out:
      Py_XDECREF (names);
      g_free (values);
      Py_DECREF (merged);
    }
  else
    {
      PyErr_Format (PyExc_TypeError, "%s: user info must be a dict or a GLib.Variant, not %s",
                    type, Py_TYPE (user_info)->tp_name);
      ok = FALSE;
    }

out:
  if (proxied)
    notification_py_sender_release_core (core_sender);
  if (!ok)
    return NULL;
  Py_RETURN_NONE;
}

PyDoc_STRVAR (center_has_observers_doc,
"has_observers(type, sender=None, /)\n--\n\n"
"Whether a post of ``type`` from ``sender`` made now would reach anybody.");

static PyObject *
center_has_observers (PyObject        *self,
                      PyObject *const *args,
                      Py_ssize_t       nargs)
{
  NotificationCenter *center = notification_py_center_of (self);
  GObject *core_sender;
  const char *type;

  if (center == NULL)
    return NULL;
  if (nargs < 1 || nargs > 2)
    {
      PyErr_SetString (PyExc_TypeError, "has_observers() takes a type and an optional sender");
      return NULL;
    }
  if ((type = notification_py_type_of (args[0])) == NULL)
    return NULL;
  if (!notification_py_sender_to_core (nargs > 1 ? args[1] : Py_None, FALSE, &core_sender))
    return NULL;

  return PyBool_FromLong (notification_center_has_observers (center, type, core_sender));
}

PyMethodDef notification_py_center_post_def = {
  "post", (PyCFunction) (void (*) (void)) center_post, METH_FASTCALL | METH_KEYWORDS, center_post_doc
};
PyMethodDef notification_py_center_has_observers_def = {
  "has_observers", (PyCFunction) (void (*) (void)) center_has_observers, METH_FASTCALL, center_has_observers_doc
};

