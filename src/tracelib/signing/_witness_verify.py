"""Freshness from signed heads and witness quorums, for :func:`tracelib.signing.verify` (step 7).

Private plumbing. Without a witness policy, any verified signed head given as outside
evidence bounds truncation (design §11 step 7). With a
:class:`~tracelib.signing.witness.WitnessPolicy`, a head is freshness evidence only when its
cosignatures meet the quorum, the head is consistent with the chain, and its quorum time is
within ``max_age`` of the verifier's now; the bundle's own checkpoints count too, since the
witnesses, not the chain's signers, vouch for them. Otherwise ``FRESHNESS_UNKNOWN`` (info)
says why in ``details.reason``: ``no head``, ``no witnessed head``, ``quorum not met``,
``cosignature invalid`` or ``stale`` (with ``quorum_time``, ``age`` and ``max_age``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ..errors import MalformedInput
from .head import SignedHead
from .header import rfc3339
from .notes import Note, NoteSignature
from .report import Finding
from .witness import WitnessPolicy

__all__ = ["Witnessed", "freshness", "note_lines"]

_REASONS = ("no head", "no witnessed head", "cosignature invalid", "quorum not met", "stale")


@dataclass(frozen=True, slots=True)
class Witnessed:
    """A verified head, the signature lines of its note, where it came from, and its state."""

    head: SignedHead
    lines: tuple[NoteSignature, ...]
    where: str
    consistent: bool
    own: bool


def note_lines(item: object) -> tuple[NoteSignature, ...]:
    """The signature lines of a head given as note text (none for compact heads)."""
    if isinstance(item, bytes | str) and ("\n" in item if isinstance(item, str) else b"\n" in item):
        try:
            return Note.parse(item).signatures
        except MalformedInput:
            return ()
    return ()


def freshness(
    heads: list[Witnessed], n: int, policy: WitnessPolicy | None, now: _dt.datetime
) -> list[Finding]:
    """The quorum findings and, unless some head is fresh, ``FRESHNESS_UNKNOWN``."""
    if policy is None:
        if any(not h.own for h in heads):
            return []
        return [_unknown(n, "no head")]
    out: list[Finding] = []
    reason = 0
    stale: dict[str, object] = {}
    for h in heads:
        verdict = policy.judge(h.head.checkpoint.text(), h.lines)
        out.extend(
            Finding.make(
                "CHECKPOINT_SIGNATURE_INVALID",
                details={"evidence": h.where, "witness": name},
                message=f"{h.where}: the cosignature of witness {name} does not verify",
            )
            for name in verdict.failed
        )
        if verdict.failed:
            reason = max(reason, 2)
            continue
        if not verdict.cosigners:
            reason = max(reason, 1)
            continue
        if not verdict.met or verdict.time is None:
            reason = max(reason, 3)
            out.append(
                Finding.make(
                    "WITNESS_QUORUM_NOT_MET",
                    expected=verdict.required,
                    actual=list(verdict.cosigners),
                    details={"evidence": h.where, "size": h.head.checkpoint.size},
                    message=f"{h.where}: cosigned by {len(verdict.cosigners)} trusted "
                    f"witness(es), the policy requires {verdict.required}",
                )
            )
            continue
        if not h.consistent:
            continue
        when = _dt.datetime.fromtimestamp(verdict.time, _dt.timezone.utc)
        age = (now - when).total_seconds()
        if policy.max_age is not None and age > policy.max_age:
            if not stale or age < float(stale["age"]):  # type: ignore[arg-type]
                stale = {"quorum_time": rfc3339(when), "age": int(age), "max_age": policy.max_age}
            reason = max(reason, 4)
            continue
        return out
    if not heads:
        reason = 0
    finding = _unknown(n, _REASONS[reason], **(stale if reason == 4 else {}))
    return [*out, finding]


def _unknown(n: int, reason: str, **extra: object) -> Finding:
    text = {
        "no head": "no signed head, receipt or downstream ref bounds truncation",
        "no witnessed head": "no head is cosigned by a trusted witness",
        "cosignature invalid": "a witness cosignature does not verify",
        "quorum not met": "no head meets the witness quorum",
        "stale": "the freshest witness quorum is older than the policy allows",
    }[reason]
    return Finding.make(
        "FRESHNESS_UNKNOWN", details={"n": n, "reason": reason, **extra}, message=text
    )
