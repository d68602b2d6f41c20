"""Exports (design §13, issue 6 item 8): VC eddsa-jcs-2022 / ecdsa-jcs-2019 and detached JWS."""

from __future__ import annotations

import json
import sys

import pytest

from tracelib.errors import (
    InputError,
    MalformedInput,
    MissingDependencyError,
    SignatureInvalid,
    SigningError,
)
from tracelib.signing.canonical import b64url_decode, b64url_encode, canonicalize, parse_json
from tracelib.signing.export import (
    VC_CONTEXT,
    VC_TYPE,
    add_proof,
    export_jws,
    export_vc,
    record_urn,
    verify_jws,
    verify_proof,
    verify_vc,
)
from tracelib.signing.header import RecordHeader
from tracelib.signing.members import PayloadRef, new_salt
from tracelib.signing.records import Record
from tracelib.signing.signers import CallableSigner, SoftwareSigner

CHAIN = "trace.example.vn/lot/08930000000012/LOT1"
IAT = "2026-05-14T08:00:00Z"
CREATED = "2026-05-14T08:00:05Z"
EVENT = canonicalize({"type": "ObjectEvent", "bizStep": "harvesting", "quantity": 1250.5})


def _record(signer, payload=EVENT, *, salt=None, kind="event", event_id=None, chain=CHAIN):
    ref = (
        None
        if payload is None
        else PayloadRef.for_payload(payload, type="application/ld+json", salt=salt)
    )
    fields = {"payload": ref} if ref else {}
    if event_id:
        fields["event_id"] = event_id
    header = RecordHeader.genesis(chain=chain, signer=signer, iat=IAT, kind=kind, **fields)
    return Record.create(header, signer)


@pytest.fixture(scope="module")
def farm():
    return SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")


@pytest.fixture(scope="module")
def proc():
    return SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000026", alg="ES256")


@pytest.fixture(scope="module")
def outsider():
    return SoftwareSigner.generate(actor="did:web:attacker.example")


# --- record id ------------------------------------------------------------------------------


def test_record_urn_form_and_escaping(farm):
    record = _record(farm, chain="trace.example.vn/lô#1?x")
    assert record_urn(record) == (
        "urn:tracelib:trace.example.vn/l%C3%B4%231%3Fx:0#" + b64url_encode(record.id)
    )
    assert record_urn(_record(farm)) == f"urn:tracelib:{CHAIN}:0#{b64url_encode(_record(farm).id)}"
    with pytest.raises(InputError):
        record_urn("not a record")  # type: ignore[arg-type]


# --- VC ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alg", "suite"), [("Ed25519", "eddsa-jcs-2022"), ("ES256", "ecdsa-jcs-2019")]
)
def test_vc_shape_and_round_trip(alg, suite):
    signer = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019", alg=alg)
    record = _record(signer, event_id="ni:///sha-256;" + "a" * 64 + "?ver=CBV2.0")
    data = export_vc(record, EVENT, signer=signer, created=CREATED)
    doc = parse_json(data)
    assert canonicalize(doc) == data  # JCS bytes
    assert doc["@context"] == [VC_CONTEXT]
    assert doc["type"] == ["VerifiableCredential", VC_TYPE]
    assert doc["id"] == record_urn(record) == doc["credentialSubject"]["id"]
    assert doc["issuer"] == signer.public_key.did_key()
    assert doc["proof"]["cryptosuite"] == suite
    assert doc["proof"]["created"] == CREATED
    assert doc["proof"]["@context"] == [VC_CONTEXT]
    subject = doc["credentialSubject"]
    assert subject["seq"] == 0
    assert subject["kind"] == "event"
    assert subject["actor"] == signer.actor
    assert subject["eventId"] == record.header.event_id
    assert subject["payload"]["mediaType"] == "application/ld+json"
    assert b64url_decode(subject["payload"]["data"]) == EVENT
    result = verify_vc(data, key=signer.public_key)
    assert result.record.id == record.id
    assert result.payload == EVENT
    assert result.record_id == record_urn(record)
    assert result.key == signer.public_key
    assert verify_vc(data).key == signer.public_key  # the did:key resolves offline
    assert verify_vc(doc).payload == EVENT  # a parsed mapping works too


