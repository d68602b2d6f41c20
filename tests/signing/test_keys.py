"""Keys and signatures: AT-6 (RFC 8032 + Wycheproof verdicts), AT-7 (thumbprints, did:key)."""

from __future__ import annotations

from collections import Counter

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import MalformedInput, SignatureInvalid, SigningError
from tracelib.signing.canonical import b64url_encode
from tracelib.signing.keys import (
    ALGORITHMS,
    PublicKey,
    ecdsa_der_to_raw,
    ecdsa_raw_to_der,
    multibase_decode,
    multibase_encode,
    thumbprint,
    verify_signature,
)
from tracelib.signing.signers import CallableSigner, Signer, SoftwareSigner

WYCHEPROOF = "signing/wycheproof/testvectors_v1"
KATS = "signing/small-kats.json"


# --- AT-6: RFC 8032 and Wycheproof ---------------------------------------------------------


@pytest.mark.conformance
def test_at6_rfc8032_ed25519_tests_1_to_3():
    for case in vectors.load_json(KATS)["rfc8032_ed25519"]["cases"]:
        private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(case["secret"]))
        signer = SoftwareSigner.from_private_key(private, actor="urn:test:rfc8032")
        message = bytes.fromhex(case["message"])
        assert signer.public_key.raw().hex() == case["public"]
        assert signer.sign(message).hex() == case["signature"]
        verify_signature("Ed25519", signer.public_key, bytes.fromhex(case["signature"]), message)
        with pytest.raises(SignatureInvalid):
            verify_signature("Ed25519", signer.public_key, signer.sign(message), message + b"x")


def _wycheproof(name: str, load_key, verify) -> Counter:
    """Run one file; count (result, ours) pairs and return it. ``acceptable`` goes either way."""
    data = vectors.load_json(f"{WYCHEPROOF}/{name}.json")
    tally: Counter = Counter()
    for group in data["testGroups"]:
        try:
            key = load_key(group)
        except MalformedInput:
            key = None
        for test in group["tests"]:
            ok = False
            if key is not None:
                try:
                    verify(key, bytes.fromhex(test["sig"]), bytes.fromhex(test["msg"]))
                    ok = True
                except SignatureInvalid:
                    ok = False
            tally[(test["result"], ok)] += 1
    total = sum(tally.values())
    assert total == data["numberOfTests"]
    return tally


def _assert_verdicts(tally: Counter, valid: int, invalid: int, acceptable: int = 0) -> None:
    assert tally[("valid", False)] == 0, "a valid signature was rejected"
    assert tally[("invalid", True)] == 0, "an invalid signature was accepted"
    assert tally[("valid", True)] == valid
    assert tally[("invalid", False)] == invalid
    assert tally[("acceptable", True)] + tally[("acceptable", False)] == acceptable


@pytest.mark.conformance
def test_at6_wycheproof_ed25519():
    tally = _wycheproof(
        "ed25519_test",
        lambda g: PublicKey.from_jwk(g["publicKeyJwk"]),
        lambda key, sig, msg: key.verify("Ed25519", sig, msg),
    )
    _assert_verdicts(tally, valid=88, invalid=63)


@pytest.mark.conformance
def test_at6_wycheproof_ecdsa_p256_p1363():
    tally = _wycheproof(
        "ecdsa_secp256r1_sha256_p1363_test",
        lambda g: PublicKey.from_der(bytes.fromhex(g["publicKeyDer"])),
        lambda key, sig, msg: key.verify("ES256", sig, msg),
    )
    _assert_verdicts(tally, valid=173, invalid=89)


def _verify_der(key: PublicKey, sig: bytes, msg: bytes) -> None:
    try:
        raw = ecdsa_der_to_raw(sig)
    except MalformedInput:
        raise SignatureInvalid("not strict DER", code="SIGNATURE_INVALID") from None
    key.verify("ES256", raw, msg)


@pytest.mark.conformance
def test_at6_wycheproof_ecdsa_p256_der():
    tally = _wycheproof(
        "ecdsa_secp256r1_sha256_test",
        lambda g: PublicKey.from_pem(g["publicKeyPem"]),
        _verify_der,
    )
    _assert_verdicts(tally, valid=174, invalid=310)


@pytest.mark.conformance
def test_at6_wycheproof_rsa_pss_2048_sha256_mgf1_32():
    data = vectors.load_json(f"{WYCHEPROOF}/rsa_pss_2048_sha256_mgf1_32_test.json")
    assert {(g["sha"], g["mgf"], g["mgfSha"], g["sLen"]) for g in data["testGroups"]} == {
        ("SHA-256", "MGF1", "SHA-256", 32)
    }
    tally = _wycheproof(
        "rsa_pss_2048_sha256_mgf1_32_test",
        lambda g: PublicKey.from_jwk(g["publicKeyJwk"]),
        lambda key, sig, msg: key.verify("PS256", sig, msg),
    )
    _assert_verdicts(tally, valid=63, invalid=45)


