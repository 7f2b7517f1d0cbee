/* notification-py-convert.c: Python values <-> GVariant, for the accelerator
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Without a schema a value converts by its Python type (the table of the
 * override's documentation); with one, to the declared type. A str is a
 * string, never an array of characters; a dict is a dictionary; bytes
 * are "ay". Every function returns a full reference (never floating) or
 * NULL with the reason set.
 */

/* The module defines PyGObject's API pointer. */
#define NO_IMPORT_PYGOBJECT
#include "notification-py.h"

#include <string.h>

PyObject *notification_py_variant_class;

static GVariant *
sunk (GVariant *value)
{
  return g_variant_ref_sink (value);
}

static gboolean
is_variant (PyObject *value)
{
  return notification_py_variant_class != NULL &&
         PyObject_TypeCheck (value, (PyTypeObject *) notification_py_variant_class);
}

static GVariant *
variant_of (PyObject *value)
{
  return pyg_pointer_get (value, GVariant);
}

/* The UTF-8 of a str without NUL, or NULL with ValueError. */
static const char *
string_of (PyObject *value)
{
  Py_ssize_t size;
  const char *utf8 = PyUnicode_AsUTF8AndSize (value, &size);

  if (utf8 == NULL)
    return NULL;
  if ((Py_ssize_t) strlen (utf8) != size)
    {
      PyErr_SetString (PyExc_ValueError, "a GVariant string cannot contain a NUL character");
      return NULL;
    }

  return utf8;
}

static GVariant *
natural_int (PyObject *value)
{
  int overflow;
  long long v = PyLong_AsLongLongAndOverflow (value, &overflow);

  if (overflow == 0)
    {
      if (v == -1 && PyErr_Occurred ())
        return NULL;
      return sunk (g_variant_new_int64 (v));
    }
  if (overflow > 0)
    {
      unsigned long long u = PyLong_AsUnsignedLongLong (value);

      if (!(u == (unsigned long long) -1 && PyErr_Occurred ()))
        return sunk (g_variant_new_uint64 (u));
      PyErr_Clear ();
    }
  PyErr_Format (PyExc_ValueError, "integer %S does not fit in int64 or uint64", value);

  return NULL;
}

static GVariant *
natural_bytes (PyObject *value)
{
  const char *data = PyBytes_Check (value) ? PyBytes_AS_STRING (value) : PyByteArray_AS_STRING (value);
  Py_ssize_t size = PyBytes_Check (value) ? PyBytes_GET_SIZE (value) : PyByteArray_GET_SIZE (value);

  return sunk (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, size, 1));
}

