"""RFC 9162 Merkle trees: AT-1 (hasher KATs), AT-2 (transparency-dev vectors), AT-3 (properties),
AT-24 (one inclusion proof in a 2^20 tree under 0.1 ms)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import InputError, MalformedInput, ProofInvalid
from tracelib.signing.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ConsistencyProof,
    InclusionProof,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

TESTDATA = "signing/transparency-dev-merkle/testdata"


def _reference_mth(entries: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH written out recursively over the data entries (independent)."""
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < len(entries):
        k *= 2
    return hashlib.sha256(
        b"\x01" + _reference_mth(entries[:k]) + _reference_mth(entries[k:])
    ).digest()


# --- AT-1 --------------------------------------------------------------------------------


@pytest.mark.conformance
def test_at1_hasher_known_answers():
    kat = vectors.load_json("signing/small-kats.json")["rfc6962_hasher"]
    assert EMPTY_ROOT.hex() == kat["empty_root"] == merkle_root([]).hex()
    assert leaf_hash(b"").hex() == kat["empty_leaf_hash"]
    assert leaf_hash(b"L123456").hex() == kat["leaf_L123456_hash"]
    assert node_hash(b"N123", b"N456").hex() == kat["node_N123_N456_hash"]


@pytest.mark.conformance
def test_at1_roots_for_sizes_0_to_8():
    kat = vectors.load_json("signing/small-kats.json")["rfc6962_hasher"]
    leaves = [leaf_hash(bytes.fromhex(h)) for h in kat["leaf_inputs_hex"]]
    roots = [merkle_root(leaves[:n]).hex() for n in range(1, 9)]
    assert roots == kat["roots_by_size_1_to_8"]
    assert merkle_root(leaves[:0]) == EMPTY_ROOT
    for n in range(9):
        assert CompactRange.from_leaves(leaves[:n]).root() == merkle_root(leaves[:n])


# --- AT-2 --------------------------------------------------------------------------------


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _files(kind: str) -> list[str]:
    base = vectors.path(TESTDATA)
    return sorted(str(p.relative_to(base)) for p in (base / kind).rglob("*.json"))


def _inclusion_ok(case: dict) -> bool:
    try:
        verify_inclusion(
            _b64(case["leafHash"]),
            case["leafIdx"],
            case["treeSize"],
            [_b64(p) for p in case["proof"] or []],
            _b64(case["root"]),
        )
    except ProofInvalid:
        return False
    return True


def _consistency_ok(case: dict) -> bool:
    try:
        verify_consistency(
            case["size1"],
            case["size2"],
            [_b64(p) for p in case["proof"] or []],
            _b64(case["root1"]),
            _b64(case["root2"]),
        )
    except ProofInvalid:
        return False
    return True


@pytest.mark.conformance
def test_at2_vector_counts():
    assert len(_files("inclusion")) == 98
    assert len(_files("consistency")) == 98
    assert sum(1 for f in _files("consistency") if f.startswith("consistency/additional/")) == 14


@pytest.mark.conformance
def test_at2_inclusion_vectors():
    results = {}
    for name in _files("inclusion"):
        case = vectors.load_json(f"{TESTDATA}/{name}")
        results[name] = _inclusion_ok(case) == (not case["wantErr"])
    failed = [name for name, good in results.items() if not good]
    assert not failed, failed
    assert len(results) == 98


@pytest.mark.conformance
def test_at2_consistency_vectors():
    results = {}
    for name in _files("consistency"):
        case = vectors.load_json(f"{TESTDATA}/{name}")
        results[name] = _consistency_ok(case) == (not case["wantErr"])
    failed = [name for name, good in results.items() if not good]
    assert not failed, failed
    assert len(results) == 98


@pytest.mark.conformance
@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("inclusion/2/treeSize-div-@2.json", _inclusion_ok),
        ("inclusion/single-entry/empty-root-and-leaf.json", _inclusion_ok),
        ("consistency/additional/sizes-are-equal-zero-and-proof-is-empty.json", _consistency_ok),
    ],
)
def test_at2_named_edge_files_fail(name, check):
    case = vectors.load_json(f"{TESTDATA}/{name}")
    assert case["wantErr"] is True
    assert check(case) is False


@pytest.mark.conformance
def test_at2_index_beyond_size_is_rejected_before_hashing():
    # leafIdx 5 in a tree of size 4: a port without ``index < size`` accepts this file.
    case = vectors.load_json(f"{TESTDATA}/inclusion/2/treeSize-div-@2.json")
    with pytest.raises(ProofInvalid, match="not below the tree size") as caught:
        verify_inclusion(
            _b64(case["leafHash"]), 5, 4, [_b64(p) for p in case["proof"]], _b64(case["root"])
        )
    assert caught.value.code == "INCLUSION_PROOF_INVALID"


