"""AT-9: VC Data Integrity vectors (V17 eddsa-jcs-2022 byte-exact, V18 ecdsa-jcs-2019 verifies)
and the RFC 7797 detached JWS vector (V22) for the export module."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from tests import vectors
from tracelib.errors import MalformedInput, SignatureInvalid
from tracelib.signing import _export_di, _export_jws
from tracelib.signing.canonical import b64url_decode, b64url_encode, canonicalize
from tracelib.signing.export import add_proof, verify_jws, verify_proof
from tracelib.signing.keys import PublicKey, multibase_decode
from tracelib.signing.signers import SoftwareSigner

pytestmark = pytest.mark.conformance

EDDSA = "signing/vc-di-eddsa/TestVectors"
ECDSA = "signing/vc-di-ecdsa/TestVectors"


def _text(rel: str) -> str:
    return vectors.path(rel).read_text(encoding="utf-8").strip()


@pytest.fixture(scope="module")
def eddsa_signer():
    secret = multibase_decode(vectors.load_json(f"{EDDSA}/keyPair.json")["privateKeyMultibase"])
    assert secret[:2] == b"\x80\x26"
    assert len(secret) == 34
    key = ed25519.Ed25519PrivateKey.from_private_bytes(secret[2:])
    return SoftwareSigner.from_private_key(key, actor="https://vc.example/issuers/5678")


@pytest.fixture(scope="module")
def ecdsa_signer():
    secret = multibase_decode(vectors.load_json(f"{ECDSA}/p256KeyPair.json")["secretKeyMultibase"])
    assert secret[:2] == b"\x86\x26"
    assert len(secret) == 34
    key = ec.derive_private_key(int.from_bytes(secret[2:], "big"), ec.SECP256R1())
    return SoftwareSigner.from_private_key(key, actor="https://vc.example/issuers/5678")


def _signed(rel: str) -> dict:
    return copy.deepcopy(vectors.load_json(rel))


# --- V17: eddsa-jcs-2022 reproduced byte for byte ----------------------------------------


def test_at9_v17_proof_value_reproduced_byte_for_byte(eddsa_signer):
    signed = _signed(f"{EDDSA}/eddsa-jcs-2022/signedJCS.json")
    expected = signed.pop("proof")
    secured = add_proof(signed, signer=eddsa_signer, created=expected["created"])
    assert secured["proof"]["proofValue"] == _text(f"{EDDSA}/eddsa-jcs-2022/sigBTC58JCS.txt")
    assert secured["proof"]["proofValue"] == expected["proofValue"]
    assert secured["proof"] == expected
    assert canonicalize(secured) == canonicalize(
        vectors.load_json(f"{EDDSA}/eddsa-jcs-2022/signedJCS.json")
    )


def test_at9_v17_intermediate_values(eddsa_signer):
    signed = _signed(f"{EDDSA}/eddsa-jcs-2022/signedJCS.json")
    proof = signed.pop("proof")
    assert canonicalize(signed).decode() == _text(f"{EDDSA}/eddsa-jcs-2022/canonDocJCS.txt")
    config = vectors.load_json(f"{EDDSA}/eddsa-jcs-2022/proofConfigJCS.json")
    options = _export_di.proof_options(
        signed,
        key=eddsa_signer.public_key,
        alg="Ed25519",
        created=proof["created"],
        purpose="assertionMethod",
    )
    assert options == config
    assert canonicalize(options).decode() == _text(f"{EDDSA}/eddsa-jcs-2022/proofCanonJCS.txt")
    data = _export_di.hash_data(signed, options)
    assert data[:32].hex() == _text(f"{EDDSA}/eddsa-jcs-2022/proofHashJCS.txt")
    assert data[32:].hex() == _text(f"{EDDSA}/eddsa-jcs-2022/docHashJCS.txt")
    assert data.hex() == _text(f"{EDDSA}/eddsa-jcs-2022/combinedHashJCS.txt")
    assert eddsa_signer.sign(data).hex() == _text(f"{EDDSA}/eddsa-jcs-2022/sigHexJCS.txt")


def test_at9_v17_key_is_the_vector_did_key(eddsa_signer):
    public = vectors.load_json(f"{EDDSA}/keyPair.json")["publicKeyMultibase"]
    assert eddsa_signer.public_key.did_key() == f"did:key:{public}"


def test_at9_v17_signed_credential_verifies(eddsa_signer):
    raw = vectors.path(f"{EDDSA}/eddsa-jcs-2022/signedJCS.json").read_bytes()
    assert verify_proof(raw) == eddsa_signer.public_key
    assert verify_proof(raw, key=eddsa_signer.public_key) == eddsa_signer.public_key


# --- V18: ecdsa-jcs-2019 (P-256) verifies --------------------------------------------------


def test_at9_v18_signed_credential_verifies(ecdsa_signer):
    raw = vectors.path(f"{ECDSA}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json").read_bytes()
    key = verify_proof(raw)
    assert key.kty == "EC"
    assert key == ecdsa_signer.public_key
    public = vectors.load_json(f"{ECDSA}/p256KeyPair.json")["publicKeyMultibase"]
    assert key.did_key() == f"did:key:{public}"


def test_at9_v18_intermediate_hashes_and_signature(ecdsa_signer):
    signed = _signed(f"{ECDSA}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json")
    proof = signed.pop("proof")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    assert options == vectors.load_json(f"{ECDSA}/ecdsa-jcs-2019-p256/proofConfigJCSECDSAP256.json")
    data = _export_di.hash_data(signed, options)
    assert data.hex() == _text(f"{ECDSA}/ecdsa-jcs-2019-p256/combinedHashJCSECDSAP256.txt")
    signature = multibase_decode(proof["proofValue"])
    assert signature.hex() == _text(f"{ECDSA}/ecdsa-jcs-2019-p256/sigHexJCSECDSAP256.txt")
    ecdsa_signer.public_key.verify("ES256", signature, data)


def test_at9_v18_own_es256_proof_matches_the_vector_config(ecdsa_signer):
    signed = _signed(f"{ECDSA}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json")
    expected = signed.pop("proof")
    secured = add_proof(signed, signer=ecdsa_signer, created=expected["created"])
    assert {k: v for k, v in secured["proof"].items() if k != "proofValue"} == {
        k: v for k, v in expected.items() if k != "proofValue"
    }
    assert verify_proof(secured) == ecdsa_signer.public_key  # RFC 6979 value, not the vector's


@pytest.mark.parametrize(
    "rel",
    [
        f"{EDDSA}/eddsa-jcs-2022/signedJCS.json",
        f"{ECDSA}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
    ],
)
@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"].update(alumniOf="The School of Forgeries"),
        lambda d: d.update(validFrom="2023-01-02T00:00:00Z"),
        lambda d: d["proof"].update(created="2023-02-24T23:36:39Z"),
        lambda d: d.update({"@context": d["@context"][::-1]}),
        lambda d: d["proof"].update(proofPurpose="authentication"),
        lambda d: d["type"].append("ExtraCredential"),
    ],
    ids=["subject", "validFrom", "created", "context-order", "purpose", "type"],
)
def test_at9_tampered_vectors_fail(rel, tamper):
    doc = _signed(rel)
    tamper(doc)
    with pytest.raises(SignatureInvalid) as info:
        verify_proof(doc)
    assert info.value.code == "DI_PROOF_INVALID"


def test_at9_vector_with_another_key_fails(ecdsa_signer):
    raw = vectors.path(f"{EDDSA}/eddsa-jcs-2022/signedJCS.json").read_bytes()
    with pytest.raises(SignatureInvalid) as info:
        verify_proof(raw, key=ecdsa_signer.public_key)
    assert info.value.code == "DI_PROOF_INVALID"


def test_at9_other_verification_method_needs_a_key(eddsa_signer):
    doc = _signed(f"{EDDSA}/eddsa-jcs-2022/signedJCS.json")
    doc["proof"]["verificationMethod"] = "https://vc.example/issuers/5678#key-1"
    with pytest.raises(MalformedInput) as info:
        verify_proof(doc)
    assert info.value.code == "DI_VERIFICATION_METHOD_UNRESOLVED"
    # the method is part of the signed proof options: with the key resolved, it still fails
    with pytest.raises(SignatureInvalid):
        verify_proof(doc, key=eddsa_signer.public_key)


def test_at9_p384_or_other_suites_refused():
    doc = _signed(f"{ECDSA}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json")
    doc["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    with pytest.raises(MalformedInput) as info:
        verify_proof(doc)
    assert info.value.code == "DI_CRYPTOSUITE_UNSUPPORTED"


# --- V22: RFC 7797 §4.2 detached, unencoded JWS --------------------------------------------


@pytest.fixture(scope="module")
def v22():
    return vectors.load_json("signing/small-kats.json")["rfc7797_detached_b64false"]


def test_v22_signing_input_and_jcs_header_reproduce_rfc7797(v22):
    segment = _export_jws.encode_header({"alg": "HS256", "b64": False, "crit": ["b64"]})
    header_part, middle, signature = v22["detached_compact"].split(".")
    assert segment == header_part
    assert middle == ""
    message = _export_jws.signing_input(segment, v22["payload"].encode())
    mac = hmac.new(b64url_decode(v22["k"]), message, hashlib.sha256).digest()
    assert b64url_encode(mac) == signature


def test_v22_joserfc_reproduces_rfc7797(v22):
    from joserfc import jws
    from joserfc.jwk import OctKey

    key = OctKey.import_key({"kty": "oct", "k": v22["k"]})
    header = {"alg": "HS256", "b64": False, "crit": ["b64"]}
    token = jws.serialize_compact(header, v22["payload"], key, algorithms=["HS256"])
    assert jws.detach_content(token) == v22["detached_compact"]
    obj = jws.deserialize_compact(
        v22["detached_compact"], key, algorithms=["HS256"], payload=v22["payload"]
    )
    assert obj.payload == v22["payload"].encode()


def test_v22_hmac_is_not_accepted_by_tracelib(v22):
    key = SoftwareSigner.generate(actor="urn:x").public_key
    with pytest.raises(MalformedInput) as info:
        verify_jws(v22["detached_compact"], v22["payload"].encode(), key=key)
    assert info.value.code == "ALG_NOT_ALLOWED"


def test_v18_key_decodes_from_the_verification_method():
    doc = vectors.load_json(f"{ECDSA}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json")
    key = PublicKey.from_did_key(doc["proof"]["verificationMethod"])
    assert json.loads(json.dumps(key.jwk()))["crv"] == "P-256"