@pytest.mark.conformance
def test_at6_wycheproof_rsa_pkcs1_2048_sha256():
    tally = _wycheproof(
        "rsa_signature_2048_sha256_test",
        lambda g: PublicKey.from_der(bytes.fromhex(g["publicKeyDer"])),
        lambda key, sig, msg: key.verify("RS256", sig, msg),
    )
    _assert_verdicts(tally, valid=9, invalid=249, acceptable=1)


@pytest.mark.conformance
def test_at6_rsa_keys_from_jwk_and_der_agree():
    group = vectors.load_json(f"{WYCHEPROOF}/rsa_signature_2048_sha256_test.json")["testGroups"][0]
    from_jwk = PublicKey.from_jwk(group["keyJwk"])
    assert from_jwk == PublicKey.from_der(bytes.fromhex(group["publicKeyDer"]))
    assert from_jwk == PublicKey.from_pem(group["publicKeyPem"])


# --- AT-7: thumbprints and did:key ----------------------------------------------------------


@pytest.mark.conformance
def test_at7_rfc8037_and_rfc7638_thumbprints():
    kats = vectors.load_json(KATS)
    okp = kats["rfc8037_ed25519_jose"]
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": okp["x"]}
    assert thumbprint(jwk) == okp["thumbprint_sha256"]
    assert PublicKey.from_jwk(jwk).kid == okp["thumbprint_sha256"]
    rsa_case = kats["rfc7638_rsa_thumbprint"]
    assert thumbprint(rsa_case["jwk"]) == rsa_case["thumbprint_sha256"]
    assert PublicKey.from_jwk(rsa_case["jwk"]).kid == rsa_case["thumbprint_sha256"]
    # members beyond the required ones do not change the thumbprint
    assert (
        thumbprint({**rsa_case["jwk"], "alg": "RS256", "kid": "x"}) == rsa_case["thumbprint_sha256"]
    )


@pytest.mark.conformance
def test_at7_rfc8037_private_key_signs_the_jws_example():
    okp = vectors.load_json(KATS)["rfc8037_ed25519_jose"]
    from tracelib.signing.canonical import b64url_decode

    private = ed25519.Ed25519PrivateKey.from_private_bytes(b64url_decode(okp["d"]))
    signer = SoftwareSigner.from_private_key(private, actor="urn:test:rfc8037")
    assert signer.kid == okp["thumbprint_sha256"]
    signature = signer.sign(okp["jws_signing_input"].encode())
    assert b64url_encode(signature) == okp["jws_signature"]


def _vc_cases():
    return [
        ("vc-di-eddsa/TestVectors/keyPair.json", "eddsa-jcs-2022", "JCS", "OKP", "Ed25519"),
        (
            "vc-di-ecdsa/TestVectors/p256KeyPair.json",
            "ecdsa-jcs-2019-p256",
            "JCSECDSAP256",
            "EC",
            "ES256",
        ),
    ]


@pytest.mark.conformance
@pytest.mark.parametrize(("pair", "folder", "suffix", "kty", "alg"), _vc_cases())
def test_at7_did_key_round_trips_to_jwk_and_thumbprint(pair, folder, suffix, kty, alg):
    multikey = vectors.load_json(f"signing/{pair}")["publicKeyMultibase"]
    did = f"did:key:{multikey}"
    key = PublicKey.from_did_key(did)
    assert key.kty == kty
    assert key.did_key() == did
    assert PublicKey.from_did_key(f"{did}#{multikey}") == key
    jwk = key.jwk()
    again = PublicKey.from_jwk(jwk)
    assert again == key
    assert again.did_key() == did
    assert again.kid == thumbprint(jwk) == key.kid
    # the Data Integrity proof of the vector verifies under the decoded key
    base = vectors.path(f"signing/{pair}").parent / folder
    combined = bytes.fromhex((base / f"combinedHash{suffix}.txt").read_text().strip())
    signature = bytes.fromhex((base / f"sigHex{suffix}.txt").read_text().strip())
    assert multibase_decode((base / f"sigBTC58{suffix}.txt").read_text().strip()) == signature
    key.verify(alg, signature, combined)
    with pytest.raises(SignatureInvalid):
        key.verify(alg, signature, combined[:-1])


