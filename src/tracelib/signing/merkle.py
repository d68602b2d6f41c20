"""RFC 9162 Merkle trees: leaf and node hashes, tree heads, inclusion and consistency proofs.

The hashing is RFC 9162 §2.1 (as RFC 6962) with SHA-256: ``MTH({}) = SHA-256()``, a leaf
hash is ``SHA-256(0x00 || d)`` and an interior node ``SHA-256(0x01 || left || right)``,
splitting ``n`` leaves at the largest power of two below ``n``. Every function below works on
*leaf hashes* (a tracelib record id is the leaf hash of its header bytes).

Proof verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step, with the checks
transparency-dev/merkle adds in front: an index must be below the tree size; a consistency
proof from size 0 is an error (even to size 0); equal sizes need an empty proof and equal
roots. The leaf hash must be 32 bytes; roots are compared as given, and the 32-byte rule for
roots and path elements belongs to whoever parses a checkpoint or a proof
(:class:`InclusionProof`, :class:`ConsistencyProof`). Take the tree size from a *signed*
checkpoint, never from the proof.

:class:`CompactRange` keeps the root of a growing tree in O(log n) per append.

Examples:
    >>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
    >>> root = merkle_root(leaves)
    >>> proof = inclusion_proof(leaves, 3)
    >>> len(proof.path), proof.verify(leaves[3], root)
    (3, None)
    >>> CompactRange.from_leaves(leaves).root() == root
    True
    >>> verify_inclusion(leaves[3], 5, 4, proof.path, root)
    Traceback (most recent call last):
    ...
    tracelib.errors.ProofInvalid: leaf index 5 is not below the tree size 4
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import InputError, MalformedInput, ProofInvalid

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "ConsistencyProof",
    "InclusionProof",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "node_hash",
    "root_from_inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
]

#: Bytes in a SHA-256 hash.
HASH_SIZE = 32
#: The root of the empty tree, ``SHA-256("")`` (``e3b0c442…b855``).
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256
_INCLUSION = "INCLUSION_PROOF_INVALID"
_CONSISTENCY = "CONSISTENCY_PROOF_INVALID"


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 leaf hash ``SHA-256(0x00 || data)``.

    Args:
        data: The leaf input (for a tracelib record: the header bytes).

    Returns:
        32 bytes.

    Examples:
        >>> leaf_hash(b"").hex()[:16]
        '6e340b9cffb37a98'
    """
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 interior node hash ``SHA-256(0x01 || left || right)``.

    Args:
        left: The left child hash.
        right: The right child hash.

    Returns:
        32 bytes.

    Examples:
        >>> node_hash(b"N123", b"N456").hex()[:16]
        'aa217fe888e47007'
    """
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _root(leaves: Sequence[bytes], start: int, stop: int) -> bytes:
    """MTH of ``leaves[start:stop]`` bottom-up; an odd last node moves up unchanged."""
    if stop - start == 1:
        return leaves[start]
    level = [
        _sha256(b"\x01" + leaves[i] + leaves[i + 1]).digest() for i in range(start, stop - 1, 2)
    ]
    if (stop - start) % 2:
        level.append(leaves[stop - 1])
    while len(level) > 1:
        odd = level[-1] if len(level) % 2 else None
        level = [
            _sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if odd is not None:
            level.append(odd)
    return level[0]


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree head (MTH) of a list of leaf hashes.

    Args:
        leaf_hashes: The leaf hashes in order (see :func:`leaf_hash`).

    Returns:
        The 32-byte root; :data:`EMPTY_ROOT` for no leaves.

    Examples:
        >>> merkle_root([]) == EMPTY_ROOT
        True
        >>> merkle_root([leaf_hash(b"")]).hex()[:8]
        '6e340b9c'
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    return _root(leaf_hashes, 0, len(leaf_hashes))


def _check_size(leaf_hashes: Sequence[bytes], size: int | None) -> int:
    if size is None:
        return len(leaf_hashes)
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= len(leaf_hashes):
        raise InputError(
            f"tree size {size!r} is outside 0..{len(leaf_hashes)}", code="MERKLE_RANGE"
        )
    return size


def _path(leaves: Sequence[bytes], index: int, start: int, stop: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[start:stop]), leaf to root."""
    if stop - start == 1:
        return []
    k = _split(stop - start)
    if index < k:
        return [*_path(leaves, index, start, start + k), _root(leaves, start + k, stop)]
    return [*_path(leaves, index - k, start + k, stop), _root(leaves, start, start + k)]


