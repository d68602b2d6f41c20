"""Re-linking a bundle's records independently of their presented order (design §11 step 3).

Private plumbing of :mod:`tracelib.signing.verify`. Every record is a node keyed by its leaf
hash ``H``; a node's parent is the node whose ``H`` is its ``prev`` (and whose ``seq`` is one
less). The main line starts at the genesis (``seq 0``, ``prev ""``) and follows, at each
node, the child with the longest continuation; other children are forks (validly signed) or
insertions. Nodes without a parent start later segments: a ``seq`` gap is a deletion (exact
count, since ``seq`` is signed), no gap means the record before was replaced, a ``seq``
already covered is an unlinked insertion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .canonical import b64url_encode
from .header import RecordHeader
from .records import Record
from .report import Finding

__all__ = ["Item", "Line", "relink"]


@dataclass(slots=True, eq=False)
class Item:
    """One presented record: position, raw envelope, parse results, and trust verdict."""

    p: int
    raw: Any
    record: Record | None = None
    header: RecordHeader | None = None
    h: bytes | None = None
    seq: int | None = None
    prev: bytes | None = None
    valid: bool = False
    rid: str | None = None


@dataclass(slots=True)
class Line:
    """The re-linked main line: records by ``seq``, the true leaves, gaps and findings."""

    items: dict[int, Item] = field(default_factory=dict)
    leaves: dict[int, bytes] = field(default_factory=dict)
    gaps: set[int] = field(default_factory=set)
    roots: dict[int, bytes] = field(default_factory=dict)
    size: int = 0
    findings: list[Finding] = field(default_factory=list)


def _rid(h: bytes | None) -> str | None:
    return None if h is None else b64url_encode(h)


def relink(nodes: list[Item]) -> Line:
    """Re-link the nodes (each with ``h``, ``seq`` and ``prev`` set) into the main line."""
    line = Line()
    out = line.findings
    by_h: dict[bytes, Item] = {}
    unique: list[Item] = []
    for node in nodes:
        assert node.h is not None
        if node.h in by_h:
            out.append(
                Finding.make(
                    "RECORD_INSERTED",
                    seq=node.seq,
                    record_id=node.rid,
                    details={"duplicate": True, "position": node.p},
                    message="the same record is presented twice",
                )
            )
            continue
        by_h[node.h] = node
        unique.append(node)

    children: dict[bytes, list[Item]] = {}
    roots: list[Item] = []
    for node in unique:
        parent = by_h.get(node.prev) if node.prev else None
        if parent is not None and parent.seq == (node.seq or 0) - 1:
            children.setdefault(parent.h, []).append(node)  # type: ignore[arg-type]
            continue
        if parent is not None:
            out.append(
                Finding.make(
                    "HEADER_INCONSISTENT",
                    seq=node.seq,
                    record_id=node.rid,
                    expected=(parent.seq or 0) + 1,
                    actual=node.seq,
                    message="seq does not follow the record that prev names",
                )
            )
        roots.append(node)

    depth: dict[int, int] = {}
    for node in sorted(unique, key=lambda n: -(n.seq or 0)):
        kids = children.get(node.h, [])  # type: ignore[arg-type]
        depth[id(node)] = 1 + max((depth[id(k)] for k in kids), default=0)

    def branch(other: Item, kept: Item) -> None:
        if other.valid and kept.valid:
            evidence = {
                "chain": other.header.chain if other.header else None,
                "seq": other.seq,
                "envelopes": [kept.raw, other.raw],
            }
            out.append(
                Finding.make(
                    "FORK_DETECTED",
                    seq=other.seq,
                    record_id=other.rid,
                    expected=kept.rid,
                    actual=other.rid,
                    evidence=evidence,
                    message="two validly signed records at one (chain, seq)",
                )
            )
        else:
            out.append(
                Finding.make(
                    "RECORD_INSERTED",
                    seq=other.seq,
                    record_id=other.rid,
                    details={"position": other.p},
                    message="an extra record competes with a linked one",
                )
            )

    def extend(start: Item) -> int:
        cur = start
        while True:
            line.items[cur.seq] = cur  # type: ignore[index]
            line.leaves[cur.seq] = cur.h  # type: ignore[index,assignment]
            kids = children.get(cur.h, [])  # type: ignore[arg-type]
            if not kids:
                return cur.seq  # type: ignore[return-value]
            best = max(kids, key=lambda k: (depth[id(k)], k.valid, -k.p))
            for other in kids:
                if other is not best:
                    branch(other, best)
            cur = best

    roots.sort(key=lambda n: (n.seq, not n.valid, n.p))
    genesis = next((r for r in roots if r.seq == 0 and r.prev == b""), None)
    last = extend(genesis) if genesis is not None else -1
    for root in roots:
        if root is genesis:
            continue
        seq = root.seq or 0
        if seq <= last:
            kept = line.items.get(seq)
            if kept is not None and seq == 0 and root.prev == b"":
                branch(root, kept)
            else:
                out.append(
                    Finding.make(
                        "RECORD_INSERTED",
                        seq=seq,
                        record_id=root.rid,
                        details={"position": root.p},
                        message="a record that no other record links to",
                    )
                )
            continue
        if last < 0:
            out.append(
                Finding.make(
                    "HEAD_MISSING",
                    seq=0,
                    details={"from": 0, "count": seq},
                    message=f"the first {seq} record(s), genesis included, are missing",
                )
            )
            line.gaps.add(seq)
        elif seq > last + 1:
            count = seq - last - 1
            out.append(
                Finding.make(
                    "RECORDS_DELETED",
                    seq=last + 1,
                    details={"from": last + 1, "count": count},
                    expected=_rid(root.prev),
                    message=f"{count} record(s) from seq {last + 1} are missing",
                )
            )
            line.gaps.add(seq)
        else:
            replaced = line.items[last]
            out.append(
                Finding.make(
                    "RECORD_REPLACED",
                    seq=last,
                    record_id=replaced.rid,
                    expected=_rid(root.prev),
                    actual=replaced.rid,
                    message="the successor links to another record at this seq",
                )
            )
            out.append(
                Finding.make(
                    "PREV_MISMATCH",
                    seq=seq,
                    record_id=root.rid,
                    expected=replaced.rid,
                    actual=_rid(root.prev),
                    message="prev is not the leaf of the record at seq - 1",
                )
            )
            line.leaves[last] = root.prev  # type: ignore[assignment]
        last = extend(root)
    line.size = last + 1
    _check_order(line, out)
    return line


def _check_order(line: Line, out: list[Finding]) -> None:
    seqs = sorted(line.items)
    positions = [line.items[s].p for s in seqs]
    ordered = sorted(positions)
    moved = [s for s, p, q in zip(seqs, positions, ordered, strict=True) if p != q]
    if not moved:
        return
    low, high = moved[0], moved[-1]
    window = sorted((i for s, i in line.items.items() if low <= s <= high), key=lambda i: i.p)
    out.append(
        Finding.make(
            "RECORDS_REORDERED",
            seq=low,
            details={"permutation": [i.seq for i in window]},
            message="the presented order differs from the linked order",
        )
    )
