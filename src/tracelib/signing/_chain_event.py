"""EPCIS event payloads and their CBV 2.0 hash IDs (``eventId``), for chain.py and verify.py.

Private plumbing. A payload is an EPCIS event when its bytes parse (with
:func:`tracelib.epcis.parse`) to a bare event or to a document holding exactly one event;
its ``eventId`` is then that event's CBV hash ID (``event.hash_id()``), with the CBV version
taken from the ``?ver=`` suffix when one is checked. An event *model* given as a payload is
written once as JCS bytes of its JSON-LD rendition (the bytes that are then signed, stored
and handed out).

JSON-LD payloads are hashed from the parsed JSON first
(:func:`tracelib.epcis._hash_jsonld.event_hash_from_jsonld_bytes`, the same IDs); when that
quick path declines (a shape it does not handle, an invalid event), the models decide.
Reading a payload into models and hashing it costs more than an Ed25519 signature, so the
answers of :func:`event_id_of` are memoised by the SHA-256 digest of the payload bytes and the
CBV version (bounded; the same bytes always give the same answer): a payload is parsed once
per process, however many records, bundles and verifications carry it.
:func:`clear_event_ids` empties the memo (benchmarks measure cold verifications with it).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from typing import Any

from ..errors import InputError, TracelibError
from .canonical import canonicalize, parse_json

__all__ = [
    "EPCIS_JSONLD",
    "EPCIS_XML",
    "clear_event_ids",
    "event_id_of",
    "event_payload",
    "looks_epcis",
    "prepare_payload",
]

#: The payload type of EPCIS 2.0 JSON-LD (design §4).
EPCIS_JSONLD = 'application/ld+json; profile="https://ref.gs1.org/standards/epcis"'
#: The payload type of EPCIS XML as received.
EPCIS_XML = "application/epcis+xml"
_EPCIS_TYPES = frozenset(
    {
        "application/ld+json",
        "application/json",
        "application/epcis+xml",
        "application/xml",
        "text/xml",
    }
)


#: Memoised answers of :func:`event_id_of`: ``{(SHA-256 of the payload, CBV version): id}``.
_MEMO: dict[tuple[bytes, str], str | None] = {}
#: The memo is emptied when it reaches this many entries (about 0.5 MB).
_MEMO_LIMIT = 4096


def clear_event_ids() -> None:
    """Forget every memoised eventId (see the module docstring)."""
    _MEMO.clear()


def looks_epcis(payload_type: str | None) -> bool:
    """Whether a media type may carry an EPCIS document or event (parameters ignored)."""
    if not isinstance(payload_type, str):
        return False
    return payload_type.split(";", 1)[0].strip().lower() in _EPCIS_TYPES


@functools.cache
def _event_class() -> type:
    models: Any = importlib.import_module("tracelib.epcis.models")
    return models.EpcisEvent  # type: ignore[no-any-return]


def event_payload(
    payload: object, payload_type: str | None
) -> tuple[bytes, str | None, str | None]:
    """``(bytes, payload type, event id)`` of a payload given as bytes or an event model.

    For bytes the event id is ``None`` (work it out with :func:`event_id_of`).
    """
    if isinstance(payload, bytes | bytearray):
        return bytes(payload), payload_type, None
    if isinstance(payload, _event_class()):
        event: Any = payload
        data = canonicalize(parse_json(event.to_jsonld()))
        return data, payload_type or EPCIS_JSONLD, event.hash_id()
    raise InputError("a payload is bytes or a tracelib.epcis event model", code="PAYLOAD_INVALID")


def _version(event_id: str | None) -> str:
    return "2.1" if event_id is not None and event_id.endswith("?ver=CBV2.1") else "2.0"


def event_id_of(
    payload: bytes, like: str | None = None, *, digest: bytes | None = None
) -> str | None:
    """The CBV hash ID of the single EPCIS event in ``payload``, or ``None`` if it holds none.

    Args:
        payload: The payload bytes.
        like: An ``eventId`` being checked: its ``?ver=CBV2.x`` picks the CBV version.
        digest: ``SHA-256(payload)`` when the caller has just checked it (an unsalted
            payload digest), so that the memo key is not hashed again.

    Returns:
        ``ni:///sha-256;…?ver=CBV2.0`` (or ``CBV2.1``), or ``None`` when the bytes are not
        one EPCIS event.
    """
    version = _version(like)
    key = (digest if digest is not None else hashlib.sha256(payload).digest(), version)
    if key in _MEMO:
        return _MEMO[key]
    try:
        found = _compute(payload, version)
    except RecursionError:  # depends on the caller's stack: not memoised
        return None
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = found
    return found


@functools.cache
def _epcis() -> Any:
    return importlib.import_module("tracelib.epcis")


@functools.cache
def _fast() -> Any:
    module: Any = importlib.import_module("tracelib.epcis._hash_jsonld")
    return module.event_hash_from_jsonld_bytes


def _compute(payload: bytes, version: str) -> str | None:
    if payload[:1] == b"{":  # JSON-LD: the quick path first, the models when it declines
        found = _fast()(payload, cbv_version=version)
        if found is not None:
            return str(found)
    try:
        parsed = _epcis().parse(payload)
        events: tuple[Any, ...] = (
            (parsed,)
            if isinstance(parsed, _event_class())
            else tuple(getattr(parsed, "events", ()))
        )
        if len(events) != 1:
            return None
        return str(events[0].hash_id(cbv_version=version))
    except (TracelibError, ValueError, TypeError):
        return None


def prepare_payload(
    payload: object, payload_type: str | None, event_id: str | None, hidden: bool
) -> tuple[bytes, str | None, str | None]:
    """The payload bytes, type and ``eventId`` to sign (see :meth:`Chain.append`)."""
    data, payload_type, computed = event_payload(payload, payload_type)
    if event_id is None:
        return data, payload_type, None
    if computed is None and (event_id != "auto" or (not hidden and looks_epcis(payload_type))):
        computed = event_id_of(data, None if event_id == "auto" else event_id)
    if event_id == "auto":
        return data, payload_type, None if hidden else computed
    if computed != event_id:
        raise InputError(
            f"eventId {event_id} is not the payload event's hash ID", code="EVENT_ID_MISMATCH"
        )
    return data, payload_type, event_id