def inclusion_proof(
    leaf_hashes: Sequence[bytes], index: int, size: int | None = None
) -> InclusionProof:
    """Generate the RFC 9162 inclusion proof of leaf ``index`` in the tree of ``size`` leaves.

    Args:
        leaf_hashes: The leaf hashes (at least ``size`` of them).
        index: The 0-based leaf index, below ``size``.
        size: The tree size; all of ``leaf_hashes`` when omitted.

    Returns:
        The proof.

    Raises:
        InputError: ``MERKLE_RANGE`` when ``index`` or ``size`` is out of range.

    Examples:
        >>> leaves = [leaf_hash(bytes([i])) for i in range(8)]
        >>> proof = inclusion_proof(leaves, 5, size=7)
        >>> proof.index, proof.size, len(proof.path)
        (5, 7, 3)
    """
    size = _check_size(leaf_hashes, size)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
        raise InputError(f"leaf index {index!r} is outside 0..{size - 1}", code="MERKLE_RANGE")
    return InclusionProof(index, size, tuple(_path(leaf_hashes, index, 0, size)))


def _subproof(leaves: Sequence[bytes], m: int, start: int, stop: int, whole: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:stop], b)."""
    n = stop - start
    if m == n:
        return [] if whole else [_root(leaves, start, stop)]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves, m, start, start + k, whole), _root(leaves, start + k, stop)]
    return [*_subproof(leaves, m - k, start + k, stop, False), _root(leaves, start, start + k)]


def consistency_proof(
    leaf_hashes: Sequence[bytes], size1: int, size2: int | None = None
) -> ConsistencyProof:
    """Generate the RFC 9162 consistency proof from tree size ``size1`` to ``size2``.

    Args:
        leaf_hashes: The leaf hashes (at least ``size2`` of them).
        size1: The older size, ``1 <= size1 <= size2`` (a proof from 0 proves nothing).
        size2: The newer size; all of ``leaf_hashes`` when omitted.

    Returns:
        The proof (empty when the sizes are equal).

    Raises:
        InputError: ``MERKLE_RANGE`` when a size is out of range.

    Examples:
        >>> leaves = [leaf_hash(bytes([i])) for i in range(7)]
        >>> proof = consistency_proof(leaves, 3)
        >>> proof.size1, proof.size2, len(proof.path)
        (3, 7, 4)
    """
    size2 = _check_size(leaf_hashes, size2)
    if not isinstance(size1, int) or isinstance(size1, bool) or not 1 <= size1 <= size2:
        raise InputError(f"size1 {size1!r} is outside 1..{size2}", code="MERKLE_RANGE")
    return ConsistencyProof(size1, size2, tuple(_subproof(leaf_hashes, size1, 0, size2, True)))


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, path: Sequence[bytes]
) -> bytes:
    """The root an RFC 9162 inclusion proof leads to (§2.1.3.2 steps 1–4).

    Args:
        leaf_hash: The 32-byte leaf hash.
        index: The leaf index.
        size: The tree size, from a signed checkpoint.
        path: The inclusion path, leaf to root.

    Returns:
        The computed root, to compare with a trusted one.

    Raises:
        ProofInvalid: ``INCLUSION_PROOF_INVALID`` when ``index >= size``, the leaf hash is not
            32 bytes or the path has the wrong length.

    Examples:
        >>> leaves = [leaf_hash(bytes([i])) for i in range(3)]
        >>> proof = inclusion_proof(leaves, 2)
        >>> root_from_inclusion_proof(leaves[2], 2, 3, proof.path) == merkle_root(leaves)
        True
    """
    if not (_is_count(index) and _is_count(size)) or index >= size:
        raise ProofInvalid(
            f"leaf index {index!r} is not below the tree size {size!r}", code=_INCLUSION
        )
    if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
        raise ProofInvalid("the leaf hash is not 32 bytes", code=_INCLUSION)
    fn, sn, r = index, size - 1, leaf_hash
    try:
        for p in path:
            if sn == 0:
                raise ProofInvalid("the inclusion path is too long", code=_INCLUSION)
            if fn & 1 or fn == sn:
                r = _sha256(b"\x01" + p + r).digest()
                if not fn & 1:
                    while fn and not fn & 1:
                        fn >>= 1
                        sn >>= 1
            else:
                r = _sha256(b"\x01" + r + p).digest()
            fn >>= 1
            sn >>= 1
    except TypeError:
        raise ProofInvalid("an inclusion path element is not bytes", code=_INCLUSION) from None
    if sn != 0:
        raise ProofInvalid("the inclusion path is too short", code=_INCLUSION)
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> None:
    """Verify an RFC 9162 inclusion proof (§2.1.3.2); raise unless it holds.

    Args:
        leaf_hash: The 32-byte leaf hash.
        index: The leaf index; must be below ``size``.
        size: The tree size, taken from a signed checkpoint (never from the proof).
        path: The inclusion path, leaf to root.
        root: The trusted root of the tree of ``size`` leaves.

    Raises:
        ProofInvalid: ``INCLUSION_PROOF_INVALID``.

    Examples:
        >>> leaves = [leaf_hash(bytes([i])) for i in range(6)]
        >>> root, path = merkle_root(leaves), inclusion_proof(leaves, 4).path
        >>> verify_inclusion(leaves[4], 4, 6, path, root)
        >>> verify_inclusion(leaves[4], 5, 6, path, root)
        Traceback (most recent call last):
        ...
        tracelib.errors.ProofInvalid: the computed root does not match the tree root
    """
    if root_from_inclusion_proof(leaf_hash, index, size, path) != root:
        raise ProofInvalid("the computed root does not match the tree root", code=_INCLUSION)


def verify_consistency(
    size1: int, size2: int, path: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Verify an RFC 9162 consistency proof (§2.1.4.2); raise unless it holds.

    Order of checks (as transparency-dev/merkle): ``size2 < size1`` fails; ``size1 == 0``
    fails (a proof from the empty tree proves nothing); equal sizes need an empty proof and
    ``root1 == root2``; otherwise the RFC algorithm runs.

    Args:
        size1: The older tree size.
        size2: The newer tree size.
        path: The consistency path.
        root1: The trusted root at ``size1``.
        root2: The trusted root at ``size2``.

    Raises:
        ProofInvalid: ``CONSISTENCY_PROOF_INVALID``.

    Examples:
        >>> leaves = [leaf_hash(bytes([i])) for i in range(7)]
        >>> old, new = merkle_root(leaves[:4]), merkle_root(leaves)
        >>> verify_consistency(4, 7, consistency_proof(leaves, 4).path, old, new)
        >>> verify_consistency(0, 7, [], merkle_root([]), new)
        Traceback (most recent call last):
        ...
        tracelib.errors.ProofInvalid: a consistency proof from size 0 proves nothing
    """
    if not (_is_count(size1) and _is_count(size2)) or size2 < size1:
        raise ProofInvalid(f"size1 {size1!r} is above size2 {size2!r}", code=_CONSISTENCY)
    try:
        empty = len(path) == 0
    except TypeError:
        raise ProofInvalid("the consistency path must be a sequence", code=_CONSISTENCY) from None
    if size1 == 0:
        raise ProofInvalid("a consistency proof from size 0 proves nothing", code=_CONSISTENCY)
    if size1 == size2:
        if not empty:
            raise ProofInvalid("equal sizes need an empty proof", code=_CONSISTENCY)
        if root1 != root2:
            raise ProofInvalid("equal sizes but the roots differ", code=_CONSISTENCY)
        return
    if empty:
        raise ProofInvalid("the consistency path is empty", code=_CONSISTENCY)
    try:
        _consistency_roots(size1, size2, path, root1, root2)
    except TypeError:
        raise ProofInvalid("a consistency path element is not bytes", code=_CONSISTENCY) from None


