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

Observers receive the values unpacked as ``GLib.Variant.unpack()`` does,
except that ``ay`` arrives as ``bytes``: so ``str``, ``bool``, ``int``,
``float`` and ``bytes`` round-trip, tuples arrive as lists, and a
passed-through variant arrives as its unpacked value.

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
ValueError as the table above says: no schema, no schema violation.

Cost: ``post`` first asks ``has_observers(type, sender)`` and returns at
once when nobody would receive the post.  Such an unobserved post
neither converts nor validates its user info: an unsupported value or a
schema violation raises only when somebody observes the post, exactly
when it would otherwise have been delivered.  Use ``post_checked`` with a
``GLib.Variant`` to validate input unconditionally.
"""

import contextlib
import struct
import sys
import threading
import types
import weakref

import gi._gi as _gi
from gi.repository import GLib
from gi.repository import GObject
from gi.repository import Notification  # a proxy while this module loads

__all__ = []

Center = Notification.Center

# The introspected methods, bound once: the post path looks up nothing else.
_gi_add_observer = Center.add_observer
_gi_add_observer_full = Center.add_observer_full
_gi_add_observer_with_flags = Center.add_observer_with_flags
_gi_has_observers = Center.has_observers
_gi_post_checked = Center.post_checked
_gi_lookup_schema = Center.lookup_schema
_gi_watch_interest = Center.watch_interest
_gi_remove_observer = Center.remove_observer

_Variant = GLib.Variant
_new_string = GLib.Variant.new_string
_new_boolean = GLib.Variant.new_boolean
_new_int64 = GLib.Variant.new_int64
_new_uint64 = GLib.Variant.new_uint64
_new_double = GLib.Variant.new_double
_new_variant = GLib.Variant.new_variant
_new_dict_entry = GLib.Variant.new_dict_entry
_new_array = GLib.Variant.new_array
_new_from_bytes = GLib.Variant.new_from_bytes
_new_bytes = GLib.Bytes.new
_excepthook_info = sys.exc_info
_MethodType = types.MethodType
_GObject = GObject.Object

_COALESCE = Notification.ObserverFlags.COALESCE

_VT_AY = GLib.VariantType.new('ay')
_VT_V = GLib.VariantType.new('v')
_VT_SV = GLib.VariantType.new('{sv}')

# The GVariant pointer of a GLib.Variant wrapper (gi.Struct hashes by pointer;
# GLib.Variant overrides __hash__ to hash by value).
_variant_pointer = _gi.Struct.__hash__

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1

_tls = threading.local()

# Key strings are converted once (a bounded cache: keys are usually a few
# literals, but a program may use arbitrary strings).
_key_variants = {}
_KEY_CACHE_MAX = 1024


class _Unsupported(Exception):
    """Raised inside the converters, turned into a TypeError naming the key."""


def _conv_str(value):
    if '\0' in value:
        raise ValueError('a GVariant string cannot contain a NUL character')
    return _new_string(value)


def _conv_bool(value):
    return _new_boolean(value)


def _conv_int(value):
    if _INT64_MIN <= value <= _INT64_MAX:
        return _new_int64(value)
    if 0 <= value <= _UINT64_MAX:
        return _new_uint64(value)
    raise ValueError('integer %d does not fit in int64 or uint64' % value)


def _conv_float(value):
    return _new_double(value)


def _conv_bytes(value):
    return _new_from_bytes(_VT_AY, _new_bytes(bytes(value)), True)


def _conv_passthrough(value):
    return value


def _conv_sequence(value):
    children = [_natural(item) for item in value]
    if children:
        type_string = children[0].get_type_string()
        for child in children:
            if child.get_type_string() != type_string:
                break
        else:
            return _new_array(GLib.VariantType.new(type_string), children)
    return _new_array(_VT_V, [_new_variant(child) for child in children])


def _conv_dict(value):
    entries = []
    for key, item in value.items():
        if not isinstance(key, str):
            raise _Unsupported('dictionary key %r is not a str' % (key,))
        entries.append(_new_dict_entry(_new_string(key),
                                       _new_variant(_natural(item))))
    return _new_array(_VT_SV, entries)


# Exact types first (one dict lookup), then isinstance() for subclasses.
_NATURAL = {
    str: _conv_str,
    bool: _conv_bool,
    int: _conv_int,
    float: _conv_float,
    bytes: _conv_bytes,
    bytearray: _conv_bytes,
    list: _conv_sequence,
    tuple: _conv_sequence,
    dict: _conv_dict,
}
_NATURAL_BASES = (
    (GLib.Variant, _conv_passthrough),
    (bool, _conv_bool),
    (int, _conv_int),
    (str, _conv_str),
    (float, _conv_float),
    ((bytes, bytearray), _conv_bytes),
    ((list, tuple), _conv_sequence),
    (dict, _conv_dict),
)

# Values that arrive at an observer as the very object that was posted
# (immutable, and unpacked to an equal value of the same type).
_SCALARS = frozenset((str, bool, int, float, bytes))


def _natural(value):
    conv = _NATURAL.get(type(value))
    if conv is None:
        for base, base_conv in _NATURAL_BASES:
            if isinstance(value, base):
                conv = base_conv
                break
        else:
            raise _Unsupported('cannot convert a value of type %s'
                               % type(value).__qualname__)
    return conv(value)


def _key_variant(key):
    variant = _key_variants.get(key)
    if variant is None:
        variant = _new_string(key)
        if len(_key_variants) < _KEY_CACHE_MAX:
            _key_variants[key] = variant
    return variant


# Fast path: an a{sv} whose values are all str, bool, int64, float or bytes
# is serialized here (GVariant's documented serialization format, native
# byte order, little-endian framing offsets) and wrapped with one call,
# instead of four GLib.Variant wrappers per key.

_pack_q = struct.Struct('=q').pack
_pack_d = struct.Struct('=d').pack
_OFFSET_PACKERS = {1: struct.Struct('<B').pack, 2: struct.Struct('<H').pack,
                   4: struct.Struct('<I').pack, 8: struct.Struct('<Q').pack}
_PADDING = [b'\0' * n for n in range(8)]
_VT_ASV = GLib.VariantType.new('a{sv}')


def _offset_size(body_size, n_offsets):
    # gvs_calculate_total_size(): the smallest offsets that can address
    # the whole container.
    for size, limit in ((1, 0xff), (2, 0xffff), (4, 0xffffffff)):
        if body_size + size * n_offsets <= limit:
            return size
    return 8


def _serialize_scalar(value):
    """The serialized 'v' of a scalar, or None when not a fast-path one."""
    cls = value.__class__
    if cls is str:
        if '\0' in value:
            return None
        return value.encode('utf-8') + b'\0\0s'
    if cls is bool:
        return (b'\1\0b' if value else b'\0\0b')
    if cls is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return _pack_q(value) + b'\0x'
        return None
    if cls is float:
        return _pack_d(value) + b'\0d'
    if cls is bytes:
        return value + b'\0ay'
    return None


def _serialize_user_info(kwargs):
    """The serialized a{sv} of kwargs, or None to take the general path."""
    chunks = []
    ends = []
    size = 0
    for key, value in kwargs.items():
        child = _serialize_scalar(value)
        if child is None or '\0' in key:
            return None
        if size & 7:
            pad = 8 - (size & 7)
            chunks.append(_PADDING[pad])
            size += pad
        # A {sv} entry: key, padding to 8, the variant, the key's end.
        key_bytes = key.encode('utf-8') + b'\0'
        key_end = len(key_bytes)
        pad = -key_end & 7
        body = key_end + pad + len(child)
        entry = b''.join((key_bytes, _PADDING[pad], child,
                          _OFFSET_PACKERS[_offset_size(body, 1)](key_end)))
        chunks.append(entry)
        size += len(entry)
        ends.append(size)
    if not ends:
        return b''
    pack = _OFFSET_PACKERS[_offset_size(size, len(ends))]
    chunks.extend(pack(end) for end in ends)
    return b''.join(chunks)


def _user_info_natural(ntype, kwargs):
    """Converts kwargs to an a{sv}; also returns them as observers will see
    them when every value is a scalar (else None)."""
    entries = []
    scalars = True
    for key, value in kwargs.items():
        vtype = value.__class__
        conv = _NATURAL.get(vtype)
        try:
            if conv is None:
                child = _natural(value)
                scalars = False
            else:
                child = conv(value)
                if vtype not in _SCALARS:
                    scalars = False
        except _Unsupported as e:
            raise TypeError('%s: user info key %r: %s' % (ntype, key, e)) from None
        except (ValueError, OverflowError) as e:
            raise ValueError('%s: user info key %r: %s' % (ntype, key, e)) from None
        entries.append(_new_dict_entry(_key_variant(key), _new_variant(child)))
    # Observers called synchronously by this post get these very values.
    delivered = kwargs if scalars else None
    return _new_array(_VT_SV, entries), delivered


# Declared (schema) types -------------------------------------------------

_INT_RANGES = {
    'y': (0, 0xff, GLib.Variant.new_byte),
    'n': (-0x8000, 0x7fff, GLib.Variant.new_int16),
    'q': (0, 0xffff, GLib.Variant.new_uint16),
    'i': (-0x80000000, 0x7fffffff, GLib.Variant.new_int32),
    'u': (0, 0xffffffff, GLib.Variant.new_uint32),
    'x': (_INT64_MIN, _INT64_MAX, GLib.Variant.new_int64),
    't': (0, _UINT64_MAX, GLib.Variant.new_uint64),
    'h': (-0x80000000, 0x7fffffff, GLib.Variant.new_handle),
}


class _WrongType(Exception):
    pass


def _int_converter(type_string):
    low, high, ctor = _INT_RANGES[type_string]

    def conv(value):
        if value.__class__ is bool or not isinstance(value, int):
            raise _WrongType
        if not low <= value <= high:
            raise ValueError('%d is out of range for %r [%d, %d]'
                             % (value, type_string, low, high))
        return ctor(value), value
    return conv


def _double_conv(value):
    if value.__class__ is bool or not isinstance(value, (int, float)):
        raise _WrongType
    value = float(value)
    return _new_double(value), value


def _bool_conv(value):
    if not isinstance(value, bool):
        raise _WrongType
    return _new_boolean(value), value


def _string_converter(ctor, check=None):
    def conv(value):
        if not isinstance(value, str):
            raise _WrongType
        if '\0' in value or (check is not None and not check(value)):
            raise ValueError('%r is not a valid value of this type' % (value,))
        return ctor(value), value
    return conv


def _bytes_conv(value):
    if not isinstance(value, (bytes, bytearray)):
        raise _WrongType
    value = bytes(value)
    return _conv_bytes(value), value


def _variant_conv(value):
    try:
        child = _natural(value)
    except _Unsupported:
        raise _WrongType from None
    return _new_variant(child), None


def _type_end(type_string, i):
    """The index just past the complete type starting at ``i``."""
    c = type_string[i]
    if c == 'a' or c == 'm':
        return _type_end(type_string, i + 1)
    if c == '(':
        i += 1
        while type_string[i] != ')':
            i = _type_end(type_string, i)
        return i + 1
    if c == '{':
        i = _type_end(type_string, i + 1)
        i = _type_end(type_string, i)
        return i + 1
    return i + 1


def _child_types(type_string):
    """The element types of a tuple or dict entry type string."""
    children = []
    i = 1
    while i < len(type_string) - 1:
        end = _type_end(type_string, i)
        children.append(type_string[i:end])
        i = end
    return children


def _build(type_string, value):
    """``value`` as a GLib.Variant of ``type_string``, recursively; raises
    _WrongType (or ValueError for a value of the right kind that does not
    fit).  A str is never a sequence here, a dict converts to a dictionary
    type, and a GLib.Variant must already have the type."""
    if isinstance(value, _Variant) and type_string != 'v':
        if value.get_type_string() != type_string:
            raise _WrongType
        return value
    first = type_string[0]
    if first == 'a' and type_string != 'ay':
        element = type_string[1:]
        if element[0] == '{':
            if not isinstance(value, dict):
                raise _WrongType
            key_type, value_type = _child_types(element)
            entries = [_new_dict_entry(_build(key_type, k),
                                       _build(value_type, v))
                       for k, v in value.items()]
            return _new_array(GLib.VariantType.new(element), entries)
        if not isinstance(value, (list, tuple)):
            raise _WrongType
        return _new_array(GLib.VariantType.new(element),
                          [_build(element, item) for item in value])
    if first == '(':
        children = _child_types(type_string)
        if not isinstance(value, (list, tuple)) or \
                len(value) != len(children):
            raise _WrongType
        return GLib.Variant.new_tuple(*[_build(t, v)
                                        for t, v in zip(children, value)])
    if first == 'm':
        if value is None:
            return GLib.Variant.new_maybe(GLib.VariantType.new(type_string[1:]),
                                          None)
        return GLib.Variant.new_maybe(None, _build(type_string[1:], value))
    conv = _scalar_converters.get(type_string)
    if conv is None:
        conv = _scalar_converters[type_string] = _scalar_converter(type_string)
    return conv(value)[0]


_scalar_converters = {}


def _indefinite_converter(type_string):
    """For a declared type such as '*', '?', 'r' or 'a*': a GLib.Variant of
    a subtype, or a value whose natural conversion is one."""
    declared = GLib.VariantType.new(type_string)

    def conv(value):
        if isinstance(value, _Variant):
            variant = value
        else:
            try:
                variant = _natural(value)
            except (_Unsupported, ValueError, OverflowError):
                raise _WrongType from None
        if not GLib.VariantType.new(variant.get_type_string()) \
                .is_subtype_of(declared):
            raise _WrongType
        return variant, None
    return conv


def _generic_converter(type_string):
    def conv(value):
        return _build(type_string, value), None
    return conv


def _converter(type_string):
    if not GLib.VariantType.new(type_string).is_definite():
        return _indefinite_converter(type_string)
    conv = _scalar_converter(type_string)

    def checked(value):
        # A variant must already have the declared type (for 'v', any
        # variant is the value).
        if isinstance(value, _Variant) and type_string != 'v':
            if value.get_type_string() != type_string:
                raise _WrongType
            return value, None
        return conv(value)
    return checked


def _scalar_converter(type_string):
    if type_string in _INT_RANGES:
        conv = _int_converter(type_string)
    elif type_string == 'b':
        conv = _bool_conv
    elif type_string == 'd':
        conv = _double_conv
    elif type_string == 's':
        conv = _string_converter(_new_string)
    elif type_string == 'o':
        conv = _string_converter(GLib.Variant.new_object_path,
                                 GLib.Variant.is_object_path)
    elif type_string == 'g':
        conv = _string_converter(GLib.Variant.new_signature,
                                 GLib.Variant.is_signature)
    elif type_string == 'ay':
        conv = _bytes_conv
    elif type_string == 'v':
        conv = _variant_conv
    else:
        conv = _generic_converter(type_string)
    return conv


class _SchemaConverters:
    __slots__ = ('schema', 'allow_unknown', 'converters')

    def __init__(self, schema):
        self.schema = schema  # keeps the wrapper (and its pointer) alive
        self.allow_unknown = schema.get_allow_unknown_keys()
        self.converters = {}
        for key in schema.list_keys():
            type_string = schema.get_key_type(key).dup_string()
            self.converters[key] = (type_string, _converter(type_string))


_schema_cache = {}  # Schema wrapper -> _SchemaConverters (sealed schemas only)
_schema_cache_lock = threading.Lock()


def _schema_converters(schema):
    converters = _schema_cache.get(schema)
    if converters is None:
        converters = _SchemaConverters(schema)
        if schema.get_sealed():
            with _schema_cache_lock:
                _schema_cache[schema] = converters
    return converters


_ERROR_QUARK = Notification.error_quark()
_E_INVALID_USER_INFO = int(Notification.Error.INVALID_USER_INFO)
_E_WRONG_TYPE = int(Notification.Error.WRONG_TYPE)
_E_UNKNOWN_KEY = int(Notification.Error.UNKNOWN_KEY)
_E_INVALID_SCHEMA = int(Notification.Error.INVALID_SCHEMA)


def _error(code, message):
    """The one exception type of schema violations: a GLib.Error in the
    Notification.Error domain, as post_checked() raises."""
    return GLib.Error.new_literal(_ERROR_QUARK, message, code)


def _python_hint(type_string):
    """What Python value fits ``type_string``, for error messages."""
    first = type_string[0]
    if type_string in _INT_RANGES:
        return 'an int'
    if type_string == 'd':
        return 'a float or an int'
    if type_string == 'b':
        return 'a bool'
    if first in 'sog':
        return 'a str'
    if type_string == 'ay':
        return 'bytes'
    if type_string == 'v':
        return 'any convertible value'
    if type_string.startswith('a{'):
        return 'a dict'
    if first == 'a':
        return 'a list or tuple (not a str)'
    if first == '(':
        return 'a tuple or list of %d' % len(_child_types(type_string))
    if first == 'm':
        return 'None or ' + _python_hint(type_string[1:])
    return 'a GLib.Variant'


def _describe(value):
    if isinstance(value, _Variant):
        return 'a GLib.Variant of type %r' % (value.get_type_string(),)
    return 'a value of Python type %s' % (type(value).__qualname__,)


def _user_info_schema(ntype, schema, kwargs):
    converters = _schema_converters(schema)
    allow_unknown = converters.allow_unknown
    converters = converters.converters
    entries = []
    delivered = {}
    for key, value in kwargs.items():
        declared = converters.get(key)
        if declared is None:
            if not allow_unknown:
                raise _error(_E_UNKNOWN_KEY,
                             'Notification %r: key %r is not declared by the '
                             'schema (declared: %s)'
                             % (ntype, key,
                                ', '.join(sorted(converters)) or 'none'))
            # Allowed unknown key: converted as without a schema.
            try:
                child = _natural(value)
            except (_Unsupported, ValueError, OverflowError) as e:
                raise _error(_E_INVALID_USER_INFO,
                             'Notification %r: key %r (not declared): %s'
                             % (ntype, key, e)) from None
            seen = value if value.__class__ in _SCALARS else None
        else:
            type_string, conv = declared
            try:
                child, seen = conv(value)
            except _WrongType:
                raise _error(_E_WRONG_TYPE,
                             'Notification %r: key %r must be of GVariant type '
                             '%r (%s), got %s'
                             % (ntype, key, type_string,
                                _python_hint(type_string),
                                _describe(value))) from None
            except (ValueError, OverflowError) as e:
                raise _error(_E_WRONG_TYPE,
                             'Notification %r: key %r (GVariant type %r): %s'
                             % (ntype, key, type_string, e)) from None
        if delivered is not None:
            if seen is None:
                delivered = None
            else:
                delivered[key] = seen
        entries.append(_new_dict_entry(_key_variant(key), _new_variant(child)))
    return _new_array(_VT_SV, entries), delivered


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

def _unpack(variant):
    """GLib.Variant.unpack(), except that 'ay' becomes bytes."""
    type_string = variant.get_type_string()
    first = type_string[0]
    if first == 'v':
        return _unpack(variant.get_variant())
    if first == 's' or first == 'o' or first == 'g':
        return variant.get_string()
    if type_string == 'ay':
        return variant.get_data_as_bytes().get_data()
    if first == 'a':
        if type_string[1] == '{':
            result = {}
            for i in range(variant.n_children()):
                entry = variant.get_child_value(i)
                result[_unpack(entry.get_child_value(0))] = \
                    _unpack(entry.get_child_value(1))
            return result
        return [_unpack(variant.get_child_value(i))
                for i in range(variant.n_children())]
    if first == '(':
        return tuple(_unpack(variant.get_child_value(i))
                     for i in range(variant.n_children()))
    if first == 'm':
        if not variant.n_children():
            return None
        return _unpack(variant.get_child_value(0))
    return variant.unpack()


def _unpack_user_info(user_info):
    result = {}
    for i in range(user_info.n_children()):
        entry = user_info.get_child_value(i)
        result[entry.get_child_value(0).get_string()] = \
            _unpack(entry.get_child_value(1))
    return result


def _report_exception():
    # What PyGObject does for an exception in a callback (PyErr_Print()),
    # without letting it escape into the C dispatch loop.
    try:
        sys.excepthook(*_excepthook_info())
    except BaseException:
        pass


def _make_trampoline(callback, method_ref=None):
    """The function the core calls.  With ``method_ref`` (a
    ``weakref.WeakMethod``) it holds the bound method weakly and does
    nothing once its instance is gone."""
    def trampoline(center, ntype, sender, user_info, *user_data):
        cb = callback if method_ref is None else method_ref()
        if cb is None:
            return
        try:
            if user_info is None:
                cb(ntype, sender)
                return
            # A synchronous delivery of a post made by post() below, on this
            # thread: reuse the keyword values instead of unpacking them.
            frame = getattr(_tls, 'frame', None)
            if frame is not None and frame[0] == _variant_pointer(user_info):
                cb(ntype, sender, **frame[1])
            else:
                cb(ntype, sender, **_unpack_user_info(user_info))
        except Exception:
            _report_exception()
    trampoline.callback = callback
    trampoline.method_ref = method_ref
    return trampoline


def _trampoline_matches(trampoline, callback):
    """Whether ``trampoline`` calls ``callback`` (bound methods compare
    equal when they bind the same function to the same instance)."""
    if trampoline.method_ref is not None:
        method = trampoline.method_ref()
        return method is not None and method == callback
    target = trampoline.callback
    return target is callback or target == callback


# Per center: observer id -> weak reference to its trampoline, for
# remove_observer(callable).  The entry goes when the core releases the
# trampoline (its destroy notify), however the observer was removed.  Kept
# in the wrapper's instance dict: PyGObject then keeps the wrapper, and so
# this map, as long as the GObject lives.
_OBSERVERS_ATTR = '_notification_py_observers'
_observers_lock = threading.Lock()


class _ObserverRef(weakref.ref):
    """A weak reference to a trampoline that knows its observer id."""
    __slots__ = ('handle',)


class _ObserverMap(dict):
    """Observer id -> _ObserverRef; an entry goes with its trampoline."""
    __slots__ = ('forget',)

    def __init__(self):
        super().__init__()
        pop = self.pop

        def forget(ref):
            pop(ref.handle, None)
        self.forget = forget


def _observers_of(center):
    observers = center.__dict__.get(_OBSERVERS_ATTR)
    if observers is None:
        with _observers_lock:
            observers = center.__dict__.get(_OBSERVERS_ATTR)
            if observers is None:
                observers = _ObserverMap()
                setattr(center, _OBSERVERS_ATTR, observers)
    return observers


def _remember(center, handle, trampoline):
    observers = _observers_of(center)
    ref = _ObserverRef(trampoline, observers.forget)
    ref.handle = handle
    observers[handle] = ref


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
            _gi_remove_observer(center, handle)
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
    if coalesce:
        handle = _gi_add_observer_with_flags(self, type, sender, owner,
                                             context, _COALESCE, trampoline)
    elif owner is None and context is None:
        handle = _gi_add_observer(self, type, sender, trampoline)
    else:
        handle = _gi_add_observer_full(self, type, sender, owner, context,
                                       trampoline)
    _remember(self, handle, trampoline)
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
    observers = self.__dict__.get(_OBSERVERS_ATTR)
    if isinstance(observer, int) and not isinstance(observer, bool):
        # Forgotten now, not when the trampoline is released: for an
        # observer on a main context that is when the context next runs.
        if observers:
            observers.pop(observer, None)
        _gi_remove_observer(self, observer)
        return None
    if not callable(observer):
        raise TypeError('remove_observer() takes an observer id or a '
                        'callable, not %s' % observer.__class__.__qualname__)
    if not observers:
        return 0
    handles = []
    for handle, ref in list(observers.items()):
        trampoline = ref()
        if trampoline is not None and _trampoline_matches(trampoline,
                                                          observer):
            handles.append(handle)
    for handle in handles:
        observers.pop(handle, None)
        _gi_remove_observer(self, handle)
    return len(handles)


_strict_centers = weakref.WeakKeyDictionary()


def _strict_schemas(center):
    """The center's construct-only strict-schemas property, read once."""
    try:
        return _strict_centers[center]
    except KeyError:
        strict = _strict_centers[center] = center.get_strict_schemas()
        return strict


