# Notification.py: PyGObject override for libnotification
#
# SPDX-License-Identifier: LGPL-2.1-or-later

"""A Pythonic API over Notification.Center.

Like libdex's Dex.py this override monkey-patches the introspected class
instead of subclassing it: ``__init__`` and the constructors are untouched,
and every introspected method not named below keeps its generated
signature (``add_observer_full``, ``post_checked``,
``lookup_schema``, ``connect("notification::TYPE", ...)``, ...).

Replaced or added on ``Notification.Center``:

``add_observer(callback, type=None, sender=None, *, owner=None, context=None, coalesce=False, weak=False)``
    Calls ``callback(type, sender, **user_info)`` for each matching post and
    returns the observer id.  ``type``/``sender`` ``None`` mean every
    type/sender.  ``owner`` (a ``GObject.Object``) ties the observer to that
    object's lifetime.  ``context`` (a ``GLib.MainContext``) delivers the
    calls through that context's loop: all the observers of one center on
    one context share one queue, so their calls come in the order the posts
    were made, across types and observers (the observers of one post in
    the order they were added).  ``coalesce=True`` (only with ``context``,
    else ValueError) keeps at most one queued call per type and sender for
    this observer: a newer post replaces the queued one, so a progress bar
    fed by a fast worker gets the latest value.

    Lifetimes: a bound method whose instance is ``owner``
    (``add_observer(self.on_changed, "changed", owner=self)``), and any
    bound method with ``weak=True``, is held through a
    ``weakref.WeakMethod``: the observer does not keep its instance alive
    and goes when the instance does (the owner's finalization removes it
    through the core; any other instance's collection through a
    ``weakref.finalize``).  ``weak=True`` with anything but a bound method
    raises TypeError: a lambda or a local function held weakly would be
    collected at once (blinker's weak default loses them).  Any other
    callable is held strongly until the observer is removed (by id or by
    callable, all at once, because the sender or owner was finalized, or,
    with ``context``, because the context was finalized): the C destroy
    notify releases it.  For an observer with
    ``context`` that destroy notify runs on the context, after its last
    call, so the callable is released the next time the context runs (or
    when the context is finalized).  An exception raised by the callback is
    reported through ``sys.excepthook`` (as PyGObject reports exceptions in
    callbacks) and the other observers are still called.

``post(type, sender=None, user_info=None, /, **user_info_kwargs)``
    ``type`` and ``sender`` are positional-only, so any keyword (even
    ``type=`` or ``sender=``) is user info.  ``user_info`` may instead be
    given as a ``GLib.Variant`` of type ``a{sv}`` (posted as is) or as a
    dict (merged with the keywords).

Senders: ``sender`` (of ``post``, ``add_observer``, ``has_observers``) may
be any object, as in blinker.  A ``GObject.Object`` is itself (C observers
see it); ``str``, ``int``, ``bytes`` and ``tuple`` senders are matched by
value (``post("t", "interp")`` reaches ``add_observer(cb, "t", "interp")``);
any other object is matched by identity and held weakly: its observers go
when it is collected.  Observing a specific sender that cannot be weakly
referenced (``object()``, a class with ``__slots__`` and no
``__weakref__``) raises TypeError; such an object may still post, to the
observers of every sender.  Observers get the very sender object; C
observers and signal handlers see a stand-in ``GObject.Object`` (or
``None`` when nobody observes that sender specifically), and, for such a
post without keywords, an empty ``a{sv}`` rather than no user info (the
post carries its Python sender in its user info).  A value sender's
stand-in lives while observers name that value; it goes with the last of
them.

The C accelerator
-----------------

``post``, ``has_observers``, the calls of Python observers and every
conversion between Python values and GVariant are the C extension
``gi.overrides._notification``, installed beside this file (as
gst-python's ``_gi_gst``).  This module is the readable layer: argument
checks, lifetimes, schemas' declaration.  Without the extension this
module fails to import with an ImportError naming it; there is no slow
fallback.

A post from Python carries its keyword values to the core as they are,
with a function that builds the ``a{sv}`` on first use
(``Notification.UserInfo``): Python observers get the very values that
were posted, and the ``a{sv}`` is built once, only if a C observer, a
signal handler, a bridge or a schema needs it.

``observer(type=None, sender=None, *, owner=None, context=None, coalesce=False, weak=False)``
    Decorator: ``@center.observer("stdout", sender=interpreter)`` adds the
    decorated function as ``add_observer`` would, with the same arguments,
    and returns it unchanged.

``remove_observer(id_or_callable)``
    Given an id, removes that observer (returns None).  Given a callable,
    removes every observer of this center that calls it (a bound method
    matches an equal one: the same function of the same instance, also
    when held weakly) and returns how many: blinker's ``disconnect``.  The
    override keeps, per center, a map from observer id to its trampoline,
    which forgets an observer when the core releases it however it was
    removed; the C ``remove_observers_by_func()`` cannot serve here (every
    Python observer has a trampoline of its own) and is not introspected.

``has_observers(type, sender=None)``, ``observing(...)`` (context manager
taking the arguments of ``add_observer`` and yielding the id of an observer
that is removed on exit, also on an exception); ``remove_all_observers``
is the introspected one.

Main-context queues (introspected, since 1.2)
---------------------------------------------

``set_queue_limit(context, max_queued)``
    Bounds the queue shared by the center's observers on ``context`` (0:
    unbounded, the default).  A post that finds it full drops that call
    and counts it; it never blocks.
``get_n_dropped()``, the read-only property ``n_dropped`` (``n-dropped``)
    How many calls the center dropped because a queue was full, on every
    context, since it was made.
``get_dropped_before_call()``
    From inside a ``context=`` observer's callback: how many of that
    observer's calls were dropped since its previous call (0 elsewhere).
``set_queue_priority(context, priority)``
    The priority of the source that makes the calls on ``context``
    (``GLib.PRIORITY_DEFAULT`` unless set).
``add_observer_with_flags(type, sender, owner, context, flags, callback)``
    The raw introspected form, with ``Notification.ObserverFlags``: the
    callback gets ``(center, type, sender, user_info)`` with user info as
    a ``GLib.Variant``.  ``add_observer(..., coalesce=True)`` is the
    Pythonic one.

``watch_interest(callback, context=None)``
    Calls ``callback(type, sender, observed)`` on ``context`` (a
    ``GLib.MainContext``; ``None``: the calling thread's default context)
    when a (type, sender) pair gains its first observer (``observed``
    True) or loses its last (False), first for every pair observed now;
    what blinker's ``receiver_connected`` tells, for a bridge.  Returns
    the id for the introspected ``unwatch_interest``.  The callable is held
    until the watcher is removed; an exception it raises is reported
    through ``sys.excepthook``.  ``list_interests()`` (introspected)
    returns the observed pairs as ``Notification.Interest`` objects.

User info mapping (keyword value -> ``a{sv}`` value)
---------------------------------------------------

===========================  ===========================================
Python value                 GVariant
===========================  ===========================================
``str``                      ``s``
``bool``                     ``b``
``int``                      ``x`` (int64); ``t`` (uint64) from 2**63 to
                             2**64 - 1; larger or smaller: ValueError
``float``                    ``d``
``bytes``, ``bytearray``     ``ay``
``list``, ``tuple``          ``aT`` when every element converts to the
                             same type ``T``, else (mixed or empty) ``av``
``dict`` (``str`` keys)      ``a{sv}``
``GLib.Variant``             passed through unchanged
anything else (``None``...)  TypeError naming the key; nothing is posted
===========================  ===========================================

Python observers of a post without a schema whose values are all
``str``, ``bool``, ``int``, ``float`` or ``bytes`` get those very objects
(no GVariant is made unless somebody else needs it).  Otherwise (a list,
tuple, dict, bytearray or ``GLib.Variant`` among them, or a schema) they
get the values unpacked from the one ``a{sv}`` as ``GLib.Variant.unpack()``
does, fresh for each observer, except that ``ay`` arrives as ``bytes``:
tuples arrive as lists and a passed-through variant as its unpacked
value.  Posts from C arrive unpacked the same way.

Schemas
-------

``register_schema(type, schema=None, /, **keys)``
    ``center.register_schema("progress", fraction="d", label=("s", False))``
    declares and registers a schema: each keyword is a key, its value a
    GVariant type string (a required key) or a ``(type string, required)``
    pair.  Or pass a ``Notification.Schema`` (for
    ``set_allow_unknown_keys``).  Returns the registered, sealed schema.
``Schema.add_key(key, type_string, required=True)``
    ``required`` may be left out.  A malformed type string (the message
    lists the valid ones), a key declared twice, or a schema already sealed
    by its registration raises ``GLib.Error`` (``INVALID_SCHEMA``) instead
    of a critical and ``False``.

Declared types: when a schema is registered for the posted type, each key
the schema declares is converted to its declared type instead (``int`` for
every integer type with a range check, ``int`` or ``float`` for ``d``,
``str`` for ``s``/``o``/``g``, ``bytes`` for ``ay``, any convertible value
(a ``GLib.Variant`` too) for ``v``, a list or tuple for an array (never a
``str``: ``tags="notalist"`` for an ``as`` key is an error, not split into
characters), a ``dict`` for a dictionary type (``a{sv}`` values convert as
without a schema, nested dicts too), a tuple or list of the right length
for a tuple type, ``None`` or a value for a maybe type; a ``GLib.Variant``
must already have the declared type).

Every violation of the schema raises one exception type, ``GLib.Error`` in
the ``Notification.error_quark()`` domain (test with
``error.matches(Notification.error_quark(), Notification.Error.WRONG_TYPE)``),
naming the notification type and the key, and nothing is delivered:

- ``WRONG_TYPE``: a value that does not fit its declared type (the message
  gives the expected GVariant type and the Python values that fit), or is
  out of range, or not an object path or signature;
- ``MISSING_KEY``: a required key is left out;
- ``UNKNOWN_KEY``: a key the schema does not declare (unless it allows
  unknown keys; the message lists the declared ones);
- ``INVALID_USER_INFO``: an allowed unknown key whose value cannot convert.

Without a schema, a value that cannot convert raises TypeError or
ValueError as the table above says (also when only Python observers
receive the post, so that nothing depends on who observes): no schema,
no schema violation.

Cost: ``post`` first asks ``has_observers(type, sender)`` and returns at
once when nobody would receive the post.  Such an unobserved post
neither converts nor validates its user info: an unsupported value or a
schema violation raises only when somebody observes the post, exactly
when it would otherwise have been delivered.  Use ``post_checked`` with a
``GLib.Variant`` to validate input unconditionally.
"""

