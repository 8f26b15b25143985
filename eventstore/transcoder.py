"""Stores the domain's frozen-dataclass events as JSON and rebuilds them with their types.

orjson writes dataclasses, UUIDs, datetimes and enums natively; reading back, each
field is converted by its annotation, so stored events decode to the exact objects
the domain made (nested assessments, decisions and policies included). Policies repeat
in nearly every assistant event, so each distinct one is decoded once and shared.

What a person wrote is sealed here, on the way in and out of the store, under its
conversation's data key (`eventstore/sealing.py`, `eventstore/keys.py`): the domain's events
stay plain, and no text reaches the events table in the clear.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from domain.events import Branched, Erased, Started
from domain.policy import Policy
from eventstore.keys import DataKeys
from eventstore.sealing import SEALED, Shape, merge, seal, shape_of, split, unseal

Convert = Callable[[Any], Any]

# Frozen values stored again and again (every assistant event carries the policy in
# force): decoded once, then shared.
MEMOISED: frozenset[type] = frozenset({Policy})
MEMO_SIZE = 256


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


class EventMapper(Mapper[UUID]):
    """A mapper whose events are typed dataclasses rather than library aggregates' events,
    their personal fields sealed under `keys`."""

    def __init__(self, transcoder: Transcoder, keys: DataKeys | None) -> None:
        super().__init__(transcoder)
        self._keys = keys

    @property
    def keys(self) -> DataKeys:
        if self._keys is None:
            raise RuntimeError("this mapper reads events without their texts; it has no keys")
        return self._keys

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        cls = type(domain_event)
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        version = state.pop("originator_version")
        if cls is Started:
            self.keys.create(originator_id, state["owner"])
        elif cls is Branched:
            self.keys.note_parent(originator_id, state["parent_id"])
        shape = shape_of(cls)
        if shape is not None:
            secret = split(state, shape)
            key = self.keys.for_writing(originator_id)
            state[SEALED] = seal(key, originator_id, version, secret)
        return StoredEvent(originator_id, version, get_topic(cls), self.transcoder.encode(state))

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = resolve_topic(stored_event.topic)
        state = self.state_of(stored_event)
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        return _converter(cls)(state)

    def state_of(self, stored_event: StoredEvent, *, personal: bool = True) -> dict[str, Any]:
        """The event's fields as decoded JSON; with `personal`, its sealed fields opened when
        its conversation's key exists (else they stay placeholders: erased). Reading an
        erasure drops the conversation's key from this process's memory."""
        topic = stored_event.topic
        shape = shape_of(resolve_topic(topic)) if personal else None
        return self._state(
            cast(UUID, stored_event.originator_id),
            stored_event.originator_version,
            stored_event.state,
            shape,
            topic == ERASED_TOPIC,
        )

    def _state(
        self, cid: UUID, version: int, data: bytes, shape: Shape | None, erasure: bool
    ) -> dict[str, Any]:
        """`state_of` for a class whose shape (None: its sealed fields are not opened) and
        whether it is the erasure are known."""
        state: dict[str, Any] = self.transcoder.decode(data)
        sealed = state.pop(SEALED, None)
        if sealed is not None and shape is not None and self._keys is not None:
            key = self._keys.for_reading(cid)
            if key is not None:
                merge(state, unseal(key, cid, version, sealed), shape)
        elif erasure and self._keys is not None:
            self._keys.forget(cid)
        return state


ERASED_TOPIC = get_topic(Erased)


Reads = Mapping[type, frozenset[str]]
"""The fields a reader reads, by event class; `a.b` is field `b` of dataclass field `a`."""


def fields_for(reads: Reads, cls: type) -> frozenset[str] | None:
    """The fields of `cls` in `reads`: its own entry or its nearest base class's; None when
    neither is listed (the reader ignores the class)."""
    return next((reads[k] for k in cls.__mro__ if k in reads), None)


PartialDecoder = Callable[[UUID, int, bytes], Any]
"""Makes a partial event from a stored event's originator, version and state."""


def partial_decoder(mapper: EventMapper, cls: type, fields: frozenset[str]) -> PartialDecoder:
    """A maker of events of class `cls` with only `fields` decoded (and their originator):
    what a reader that reads no other field pays for. Every other field is None, and the
    classes' own validation does not run; with no fields, the state is not even parsed, and
    sealed fields are opened only when one is read. A listed field that is missing and has
    no default raises TypeError. What depends on the class alone is worked out here: a reader
    makes one per class it reads and calls it for each event."""
    convert = _partial_converter(cls, fields)
    if not fields:

        def bare(originator_id: UUID, version: int, data: bytes) -> Any:
            return convert({}, originator_id, version)

        return bare
    shape, erasure, state = _sealed_read(cls, fields), cls is Erased, mapper._state

    def decode(originator_id: UUID, version: int, data: bytes) -> Any:
        return convert(state(originator_id, version, data, shape, erasure), originator_id, version)

    return decode


@cache
def _sealed_read(cls: type, fields: frozenset[str]) -> Shape | None:
    """The part of `cls`'s shape that reading `fields` reaches: the sealed fields opened and
    merged back, none when none is read (`assessment.category` reaches none, `assessment` or
    `assessment.rationale` reaches the assessment's). Opening the sealed field costs the same
    either way; merging only what is read spares the rest (a message's rationale when only
    its text is read)."""
    shape = shape_of(cls)
    return None if shape is None else _pruned(shape, [f.split(".") for f in fields])