def test_vc_is_deterministic(farm):
    record = _record(farm)
    assert export_vc(record, EVENT, signer=farm, created=CREATED) == export_vc(
        record, EVENT, signer=farm, created=CREATED
    )


def test_vc_default_created_is_now(farm):
    doc = parse_json(export_vc(_record(farm), signer=farm))
    assert doc["proof"]["created"].endswith("Z")
    assert len(doc["proof"]["created"]) == 20


def test_vc_withheld_payload_and_detached_payload(farm):
    record = _record(farm)
    data = export_vc(record, signer=farm, created=CREATED)
    assert "data" not in parse_json(data)["credentialSubject"]["payload"]
    assert verify_vc(data, key=farm.public_key).payload is None
    assert verify_vc(data, key=farm.public_key, payload=EVENT).payload == EVENT
    with pytest.raises(SigningError) as info:
        verify_vc(data, key=farm.public_key, payload=EVENT + b" ")
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"


def test_vc_salted_payload(farm):
    salt = new_salt()
    record = _record(farm, salt=salt)
    data = export_vc(record, EVENT, signer=farm, salt=salt, created=CREATED)
    assert b64url_decode(parse_json(data)["credentialSubject"]["payload"]["salt"]) == salt
    assert verify_vc(data).payload == EVENT
    withheld = export_vc(record, signer=farm, created=CREATED)
    assert verify_vc(withheld, payload=EVENT, salt=salt).payload == EVENT
    with pytest.raises(SigningError) as info:
        verify_vc(withheld, payload=EVENT)  # salt missing
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"
    with pytest.raises(SigningError):
        export_vc(record, EVENT, signer=farm, created=CREATED)  # salt missing


def test_vc_given_payload_must_equal_embedded(farm):
    data = export_vc(_record(farm), EVENT, signer=farm, created=CREATED)
    with pytest.raises(SigningError) as info:
        verify_vc(data, payload=b"{}")
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"


def test_vc_control_record_without_payload(farm):
    record = _record(farm, payload=None, kind="seal")
    data = export_vc(record, signer=farm, created=CREATED)
    assert "payload" not in parse_json(data)["credentialSubject"]
    assert verify_vc(data).payload is None
    with pytest.raises(InputError) as info:
        export_vc(record, EVENT, signer=farm)
    assert info.value.code == "PAYLOAD_MISSING"
    with pytest.raises(SigningError):
        verify_vc(data, payload=EVENT)


def test_vc_export_refuses_wrong_payload(farm):
    with pytest.raises(SigningError) as info:
        export_vc(_record(farm), b'{"quantity":1350.5}', signer=farm)
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"


def test_vc_export_needs_a_signer_of_the_record(farm, outsider):
    with pytest.raises(InputError) as info:
        export_vc(_record(farm), signer=outsider)
    assert info.value.code == "SIGNER_MISMATCH"


def test_vc_export_by_a_countersigner(farm, proc):
    record = _record(farm).countersign(proc)
    data = export_vc(record, EVENT, signer=proc, created=CREATED)
    result = verify_vc(data, key=proc.public_key)
    assert result.key.kty == "EC"
    assert result.record.header.signer.kid == farm.kid


def test_vc_rsa_signers_have_no_cryptosuite():
    rsa = SoftwareSigner.generate(actor="urn:example:rsa", alg="PS256")
    with pytest.raises(MalformedInput) as info:
        export_vc(_record(rsa), signer=rsa)
    assert info.value.code == "DI_CRYPTOSUITE_UNSUPPORTED"


def test_vc_wrong_trusted_key(farm, outsider):
    data = export_vc(_record(farm), signer=farm, created=CREATED)
    with pytest.raises(SignatureInvalid) as info:
        verify_vc(data, key=outsider.public_key)
    assert info.value.code == "DI_PROOF_INVALID"


def _resign(data, signer, change):
    """A credential edited and re-proved by ``signer`` (a forger or a careless issuer)."""
    doc = parse_json(data)
    del doc["proof"]
    change(doc)
    return add_proof(doc, signer=signer, created=CREATED)


