"""The bundle container (design §6): parse and write ``tracelib.bundle/1`` JSON.

Private plumbing of :mod:`tracelib.signing.chain` and :mod:`tracelib.signing.verify`. The
records stay raw JSON objects here, so that the verifier can judge each one separately
(a malformed record is a finding, not a failure of the whole bundle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MalformedInput
from ._fields import malformed, only_members, plain_text, take
from .canonical import b64url_decode, b64url_encode, canonicalize, parse_json

__all__ = [
    "BUNDLE_FORMAT",
    "Bundle",
]

#: The bundle format version.
BUNDLE_FORMAT = "tracelib.bundle/1"
_LISTS = ("records", "checkpoints", "cosignatures", "receipts", "timestamps", "keys")
_MEMBERS = ("t", "chain", "payloads", "salts", *_LISTS)


@dataclass(frozen=True, slots=True)
class Bundle:
    """A parsed bundle: chain origin, raw record envelopes, payloads, salts, evidence."""

    chain: str
    records: tuple[Any, ...]
    payloads: Mapping[str, bytes] = field(default_factory=dict)
    salts: Mapping[str, bytes] = field(default_factory=dict)
    checkpoints: tuple[str, ...] = ()
    cosignatures: tuple[Any, ...] = ()
    receipts: tuple[Any, ...] = ()
    timestamps: tuple[Any, ...] = ()
    keys: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "t": BUNDLE_FORMAT,
            "chain": self.chain,
            "records": list(self.records),
            "payloads": {k: b64url_encode(v) for k, v in self.payloads.items()},
            "salts": {k: b64url_encode(v) for k, v in self.salts.items()},
            "checkpoints": list(self.checkpoints),
            "cosignatures": list(self.cosignatures),
            "receipts": list(self.receipts),
            "timestamps": list(self.timestamps),
            "keys": list(self.keys),
        }

    def to_bytes(self) -> bytes:
        return canonicalize(self.to_json())

    @classmethod
    def parse(cls, data: bytes | bytearray | str | Mapping[str, Any]) -> Bundle:
        """Parse strictly; raise ``BUNDLE_MALFORMED`` (or a ``JSON_*`` code)."""
        if isinstance(data, bytes | bytearray | str):
            obj = parse_json(data)
        elif isinstance(data, Mapping):
            obj = data
        else:
            raise MalformedInput(
                "a bundle is bytes, text or a JSON object", code="BUNDLE_MALFORMED"
            )
        try:
            if not isinstance(obj, Mapping):
                raise malformed("a bundle is a JSON object", "$")
            only_members(obj, _MEMBERS, "$")
            if take(obj, "t", str, "$") != BUNDLE_FORMAT:
                raise malformed(f"t must be {BUNDLE_FORMAT!r}", "$.t")
            chain = plain_text(take(obj, "chain", str, "$"), "$.chain")
            lists = {
                name: tuple(take(obj, name, list, "$", optional=name != "records") or ())
                for name in _LISTS
            }
            for i, text in enumerate(lists["checkpoints"]):
                if not isinstance(text, str):
                    raise malformed("a checkpoint is note text", f"$.checkpoints[{i}]")
            maps = {}
            for name in ("payloads", "salts"):
                raw = take(obj, name, dict, "$", optional=True) or {}
                decoded = {}
                for key, value in raw.items():
                    if not isinstance(value, str):
                        raise malformed("must be base64url text", f"$.{name}.{key}")
                    try:
                        decoded[key] = b64url_decode(value)
                    except MalformedInput as exc:
                        raise malformed(
                            f"not base64url: {exc.message}", f"$.{name}.{key}"
                        ) from None
                maps[name] = decoded
        except MalformedInput as exc:
            raise MalformedInput(exc.message, code="BUNDLE_MALFORMED", path=exc.path) from None
        return cls(
            chain,
            lists["records"],
            maps["payloads"],
            maps["salts"],
            lists["checkpoints"],
            lists["cosignatures"],
            lists["receipts"],
            lists["timestamps"],
            lists["keys"],
        )
