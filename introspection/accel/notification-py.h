/* notification-py.h: the Python accelerator's shared declarations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pygobject.h>

#include <notification/notification.h>

G_BEGIN_DECLS

/* GLib.Variant, for isinstance() (set by the module's init). */
extern PyObject *notification_py_variant_class;

/* notification-py-module.c: a Python post's native form (its kind is the
 * address of notification_py_kind): the very arguments of post(). */
typedef struct
{
  PyObject   *type;     /* (owned) str */
  PyObject   *sender;   /* (owned) the Python sender, None for none */
  GVariant   *built;    /* (owned) (nullable) built when posted: then
                         * observers get its values unpacked */
  PyObject   *kwnames;  /* (owned) (nullable) tuple of str */
  Py_ssize_t  n;
  PyObject   *values[]; /* (owned) */
} PyNative;

extern const int notification_py_kind;

NotificationCenter *notification_py_center_of     (PyObject         *self);
const char         *notification_py_type_of       (PyObject         *type);
gboolean            notification_py_sender_to_core (PyObject        *sender,
                                                   gboolean         create,
                                                   GObject        **out);
PyNative           *notification_py_native_new    (PyObject         *type,
                                                   PyObject         *sender,
                                                   PyObject         *kwnames,
                                                   PyObject *const  *values,
                                                   Py_ssize_t        n);
GVariant           *notification_py_native_build  (gpointer          native);
void                notification_py_native_free   (gpointer          native);

/* notification-py-senders.c: the core's stand-in for a Python sender. */
PyObject           *notification_py_sender_to_python (GObject       *sender);
void                notification_py_senders_set_keyed_ref (PyObject *type);
PyObject           *notification_py_sender_hold   (PyObject         *sender);
void                notification_py_sender_unhold (PyObject         *key);
void                notification_py_sender_release_core (GObject    *proxy);
int                 notification_py_senders_init  (PyObject         *module);

/* notification-py-post.c: Center.post() and Center.has_observers(). */
extern PyMethodDef notification_py_center_post_def;
extern PyMethodDef notification_py_center_has_observers_def;

/* notification-py-convert.c */
GVariant *notification_py_natural      (PyObject           *value);
int       notification_py_check        (PyObject           *value);
GVariant *notification_py_typed        (PyObject           *value,
                                        const GVariantType *type,
                                        char              **why);
PyObject *notification_py_unpack       (GVariant           *value);
PyObject *notification_py_unpack_vardict (GVariant         *user_info);
char     *notification_py_hint         (const GVariantType *type);

G_END_DECLS