import contextlib
import sys
import types
import weakref

from gi.repository import GLib
from gi.repository import GObject
from gi.repository import Notification  # a proxy while this module loads

try:
    # The C accelerator, installed beside this file (gst-python's _gi_gst
    # is found the same way).  Without it the override fails to load,
    # loudly: there is no slow copy of its converters here.
    from gi.overrides import _notification
except ImportError as e:  # pragma: no cover
    raise ImportError('gi.overrides.Notification needs its C accelerator '
                      'gi.overrides._notification, installed beside it '
                      '(build libnotification with -Dpygobject=enabled): %s'
                      % e) from e

__all__ = []

Center = Notification.Center

_gi_lookup_schema = Center.lookup_schema
_gi_watch_interest = Center.watch_interest
_add = _notification.add
_remove = _notification.remove
_observers = _notification.observers
_Observer = _notification.Observer
_python_sender = _notification.python_sender
_MethodType = types.MethodType
_GObject = GObject.Object
_excepthook_info = sys.exc_info


class _KeyedRef(weakref.ref):
    """The weak reference to a sender matched by identity, which knows its
    key in the accelerator's map of sender proxies."""
    __slots__ = ('key',)


# post() and has_observers() are the accelerator's, methods of Center.
_notification.install(Center, GLib.Variant, _KeyedRef)

