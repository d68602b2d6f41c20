"""The verification report: findings with stable codes, a verdict, JSON and HTML renderings.

:func:`tracelib.signing.verify` never stops at the first problem: it returns a
:class:`Report` holding every :class:`Finding`. Each finding has a stable ``code`` (public
API; the ``message`` text may change), a ``severity`` (``error``, ``warning`` or ``info``),
the ``seq`` it concerns (``None`` for the bundle or outside evidence), the record id, and
``expected``/``actual``/``evidence``/``details`` values that are plain JSON.

The verdict is ``INVALID`` iff some finding is an error, ``VALID_WITH_WARNINGS`` iff some is
a warning, else ``VALID``. ``verified_prefix`` is the longest prefix ``[0, k)`` of the chain
with no error. Findings are sorted by ``(seq, severity, code)`` (bundle-level findings, whose
seq is ``None``, first).

Examples:
    >>> report = Report.build("ex.vn/lot/1", 3, [
    ...     Finding.make("PAYLOAD_WITHHELD", seq=2),
    ...     Finding.make("PAYLOAD_DIGEST_MISMATCH", seq=1)])
    >>> report.verdict, report.verified_prefix, [f.code for f in report.findings]
    ('INVALID', 1, ['PAYLOAD_DIGEST_MISMATCH', 'PAYLOAD_WITHHELD'])
    >>> report.to_json()["findings"][0]["severity"]
    'error'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .canonical import canonicalize

__all__ = [
    "CODES",
    "Finding",
    "Report",
    "Severity",
    "Verdict",
]

#: A finding's severity.
Severity = Literal["error", "warning", "info"]
#: A report's verdict.
Verdict = Literal["VALID", "VALID_WITH_WARNINGS", "INVALID"]

#: Every finding code and its default severity (design §12; stable public API).
CODES: Mapping[str, Severity] = {
    "ALG_KEY_MISMATCH": "error",
    "APPEND_AFTER_SEAL": "error",
    "CERT_CHAIN_INVALID": "error",
    "CHECKPOINT_INCONSISTENT": "error",
    "CHECKPOINT_SIGNATURE_INVALID": "error",
    "EVENT_ID_MISMATCH": "error",
    "FORK_DETECTED": "error",
    "FRESHNESS_UNKNOWN": "info",
    "HEADER_INCONSISTENT": "error",
    "HEAD_MISSING": "error",
    "KEY_EXPIRED": "error",
    "KEY_REVOKED": "error",
    "MALFORMED_RECORD": "error",
    "MISSING_REQUIRED_SIGNATURE": "error",
    "NON_CANONICAL_ENCODING": "error",
    "PAYLOAD_DIGEST_MISMATCH": "error",
    "PAYLOAD_WITHHELD": "info",
    "PREV_MISMATCH": "error",
    "RECORDS_DELETED": "error",
    "RECORDS_REORDERED": "error",
    "RECORD_INSERTED": "error",
    "RECORD_REPLACED": "error",
    "REF_MISMATCH": "error",
    "REF_UNVERIFIED": "warning",
    "SIGNATURE_INVALID": "error",
    "SIGNED_AFTER_REVOCATION": "error",
    "SIGNER_MISMATCH": "error",
    "TIMESTAMP_IMPRINT_MISMATCH": "error",
    "TIMESTAMP_UNPARSEABLE": "warning",
    "TIME_REGRESSION": "warning",
    "TRUNCATED": "error",
    "TRUST_BUNDLE_EXPIRED": "error",
    "TRUST_BUNDLE_STALE": "warning",
    "UNANCHORED_AFTER_COMPROMISE": "error",
    "UNAUTHORIZED_SIGNER": "error",
    "UNKNOWN_KEY": "error",
    "WITNESS_QUORUM_NOT_MET": "error",
    "WRONG_CHAIN": "error",
}

_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or fact) found by :func:`~tracelib.signing.verify`.

    Attributes:
        code: The stable code (a key of :data:`CODES`).
        severity: ``error``, ``warning`` or ``info``.
        seq: The chain position concerned; ``None`` for the bundle or outside evidence.
        record_id: The base64url record id (leaf hash), when one record is concerned.
        expected: What the verifier expected (JSON value), if meaningful.
        actual: What it found (JSON value), if meaningful.
        evidence: Material a third party can check (e.g. both envelopes of a fork).
        details: Code-specific values (``from``/``count``, ``n``/``m``, ``path``...).
        message: Human-readable text (may change between releases).

    Examples:
        >>> Finding.make("RECORDS_DELETED", seq=5, details={"from": 5, "count": 3}).severity
        'error'
    """

    code: str
    severity: Severity
    seq: int | None = None
    record_id: str | None = None
    expected: Any = None
    actual: Any = None
    evidence: Mapping[str, Any] | None = field(default=None, compare=False)
    details: Mapping[str, Any] = field(default_factory=dict)
    message: str = field(default="", compare=False)

    @classmethod
    def make(
        cls,
        code: str,
        *,
        seq: int | None = None,
        severity: Severity | None = None,
        message: str = "",
        **values: Any,
    ) -> Finding:
        """A finding with the default severity of its code.

        Args:
            code: A key of :data:`CODES`.
            seq: The chain position.
            severity: Overrides the default severity (e.g. info for a superseded key).
            message: Human-readable text.
            **values: ``record_id``, ``expected``, ``actual``, ``evidence``, ``details``.

        Returns:
            The finding.

        Examples:
            >>> Finding.make("TRUNCATED", seq=4, details={"n": 4, "m": 6}).details["m"]
            6
        """
        return cls(
            code, severity or CODES.get(code, "error"), seq, message=message or code, **values
        )

    def sort_key(self) -> tuple[int, int, str, str]:
        """The deterministic ordering key ``(seq, severity, code, record id)``.

        Returns:
            A tuple; bundle-level findings (``seq`` None) sort first.

        Examples:
            >>> Finding.make("X", seq=None).sort_key()[0]
            -1
        """
        return (
            -1 if self.seq is None else self.seq,
            _RANK[self.severity],
            self.code,
            self.record_id or "",
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the finding (members that are unset are left out).

        Returns:
            ``{"code", "severity", "seq", ...}``.

        Examples:
            >>> Finding.make("PAYLOAD_WITHHELD", seq=0).to_json()["severity"]
            'info'
        """
        obj: dict[str, Any] = {"code": self.code, "severity": self.severity, "seq": self.seq}
        for name in ("record_id", "expected", "actual", "evidence"):
            value = getattr(self, name)
            if value is not None:
                obj[name] = value
        if self.details:
            obj["details"] = dict(self.details)
        obj["message"] = self.message
        return obj


@dataclass(frozen=True, slots=True)
class Report:
    """The result of verifying a bundle.

    Attributes:
        chain: The chain origin of the bundle (``""`` when it could not be read).
        size: Records on the re-linked chain (the last linked ``seq`` + 1).
        verdict: ``VALID``, ``VALID_WITH_WARNINGS`` or ``INVALID``.
        verified_prefix: The longest prefix ``[0, k)`` without an error.
        findings: Every finding, sorted.
        signers: The actors that signed linked records, in first-seen order.
        time_bounds: The first and last ``iat`` of the linked records (claimed times).

    Examples:
        >>> Report.build("c", 0, []).verdict
        'VALID'
    """

    chain: str
    size: int
    verdict: Verdict
    verified_prefix: int
    findings: tuple[Finding, ...]
    signers: tuple[str, ...] = ()
    time_bounds: tuple[str, str] | None = None

    @classmethod
    def build(
        cls,
        chain: str,
        size: int,
        findings: Iterable[Finding],
        *,
        signers: Iterable[str] = (),
        time_bounds: tuple[str, str] | None = None,
    ) -> Report:
        """Sort the findings and derive the verdict and verified prefix.

        Args:
            chain: The chain origin.
            size: The re-linked chain length.
            findings: The findings, in any order (exact duplicates are dropped).
            signers: The signing actors.
            time_bounds: The claimed time range.

        Returns:
            The report.

        Examples:
            >>> Report.build("c", 2, [Finding.make("REF_UNVERIFIED", seq=1)]).verdict
            'VALID_WITH_WARNINGS'
        """
        unique: dict[tuple[Any, ...], Finding] = {}
        for finding in findings:
            key = (*finding.sort_key(), repr(finding.details))
            unique.setdefault(key, finding)
        ordered = tuple(sorted(unique.values(), key=Finding.sort_key))
        errors = [f for f in ordered if f.severity == "error"]
        verdict: Verdict
        if errors:
            verdict = "INVALID"
        elif any(f.severity == "warning" for f in ordered):
            verdict = "VALID_WITH_WARNINGS"
        else:
            verdict = "VALID"
        prefix = size
        for finding in errors:
            prefix = min(prefix, 0 if finding.seq is None else finding.seq)
        return cls(chain, size, verdict, max(prefix, 0), ordered, tuple(signers), time_bounds)

    @property
    def ok(self) -> bool:
        """True unless the verdict is ``INVALID``."""
        return self.verdict != "INVALID"

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity ``error``."""
        return tuple(f for f in self.findings if f.severity == "error")

    def codes(self) -> list[str]:
        """The codes of the findings, in report order.

        Returns:
            A list of codes.

        Examples:
            >>> Report.build("c", 1, [Finding.make("FRESHNESS_UNKNOWN")]).codes()
            ['FRESHNESS_UNKNOWN']
        """
        return [f.code for f in self.findings]

    def first(self, code: str) -> Finding | None:
        """The first finding with ``code``, if any.

        Args:
            code: A finding code.

        Returns:
            The finding or ``None``.

        Examples:
            >>> Report.build("c", 1, []).first("TRUNCATED") is None
            True
        """
        return next((f for f in self.findings if f.code == code), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the report.

        Returns:
            ``{"chain", "size", "verdict", "verified_prefix", "findings", "signers",
            "time_bounds"}``.

        Examples:
            >>> sorted(Report.build("c", 0, []).to_json())
            ['chain', 'findings', 'signers', 'size', 'time_bounds', 'verdict', 'verified_prefix']
        """
        return {
            "chain": self.chain,
            "size": self.size,
            "verdict": self.verdict,
            "verified_prefix": self.verified_prefix,
            "findings": [f.to_json() for f in self.findings],
            "signers": list(self.signers),
            "time_bounds": list(self.time_bounds) if self.time_bounds else None,
        }

    def to_bytes(self) -> bytes:
        """The JCS bytes of :meth:`to_json` (deterministic, for ``verify --json``).

        Returns:
            Canonical JSON.

        Examples:
            >>> Report.build("c", 0, []).to_bytes()[:20]
            b'{"chain":"c","findin'
        """
        return canonicalize(self.to_json())

    def __repr__(self) -> str:
        counts = {s: sum(f.severity == s for f in self.findings) for s in _RANK}
        return (
            f"Report({self.verdict}, chain={self.chain!r}, size={self.size}, "
            f"verified_prefix={self.verified_prefix}, errors={counts['error']}, "
            f"warnings={counts['warning']}, info={counts['info']})"
        )

    def _repr_html_(self) -> str:
        colour = {"VALID": "#1a7f37", "VALID_WITH_WARNINGS": "#9a6700", "INVALID": "#cf222e"}
        rows = "".join(
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>".format(
                "" if f.seq is None else f.seq,
                html.escape(f.severity),
                html.escape(f.code),
                html.escape(f.message),
            )
            for f in self.findings
        )
        return (
            f"<div><p><b style='color:{colour[self.verdict]}'>{self.verdict}</b> "
            f"{html.escape(self.chain)}: {self.size} records, verified prefix "
            f"{self.verified_prefix}</p><table><thead><tr><th>seq</th><th>severity</th>"
            f"<th>code</th><th>message</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