def _has_observers(self, type, sender=None):
    """Whether a post of ``type`` from ``sender`` made now would reach
    anybody (an observer or a ``notification`` signal handler)."""
    return _gi_has_observers(self, type, sender)


def _post(self, type, sender=None, user_info=None, /, **kwargs):
    """Posts ``type`` from ``sender`` with the keyword arguments as user info
    (see the module documentation for the conversion).  Returns at once,
    converting nothing, when nobody observes ``type`` from ``sender``."""
    if not type:
        if type is None:
            raise TypeError('the notification type must be a str, not None')
        raise ValueError('the notification type must be a non-empty str')
    if not _gi_has_observers(self, type, sender) and not (
            _strict_schemas(self) and _gi_lookup_schema(self, type) is not None):
        return
    if not kwargs and user_info is None:
        _gi_post_checked(self, type, sender, None)
        return
    if user_info is not None:
        if isinstance(user_info, _Variant):
            if kwargs:
                raise TypeError('post() takes user info either as a '
                                'GLib.Variant or as keywords, not both')
            if user_info.get_type_string() != 'a{sv}':
                raise TypeError("%s: user info must be an 'a{sv}' variant, "
                                "not %r" % (type, user_info.get_type_string()))
            _gi_post_checked(self, type, sender, user_info)
            return
        if not isinstance(user_info, dict):
            raise TypeError('%s: user info must be a dict or a GLib.Variant, '
                            'not %s' % (type, user_info.__class__.__qualname__))
        user_info = dict(user_info)
        user_info.update(kwargs)
        kwargs = user_info
    schema = _gi_lookup_schema(self, type)
    if schema is None:
        try:
            data = _serialize_user_info(kwargs)
        except UnicodeEncodeError:
            data = None  # the general path names the key
        if data is not None:
            variant = _new_from_bytes(_VT_ASV, _new_bytes(data), False)
            delivered = kwargs
        else:
            variant, delivered = _user_info_natural(type, kwargs)
    else:
        variant, delivered = _user_info_schema(type, schema, kwargs)
    if delivered is None:
        _gi_post_checked(self, type, sender, variant)
        return
    tls = _tls
    previous = getattr(tls, 'frame', None)
    tls.frame = (_variant_pointer(variant), delivered)
    try:
        _gi_post_checked(self, type, sender, variant)
    finally:
        tls.frame = previous


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
            callback(ntype, sender, observed)
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
Center.has_observers = _has_observers
Center.post = _post
Center.observing = _observing
Center.watch_interest = _watch_interest