_ERROR_QUARK = Notification.error_quark()
_E_INVALID_SCHEMA = int(Notification.Error.INVALID_SCHEMA)


def _error(code, message):
    """The one exception type of schema violations: a GLib.Error in the
    Notification.Error domain, as post_checked() raises."""
    return GLib.Error.new_literal(_ERROR_QUARK, message, code)


# Declaring schemas --------------------------------------------------------

_VALID_TYPES = ('valid GVariant type strings: the basic types b (bool), '
                'y n q i u x t h (integers), d (float), s o g (str); '
                'v (any value); a<T> (list), a{<basic><T>} (dict, e.g. '
                'a{sv}), (<T>...) (tuple), m<T> (maybe)')

_gi_schema_add_key = Notification.Schema.add_key
_gi_register_schema = Center.register_schema


def _schema_add_key(self, key, type_string, required=True):
    """Declares ``key`` of GVariant type ``type_string`` (required unless
    ``required=False``).  Raises GLib.Error (Notification.Error
    INVALID_SCHEMA) for a malformed declaration, a key declared twice, or
    a schema already sealed by registration."""
    if not isinstance(key, str) or not isinstance(type_string, str):
        raise TypeError('add_key() takes a str key and a str type string, '
                        'not %s and %s' % (type(key).__qualname__,
                                           type(type_string).__qualname__))
    if self.get_sealed():
        raise _error(_E_INVALID_SCHEMA,
                     'Key %r: the schema is sealed (it was registered): it '
                     'cannot change; make a new one' % (key,))
    if not GLib.VariantType.string_is_valid(type_string):
        raise _error(_E_INVALID_SCHEMA,
                     'Key %r: %r is not a valid GVariant type string; %s'
                     % (key, type_string, _VALID_TYPES))
    return _gi_schema_add_key(self, key, type_string, bool(required))


