// SPDX-License-Identifier: LGPL-2.1-or-later
// Where gi-docgen finds the reference of each dependency.
baseURLs = [
    [ 'Notification', '../libnotification-1.0/' ],
    [ 'Gio', 'https://docs.gtk.org/gio/' ],
    [ 'GObject', 'https://docs.gtk.org/gobject/' ],
    [ 'GLib', 'https://docs.gtk.org/glib/' ],
]
