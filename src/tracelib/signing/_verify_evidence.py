"""Heads, checkpoints and outside evidence for :mod:`tracelib.signing.verify` (§11 steps 6-7).

Private plumbing. A head (a checkpoint note in the bundle, a scanned compact head, a signed
note given as evidence) of size ``m`` is compared with the re-linked chain of size ``n``:
``m > n`` is ``TRUNCATED{n, m}``; ``m <= n`` must match the root of the first ``m`` true
leaves, else the head and the bundle disagree (``FORK_DETECTED`` for evidence,
``CHECKPOINT_INCONSISTENT`` for the bundle's own checkpoints).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import MalformedInput, SignatureInvalid
from ._verify_link import Line
from .canonical import b64url_encode
from .head import CompactHead, HeadKey, SignedHead
from .merkle import CompactRange
from .report import Finding
from .trust import TrustBundle, TrustedKey

__all__ = ["check_head", "head_keys", "open_head", "prefix_root"]


def head_keys(trust: TrustBundle) -> list[HeadKey]:
    """Head keys of every trusted key whose actor makes a note key name."""
    keys = []
    for entry in trust.keys:
        key = _head_key(entry)
        if key is not None:
            keys.append(key)
    return keys


def _head_key(entry: TrustedKey) -> HeadKey | None:
    try:
        return HeadKey(entry.actor, entry.key, entry.alg)
    except MalformedInput:
        return None


def prefix_root(line: Line, size: int) -> bytes | None:
    """The root of the first ``size`` true leaves, or ``None`` when one is unknown."""
    known = line.roots.get(size)
    if known is not None:
        return known
    leaves = []
    for seq in range(size):
        leaf = line.leaves.get(seq)
        if leaf is None:
            return None
        leaves.append(leaf)
    return CompactRange.from_leaves(leaves).root()


def open_head(
    item: object, origin: str, keys: Iterable[HeadKey], where: str
) -> tuple[SignedHead | None, Finding | None]:
    """Verify one head given as a compact head, a Digital Link URI or a note."""
    keys = list(keys)
    try:
        if isinstance(item, SignedHead):
            return SignedHead.open(item.note(), keys), None
        if isinstance(item, CompactHead):
            return item.open(origin, keys), None
        text = item.decode("utf-8") if isinstance(item, bytes) else str(item)
        if "\n" not in text:
            return CompactHead.from_digital_link(text).open(origin, keys), None
        head = SignedHead.open(text, keys)
    except MalformedInput as exc:
        return None, Finding.make(
            "MALFORMED_RECORD",
            details={"evidence": where, "error": exc.code},
            message=f"{where}: {exc.message}",
        )
    except SignatureInvalid as exc:
        return None, Finding.make(
            "CHECKPOINT_SIGNATURE_INVALID",
            details={"evidence": where, "error": exc.code},
            message=f"{where}: {exc.message}",
        )
    except UnicodeDecodeError:
        return None, Finding.make(
            "MALFORMED_RECORD", details={"evidence": where}, message=f"{where}: not UTF-8"
        )
    if head.checkpoint.origin != origin:
        return None, Finding.make(
            "CHECKPOINT_INCONSISTENT",
            expected=origin,
            actual=head.checkpoint.origin,
            details={"evidence": where},
            message=f"{where} is the head of another chain",
        )
    return head, None


def check_head(head: SignedHead, line: Line, where: str, *, own: bool) -> list[Finding]:
    """Compare a verified head with the re-linked chain."""
    n, m = line.size, head.checkpoint.size
    if m > n:
        return [
            Finding.make(
                "TRUNCATED",
                seq=n,
                details={"n": n, "m": m, "evidence": where},
                message=f"a signed head shows {m} records, the bundle holds {n}",
            )
        ]
    if m == 0:
        return []
    ours = prefix_root(line, m)
    if ours is None or ours == head.checkpoint.root:
        return []
    code = "CHECKPOINT_INCONSISTENT" if own else "FORK_DETECTED"
    return [
        Finding.make(
            code,
            seq=m - 1,
            expected=b64url_encode(head.checkpoint.root),
            actual=b64url_encode(ours),
            evidence={"head": head.note(), "size": m},
            details={"size": m, "evidence": where},
            message=f"the signed head of size {m} does not match the bundle's records",
        )
    ]