def _register_schema(self, type, schema=None, /, **keys):
    """Registers ``schema`` (a Notification.Schema) for ``type``, or, given
    keywords, a new schema declaring them: each keyword is a key, its
    value a GVariant type string (a required key) or a ``(type string,
    required)`` pair.  Returns the registered (sealed) schema."""
    if schema is not None:
        if keys:
            raise TypeError('register_schema() takes a Schema or keywords, '
                            'not both')
        if not isinstance(schema, Notification.Schema):
            raise TypeError('register_schema() takes a Notification.Schema, '
                            'not %s' % schema.__class__.__qualname__)
    else:
        schema = Notification.Schema.new()
        for key, spec in keys.items():
            if isinstance(spec, str):
                type_string, required = spec, True
            elif (isinstance(spec, tuple) and len(spec) == 2 and
                  isinstance(spec[0], str) and isinstance(spec[1], bool)):
                type_string, required = spec
            else:
                raise TypeError('register_schema(): key %r: give a GVariant '
                                'type string or a (type string, required) '
                                'pair, not %r' % (key, spec))
            schema.add_key(key, type_string, required)
    _gi_register_schema(self, type, schema)
    return schema


Notification.Schema.add_key = _schema_add_key
Center.register_schema = _register_schema



# Delivery ---------------------------------------------------------------

def _report_exception():
    # What PyGObject does for an exception in a callback (PyErr_Print()),
    # without letting it escape into the C dispatch loop.
    try:
        sys.excepthook(*_excepthook_info())
    except BaseException:
        pass


def _make_trampoline(callback, method_ref=None):
    """What the core calls: an accelerator Observer, which calls
    ``callback(type, sender, **user_info)`` (with ``method_ref``, a
    ``weakref.WeakMethod``, the method it still refers to, else nothing)
    and reports an exception it raises through ``sys.excepthook``."""
    return _Observer(callback, method_ref)


def _trampoline_matches(trampoline, callback):
    """Whether ``trampoline`` calls ``callback`` (bound methods compare
    equal when they bind the same function to the same instance)."""
    if trampoline.method_ref is not None:
        method = trampoline.method_ref()
        return method is not None and method == callback
    target = trampoline.callback
    return target is callback or target == callback


# Per center, the accelerator keeps a map of observer id -> Observer
# (_notification.observers() copies it), for remove_observer(callable): an
# entry goes when the core releases the observer, however it was removed,
# or at once when it is removed by id.


def _pin_wrapper(instance):
    """Makes PyGObject keep ``instance``'s wrapper as long as its GObject
    lives (a wrapper with instance attributes is held by a toggle
    reference), so that a weakly held method of it dies with the GObject,
    not with the last Python reference while C still holds the object."""
    if _PINNED_ATTR not in instance.__dict__:
        try:
            setattr(instance, _PINNED_ATTR, True)
        except (AttributeError, TypeError):
            pass


_PINNED_ATTR = '_notification_py_pinned'


def _remove_when_collected(instance, center, handle, trampoline):
    """Removes observer ``handle`` of ``center`` when ``instance`` (the
    ``__self__`` of a weakly held bound method) is collected; forgets it
    when the observer goes first."""
    center_ref = weakref.ref(center)

    def remove(center_ref=center_ref, handle=handle):
        center = center_ref()
        if center is not None:
            _remove(center, handle)
    try:
        finalizer = weakref.finalize(instance, remove)
    except TypeError:
        # weakref.WeakMethod accepted the instance, so this does not
        # happen; keep the observer (it does nothing once dead) if it does.
        return
    finalizer.atexit = False
    weakref.finalize(trampoline, finalizer.detach).atexit = False


# The Center API ---------------------------------------------------------

