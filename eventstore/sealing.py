"""Which fields of which events hold what a person wrote, and how they are sealed.

A sealed event keeps every field in the clear except the personal ones: those are stored as
a placeholder (`""` or null) and, encrypted together under the conversation's data key, in
one `sealed` field. So positions, kinds, timestamps, categories, scores, rule ids, decisions
and policies stay readable by every reader (replay, verify, the audit's figures) without a
key, and once the key is deleted each personal field reads as its placeholder: erased.

The ciphertext is bound to the event's conversation and version (AES-GCM associated data),
so a sealed field cannot be moved to another event and still open. The read models seal
the texts they keep with the same functions, bound to their table and row as well
(`projections/sealed.py`).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.events import AssistantEvent, Branched, FeedbackGiven, MessageSent
from eventstore.keys import NONCE_BYTES

SEALED = "sealed"

# A shape maps a field to its placeholder, to the shape of a nested value (a dict), or (a
# one-item list) to the shape of each item of a sequence. Nested values are dicts or
# dataclasses (checked as `dict`: an ABC check such as `Mapping` is several times slower).
Shape = Mapping[str, Any]
ASSESSMENT: Shape = {"rationale": "", "raw": None}
DECISION: Shape = {"model_request": None}
TURN: Shape = {"text": "", "reply": "", "assessment": ASSESSMENT, "decision": DECISION}
PERSONAL: dict[type, Shape] = {
    MessageSent: {"text": "", "assessment": ASSESSMENT},
    AssistantEvent: {"text": "", "decision": DECISION},
    FeedbackGiven: {"comment": None},
    Branched: {"inherited": [TURN]},
}
"""The personal fields, by event class (a subclass uses its nearest listed base's)."""


def shape_of(cls: type) -> Shape | None:
    """`cls`'s shape, found once per class (every event written or read asks)."""
    if cls not in _SHAPES:
        _SHAPES[cls] = next((PERSONAL[k] for k in cls.__mro__ if k in PERSONAL), None)
    return _SHAPES[cls]


_SHAPES: dict[type, Shape | None] = {}


def split(state: dict[str, Any], shape: Shape) -> dict[str, Any]:
    """Move the personal fields of `state` (an event's fields) into the returned dict,
    leaving placeholders; nested dataclasses in `state` become dicts on the way."""
    secret: dict[str, Any] = {}
    for name, spec in shape.items():
        value = state[name]
        if isinstance(spec, list):
            items = [_fields(item) for item in value]
            secret[name] = [split(item, spec[0]) for item in items]
            state[name] = items
        elif isinstance(spec, dict):
            inner = _fields(value)
            secret[name] = split(inner, spec)
            state[name] = inner
        else:
            secret[name] = value
            state[name] = spec
    return secret


def merge(state: dict[str, Any], secret: Mapping[str, Any], shape: Shape) -> None:
    """Put the personal fields `split` took by `shape` back into `state` (decoded JSON)."""
    for name, spec in shape.items():
        if isinstance(spec, list):
            for item, inner in zip(state[name], secret[name], strict=True):
                merge(item, inner, spec[0])
        elif isinstance(spec, dict):
            merge(state[name], secret[name], spec)
        else:
            state[name] = secret[name]


def seal(key: AESGCM, originator: UUID, version: int, secret: Mapping[str, Any]) -> str:
    return base64.b64encode(seal_bytes(key, originator, version, secret)).decode()


def unseal(key: AESGCM, originator: UUID, version: int, sealed: str) -> Any:
    """The personal fields sealed in `sealed`; `InvalidTag` if the key or event is not theirs."""
    return unseal_bytes(key, originator, version, base64.b64decode(sealed))


def seal_bytes(
    key: AESGCM, originator: UUID, number: int, secret: Any, *, place: bytes = b""
) -> bytes:
    """`secret` (any JSON value) encrypted, bound to `place` (empty for an event, a table's
    name for a read-model row), the conversation and a number (an event's version, a row's
    position): it opens there only."""
    nonce = os.urandom(NONCE_BYTES)
    bound = place + _bound_to(originator, number)
    return nonce + key.encrypt(nonce, orjson.dumps(secret), bound)


def unseal_bytes(
    key: AESGCM, originator: UUID, number: int, box: bytes, *, place: bytes = b""
) -> Any:
    """What `seal_bytes` sealed at the same place; `InvalidTag` anywhere else."""
    bound = place + _bound_to(originator, number)
    return orjson.loads(key.decrypt(box[:NONCE_BYTES], box[NONCE_BYTES:], bound))


def _bound_to(originator: UUID, version: int) -> bytes:
    return originator.bytes + version.to_bytes(8, "big", signed=True)


def _fields(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else dict(vars(value))