static GVariant *
natural_sequence (PyObject *value)
{
  PyObject *fast = PySequence_Fast (value, "not a sequence");
  Py_ssize_t n;
  GVariant **children;
  GVariant *result = NULL;
  gboolean same = TRUE;

  if (fast == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (fast);
  children = g_new0 (GVariant *, n > 0 ? n : 1);
  for (Py_ssize_t i = 0; i < n; i++)
    {
      children[i] = notification_py_natural (PySequence_Fast_GET_ITEM (fast, i));
      if (children[i] == NULL)
        goto out;
      if (i > 0 && !g_variant_type_equal (g_variant_get_type (children[i]),
                                          g_variant_get_type (children[0])))
        same = FALSE;
    }

  if (n > 0 && same)
    result = g_variant_new_array (NULL, children, n);
  else
    {
      for (Py_ssize_t i = 0; i < n; i++)
        {
          GVariant *boxed = sunk (g_variant_new_variant (children[i]));

          g_variant_unref (children[i]);
          children[i] = boxed;
        }
      result = g_variant_new_array (G_VARIANT_TYPE_VARIANT, children, n);
    }
  result = sunk (result);

out:
  for (Py_ssize_t i = 0; i < n; i++)
    if (children[i] != NULL)
      g_variant_unref (children[i]);
  g_free (children);
  Py_DECREF (fast);

  return result;
}

static GVariant *
natural_dict (PyObject *value)
{
  GVariantBuilder builder;
  Py_ssize_t pos = 0;
  PyObject *key, *item;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  while (PyDict_Next (value, &pos, &key, &item))
    {
      const char *name;
      GVariant *child;

      if (!PyUnicode_Check (key))
        {
          PyErr_Format (PyExc_TypeError, "dictionary key %R is not a str", key);
          goto fail;
        }
      if ((name = string_of (key)) == NULL)
        goto fail;
      if ((child = notification_py_natural (item)) == NULL)
        goto fail;
      g_variant_builder_add (&builder, "{sv}", name, child);
      g_variant_unref (child);
    }

  return sunk (g_variant_builder_end (&builder));

fail:
  g_variant_builder_clear (&builder);
  return NULL;
}

/**
 * notification_py_natural:
 * @value: a Python value
 *
 * Converts by Python type: str "s", bool "b", int "x" (or "t" above
 * int64), float "d", bytes and bytearray "ay", list and tuple "aT" (one
 * element type) or "av", dict "a{sv}", GLib.Variant as is.
 *
 * Returns: (transfer full) (nullable): the value, or NULL with TypeError,
 *   ValueError or RecursionError set
 */
GVariant *
notification_py_natural (PyObject *value)
{
  PyTypeObject *type = Py_TYPE (value);
  const char *s;

  if (type == &PyUnicode_Type || PyUnicode_Check (value))
    return (s = string_of (value)) != NULL ? sunk (g_variant_new_string (s)) : NULL;
  if (type == &PyBool_Type)
    return sunk (g_variant_new_boolean (value == Py_True));
  if (PyLong_Check (value))
    return natural_int (value);
  if (PyFloat_Check (value))
    return sunk (g_variant_new_double (PyFloat_AS_DOUBLE (value)));
  if (PyBytes_Check (value) || PyByteArray_Check (value))
    return natural_bytes (value);
  if (PyList_Check (value) || PyTuple_Check (value) || PyDict_Check (value))
    {
      GVariant *result;

      /* A list that contains itself, or one nested too deeply, is a
       * RecursionError, not a C stack overflow. */
      if (Py_EnterRecursiveCall (" while converting a value to a GVariant"))
        return NULL;
      result = PyDict_Check (value) ? natural_dict (value) : natural_sequence (value);
      Py_LeaveRecursiveCall ();
      return result;
    }
  if (is_variant (value))
    return g_variant_ref (variant_of (value));

  PyErr_Format (PyExc_TypeError, "cannot convert a value of type %s", type->tp_name);

  return NULL;
}

/* Whether notification_py_natural() would convert @value: scalars are
 * checked without building anything. Returns 0, or -1 with the error. */
int
notification_py_check (PyObject *value)
{
  PyTypeObject *type = Py_TYPE (value);
  GVariant *built;

  if (type == &PyUnicode_Type)
    return string_of (value) != NULL ? 0 : -1;
  if (type == &PyFloat_Type || type == &PyBool_Type || type == &PyBytes_Type)
    return 0;
  if (type == &PyLong_Type)
    {
      int overflow;

      PyLong_AsLongLongAndOverflow (value, &overflow);
      if (overflow == 0)
        return 0;
    }

  built = notification_py_natural (value);
  if (built == NULL)
    return -1;
  g_variant_unref (built);

  return 0;
}

/* Typed conversion ----------------------------------------------------- */

#define WRONG(why_) G_STMT_START { if (*why == NULL) *why = (why_); return NULL; } G_STMT_END

static gboolean
int_in_range (PyObject   *value,
              char        code,
              gint64     *out_signed,
              guint64    *out_unsigned,
              char      **why)
{
  static const struct { char code; gint64 low; guint64 high; } ranges[] = {
    { 'y', 0, 0xff }, { 'n', -0x8000, 0x7fff }, { 'q', 0, 0xffff },
    { 'i', -0x80000000LL, 0x7fffffff }, { 'u', 0, 0xffffffffu },
    { 'x', G_MININT64, G_MAXINT64 }, { 't', 0, G_MAXUINT64 },
    { 'h', -0x80000000LL, 0x7fffffff },
  };
  int overflow;
  long long v;

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      if (ranges[i].code != code)
        continue;

      v = PyLong_AsLongLongAndOverflow (value, &overflow);
      if (overflow == 0 && !(v == -1 && PyErr_Occurred ()))
        {
          if (v >= ranges[i].low && (v < 0 || (guint64) v <= ranges[i].high))
            {
              *out_signed = v;
              *out_unsigned = (guint64) v;
              return TRUE;
            }
        }
      else if (overflow > 0 && code == 't')
        {
          unsigned long long u = PyLong_AsUnsignedLongLong (value);

          if (!(u == (unsigned long long) -1 && PyErr_Occurred ()))
            {
              *out_unsigned = u;
              return TRUE;
            }
        }
      PyErr_Clear ();
      {
        PyObject *repr = PyObject_Repr (value);

        *why = g_strdup_printf ("%s is out of range for '%c' [%" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
                                repr != NULL ? PyUnicode_AsUTF8 (repr) : "?", code,
                                ranges[i].low, ranges[i].high);
        Py_XDECREF (repr);
        PyErr_Clear ();
      }
      return FALSE;
    }

  return FALSE;
}