def _add_observer(self, callback, type=None, sender=None, *, owner=None,
                  context=None, coalesce=False, weak=False):
    """Calls ``callback(type, sender, **user_info)`` for every post of
    ``type`` (``None``: every type) from ``sender`` (``None``: every
    sender); returns the observer id for :meth:`remove_observer`.

    ``owner`` ties the observer to a GObject's lifetime, ``context``
    delivers through a GLib.MainContext, in posting order across all the
    center's observers on that context.  ``coalesce=True`` (with
    ``context`` only) keeps one queued call per type and sender, the
    latest.  A bound method of ``owner`` itself, or any bound method with
    ``weak=True``, is held weakly: the observer goes when its instance
    does.  Any other callable (functions, lambdas) is held until the
    observer is removed."""
    if not callable(callback):
        raise TypeError('callback must be callable, not %s'
                        % callback.__class__.__qualname__)
    if type is not None and (not isinstance(type, str) or not type):
        raise ValueError('type must be a non-empty str or None, not %r'
                         % (type,))
    if coalesce and context is None:
        # Without a context every post is a synchronous call: there is no
        # queue to coalesce in, and silently calling for every post is not
        # what coalesce=True asked for.
        raise ValueError('coalesce=True needs a context=: only calls queued '
                         'on a main context can be coalesced')
    instance = None
    method_ref = None
    if isinstance(callback, _MethodType) and (
            weak or (owner is not None and callback.__self__ is owner)):
        instance = callback.__self__
        try:
            method_ref = weakref.WeakMethod(callback)
        except TypeError:
            raise TypeError('weak=True: the instance of %r does not support '
                            'weak references' % (callback,)) from None
    elif weak:
        raise TypeError('weak=True holds bound methods only, not %s: a '
                        'function or a lambda would be collected at once'
                        % callback.__class__.__qualname__)
    if method_ref is not None:
        if isinstance(instance, _GObject):
            _pin_wrapper(instance)
        trampoline = _make_trampoline(None, method_ref)
    else:
        trampoline = _make_trampoline(callback)
    del callback
    handle = _add(self, type, sender, owner, context, coalesce, trampoline)
    # The instance of a weakly held method that is not the owner: the core
    # does not know it, so its collection removes the observer from here.
    # (An owner's finalization removes it through the core.)
    if instance is not None and instance is not owner:
        _remove_when_collected(instance, self, handle, trampoline)
    return handle


def _observer(self, type=None, sender=None, *, owner=None, context=None,
              coalesce=False, weak=False):
    """Decorator: ``@center.observer('stdout', sender=None)`` registers the
    decorated function as :meth:`add_observer` would, with the same
    arguments, and returns it unchanged (remove it with
    ``center.remove_observer(function)``)."""
    if callable(type):
        raise TypeError('observer() takes the notification type: write '
                        '@center.observer(None) to observe every type')

    def decorator(callback):
        self.add_observer(callback, type, sender, owner=owner,
                          context=context, coalesce=coalesce, weak=weak)
        return callback
    return decorator


def _remove_observer(self, observer):
    """Removes the observer of id ``observer`` or, given a callable, every
    observer of this center that calls it (a bound method matches an
    equal one: the same function of the same instance), and returns how
    many were removed.  Removing one that is gone already does nothing."""
    if observer.__class__ is int:
        _remove(self, observer)
        return None
    if isinstance(observer, int) and not isinstance(observer, bool):
        _remove(self, int(observer))
        return None
    if not callable(observer):
        raise TypeError('remove_observer() takes an observer id or a '
                        'callable, not %s' % observer.__class__.__qualname__)
    handles = [handle for handle, trampoline in _observers(self).items()
               if _trampoline_matches(trampoline, observer)]
    for handle in handles:
        _remove(self, handle)
    return len(handles)


def _watch_interest(self, callback, context=None):
    """Calls ``callback(type, sender, observed)`` on ``context`` (``None``:
    the calling thread's default context) when a (type, sender) pair gains
    its first observer or loses its last, first for every pair observed
    now; returns the id for :meth:`unwatch_interest`."""
    if not callable(callback):
        raise TypeError('callback must be callable, not %s'
                        % callback.__class__.__qualname__)

    def trampoline(center, ntype, sender, observed, *user_data):
        try:
            callback(ntype, _python_sender(sender), observed)
        except Exception:
            _report_exception()
    return _gi_watch_interest(self, context, trampoline)


@contextlib.contextmanager
def _observing(self, callback, type=None, sender=None, *, owner=None,
               context=None, coalesce=False, weak=False):
    """Context manager: the observer added on entry (its id is the value of
    the ``with`` statement) is removed on exit, also on an exception.  It
    takes the arguments of :meth:`add_observer`."""
    handle = self.add_observer(callback, type, sender, owner=owner,
                               context=context, coalesce=coalesce, weak=weak)
    # This generator's frame lives until exit: it must not keep the owner
    # (or the sender) alive.
    del callback, sender, owner, context
    try:
        yield handle
    finally:
        self.remove_observer(handle)


Center.add_observer = _add_observer
Center.observer = _observer
Center.remove_observer = _remove_observer
Center.observing = _observing
Center.watch_interest = _watch_interest
