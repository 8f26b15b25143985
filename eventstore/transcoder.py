"""Stores the domain's frozen-dataclass events as JSON and rebuilds them with their types.

orjson writes dataclasses, UUIDs, datetimes and enums natively; reading back, each
field is converted by its annotation, so stored events decode to the exact objects
the domain made (nested assessments, decisions and policies included). Policies repeat
in nearly every assistant event, so each distinct one is decoded once and shared.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from domain.policy import Policy

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
    """A mapper whose events are typed dataclasses rather than library aggregates' events."""

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = resolve_topic(stored_event.topic)
        state = self.transcoder.decode(stored_event.state)
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        return _converter(cls)(state)


Reads = Mapping[type, frozenset[str]]
"""The fields a reader reads, by event class; `a.b` is field `b` of dataclass field `a`."""


def fields_for(reads: Reads, cls: type) -> frozenset[str] | None:
    """The fields of `cls` in `reads`: its own entry or its nearest base class's; None when
    neither is listed (the reader ignores the class)."""
    return next((reads[k] for k in cls.__mro__ if k in reads), None)


def partial_event(
    mapper: Mapper[UUID], cls: type, stored_event: StoredEvent, fields: frozenset[str]
) -> Any:
    """`stored_event`, of class `cls`, with only `fields` decoded (and its originator): what a
    reader that reads no other field pays for. Every other field is None, and the classes'
    own validation does not run; with no fields, the state is not even parsed. A listed
    field that is missing and has no default raises TypeError."""
    state = mapper.transcoder.decode(stored_event.state) if fields else {}
    obj = _partial_converter(cls, fields)(state)
    obj.__dict__["originator_id"] = stored_event.originator_id
    obj.__dict__["originator_version"] = stored_event.originator_version
    return obj


@cache
def _partial_converter(cls: type, fields: frozenset[str]) -> Convert:
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
    unread = dict.fromkeys(known.keys() - inner.keys())
    defaults = {
        **unread,
        **{n: known[n].default for n in inner if known[n].default is not dataclasses.MISSING},
    }
    required = inner.keys() - defaults.keys()

    def convert(data: Mapping[str, Any]) -> Any:
        state = {name: c(data[name]) for name, c in converters if name in data}
        if not state.keys() >= required:
            raise TypeError(f"{cls.__name__} is missing {sorted(required - state.keys())}")
        obj: Any = object.__new__(cls)
        object.__setattr__(obj, "__dict__", {**defaults, **state})
        return obj

    return convert


def event_mapper() -> EventMapper:
    """The mapper every reader and writer of the event store uses (store, replay, verify,
    the projection runners), so they all encode and decode events the same way."""
    return EventMapper(transcoder=OrjsonTranscoder())


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