def test_vc_forged_by_outsider_with_own_did_key(farm, outsider):
    data = export_vc(_record(farm), EVENT, signer=farm, created=CREATED)
    forged = _resign(data, outsider, lambda d: d.update(issuer=outsider.public_key.did_key()))
    with pytest.raises(SignatureInvalid) as info:
        verify_vc(forged)
    assert info.value.code in ("SIGNATURE_MISSING", "SIGNATURE_INVALID")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["credentialSubject"].update(seq=1), "seq"),
        (lambda d: d["credentialSubject"].update(seq=True), "seq"),
        (lambda d: d["credentialSubject"].update(kind="seal"), "kind"),
        (lambda d: d["credentialSubject"].update(actor="https://id.gs1.org/417/1"), "actor"),
        (lambda d: d["credentialSubject"].update(eventId="ni:///x"), "eventId"),
        (lambda d: d["credentialSubject"].pop("chain"), "chain"),
        (lambda d: d.update(id="urn:tracelib:other:0#A"), "id"),
        (lambda d: d["credentialSubject"]["payload"].update(size=1), "payload.size"),
        (lambda d: d["credentialSubject"]["payload"].update(salted=True), "payload.salted"),
        (lambda d: d.update(issuer="https://id.gs1.org/417/8930000000019"), "issuer"),
    ],
)
def test_vc_members_must_mirror_the_signed_record(farm, change, path):
    data = export_vc(_record(farm), EVENT, signer=farm, created=CREATED)
    lying = _resign(data, farm, change)
    with pytest.raises(SigningError) as info:
        verify_vc(lying)
    assert info.value.code == "RECORD_MISMATCH"
    assert path in str(info.value)


def test_vc_embedded_payload_swapped_by_issuer(farm):
    data = export_vc(_record(farm), EVENT, signer=farm, created=CREATED)
    other = b64url_encode(b'{"quantity":1350.5}')
    lying = _resign(data, farm, lambda d: d["credentialSubject"]["payload"].update(data=other))
    with pytest.raises(SigningError) as info:
        verify_vc(lying)
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["credentialSubject"].update(note="extra claim"),
        lambda d: d["credentialSubject"]["payload"].update(note="x"),
        lambda d: d["credentialSubject"]["payload"].update(data="***"),
        lambda d: d.update(type=["VerifiableCredential"]),
        lambda d: d.update({"@context": ["https://www.w3.org/2018/credentials/v1"]}),
        lambda d: d["credentialSubject"].update(record="x"),
        lambda d: d.update(credentialSubject=[]),
    ],
)
def test_vc_shape_errors_are_malformed_input(farm, change):
    data = export_vc(_record(farm), EVENT, signer=farm, created=CREATED)
    with pytest.raises(MalformedInput) as info:
        verify_vc(_resign(data, farm, change))
    assert info.value.code == "VC_MALFORMED"
    assert info.value.path


def test_vc_extra_top_level_claims_are_allowed(farm):
    data = export_vc(_record(farm), signer=farm, created=CREATED)
    extended = _resign(data, farm, lambda d: d.update(validUntil="2027-05-14T00:00:00Z"))
    assert verify_vc(extended).record is not None


def test_vc_tampered_embedded_record_header(farm):
    data = export_vc(_record(farm), signer=farm, created=CREATED)

    def edit(doc):
        envelope = doc["credentialSubject"]["record"]
        envelope["signatures"][0]["sig"] = b64url_encode(bytes(64))

    with pytest.raises(SignatureInvalid) as info:
        verify_vc(_resign(data, farm, edit))
    assert info.value.code == "SIGNATURE_INVALID"


def test_add_proof_refuses_proof_sets_and_bad_created(farm):
    secured = add_proof({"a": 1}, signer=farm, created=CREATED)
    with pytest.raises(MalformedInput) as info:
        add_proof(secured, signer=farm)
    assert info.value.code == "DI_PROOF_SET_UNSUPPORTED"
    with pytest.raises(MalformedInput):
        verify_proof({**secured, "proof": [secured["proof"]]})
    for created in ("2026-13-01T00:00:00Z", "yesterday", "2026-05-14 08:00:00Z"):
        with pytest.raises(MalformedInput):
            add_proof({"a": 1}, signer=farm, created=created)


def test_add_proof_without_context_and_custom_purpose(farm):
    secured = add_proof({"a": 1}, signer=farm, created=CREATED, proof_purpose="authentication")
    assert "@context" not in secured["proof"]
    assert verify_proof(secured, proof_purpose="authentication") == farm.public_key
    with pytest.raises(SignatureInvalid):
        verify_proof(secured)


