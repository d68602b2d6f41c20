"""TrustBundle.status at anchored time, KeyStatus findings, JSON with roots (AT-17, AT-18)."""

from __future__ import annotations

import pytest

from tracelib.errors import MalformedInput
from tracelib.signing._keys_testca import make_test_pki
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.trust import KeyStatus, TrustBundle, TrustedKey

FARM = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
T = "2026-06-01T00:00:00Z"
BEFORE, AFTER = "2026-05-20T00:00:00Z", "2026-06-10T00:00:00Z"


@pytest.mark.parametrize(
    ("reason", "claimed", "anchored", "state", "code", "severity"),
    [
        ("keyCompromise", BEFORE, None, "revoked_later", "UNANCHORED_AFTER_COMPROMISE", "error"),
        ("keyCompromise", AFTER, None, "revoked", "KEY_REVOKED", "error"),
        ("keyCompromise", BEFORE, BEFORE, "anchored_before_revocation", None, None),
        (
            "keyCompromise",
            BEFORE,
            AFTER,
            "signed_after_revocation",
            "SIGNED_AFTER_REVOCATION",
            "error",
        ),
        ("keyCompromise", BEFORE, T, "signed_after_revocation", "SIGNED_AFTER_REVOCATION", "error"),
        ("superseded", BEFORE, None, "revoked_later", "UNANCHORED_AFTER_COMPROMISE", "info"),
        ("superseded", BEFORE, BEFORE, "anchored_before_revocation", None, None),
        (
            "superseded",
            BEFORE,
            AFTER,
            "signed_after_revocation",
            "SIGNED_AFTER_REVOCATION",
            "error",
        ),
    ],
)
def test_revocation_judged_at_anchored_time(
    reason: str,
    claimed: str,
    anchored: str | None,
    state: str,
    code: str | None,
    severity: str | None,
) -> None:
    trust = TrustBundle.from_signers([FARM]).revoke(FARM.kid, reason=reason, effective=T)  # type: ignore[arg-type]
    status = trust.status(FARM.kid, claimed, anchored=anchored)
    assert (status.state, status.code, status.severity) == (state, code, severity)
    finding = status.finding(seq=4, record_id="r", actual=claimed)
    if code is None:
        assert finding is None
        assert status.usable
    else:
        assert finding is not None
        assert (finding.code, finding.severity, finding.seq) == (code, severity, 4)
        assert finding.details["reason"] == reason
        if anchored is not None:
            assert finding.details["anchored"] == anchored


def test_status_without_anchor_is_unchanged() -> None:
    trust = TrustBundle.from_signers([FARM], valid_from=BEFORE, valid_until=T)
    assert trust.status(FARM.kid, "2026-05-01T00:00:00Z").state == "not_yet_valid"
    assert trust.status(FARM.kid, AFTER).state == "expired"
    assert trust.status(FARM.kid, BEFORE).state == "valid"
    # an anchor after the window's end expires the key even if the claim is inside it
    assert trust.status(FARM.kid, BEFORE, anchored=AFTER).state == "expired"
    assert trust.status(FARM.kid, BEFORE, anchored=BEFORE).finding(seq=0) is None
    assert KeyStatus("expired").finding(seq=1).code == "KEY_EXPIRED"  # type: ignore[union-attr]


def test_trust_json_round_trip_with_x5c_and_roots() -> None:
    pki = make_test_pki()
    entry = TrustedKey.from_certificate(pki.signer.actor, (pki.leaf,), "PS256")
    trust = TrustBundle((entry,)).with_roots(ca_roots=[pki.root], tsa_roots=[pki.root])
    again = TrustBundle.load(trust.to_bytes())
    assert again == trust
    assert again.keys[0].x5c == (pki.leaf,)
    assert b'"caRoots"' in trust.to_bytes()
    assert b'"tsaRoots"' in trust.to_bytes()


def test_bad_x5c_and_roots_are_trust_invalid() -> None:
    pki, other = make_test_pki(), make_test_pki()
    obj = TrustBundle((TrustedKey.from_signer(FARM),)).to_json()
    obj["keys"][0]["x5c"] = ["not base64!"]
    with pytest.raises(MalformedInput) as err:
        TrustBundle.load(obj)
    assert err.value.code == "TRUST_INVALID"
    obj["keys"][0]["x5c"] = [__import__("base64").b64encode(other.leaf).decode()]
    with pytest.raises(MalformedInput, match="another key"):
        TrustBundle.load(obj)
    with pytest.raises(MalformedInput) as err:
        TrustBundle.load({"t": "tracelib.trust/1", "keys": [], "caRoots": [1]})
    assert err.value.code == "TRUST_INVALID"
    assert pki.root != other.root