@pytest.mark.parametrize(
    "did",
    [
        "did:web:example.com",
        "did:key:",
        "did:key:f00",
        "did:key:z0OIl",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#other",
        "did:key:z" + "1" * 40,
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  # secp256k1
    ],
)
def test_bad_did_keys_are_typed(did):
    with pytest.raises(MalformedInput) as caught:
        PublicKey.from_did_key(did)
    assert caught.value.code in ("DID_KEY_INVALID", "KEY_INVALID")


@given(st.binary(max_size=40))
def test_multibase_round_trip(data):
    assert multibase_decode(multibase_encode(data)) == data


def test_multibase_rejects_other_bases():
    with pytest.raises(MalformedInput) as caught:
        multibase_decode("mAAAA")
    assert (caught.value.code, caught.value.position) == ("MULTIBASE_INVALID", 0)
    with pytest.raises(MalformedInput) as caught:
        multibase_decode("z11l")
    assert caught.value.position == 3


# --- allow-list, key types, ALG_KEY_MISMATCH ------------------------------------------------


@pytest.fixture(scope="module")
def signers() -> dict[str, SoftwareSigner]:
    return {alg: SoftwareSigner.generate(actor=f"urn:test:{alg}", alg=alg) for alg in ALGORITHMS}


def test_every_alg_signs_and_verifies_and_mismatches_fail(signers):
    for alg, signer in signers.items():
        assert isinstance(signer, Signer)
        signature = signer.sign(b"payload")
        signer.public_key.verify(alg, signature, b"payload")
        with pytest.raises(SignatureInvalid) as caught:
            signer.public_key.verify(alg, signature, b"payloaD")
        assert caught.value.code == "SIGNATURE_INVALID"
        for other in ALGORITHMS:
            if signer.public_key.key_type != signers[other].public_key.key_type:
                with pytest.raises(SignatureInvalid) as caught:
                    signer.public_key.verify(other, signature, b"payload")
                assert caught.value.code == "ALG_KEY_MISMATCH"
    # the RSA key verifies PS256 and RS256, but a PS256 signature is not an RS256 one
    ps = signers["PS256"]
    with pytest.raises(SignatureInvalid):
        ps.public_key.verify("RS256", ps.sign(b"m"), b"m")


@pytest.mark.parametrize("alg", ["none", "HS256", "ES384", "EdDSA", "RS1", "", None])
def test_algorithms_outside_the_allow_list(alg, signers):
    with pytest.raises(MalformedInput) as caught:
        signers["Ed25519"].public_key.verify(alg, b"", b"")  # type: ignore[arg-type]
    assert caught.value.code == "ALG_NOT_ALLOWED"
    with pytest.raises(MalformedInput):
        SoftwareSigner.generate(actor="urn:x", alg=alg)  # type: ignore[arg-type]


def test_signer_constructors_check_alg_against_key():
    with pytest.raises(MalformedInput) as caught:
        SoftwareSigner.from_private_key(
            ec.generate_private_key(ec.SECP256R1()), actor="a", alg="Ed25519"
        )
    assert caught.value.code == "ALG_KEY_MISMATCH"
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(MalformedInput) as caught:
        SoftwareSigner.from_private_key(rsa_key, actor="a")
    assert caught.value.code == "ALG_NOT_ALLOWED"
    assert SoftwareSigner.from_private_key(rsa_key, actor="a", alg="RS256").alg == "RS256"
    with pytest.raises(MalformedInput) as caught:
        SoftwareSigner.from_private_key(ed25519.Ed25519PrivateKey.generate(), actor="")
    assert caught.value.code == "ACTOR_INVALID"


def test_keys_outside_the_allowed_types():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    for key in (ec.generate_private_key(ec.SECP384R1()), small, "not a key"):
        with pytest.raises(MalformedInput) as caught:
            PublicKey.from_cryptography(key)
        assert caught.value.code == "KEY_NOT_ALLOWED"
    with pytest.raises(MalformedInput) as caught:
        SoftwareSigner.from_private_key(small, actor="a", alg="PS256")
    assert caught.value.code == "KEY_NOT_ALLOWED"


@pytest.mark.parametrize(
    ("jwk", "path"),
    [
        ({"kty": "OKP", "crv": "Ed25519"}, "$.x"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "$.x"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "A" * 43}, "$.d"),
        ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, None),
        ({"kty": "RSA", "n": "AAEC", "e": "AQAB"}, "$.n"),
        ({"kty": "RSA", "n": 5, "e": "AQAB"}, "$.n"),
        ({"kty": "oct", "k": "AAAA"}, "$.k"),
    ],
)
def test_bad_jwks_are_typed(jwk, path):
    with pytest.raises(MalformedInput) as caught:
        PublicKey.from_jwk(jwk)
    assert caught.value.code in ("KEY_INVALID", "KEY_NOT_ALLOWED", "BASE64_INVALID")
    if path is not None and caught.value.code == "KEY_INVALID":
        assert caught.value.path == path