static GVariant *
typed_basic (PyObject           *value,
             const GVariantType *type,
             char              **why)
{
  char code = g_variant_type_peek_string (type)[0];
  gint64 s = 0;
  guint64 u = 0;
  const char *str;

  switch (code)
    {
    case 'b':
      if (!PyBool_Check (value))
        WRONG (NULL);
      return sunk (g_variant_new_boolean (value == Py_True));

    case 'y': case 'n': case 'q': case 'i': case 'u': case 'x': case 't': case 'h':
      if (PyBool_Check (value) || !PyLong_Check (value))
        WRONG (NULL);
      if (!int_in_range (value, code, &s, &u, why))
        return NULL;
      switch (code)
        {
        case 'y': return sunk (g_variant_new_byte ((guchar) u));
        case 'n': return sunk (g_variant_new_int16 ((gint16) s));
        case 'q': return sunk (g_variant_new_uint16 ((guint16) u));
        case 'i': return sunk (g_variant_new_int32 ((gint32) s));
        case 'u': return sunk (g_variant_new_uint32 ((guint32) u));
        case 'x': return sunk (g_variant_new_int64 (s));
        case 't': return sunk (g_variant_new_uint64 (u));
        default:  return sunk (g_variant_new_handle ((gint32) s));
        }

    case 'd':
      if (PyBool_Check (value) || !(PyFloat_Check (value) || PyLong_Check (value)))
        WRONG (NULL);
      {
        double d = PyFloat_AsDouble (value);

        if (d == -1.0 && PyErr_Occurred ())
          {
            PyErr_Clear ();
            WRONG (g_strdup ("the int is too large for a double"));
          }
        return sunk (g_variant_new_double (d));
      }

    case 's': case 'o': case 'g':
      if (!PyUnicode_Check (value))
        WRONG (NULL);
      if ((str = string_of (value)) == NULL)
        {
          PyErr_Clear ();
          WRONG (g_strdup ("a GVariant string cannot contain a NUL character (or the str is not UTF-8)"));
        }
      if (code == 'o' && !g_variant_is_object_path (str))
        WRONG (g_strdup_printf ("'%s' is not an object path", str));
      if (code == 'g' && !g_variant_is_signature (str))
        WRONG (g_strdup_printf ("'%s' is not a signature", str));
      return sunk (code == 's' ? g_variant_new_string (str) :
                   code == 'o' ? g_variant_new_object_path (str) :
                   g_variant_new_signature (str));

    default:
      WRONG (NULL);
    }
}

/**
 * notification_py_typed:
 * @value: a Python value
 * @type: the declared type
 * @why: (out) (transfer full): set, on failure, to the reason when there
 *   is one beyond "wrong type" (out of range, not an object path...)
 *
 * Returns: (transfer full) (nullable): the value, or NULL: the value does
 *   not fit @type (no Python error is set)
 */