def _pruned(shape: Shape, paths: list[list[str]]) -> Shape | None:
    kept: dict[str, Any] = {}
    for name, spec in shape.items():
        rest = [path[1:] for path in paths if path[0] == name]
        inner = spec[0] if isinstance(spec, list) else spec
        if [] in rest:
            kept[name] = spec
        elif rest and isinstance(inner, Mapping) and (part := _pruned(inner, rest)) is not None:
            kept[name] = [part] if isinstance(spec, list) else part
    return kept or None


@cache
def _partial_converter(cls: type, fields: frozenset[str]) -> Callable[..., Any]:
    """`(data, *originator)`: an instance of `cls` with `fields` converted from `data`; for an
    event, `originator` is its id and version."""
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    inner: dict[str, set[str]] = {}
    for path in fields:
        head, _, rest = path.partition(".")
        if head not in known:
            raise TypeError(f"{cls.__name__} has no field {head}")
        inner.setdefault(head, set()).update([rest] if rest else [])
    converters = [
        (name, _partial_converter(hints[name], frozenset(sub)) if sub else _converter(hints[name]))
        for name, sub in inner.items()
    ]
    # Fields copied as they are decoded need no call each.
    plain = tuple(name for name, c in converters if c is _identity)
    converted = tuple((name, c) for name, c in converters if c is not _identity)
    unread = dict.fromkeys(known.keys() - inner.keys())
    defaults = {
        **unread,
        **{n: known[n].default for n in inner if known[n].default is not dataclasses.MISSING},
    }
    required = frozenset(inner.keys() - defaults.keys())
    new, set_dict = object.__new__, object.__setattr__

    def convert(data: Mapping[str, Any], *originator: Any) -> Any:
        if not data.keys() >= required:
            missing = sorted(n for n in required if n not in data)
            raise TypeError(f"{cls.__name__} is missing {missing}")
        state = defaults.copy()
        for name in plain:
            if name in data:
                state[name] = data[name]
        for name, c in converted:
            if name in data:
                state[name] = c(data[name])
        if originator:
            state["originator_id"], state["originator_version"] = originator
        obj: Any = new(cls)
        set_dict(obj, "__dict__", state)
        return obj

    return convert


def event_mapper(keys: DataKeys | None = None) -> EventMapper:
    """The mapper every reader and writer of the event store uses (store, replay, verify,
    the projection runners), so they all encode and decode events the same way. Without
    `keys`, for a reader that needs no text (replay, verify): sealed fields stay
    placeholders, unopened, and it writes no event that has any."""
    return EventMapper(OrjsonTranscoder(), keys)


@cache
def _converter(tp: Any) -> Convert:
    """A function turning decoded JSON into a value of type `tp`."""
    if tp is Any or tp is object:
        return _identity
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported union {tp}")
        convert = _converter(inner[0])
        return lambda v: None if v is None else convert(v)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            if item is _identity:
                return tuple
            return lambda v: tuple(item(x) for x in v)
        items = [_converter(a) for a in args]
        return lambda v: tuple(c(x) for c, x in zip(items, v, strict=True))
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        value = _converter(args[1]) if args else _identity
        if value is _identity:
            return dict
        return lambda v: {k: value(x) for k, x in v.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if tp is UUID:
        return lambda v: v if isinstance(v, UUID) else UUID(v)
    if tp is datetime:
        return datetime.fromisoformat
    if tp is float:
        return float
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_converter(tp)
    return _identity


def _enum_converter(tp: type[Enum]) -> Convert:
    members = tp._value2member_map_

    def convert(value: Any) -> Any:
        return members[value] if value in members else tp(value)

    return convert


def _dataclass_converter(cls: type) -> Convert:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls) if f.init]

    every = dataclasses.fields(cls)
    plain = [f for f in every if f.init and f.default_factory is dataclasses.MISSING]
    if hasattr(cls, "__post_init__") or len(plain) < len(every):

        def convert(data: Mapping[str, Any]) -> Any:
            return cls(**{name: c(data[name]) for name, c in fields if name in data})

    else:
        # No validation or factories to run: fill the instance's fields directly, which
        # is what the frozen __init__ does, without its per-field setattr calls.
        defaults = {f.name: f.default for f in plain if f.default is not dataclasses.MISSING}
        required = {f.name for f in plain} - defaults.keys()

        def convert(data: Mapping[str, Any]) -> Any:
            state = {name: c(data[name]) for name, c in fields if name in data}
            if not data.keys() >= required:
                return cls(**state)  # raises the TypeError naming what is missing
            obj: Any = object.__new__(cls)
            object.__setattr__(obj, "__dict__", {**defaults, **state})
            return obj

    return _memoised(convert) if cls in MEMOISED else convert


def _memoised(convert: Convert) -> Convert:
    """`convert` remembering its results by their JSON (for values that repeat, immutably)."""
    seen: dict[bytes, Any] = {}

    def memoised(data: Mapping[str, Any]) -> Any:
        key = orjson.dumps(data)
        value = seen.get(key)
        if value is None:
            if len(seen) >= MEMO_SIZE:
                seen.clear()
            value = seen[key] = convert(data)
        return value

    return memoised


def _identity(value: Any) -> Any:
    return value