def test_signer_returning_garbage_is_caught(farm):
    broken = CallableSigner.create(
        actor=farm.actor, alg="Ed25519", public_jwk=farm.public_jwk(), sign_fn=lambda m: bytes(64)
    )
    record = _record(farm)
    with pytest.raises(SigningError) as info:
        export_vc(record, signer=broken)
    assert info.value.code == "SIGNER_FAILED"
    with pytest.raises(SigningError) as info:
        export_jws(record, EVENT, signer=broken)
    assert info.value.code == "SIGNER_FAILED"


# --- JWS --------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["Ed25519", "ES256", "PS256", "RS256"])
def test_jws_round_trip_every_algorithm(alg):
    signer = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019", alg=alg)
    record = _record(signer)
    token = export_jws(record, EVENT, signer=signer)
    header_segment, middle, _ = token.split(".")
    assert middle == ""
    header = parse_json(b64url_decode(header_segment))
    assert header == {
        "alg": alg,
        "b64": False,
        "crit": ["b64"],
        "cty": "application/ld+json",
        "kid": signer.kid,
        "urn:tracelib:record": record_urn(record),
    }
    result = verify_jws(token, EVENT, key=signer.public_key, record=record)
    assert result.record is record
    assert result.payload == EVENT
    assert verify_jws(token.encode(), EVENT, key=signer.public_key).record is None
    assert verify_jws(
        token, EVENT, key=signer.public_key, record=record.envelope.to_bytes()
    ).record_id == record_urn(record)


def test_jws_verifies_with_plain_joserfc(farm):
    """A third party with only joserfc and the JWK can check it (mutual recognition)."""
    from joserfc import jws
    from joserfc.jwk import JWKRegistry
    from joserfc.registry import HeaderParameter

    token = export_jws(_record(farm), EVENT, signer=farm)
    registry = jws.JWSRegistry(
        header_registry={"urn:tracelib:record": HeaderParameter("record", "str")},
        algorithms=["Ed25519"],
    )
    registry.max_header_length = 4096
    key = JWKRegistry.import_key(farm.public_jwk())
    obj = jws.deserialize_compact(token, key, registry=registry, payload=EVENT)
    assert obj.payload == EVENT
    assert obj.headers()["kid"] == farm.kid


def test_jws_deterministic_for_ed25519(farm):
    record = _record(farm)
    assert export_jws(record, EVENT, signer=farm) == export_jws(record, EVENT, signer=farm)


def test_jws_wrong_key_kid_and_alg(farm, proc, outsider):
    token = export_jws(_record(farm), EVENT, signer=farm)
    with pytest.raises(SignatureInvalid) as info:
        verify_jws(token, EVENT, key=outsider.public_key)
    assert info.value.code == "SIGNATURE_INVALID"
    with pytest.raises(SignatureInvalid) as info:
        verify_jws(token, EVENT, key=proc.public_key)
    assert info.value.code == "ALG_KEY_MISMATCH"


def test_jws_binding_to_the_record(farm, proc):
    record = _record(farm)
    other = _record(farm, payload=b'{"other":1}')
    token = export_jws(record, EVENT, signer=farm)
    with pytest.raises(SigningError) as info:
        verify_jws(token, EVENT, key=farm.public_key, record=other)
    assert info.value.code == "RECORD_MISMATCH"
    countersigned = record.countersign(proc)
    proc_token = export_jws(countersigned, EVENT, signer=proc)
    assert verify_jws(proc_token, EVENT, key=proc.public_key, record=countersigned).key.kty == "EC"
    with pytest.raises(SignatureInvalid) as info:  # proc's signature is not on this copy
        verify_jws(proc_token, EVENT, key=proc.public_key, record=record)
    assert info.value.code == "SIGNATURE_MISSING"


def test_jws_salted_payload(farm):
    salt = new_salt()
    record = _record(farm, salt=salt)
    token = export_jws(record, EVENT, signer=farm, salt=salt)
    assert verify_jws(token, EVENT, key=farm.public_key, record=record, salt=salt).payload == EVENT
    with pytest.raises(SigningError) as info:
        verify_jws(token, EVENT, key=farm.public_key, record=record)
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"