def test_thumbprint_needs_the_required_members():
    for jwk in ({"kty": "EC", "crv": "P-256", "x": "a"}, {"kty": "RSA", "n": "a"}, {}, []):
        with pytest.raises(MalformedInput):
            thumbprint(jwk)  # type: ignore[arg-type]


def test_ecdsa_signatures_are_raw_and_deterministic_by_default(signers):
    es = signers["ES256"]
    assert es.sign(b"m") == es.sign(b"m")
    assert len(es.sign(b"m")) == 64
    randomised = SoftwareSigner.from_private_key(es.private_key, actor="a", deterministic=False)
    assert randomised.sign(b"m") != randomised.sign(b"m")
    es.public_key.verify("ES256", randomised.sign(b"m"), b"m")
    raw = es.sign(b"m")
    assert ecdsa_der_to_raw(ecdsa_raw_to_der(raw)) == raw
    for bad in (b"", b"\x30\x00", ecdsa_raw_to_der(raw) + b"\x00"):
        with pytest.raises(MalformedInput):
            ecdsa_der_to_raw(bad)
    with pytest.raises(SignatureInvalid):
        es.public_key.verify("ES256", ecdsa_raw_to_der(raw), b"m")  # DER is not accepted


def test_pem_round_trips(signers):
    for alg, signer in signers.items():
        again = SoftwareSigner.from_pem(
            signer.private_pem(), actor=signer.actor, alg=alg if alg in ("PS256", "RS256") else None
        )
        assert again.public_key == signer.public_key
        assert again.alg == alg
        assert PublicKey.from_pem(signer.public_key.pem()) == signer.public_key
    encrypted = signers["Ed25519"].private_pem(password=b"secret")
    assert (
        SoftwareSigner.from_pem(encrypted, actor="a", password=b"secret").kid
        == signers["Ed25519"].kid
    )
    for data, password in ((encrypted, b"wrong"), ("junk", None), (b"\xff", None)):
        with pytest.raises(MalformedInput) as caught:
            SoftwareSigner.from_pem(data, actor="a", password=password)
        assert caught.value.code == "KEY_INVALID"
    with pytest.raises(MalformedInput):
        PublicKey.from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(MalformedInput):
        PublicKey.from_der(b"\x30\x03\x02\x01\x01")


def test_did_key_only_for_ed25519_and_p256(signers):
    assert signers["Ed25519"].public_key.did_key().startswith("did:key:z6Mk")
    assert signers["ES256"].public_key.did_key().startswith("did:key:zDn")
    with pytest.raises(MalformedInput):
        signers["RS256"].public_key.did_key()
    with pytest.raises(MalformedInput):
        signers["ES256"].public_key.raw()


def test_callable_signer(signers):
    es = signers["ES256"]
    der_signer = CallableSigner.create(
        actor="urn:token",
        alg="ES256",
        public_jwk=es.public_jwk(),
        sign_fn=lambda data: ecdsa_raw_to_der(es.sign(data)),
        signature_format="der",
    )
    assert isinstance(der_signer, Signer)
    assert der_signer.kid == es.kid
    es.public_key.verify("ES256", der_signer.sign(b"m"), b"m")

    def broken(data: bytes) -> bytes:
        raise OSError("token removed")

    failing = CallableSigner.create(
        actor="urn:token", alg="ES256", public_jwk=es.public_jwk(), sign_fn=broken
    )
    with pytest.raises(SigningError) as caught:
        failing.sign(b"m")
    assert caught.value.code == "SIGNER_FAILED"
    bad_der = CallableSigner.create(
        actor="urn:token",
        alg="ES256",
        public_jwk=es.public_jwk(),
        sign_fn=lambda data: b"\x01",
        signature_format="der",
    )
    with pytest.raises(SigningError):
        bad_der.sign(b"m")
    with pytest.raises(MalformedInput) as caught:
        CallableSigner.create(
            actor="urn:token", alg="Ed25519", public_jwk=es.public_jwk(), sign_fn=es.sign
        )
    assert caught.value.code == "ALG_KEY_MISMATCH"


@settings(max_examples=25)
@given(st.binary(max_size=64), st.integers(0, 511))
def test_a_flipped_bit_breaks_every_signature(signers, message, bit):
    for alg, signer in signers.items():
        signature = bytearray(signer.sign(message))
        signature[(bit // 8) % len(signature)] ^= 1 << (bit % 8)
        with pytest.raises(SignatureInvalid):
            signer.public_key.verify(alg, bytes(signature), message)
