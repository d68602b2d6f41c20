"""Anchored times from a bundle's RFC 3161 tokens (plumbing of :mod:`tracelib.signing.timestamps`).

Each ``timestamps`` entry ``{"checkpoint": n, "token": b64url DER}`` claims a token over the
checkpoint of size ``n`` of this chain. The checkpoint is recomputed from the records (never
taken from the entry or a note in the bundle), so a token anchors exactly the header bytes
it covers; the earliest verified token whose checkpoint covers ``seq`` gives its anchored
time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MalformedInput, MissingDependencyError, SigningError
from ._bundle import Bundle
from ._keys_entry import instant
from .canonical import b64url_decode
from .checkpoint import Checkpoint
from .merkle import CompactRange
from .records import Record
from .report import Finding
from .trust import TrustBundle

__all__ = ["Anchors", "timestamp_anchors"]


@dataclass(frozen=True, slots=True)
class Anchors:
    """Anchored times of a bundle's records, and what was wrong with its tokens.

    Attributes:
        times: Checkpoint size -> earliest anchored time (RFC 3339) of a verified token.
        findings: ``TIMESTAMP_IMPRINT_MISMATCH`` / ``TIMESTAMP_UNPARSEABLE`` findings.

    Examples:
        >>> anchors = Anchors({3: "2026-05-14T09:00:00Z", 5: "2026-05-14T08:00:00Z"})
        >>> anchors.at(1), anchors.at(4), anchors.at(5)
        ('2026-05-14T08:00:00Z', '2026-05-14T08:00:00Z', None)
    """

    times: Mapping[int, str] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    def with_times(self, times: Mapping[int, str]) -> Anchors:
        """These anchors plus other checkpoint times (e.g. verified witness cosignatures).

        Args:
            times: Checkpoint size -> RFC 3339 time.

        Returns:
            New anchors keeping the earliest time per size.

        Examples:
            >>> Anchors({2: "2026-05-14T09:00:00Z"}).with_times({2: "2026-05-14T08:30:00Z"}).at(0)
            '2026-05-14T08:30:00Z'
        """
        merged = dict(self.times)
        for size, when in times.items():
            if size not in merged or instant(when) < instant(merged[size]):
                merged[size] = when
        return Anchors(merged, self.findings)

    def at(self, seq: int) -> str | None:
        """The anchored time of record ``seq``: the earliest token over a checkpoint of
        size ``> seq``, or ``None`` when no verified token covers it.

        Args:
            seq: The record's position.

        Returns:
            RFC 3339 time or ``None``.

        Examples:
            >>> Anchors().at(0) is None
            True
        """
        best: str | None = None
        for size, when in self.times.items():
            if size > seq and (best is None or instant(when) < instant(best)):
                best = when
        return best


def _leaves(bundle: Bundle) -> dict[int, set[bytes]]:
    found: dict[int, set[bytes]] = {}
    for raw in bundle.records:
        try:
            record = Record.parse(raw, canonical=False)
        except (MalformedInput, ValueError, TypeError, RecursionError):
            continue
        if record.header.chain == bundle.chain:
            found.setdefault(record.header.seq, set()).add(record.id)
    return found


def _unusable(i: int, reason: str, message: str, **details: Any) -> Finding:
    return Finding.make(
        "TIMESTAMP_UNPARSEABLE",
        details={"timestamp": i, "reason": reason, **details},
        message=f"timestamps[{i}]: {message}",
    )


def timestamp_anchors(bundle: bytes | str | Mapping[str, Any], trust: TrustBundle) -> Anchors:
    """The anchored times of a bundle's records from its RFC 3161 tokens.

    Args:
        bundle: The bundle (bytes, text or parsed object).
        trust: The trust bundle (its ``tsa_roots`` are the pinned TSAs).

    Returns:
        The anchors; a bundle that cannot be read gives none (``verify`` reports it).

    Examples:
        >>> timestamp_anchors(b'{"t":"tracelib.bundle/1","chain":"ex.vn/1","records":[],'
        ...     b'"timestamps":[{"checkpoint":1,"token":"AA"}]}', TrustBundle()).findings[0].code
        'TIMESTAMP_UNPARSEABLE'
    """
    from .timestamps import TimestampToken  # late: timestamps re-exports this module

    try:
        parsed = Bundle.parse(bundle)
    except MalformedInput:
        return Anchors()
    leaves = _leaves(parsed)
    times: dict[int, str] = {}
    findings: list[Finding] = []
    for i, entry in enumerate(parsed.timestamps):
        size = entry.get("checkpoint") if isinstance(entry, dict) else None
        token_text = entry.get("token") if isinstance(entry, dict) else None
        if (
            type(size) is not int
            or size < 1
            or not isinstance(token_text, str)
            or set(entry) - {"checkpoint", "token"}
        ):
            findings.append(
                _unusable(i, "entry", 'an entry is {"checkpoint": n >= 1, "token": b64url}')
            )
            continue
        try:
            token = TimestampToken.parse(b64url_decode(token_text))
        except MissingDependencyError as exc:
            findings.append(_unusable(i, "missing-dependency", str(exc)))
            continue
        except MalformedInput as exc:
            findings.append(_unusable(i, "parse", exc.message))
            continue
        prefix = [leaves.get(seq, set()) for seq in range(size)]
        if any(len(found) != 1 for found in prefix):
            findings.append(
                Finding.make(
                    "TIMESTAMP_IMPRINT_MISMATCH",
                    seq=size - 1,
                    severity="warning",
                    details={"timestamp": i, "checkpoint": size, "reason": "not-reproducible"},
                    message=f"timestamps[{i}]: the records do not reproduce checkpoint {size}",
                )
            )
            continue
        root = CompactRange.from_leaves([next(iter(found)) for found in prefix]).root()
        message = Checkpoint(parsed.chain, size, root).text().encode("utf-8")
        try:
            anchored = token.verify(message, trust.tsa_roots)
        except SigningError as exc:
            if exc.code == "TIMESTAMP_IMPRINT_MISMATCH":
                findings.append(
                    Finding.make(
                        "TIMESTAMP_IMPRINT_MISMATCH",
                        seq=size - 1,
                        details={"timestamp": i, "checkpoint": size},
                        message=f"timestamps[{i}]: the token is not over checkpoint {size}",
                    )
                )
            else:
                findings.append(_unusable(i, "untrusted", exc.message))
            continue
        if size not in times or instant(anchored) < instant(times[size]):
            times[size] = anchored
    return Anchors(times, tuple(findings))
