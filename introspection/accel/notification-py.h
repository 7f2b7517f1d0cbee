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