def _consistency_roots(
    size1: int, size2: int, path: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2 steps 2–7 for ``0 < size1 < size2`` and a non-empty path."""
    items = list(path)
    if size1 & (size1 - 1) == 0:  # step 2: first is an exact power of 2
        items.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = items[0]  # step 5
    for c in items[1:]:  # step 6
        if sn == 0:
            raise ProofInvalid("the consistency path is too long", code=_CONSISTENCY)
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:  # step 7
        raise ProofInvalid("the consistency path is too short", code=_CONSISTENCY)
    if fr != root1:
        raise ProofInvalid("the path does not lead to the older root", code=_CONSISTENCY)
    if sr != root2:
        raise ProofInvalid("the path does not lead to the newer root", code=_CONSISTENCY)


def _check_path(path: object, what: str) -> tuple[bytes, ...]:
    if not isinstance(path, tuple | list):
        raise MalformedInput(f"{what} path must be a sequence of hashes", code="PROOF_MALFORMED")
    for i, item in enumerate(path):
        if not isinstance(item, bytes) or len(item) != HASH_SIZE:
            raise MalformedInput(
                f"{what} path element {i} is not a 32-byte hash", code="PROOF_MALFORMED"
            )
    return tuple(path)


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """A parsed inclusion proof: every path element is a 32-byte hash.

    Args:
        index: The 0-based leaf index.
        size: The tree size the proof was made for.
        path: The inclusion path, leaf to root.

    Raises:
        MalformedInput: ``PROOF_MALFORMED`` for a negative number or a path element that
            is not 32 bytes.

    Examples:
        >>> InclusionProof(0, 1, ())
        InclusionProof(index=0, size=1, path=())
        >>> InclusionProof(0, 2, (b"short",))
        Traceback (most recent call last):
        ...
        tracelib.errors.MalformedInput: inclusion path element 0 is not a 32-byte hash
    """

    index: int
    size: int
    path: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if not (_is_count(self.index) and _is_count(self.size)):
            raise MalformedInput("index and size must be integers >= 0", code="PROOF_MALFORMED")
        object.__setattr__(self, "path", _check_path(self.path, "inclusion"))

    def verify(self, leaf_hash: bytes, root: bytes, *, size: int | None = None) -> None:
        """Verify against a trusted ``root`` (and the signed ``size`` when given).

        Args:
            leaf_hash: The 32-byte leaf hash.
            root: The trusted root.
            size: The tree size from the signed checkpoint; must equal the proof's size.

        Raises:
            ProofInvalid: ``INCLUSION_PROOF_INVALID``.

        Examples:
            >>> leaves = [leaf_hash(b"a"), leaf_hash(b"b")]
            >>> inclusion_proof(leaves, 1).verify(leaves[1], merkle_root(leaves), size=2)
        """
        if size is not None and size != self.size:
            raise ProofInvalid(
                f"proof is for size {self.size}, the checkpoint says {size}", code=_INCLUSION
            )
        verify_inclusion(leaf_hash, self.index, self.size, self.path, root)


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """A parsed consistency proof between two tree sizes; path elements are 32 bytes.

    Args:
        size1: The older tree size.
        size2: The newer tree size.
        path: The consistency path.

    Raises:
        MalformedInput: ``PROOF_MALFORMED``.

    Examples:
        >>> leaves = [leaf_hash(bytes([i])) for i in range(3)]
        >>> proof = consistency_proof(leaves, 2)
        >>> proof.verify(merkle_root(leaves[:2]), merkle_root(leaves))
    """

    size1: int
    size2: int
    path: tuple[bytes, ...]

    def __post_init__(self) -> None:
        if not (_is_count(self.size1) and _is_count(self.size2)):
            raise MalformedInput("sizes must be integers >= 0", code="PROOF_MALFORMED")
        object.__setattr__(self, "path", _check_path(self.path, "consistency"))

    def verify(self, root1: bytes, root2: bytes) -> None:
        """Verify that the tree with ``root2`` extends the tree with ``root1``.

        Args:
            root1: The trusted root at ``size1``.
            root2: The trusted root at ``size2``.

        Raises:
            ProofInvalid: ``CONSISTENCY_PROOF_INVALID``.

        Examples:
            >>> ConsistencyProof(1, 1, ()).verify(EMPTY_ROOT, EMPTY_ROOT)
        """
        verify_consistency(self.size1, self.size2, self.path, root1, root2)


@dataclass(frozen=True, slots=True)
class CompactRange:
    """The compact range ``[0, size)`` of a tree: the roots of its perfect subtrees.

    ``hashes`` holds one root per set bit of ``size``, largest subtree first, so an append
    costs O(log n) hashes and :meth:`root` folds them right to left (transparency-dev
    ``compact`` ranges, for ranges that start at 0).

    Args:
        size: Number of leaves covered.
        hashes: The perfect-subtree roots, left to right.

    Raises:
        MalformedInput: ``PROOF_MALFORMED`` when ``hashes`` does not fit ``size``.

    Examples:
        >>> cr = CompactRange().append(leaf_hash(b"a")).append(leaf_hash(b"b"))
        >>> cr.size, len(cr.hashes), cr.root() == merkle_root([leaf_hash(b"a"), leaf_hash(b"b")])
        (2, 1, True)
    """

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if not _is_count(self.size):
            raise MalformedInput("size must be an integer >= 0", code="PROOF_MALFORMED")
        path = _check_path(self.hashes, "compact range")
        if len(path) != self.size.bit_count():
            raise MalformedInput(
                f"a compact range of size {self.size} has {self.size.bit_count()} hashes",
                code="PROOF_MALFORMED",
            )
        object.__setattr__(self, "hashes", path)

    @classmethod
    def from_leaves(cls, leaf_hashes: Iterable[bytes]) -> CompactRange:
        """The compact range of a list of leaf hashes.

        Args:
            leaf_hashes: The leaf hashes in order.

        Returns:
            The range covering all of them.

        Examples:
            >>> CompactRange.from_leaves([leaf_hash(b"x")] * 5).size
            5
        """
        return cls().extend(leaf_hashes)

    def append(self, leaf_hash: bytes) -> CompactRange:
        """The range with one more leaf; O(log n).

        Args:
            leaf_hash: The new 32-byte leaf hash.

        Returns:
            A new range of ``size + 1``.

        Raises:
            MalformedInput: ``PROOF_MALFORMED`` when ``leaf_hash`` is not 32 bytes.

        Examples:
            >>> CompactRange().append(leaf_hash(b"")).hashes[0].hex()[:8]
            '6e340b9c'
        """
        return self.extend((leaf_hash,))

    def extend(self, leaf_hashes: Iterable[bytes]) -> CompactRange:
        """The range with several more leaves.

        Args:
            leaf_hashes: The new leaf hashes in order.

        Returns:
            A new range.

        Raises:
            MalformedInput: ``PROOF_MALFORMED`` when a leaf hash is not 32 bytes.

        Examples:
            >>> CompactRange().extend([leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"c")]).size
            3
        """
        stack = list(self.hashes)
        size = self.size
        for leaf in leaf_hashes:
            if not isinstance(leaf, bytes) or len(leaf) != HASH_SIZE:
                raise MalformedInput("a leaf hash must be 32 bytes", code="PROOF_MALFORMED")
            node, bits = leaf, size
            while bits & 1:
                node = _sha256(b"\x01" + stack.pop() + node).digest()
                bits >>= 1
            stack.append(node)
            size += 1
        return CompactRange(size, tuple(stack))

    def root(self) -> bytes:
        """The Merkle tree head of the leaves covered.

        Returns:
            32 bytes; :data:`EMPTY_ROOT` for an empty range.

        Examples:
            >>> CompactRange().root() == EMPTY_ROOT
            True
        """
        if not self.hashes:
            return EMPTY_ROOT
        node = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            node = _sha256(b"\x01" + left + node).digest()
        return node