GVariant *
notification_py_typed (PyObject           *value,
                       const GVariantType *type,
                       char              **why)
{
  GVariant *result = NULL;

  if (is_variant (value) && !g_variant_type_equal (type, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *v = variant_of (value);

      if (!g_variant_is_of_type (v, type))
        WRONG (NULL);
      return g_variant_ref (v);
    }

  if (!g_variant_type_is_definite (type))
    {
      GVariant *v = notification_py_natural (value);

      if (v == NULL)
        {
          PyErr_Clear ();
          WRONG (NULL);
        }
      if (!g_variant_is_of_type (v, type))
        {
          g_variant_unref (v);
          WRONG (NULL);
        }
      return v;
    }

  if (g_variant_type_equal (type, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *child = notification_py_natural (value);

      if (child == NULL)
        {
          PyErr_Clear ();
          WRONG (NULL);
        }
      result = sunk (g_variant_new_variant (child));
      g_variant_unref (child);
      return result;
    }

  if (g_variant_type_equal (type, G_VARIANT_TYPE_BYTESTRING))
    {
      if (!PyBytes_Check (value) && !PyByteArray_Check (value))
        WRONG (NULL);
      return natural_bytes (value);
    }

  if (g_variant_type_is_basic (type))
    return typed_basic (value, type, why);

  if (g_variant_type_is_maybe (type))
    {
      GVariant *child;

      if (value == Py_None)
        return sunk (g_variant_new_maybe (g_variant_type_element (type), NULL));
      if ((child = notification_py_typed (value, g_variant_type_element (type), why)) == NULL)
        return NULL;
      result = sunk (g_variant_new_maybe (NULL, child));
      g_variant_unref (child);
      return result;
    }

  if (g_variant_type_is_array (type))
    {
      const GVariantType *element = g_variant_type_element (type);
      GVariantBuilder builder;

      g_variant_builder_init (&builder, type);
      if (g_variant_type_is_dict_entry (element))
        {
          const GVariantType *key_type = g_variant_type_key (element);
          const GVariantType *value_type = g_variant_type_value (element);
          Py_ssize_t pos = 0;
          PyObject *k, *v;

          if (!PyDict_Check (value))
            {
              g_variant_builder_clear (&builder);
              WRONG (NULL);
            }
          while (PyDict_Next (value, &pos, &k, &v))
            {
              GVariant *ck = notification_py_typed (k, key_type, why);
              GVariant *cv = ck != NULL ? notification_py_typed (v, value_type, why) : NULL;

              if (cv == NULL)
                {
                  if (ck != NULL)
                    g_variant_unref (ck);
                  g_variant_builder_clear (&builder);
                  return NULL;
                }
              g_variant_builder_add_value (&builder, g_variant_new_dict_entry (ck, cv));
              g_variant_unref (ck);
              g_variant_unref (cv);
            }
        }
      else
        {
          if (!PyList_Check (value) && !PyTuple_Check (value))
            {
              g_variant_builder_clear (&builder);
              WRONG (NULL);
            }
          for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (value); i++)
            {
              GVariant *child = notification_py_typed (PySequence_Fast_GET_ITEM (value, i), element, why);

              if (child == NULL)
                {
                  g_variant_builder_clear (&builder);
                  return NULL;
                }
              g_variant_builder_add_value (&builder, child);
              g_variant_unref (child);
            }
        }
      return sunk (g_variant_builder_end (&builder));
    }

  if (g_variant_type_is_tuple (type))
    {
      gsize n = g_variant_type_n_items (type);
      const GVariantType *item = g_variant_type_first (type);
      GVariantBuilder builder;

      if ((!PyList_Check (value) && !PyTuple_Check (value)) ||
          (gsize) PySequence_Fast_GET_SIZE (value) != n)
        WRONG (NULL);
      g_variant_builder_init (&builder, type);
      for (gsize i = 0; i < n; i++, item = g_variant_type_next (item))
        {
          GVariant *child = notification_py_typed (PySequence_Fast_GET_ITEM (value, i), item, why);

          if (child == NULL)
            {
              g_variant_builder_clear (&builder);
              return NULL;
            }
          g_variant_builder_add_value (&builder, child);
          g_variant_unref (child);
        }
      return sunk (g_variant_builder_end (&builder));
    }

  WRONG (NULL);
}

/**
 * notification_py_hint:
 * @type: a declared type
 *
 * Returns: (transfer full): what Python values fit @type, for messages
 */
char *
notification_py_hint (const GVariantType *type)
{
  const char *s = g_variant_type_peek_string (type);

  if (strchr ("ynqiuxth", s[0]) != NULL)
    return g_strdup ("an int");
  if (s[0] == 'd')
    return g_strdup ("a float or an int");
  if (s[0] == 'b')
    return g_strdup ("a bool");
  if (strchr ("sog", s[0]) != NULL)
    return g_strdup ("a str");
  if (g_variant_type_equal (type, G_VARIANT_TYPE_BYTESTRING))
    return g_strdup ("bytes");
  if (s[0] == 'v')
    return g_strdup ("any convertible value");
  if (g_str_has_prefix (s, "a{"))
    return g_strdup ("a dict");
  if (s[0] == 'a')
    return g_strdup ("a list or tuple (not a str)");
  if (s[0] == '(' && g_variant_type_is_definite (type))
    return g_strdup_printf ("a tuple or list of %" G_GSIZE_FORMAT, g_variant_type_n_items (type));
  if (s[0] == 'm')
    {
      char *inner = notification_py_hint (g_variant_type_element (type));
      char *hint = g_strconcat ("None or ", inner, NULL);

      g_free (inner);
      return hint;
    }

  return g_strdup ("a GLib.Variant of a matching type");
}

/* GVariant -> Python ---------------------------------------------------- */

/**
 * notification_py_unpack:
 * @value: a GVariant
 *
 * As GLib.Variant.unpack() does, except that "ay" is bytes.
 *
 * Returns: (transfer full) (nullable): the Python value
 */
PyObject *
notification_py_unpack (GVariant *value)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      return PyBool_FromLong (g_variant_get_boolean (value));
    case G_VARIANT_CLASS_BYTE:
      return PyLong_FromLong (g_variant_get_byte (value));
    case G_VARIANT_CLASS_INT16:
      return PyLong_FromLong (g_variant_get_int16 (value));
    case G_VARIANT_CLASS_UINT16:
      return PyLong_FromLong (g_variant_get_uint16 (value));
    case G_VARIANT_CLASS_INT32:
      return PyLong_FromLong (g_variant_get_int32 (value));
    case G_VARIANT_CLASS_HANDLE:
      return PyLong_FromLong (g_variant_get_handle (value));
    case G_VARIANT_CLASS_UINT32:
      return PyLong_FromUnsignedLong (g_variant_get_uint32 (value));
    case G_VARIANT_CLASS_INT64:
      return PyLong_FromLongLong (g_variant_get_int64 (value));
    case G_VARIANT_CLASS_UINT64:
      return PyLong_FromUnsignedLongLong (g_variant_get_uint64 (value));
    case G_VARIANT_CLASS_DOUBLE:
      return PyFloat_FromDouble (g_variant_get_double (value));
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      return PyUnicode_FromString (g_variant_get_string (value, NULL));
    case G_VARIANT_CLASS_VARIANT:
      {
        GVariant *child = g_variant_get_variant (value);
        PyObject *result = notification_py_unpack (child);

        g_variant_unref (child);
        return result;
      }
    case G_VARIANT_CLASS_MAYBE:
      {
        GVariant *child = g_variant_get_maybe (value);
        PyObject *result;

        if (child == NULL)
          Py_RETURN_NONE;
        result = notification_py_unpack (child);
        g_variant_unref (child);
        return result;
      }
    case G_VARIANT_CLASS_ARRAY:
      {
        const GVariantType *element = g_variant_type_element (g_variant_get_type (value));
        gsize n = g_variant_n_children (value);
        PyObject *result;

        if (g_variant_type_equal (element, G_VARIANT_TYPE_BYTE))
          {
            gsize size;
            gconstpointer data = g_variant_get_fixed_array (value, &size, 1);

            return PyBytes_FromStringAndSize (data, size);
          }
        if (g_variant_type_is_dict_entry (element))
          {
            result = PyDict_New ();
            for (gsize i = 0; result != NULL && i < n; i++)
              {
                GVariant *entry = g_variant_get_child_value (value, i);
                GVariant *k = g_variant_get_child_value (entry, 0);
                GVariant *v = g_variant_get_child_value (entry, 1);
                PyObject *pk = notification_py_unpack (k);
                PyObject *pv = pk != NULL ? notification_py_unpack (v) : NULL;

                if (pv == NULL || PyDict_SetItem (result, pk, pv) < 0)
                  Py_CLEAR (result);
                Py_XDECREF (pk);
                Py_XDECREF (pv);
                g_variant_unref (k);
                g_variant_unref (v);
                g_variant_unref (entry);
              }
            return result;
          }
        result = PyList_New (n);
        for (gsize i = 0; result != NULL && i < n; i++)
          {
            GVariant *child = g_variant_get_child_value (value, i);
            PyObject *item = notification_py_unpack (child);

            g_variant_unref (child);
            if (item == NULL)
              Py_CLEAR (result);
            else
              PyList_SET_ITEM (result, i, item);
          }
        return result;
      }
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
      {
        gsize n = g_variant_n_children (value);
        PyObject *result = PyTuple_New (n);

        for (gsize i = 0; result != NULL && i < n; i++)
          {
            GVariant *child = g_variant_get_child_value (value, i);
            PyObject *item = notification_py_unpack (child);

            g_variant_unref (child);
            if (item == NULL)
              Py_CLEAR (result);
            else
              PyTuple_SET_ITEM (result, i, item);
          }
        return result;
      }
    default:
      PyErr_Format (PyExc_TypeError, "cannot unpack a GVariant of type %s",
                    g_variant_get_type_string (value));
      return NULL;
    }
}

/* An a{sv} as a dict of str to unpacked values. */
PyObject *
notification_py_unpack_vardict (GVariant *user_info)
{
  PyObject *result = PyDict_New ();
  GVariantIter iter;
  const char *key;
  GVariant *child;

  g_variant_iter_init (&iter, user_info);
  while (result != NULL && g_variant_iter_next (&iter, "{&sv}", &key, &child))
    {
      PyObject *item = notification_py_unpack (child);

      if (item == NULL || PyDict_SetItemString (result, key, item) < 0)
        Py_CLEAR (result);
      Py_XDECREF (item);
      g_variant_unref (child);
    }

  return result;
}