def test_jws_export_errors(farm, outsider):
    with pytest.raises(InputError) as info:
        export_jws(_record(farm, payload=None, kind="seal"), b"", signer=farm)
    assert info.value.code == "PAYLOAD_MISSING"
    with pytest.raises(InputError) as info:
        export_jws(_record(farm), EVENT, signer=outsider)
    assert info.value.code == "SIGNER_MISMATCH"
    with pytest.raises(SigningError) as info:
        export_jws(_record(farm), EVENT + b"\n", signer=farm)
    assert info.value.code == "PAYLOAD_DIGEST_MISMATCH"
    with pytest.raises(InputError):
        export_jws(_record(farm), "text", signer=farm)  # type: ignore[arg-type]


def test_jws_large_and_empty_payloads(farm):
    big = b"x" * 300_000
    token = export_jws(_record(farm, payload=big), big, signer=farm)
    assert verify_jws(token, big, key=farm.public_key).payload == big
    token = export_jws(_record(farm, payload=b""), b"", signer=farm)
    assert verify_jws(token, b"", key=farm.public_key).payload == b""


def _header_token(header, signature=b"\x00" * 64):
    segment = b64url_encode(json.dumps(header).encode())
    return f"{segment}..{b64url_encode(signature)}"


@pytest.mark.parametrize(
    "token",
    [
        "a.b.c",  # attached payload
        "onlyone",
        "e30..AA",  # {} header
        _header_token(
            {
                "alg": "Ed25519",
                "b64": True,
                "crit": ["b64"],
                "cty": "t",
                "kid": "k",
                "urn:tracelib:record": "u",
            }
        ),
        _header_token(
            {"alg": "Ed25519", "b64": False, "cty": "t", "kid": "k", "urn:tracelib:record": "u"}
        ),
        _header_token(
            {
                "alg": "Ed25519",
                "b64": False,
                "crit": ["b64"],
                "cty": "t",
                "kid": "k",
                "urn:tracelib:record": "u",
                "jku": "https://evil.example/keys",
            }
        ),
        _header_token(
            {
                "alg": "Ed25519",
                "b64": False,
                "crit": ["b64"],
                "cty": "t",
                "kid": 5,
                "urn:tracelib:record": "u",
            }
        ),
        b64url_encode(b'{"alg":"Ed25519","alg":"none"}') + "..AA",  # duplicate name
        "é..AA",
        "x" * 20_000,
    ],
)
def test_jws_malformed_tokens(farm, token):
    with pytest.raises(MalformedInput) as info:
        verify_jws(token, EVENT, key=farm.public_key)
    assert info.value.code in ("JWS_MALFORMED", "ALG_NOT_ALLOWED")


def test_jws_none_algorithm_refused(farm):
    token = _header_token(
        {
            "alg": "none",
            "b64": False,
            "crit": ["b64"],
            "cty": "t",
            "kid": farm.kid,
            "urn:tracelib:record": "u",
        },
        b"",
    )
    with pytest.raises(MalformedInput) as info:
        verify_jws(token, EVENT, key=farm.public_key)
    assert info.value.code == "ALG_NOT_ALLOWED"


def test_verify_argument_types(farm):
    token = export_jws(_record(farm), EVENT, signer=farm)
    with pytest.raises(InputError):
        verify_jws(token, "text", key=farm.public_key)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        verify_jws(token, EVENT, key=farm.public_jwk())  # type: ignore[arg-type]
    with pytest.raises(InputError):
        verify_vc(b"{}", key="did:key:z6Mk")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        verify_vc(b"{}", payload="x")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        export_vc(_record(farm), signer="farm")  # type: ignore[arg-type]


# --- the optional extra -------------------------------------------------------------------


def test_jws_without_joserfc_raises_missing_dependency(monkeypatch, farm):
    record = _record(farm)
    token = export_jws(record, EVENT, signer=farm)
    for name in ("joserfc", "joserfc.jws", "joserfc.jwk", "joserfc.errors", "joserfc.registry"):
        monkeypatch.setitem(sys.modules, name, None)
    for call in (
        lambda: export_jws(record, EVENT, signer=farm),
        lambda: verify_jws(token, EVENT, key=farm.public_key),
    ):
        with pytest.raises(MissingDependencyError) as info:
            call()
        assert info.value.extra == "export"
        assert info.value.package == "joserfc"
        assert isinstance(info.value, ImportError)
    # the VC export needs no extra
    assert verify_vc(export_vc(record, EVENT, signer=farm)).payload == EVENT
