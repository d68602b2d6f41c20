"""verify(): mutation classes with exact code/seq/count (AT-10), no false positives (AT-11),
two mutations (AT-12), forks (AT-13), truncation and freshness (AT-14), report renderings."""

from __future__ import annotations

import base64
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.signing import strategies_chain as sc
from tracelib.errors import InputError, SigningError
from tracelib.signing.chain import Chain
from tracelib.signing.merkle import CompactRange, leaf_hash
from tracelib.signing.records import PAYLOAD_TYPE, Envelope
from tracelib.signing.report import CODES, Finding, Report
from tracelib.signing.trust import TrustBundle
from tracelib.signing.verify import VerifyPolicy, verify, verify_fork_evidence

_SCALE = max(1, settings.default.max_examples // 100)


def _matches(report: Report, code: str, seq: int, count: int | None) -> bool:
    return any(
        f.code == code and f.seq == seq and (count is None or f.details.get("count") == count)
        for f in report.findings
    )


@settings(max_examples=60 * _SCALE)
@given(built=sc.chains(max_size=200), kind=st.sampled_from(sc.MUTATIONS), seed=st.integers())
def test_at10_each_mutation_reported_with_exact_code_and_seq(
    built: sc.Built, kind: str, seed: int
) -> None:
    mutated = sc.mutate(built, kind, random.Random(seed))
    if mutated is None:
        return
    report = verify(mutated.bundle, trust=mutated.trust, evidence=built.evidence)
    assert report.verdict == "INVALID"
    assert _matches(report, mutated.code, mutated.seq, mutated.count), report.findings
    assert report.verified_prefix == mutated.seq
    assert all(f.seq is not None and f.seq >= mutated.seq for f in report.errors)


@pytest.mark.parametrize("kind", sc.MUTATIONS)
def test_at10_every_class_on_a_fixed_chain(kind: str) -> None:
    built = sc.build(2026, 40, 4, withhold=0.1)
    for seed in range(4):
        mutated = sc.mutate(built, kind, random.Random(seed))
        assert mutated is not None
        report = verify(mutated.bundle, trust=mutated.trust, evidence=built.evidence)
        assert _matches(report, mutated.code, mutated.seq, mutated.count), (kind, report.findings)
        assert report.verified_prefix == mutated.seq


def test_at10_deletion_counts_are_exact() -> None:
    built = sc.build(5, 12, 2, withhold=0)
    obj = json.loads(built.bundle)
    del obj["records"][5:8]
    report = verify(json.dumps(obj), trust=sc.TRUST)
    finding = report.first("RECORDS_DELETED")
    assert finding is not None
    assert dict(finding.details) == {"from": 5, "count": 3}
    obj = json.loads(built.bundle)
    del obj["records"][:1]
    assert verify(json.dumps(obj), trust=sc.TRUST).first("HEAD_MISSING").details["count"] == 1


def _clean(built: sc.Built) -> Report:
    return verify(built.bundle, trust=sc.TRUST, evidence=built.evidence)


@settings(max_examples=30 * _SCALE)
@given(built=sc.chains(max_size=120))
def test_at11_clean_chains_have_no_error_findings(built: sc.Built) -> None:
    report = _clean(built)
    assert report.errors == (), report.findings
    assert report.verdict == "VALID"
    assert report.verified_prefix == report.size == built.chain.size


@pytest.mark.slow
def test_at11_ten_thousand_clean_chains() -> None:
    rng = random.Random(11)
    for i in range(10_000):
        built = sc.build(i, rng.randrange(1, 7), rng.randrange(2, 5))
        report = _clean(built)
        assert not report.errors, (i, report.findings)


def test_at12_two_independent_mutations_both_reported() -> None:
    built = sc.build(77, 30, 3, withhold=0)
    obj = json.loads(built.bundle)
    for k in (20, 7):
        rid = sc.rid(obj["records"][k])
        obj["payloads"][rid] = sc.b64url_encode(b'{"forged":true}')
    report = verify(json.dumps(obj), trust=sc.TRUST)
    mismatches = [f.seq for f in report.findings if f.code == "PAYLOAD_DIGEST_MISMATCH"]
    assert mismatches == [7, 20]
    assert report.verified_prefix == 7
    obj = json.loads(built.bundle)
    obj["records"][3], obj["records"][4] = obj["records"][4], obj["records"][3]
    del obj["records"][15:18]
    report = verify(json.dumps(obj), trust=sc.TRUST)
    assert report.first("RECORDS_REORDERED").seq == 3
    assert dict(report.first("RECORDS_DELETED").details) == {"from": 15, "count": 3}
    assert report.verified_prefix == 3


def _forked(k: int) -> tuple[sc.Built, bytes]:
    built = sc.build(99, 10, 1, withhold=0)
    obj = json.loads(built.bundle)
    h = sc.header_of(obj["records"][k])
    h["iat"] = h["iat"][:-1] + ".5Z"
    obj["records"].append(sc.signed(h, sc.BY_KID[h["signer"]["kid"]]))
    return built, json.dumps(obj).encode()


@pytest.mark.parametrize("k", [0, 4, 9])
def test_at13_fork_detected_with_both_envelopes(k: int) -> None:
    _built, bundle = _forked(k)
    report = verify(bundle, trust=sc.TRUST)
    fork = report.first("FORK_DETECTED")
    assert fork is not None
    assert fork.seq == k
    assert len(fork.evidence["envelopes"]) == 2
    assert verify_fork_evidence(fork.evidence, sc.TRUST) is True
    assert report.verified_prefix == k


def test_at13_fork_evidence_is_checked() -> None:
    _built, bundle = _forked(4)
    fork = verify(bundle, trust=sc.TRUST).first("FORK_DETECTED")
    envelopes = fork.evidence["envelopes"]
    with pytest.raises(SigningError) as err:
        verify_fork_evidence({"envelopes": [envelopes[0], envelopes[0]]}, sc.TRUST)
    assert err.value.code == "FORK_EVIDENCE_INVALID"
    with pytest.raises(SigningError):
        verify_fork_evidence(fork.evidence, TrustBundle())
    other = json.loads(sc.build(1, 6, 1).bundle)["records"][2]
    with pytest.raises(SigningError):
        verify_fork_evidence({"envelopes": [envelopes[0], other]}, sc.TRUST)


def _chain_of(n: int) -> Chain:
    lot = Chain.create(sc.ORIGIN.format("T"), signer=sc.FARM)
    for i in range(n):
        lot.append(b'{"i":%d}' % i, payload_type=sc.JSONLD, signer=sc.FARM, iat=sc.iat(i))
    return lot


def test_at14_truncation_needs_and_uses_a_head() -> None:
    lot = _chain_of(6)
    full_head = lot.head()
    truncated = json.loads(lot.bundle())
    del truncated["records"][4:]
    bundle = json.dumps(truncated)
    report = verify(
        bundle,
        trust=sc.TRUST,
        evidence=[full_head.digital_link("https://id.gs1.org/01/09520123456788")],
    )
    finding = report.first("TRUNCATED")
    assert finding is not None
    assert finding.seq == 4
    assert (finding.details["n"], finding.details["m"]) == (4, 6)
    assert report.verdict == "INVALID"
    quiet = verify(bundle, trust=sc.TRUST)
    assert quiet.codes() == ["FRESHNESS_UNKNOWN"]
    assert quiet.verdict == "VALID"
    assert CODES["FRESHNESS_UNKNOWN"] == "info"


def test_at14_smaller_or_equal_consistent_heads_are_ok() -> None:
    lot = _chain_of(3)
    early = lot.head()
    for i in range(3, 6):
        lot.append(b'{"i":%d}' % i, payload_type=sc.JSONLD, signer=sc.FARM, iat=sc.iat(i))
    for head in (early, lot.head(), early.compact(), early.note()):
        report = verify(lot.bundle(), trust=sc.TRUST, evidence=[head])
        assert report.codes() == [], report.findings


def test_at14_inconsistent_head_is_a_fork() -> None:
    lot = _chain_of(5)
    other = Chain.create(sc.ORIGIN.format("T"), signer=sc.FARM)
    for i in range(5):
        other.append(b'{"j":%d}' % i, payload_type=sc.JSONLD, signer=sc.FARM, iat=sc.iat(i))
    report = verify(lot.bundle(), trust=sc.TRUST, evidence=[other.head().compact()])
    fork = report.first("FORK_DETECTED")
    assert fork is not None
    assert fork.seq == 4
    assert report.verdict == "INVALID"


def test_heads_from_unknown_keys_or_other_chains_are_findings() -> None:
    lot = _chain_of(2)
    outsider_head = lot.head(sc.OUTSIDER)
    report = verify(lot.bundle(), trust=sc.TRUST, evidence=[outsider_head.compact(), "not a uri"])
    assert [f.code for f in report.findings if f.severity == "error"] == [
        "CHECKPOINT_SIGNATURE_INVALID",
        "MALFORMED_RECORD",
    ]
    assert "FRESHNESS_UNKNOWN" in report.codes()


def test_key_states_unknown_revoked_expired_compromised() -> None:
    lot = _chain_of(4)
    bundle = lot.bundle()
    assert verify(bundle, trust=TrustBundle()).first("UNKNOWN_KEY").seq == 0
    expired = TrustBundle.from_signers([sc.FARM], valid_until=sc.iat(1))
    assert [f.seq for f in verify(bundle, trust=expired).findings if f.code == "KEY_EXPIRED"] == [
        2,
        3,
    ]
    revoked = sc.TRUST.revoke(sc.FARM.kid, reason="keyCompromise", effective=sc.iat(2))
    report = verify(bundle, trust=revoked)
    assert [(f.code, f.seq) for f in report.errors] == [
        ("UNANCHORED_AFTER_COMPROMISE", 0),
        ("UNANCHORED_AFTER_COMPROMISE", 1),
        ("KEY_REVOKED", 2),
        ("KEY_REVOKED", 3),
    ]
    superseded = sc.TRUST.revoke(sc.FARM.kid, reason="superseded", effective=sc.iat(2))
    assert verify(bundle, trust=superseded).verified_prefix == 2


def test_trust_bundle_expiry() -> None:
    lot = _chain_of(1)
    trust = TrustBundle.from_signers(
        [sc.FARM], expires="2026-06-01T00:00:00Z", hard_expires="2026-07-01T00:00:00Z"
    )
    stale = verify(lot.bundle(), trust=trust, now="2026-06-15T00:00:00Z")
    assert stale.verdict == "VALID_WITH_WARNINGS"
    assert "TRUST_BUNDLE_STALE" in stale.codes()
    expired = verify(lot.bundle(), trust=trust, now="2026-08-01T00:00:00Z")
    assert expired.verdict == "INVALID"
    assert "TRUST_BUNDLE_EXPIRED" in expired.codes()
    assert verify(lot.bundle(), trust=trust, now="2026-05-15T00:00:00Z").verdict == "VALID"


def test_non_canonical_and_malformed_inputs() -> None:
    lot = _chain_of(2)
    obj = json.loads(lot.bundle())
    body = sc.header_of(obj["records"][1])
    text = json.dumps(body, indent=1).encode()  # same values, not JCS
    obj["records"][1] = Envelope(PAYLOAD_TYPE, text).add_signature(sc.FARM).to_json()
    report = verify(json.dumps(obj), trust=sc.TRUST)
    assert report.first("NON_CANONICAL_ENCODING").seq == 1
    assert (
        verify(json.dumps(obj), trust=sc.TRUST, strict=False).first("NON_CANONICAL_ENCODING")
        is None
    )
    for junk in (b"", b"[]", b'{"t":"tracelib.bundle/1","t":"x"}', "\ud800", b"\xff"):
        report = verify(junk, trust=sc.TRUST)
        assert report.verdict == "INVALID"
        assert report.codes() == ["MALFORMED_RECORD"]
    obj = json.loads(lot.bundle())
    obj["records"][0] = {"payloadType": "x"}
    assert "MALFORMED_RECORD" in verify(json.dumps(obj), trust=sc.TRUST).codes()


def test_programmer_errors_raise() -> None:
    with pytest.raises(InputError):
        verify(123, trust=sc.TRUST)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        verify(b"{}", trust=None)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        verify(b"{}", trust=sc.TRUST, evidence=[3.5])


def test_append_after_seal_and_time_regression() -> None:
    lot = _chain_of(2)
    lot.seal(signer=sc.FARM, iat=sc.iat(2))
    obj = json.loads(lot.bundle())
    h = sc.header_of(obj["records"][2])
    leaves = [leaf_hash(base64.b64decode(e["payload"])) for e in obj["records"]]
    extra = dict(
        h,
        seq=3,
        kind="event",
        prev=sc.b64url_encode(leaves[2]),
        root=sc.b64url_encode(CompactRange.from_leaves(leaves).root()),
        iat="2026-05-14T07:00:00Z",
        payload={"type": "text/plain", "digest": "sha-256:" + "A" * 43, "size": 0, "salted": False},
    )
    obj["records"].append(sc.signed(extra, sc.FARM))
    report = verify(json.dumps(obj), trust=sc.TRUST)
    assert report.first("APPEND_AFTER_SEAL").seq == 3
    assert report.first("TIME_REGRESSION").seq == 3
    assert VerifyPolicy().time_tolerance == 300.0


def test_report_json_html_and_ordering() -> None:
    built = sc.build(3, 8, 2)
    obj = json.loads(built.bundle)
    obj["records"][2], obj["records"][3] = obj["records"][3], obj["records"][2]
    report = verify(json.dumps(obj), trust=sc.TRUST, evidence=built.evidence)
    data = json.loads(report.to_bytes())
    assert data["verdict"] == "INVALID"
    assert data["findings"][0]["code"] == "FRESHNESS_UNKNOWN"
    assert [f.sort_key() for f in report.findings] == sorted(f.sort_key() for f in report.findings)
    assert all(f.code in CODES for f in report.findings)
    html = report._repr_html_()
    assert "RECORDS_REORDERED" in html
    assert "INVALID" in html
    assert "INVALID" in repr(report)
    assert report.first("RECORDS_REORDERED").details["permutation"] == [3, 2]
    assert Finding.make("X").severity == "error"