@pytest.mark.conformance
def test_at2_equal_sizes_compare_roots_of_any_length():
    # The proof routine does not check root lengths: this file uses 12-byte roots.
    case = vectors.load_json(
        f"{TESTDATA}/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"
    )
    assert case["wantErr"] is False
    assert _consistency_ok(case)
    assert len(_b64(case["root1"])) != 32


# --- AT-3 --------------------------------------------------------------------------------

_LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(2048)]
_ROOTS = {}


def _root_of(n: int) -> bytes:
    if n not in _ROOTS:
        _ROOTS[n] = merkle_root(_LEAVES[:n])
    return _ROOTS[n]


def _flip(data: bytes, bit: int) -> bytes:
    return data[: bit // 8] + bytes([data[bit // 8] ^ (1 << bit % 8)]) + data[bit // 8 + 1 :]


@st.composite
def _tree_and_index(draw):
    n = draw(st.integers(1, 2048))
    return n, draw(st.integers(0, n - 1))


@st.composite
def _two_sizes(draw):
    n2 = draw(st.integers(1, 2048))
    return draw(st.integers(1, n2)), n2


def test_at3_mth_matches_the_recursive_definition():
    entries = [bytes([i % 256]) * (i % 7) for i in range(70)]
    leaves = [leaf_hash(e) for e in entries]
    for n in range(71):
        assert merkle_root(leaves[:n]) == _reference_mth(entries[:n])


@settings(max_examples=150)
@given(_tree_and_index(), st.data())
def test_at3_inclusion_proofs_verify_and_any_change_fails(tree, data):
    n, i = tree
    leaves = _LEAVES[:n]
    root = _root_of(n)
    proof = inclusion_proof(leaves, i)
    assert proof.size == n
    verify_inclusion(leaves[i], i, n, proof.path, root)
    proof.verify(leaves[i], root, size=n)
    # one bit flip anywhere (leaf, path element, root)
    blobs = [leaves[i], *proof.path, root]
    which = data.draw(st.integers(0, len(blobs) - 1))
    bit = data.draw(st.integers(0, 255))
    mutated = list(blobs)
    mutated[which] = _flip(blobs[which], bit)
    with pytest.raises(ProofInvalid):
        verify_inclusion(mutated[0], i, n, mutated[1:-1], mutated[-1])
    # wrong index, wrong size
    for j in (i - 1, i + 1):
        if j >= 0:
            with pytest.raises(ProofInvalid):
                verify_inclusion(leaves[i], j, n, proof.path, root)
    # n±1 as a checkpoint would state it: the other size with its own root
    for m in (n - 1, n + 1):
        if i < m <= 2048:
            with pytest.raises(ProofInvalid):
                verify_inclusion(leaves[i], i, m, proof.path, _root_of(m))
    # a swapped root: the root of another size
    other = _root_of(n + 1 if n < 2048 else n - 1)
    with pytest.raises(ProofInvalid):
        verify_inclusion(leaves[i], i, n, proof.path, other)


@settings(max_examples=150)
@given(_two_sizes(), st.data())
def test_at3_consistency_proofs_verify_and_any_change_fails(sizes, data):
    n1, n2 = sizes
    leaves = _LEAVES[:n2]
    root1, root2 = _root_of(n1), _root_of(n2)
    proof = consistency_proof(leaves, n1)
    verify_consistency(n1, n2, proof.path, root1, root2)
    proof.verify(root1, root2)
    with pytest.raises(ProofInvalid):
        verify_consistency(n1, n2, proof.path, root2, root1) if n1 != n2 else (
            verify_consistency(n1, n2, proof.path, root1, _flip(root2, 0))
        )
    blobs = [*proof.path, root1, root2]
    which = data.draw(st.integers(0, len(blobs) - 1))
    mutated = list(blobs)
    mutated[which] = _flip(blobs[which], data.draw(st.integers(0, 255)))
    with pytest.raises(ProofInvalid):
        verify_consistency(n1, n2, mutated[:-2], mutated[-2], mutated[-1])
    # n1±1, n2±1 as checkpoints would state them: each size with its own root
    for m1, m2 in ((n1 - 1, n2), (n1 + 1, n2), (n1, n2 - 1), (n1, n2 + 1)):
        if 0 <= m1 <= m2 <= 2048:
            with pytest.raises(ProofInvalid):
                verify_consistency(m1, m2, proof.path, _root_of(m1), _root_of(m2))


@settings(max_examples=60)
@given(st.integers(0, 300), st.integers(0, 40))
def test_at3_compact_range_appends_match_mth(n, extra):
    cr = CompactRange.from_leaves(_LEAVES[:n])
    assert cr.size == n
    assert len(cr.hashes) == bin(n).count("1")
    assert cr.root() == _root_of(n)
    grown = cr.extend(_LEAVES[n : n + extra])
    assert grown.root() == _root_of(n + extra)
    step = cr
    for leaf in _LEAVES[n : n + extra]:
        step = step.append(leaf)
    assert step == grown


def test_compact_range_every_prefix_up_to_2048():
    cr = CompactRange()
    for n, leaf in enumerate(_LEAVES, start=1):
        cr = cr.append(leaf)
        if n % 97 == 0 or n & (n - 1) == 0:
            assert cr.root() == merkle_root(_LEAVES[:n])


def test_the_size_must_come_with_its_signed_root():
    # A proof does not bind the tree size by itself: the proof of leaf 0 in a tree of 3 also
    # leads to the size-3 root when the size is claimed to be 4. Only a (size, root) pair from
    # one signed checkpoint is meaningful, which is why the size is never taken from a proof.
    leaves = _LEAVES[:3]
    path = inclusion_proof(leaves, 0).path
    verify_inclusion(leaves[0], 0, 4, path, _root_of(3))
    with pytest.raises(ProofInvalid):
        verify_inclusion(leaves[0], 0, 4, path, _root_of(4))
    with pytest.raises(ProofInvalid, match="checkpoint says"):
        inclusion_proof(leaves, 0).verify(leaves[0], _root_of(3), size=4)


# --- argument and structure checks -------------------------------------------------------


def test_consistency_from_zero_and_equal_sizes():
    with pytest.raises(ProofInvalid, match="size 0"):
        verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    with pytest.raises(ProofInvalid, match="size 0"):
        verify_consistency(0, 3, [], EMPTY_ROOT, _root_of(3))
    verify_consistency(3, 3, [], _root_of(3), _root_of(3))
    with pytest.raises(ProofInvalid, match="empty proof"):
        verify_consistency(3, 3, [_LEAVES[0]], _root_of(3), _root_of(3))
    with pytest.raises(ProofInvalid, match="above"):
        verify_consistency(4, 3, [], _root_of(4), _root_of(3))
    assert consistency_proof(_LEAVES[:5], 5).path == ()


@pytest.mark.parametrize("bad", [-1, True, 1.0, "1", None])
def test_bad_numbers_are_proof_errors(bad):
    with pytest.raises(ProofInvalid):
        verify_inclusion(_LEAVES[0], bad, 1, [], _LEAVES[0])
    with pytest.raises(ProofInvalid):
        verify_inclusion(_LEAVES[0], 0, bad, [], _LEAVES[0])
    with pytest.raises(ProofInvalid):
        verify_consistency(bad, 2, [_LEAVES[1]], _LEAVES[0], _root_of(2))


def test_bad_path_elements_are_proof_errors():
    with pytest.raises(ProofInvalid):
        verify_inclusion(_LEAVES[0], 0, 2, ["x"], _root_of(2))  # type: ignore[list-item]
    with pytest.raises(ProofInvalid):
        verify_consistency(1, 2, [None], _LEAVES[0], _root_of(2))  # type: ignore[list-item]
    with pytest.raises(ProofInvalid, match="32 bytes"):
        root_from_inclusion_proof(b"", 0, 1, [])


def test_proof_values_check_hash_lengths():
    with pytest.raises(MalformedInput) as caught:
        InclusionProof(0, 2, (b"\x00" * 31,))
    assert caught.value.code == "PROOF_MALFORMED"
    with pytest.raises(MalformedInput):
        ConsistencyProof(1, 2, ("x",))  # type: ignore[arg-type]
    with pytest.raises(MalformedInput):
        InclusionProof(-1, 2, ())
    with pytest.raises(MalformedInput):
        CompactRange(3, (_LEAVES[0],))
    with pytest.raises(MalformedInput):
        CompactRange().append(b"short")
    with pytest.raises(ProofInvalid, match="checkpoint says"):
        inclusion_proof(_LEAVES[:4], 1).verify(_LEAVES[1], _root_of(4), size=5)


def test_generation_rejects_out_of_range_arguments():
    for index, size in ((4, None), (-1, None), (0, 5), (2, 2)):
        with pytest.raises(InputError) as caught:
            inclusion_proof(_LEAVES[:4], index, size)
        assert caught.value.code == "MERKLE_RANGE"
    for size1, size2 in ((0, None), (5, None), (3, 2)):
        with pytest.raises(InputError):
            consistency_proof(_LEAVES[:4], size1, size2)


# --- AT-24 -------------------------------------------------------------------------------


@pytest.mark.slow
def test_at24_inclusion_proof_in_a_2_20_tree():
    """AT-24's proof in a 2^20 tree verifies (its speed, < 0.1 ms, is measured by
    ``bench/signing_primitives.py``, not asserted here)."""
    n = 1 << 20
    leaves = [hashlib.sha256(b"\x00" + i.to_bytes(4, "big")).digest() for i in range(n)]
    root = merkle_root(leaves)
    index = 654_321
    proof = inclusion_proof(leaves, index)
    assert len(proof.path) == 20
    verify_inclusion(leaves[index], index, n, proof.path, root)
    with pytest.raises(ProofInvalid):
        verify_inclusion(leaves[index + 1], index, n, proof.path, root)
