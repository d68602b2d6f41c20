"""Generate tracelib's published negative vectors for chain verification (AT-22).

Usage::

    python scripts/gen_chain_vectors.py            # (re)write tests/vectors/chain/
    python scripts/gen_chain_vectors.py --check    # exit 1 when the files differ

One directory per finding code that :func:`tracelib.signing.verify` can emit, named after
the code (``RECORDS_DELETED`` -> ``records-deleted/``), holding:

* ``bundle.json``: the bundle bytes (``tracelib.bundle/1``) to verify;
* ``trust.json``: the trust bundle (``tracelib.trust/1``);
* ``case.json``: the verifier inputs besides those: ``now`` (RFC 3339), ``strict``,
  ``policy`` (``countersign_handovers``, optional ``witnesses`` policy text and
  ``max_age``), ``evidence`` (strings: signed head notes, Digital Link URIs or input
  bundles), plus the ``code`` the vector is for and a ``description``;
* ``report.json``: the expected report (JCS), without the ``message`` members (message
  text is not part of the stable API).

Everything is deterministic: Ed25519 keys from fixed seeds (Ed25519 signatures are
deterministic; ES256 uses RFC 6979 nonces), fixed times and salts, JCS bytes; the X.509
certificates have fixed P-256 keys, serials and validity and RFC 6979 signatures.
``README.md`` there lists the vectors.

RFC 3161 vectors use one token that OpenSSL's TSA (``openssl ts -reply``, a throwaway P-256
TSA under a self-signed root, the ``Tsa`` helper of ``tests/signing/test_timestamps.py``)
made once over the base chain's checkpoint of size 5; its DER and the TSA root are committed
below (``TSA_ROOT``, ``TSA_TOKEN``) since ECDSA signatures and ``genTime`` are not
reproducible. The generator re-verifies the token against the base chain before writing
and stops if the base chain changed: then stamp ``checkpoint_message`` of the new
checkpoint again with that helper and replace both constants. Needs the ``tsa`` extra
(``rfc3161-client``).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from tracelib.signing.canonical import b64url_encode, canonicalize
from tracelib.signing.chain import Chain
from tracelib.signing.checkpoint import Checkpoint
from tracelib.signing.head import SignedHead
from tracelib.signing.header import rfc3339
from tracelib.signing.members import PayloadRef
from tracelib.signing.merkle import leaf_hash
from tracelib.signing.records import PAYLOAD_TYPE, Envelope, Record
from tracelib.signing.report import CODES
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.timestamps import TimestampToken, checkpoint_message
from tracelib.signing.trust import TrustBundle, TrustedKey
from tracelib.signing.verify import VerifyPolicy, verify
from tracelib.signing.witness import WitnessPolicy, WitnessSigner

OUT = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "chain"
ORIGIN = "trace.example.vn/lot/08930000000012/VEC1"
JSONLD = 'application/ld+json; profile="https://ref.gs1.org/standards/epcis"'
NOW = "2026-06-01T00:00:00Z"
BASE = dt.datetime(2026, 5, 14, 8, 0, tzinfo=dt.timezone.utc)
#: Codes the verifier does not emit yet (no vector).
PENDING: tuple[str, ...] = ()
#: ``now`` of the RFC 3161 vectors (after the token's genTime, 2026-12-01T14:33:36Z).
NOW_TSA = "2026-12-15T00:00:00Z"
#: Codes whose vectors need the ``tsa`` extra (``rfc3161-client``) to verify as recorded.
NEEDS_TSA = ("SIGNED_AFTER_REVOCATION", "TIMESTAMP_IMPRINT_MISMATCH", "TIMESTAMP_UNPARSEABLE")


def _key(seed: int) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)


def _signer(seed: int, actor: str) -> SoftwareSigner:
    return SoftwareSigner.from_private_key(_key(seed), actor=actor)


FARM = _signer(0x11, "https://id.gs1.org/417/8930000000019")
PROC = _signer(0x22, "https://id.gs1.org/417/8930000000026")
SUPPLIER = _signer(0x33, "https://id.gs1.org/417/8930000000040")
OUTSIDER = _signer(0x99, "https://id.gs1.org/417/8930000000095")
WITNESSES = tuple(
    WitnessSigner.from_private_key(_key(0x40 + i), f"witness.example.vn/w{i}") for i in (1, 2, 3)
)
TRUST = TrustBundle.from_signers([FARM, PROC, SUPPLIER])
#: The self-signed root of the TSA that made ``TSA_TOKEN`` (DER).
TSA_ROOT = base64.b64decode(
    "MIIBlTCCATugAwIBAgIUZRCZrAJBupewmFhZd0X4WF8TX1IwCgYIKoZIzj0EAwIwGDEWMBQGA1UEAwwNVGVzdCBU"
    "U0EgUm9vdDAeFw0yNjEyMDExNDMzMzVaFw0zNjExMjgxNDMzMzVaMBgxFjAUBgNVBAMMDVRlc3QgVFNBIFJvb3Qw"
    "WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAT41RwGRL9KxbwZgOgO2jUew1dvJpeAX1DVH7BZT5LKtH8SiSM9yj0Z"
    "DvOtN+uUiy6QCqpHz4655+thWoiSirk7o2MwYTAdBgNVHQ4EFgQUu+gCkC3fDdW0skRlYwB2OrLQaj0wHwYDVR0j"
    "BBgwFoAUu+gCkC3fDdW0skRlYwB2OrLQaj0wDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI"
    "zj0EAwIDSAAwRQIhAN+IZMGyb1ecMZX2pBVgHza6ey0LpcKS56nrRpPR/7CuAiA8W0QCMZoYXq8nFcZbARM5GLcC"
    "oazBSiJ0XKFH6LQ+8g=="
)
#: An RFC 3161 ``TimeStampResp`` (DER) over the base chain's checkpoint of size 5.
TSA_TOKEN = base64.b64decode(
    "MIIDnDADAgEAMIIDkwYJKoZIhvcNAQcCoIIDhDCCA4ACAQMxDzANBglghkgBZQMEAgEFADB2BgsqhkiG9w0BCRAB"
    "BKBnBGUwYwIBAQYEKgMEATAxMA0GCWCGSAFlAwQCAQUABCDLkTZz6veYEpK5zZSDifl0Ay8QzSMDoNs3/2MVpTd5"
    "2QIBAhgPMjAyNjEyMDExNDMzMzVaMAMCAQEBAf8CCQDOlj8UVxgOQqCCAakwggGlMIIBS6ADAgECAhQ5WgaWyNc1"
    "jWA/Fw3FoNAKsygjpjAKBggqhkjOPQQDAjAYMRYwFAYDVQQDDA1UZXN0IFRTQSBSb290MB4XDTI2MTIwMTE0MzMz"
    "NVoXDTI3MTIwMTE0MzMzNVowEzERMA8GA1UEAwwIVGVzdCBUU0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQK"
    "0A4rqBSHpnWd9V2xwycybz1pZiBEtsIK8RlZRl0OQLkSMW1g47DznjmQAkIHxsFJCxKmuZQNIPWIkGWGkOqHo3gw"
    "djAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDAWBgNVHSUBAf8EDDAKBggrBgEFBQcDCDAdBgNVHQ4EFgQU"
    "6mgX6uVCN103dhR1CZmbB49p9mAwHwYDVR0jBBgwFoAUu+gCkC3fDdW0skRlYwB2OrLQaj0wCgYIKoZIzj0EAwID"
    "SAAwRQIgPyWxJAsSg29tObwhaJHRbZLseO6+YiGB7YBwvM7EFEECIQDhNxwzoe5rDrHTPaX8/rExBQNZkqKG4anU"
    "GevOoqzI5jGCAUMwggE/AgEBMDAwGDEWMBQGA1UEAwwNVGVzdCBUU0EgUm9vdAIUOVoGlsjXNY1gPxcNxaDQCrMo"
    "I6YwDQYJYIZIAWUDBAIBBQCggaQwGgYJKoZIhvcNAQkDMQ0GCyqGSIb3DQEJEAEEMBwGCSqGSIb3DQEJBTEPFw0y"
    "NjEyMDExNDMzMzVaMC8GCSqGSIb3DQEJBDEiBCCTHoj0vMPp6/vfVQYCR47UGp3j4OQk+5UQBiH8mqMKjTA3Bgsq"
    "hkiG9w0BCRACLzEoMCYwJDAiBCA4yuzpMSM0Jqqgv3z+5rCtIGPfQ/CBhhdEI6Owmvz9MTAKBggqhkjOPQQDAgRG"
    "MEQCIAw0YcrOQ9xr77dwLirWHSvTn6gSdzGv5SOKlY17PJyQAiBYAT/SLi8tBIy2imjMqGCRXuBiWsVFB1HJUwhq"
    "8nUyBQ=="
)


def iat(minutes: float) -> str:
    """The fixed claimed time ``minutes`` after the base time."""
    return rfc3339(BASE + dt.timedelta(minutes=minutes))


def event(i: int) -> bytes:
    """A small EPCIS 2.0 ObjectEvent as JCS bytes (its eventId is filled automatically)."""
    return canonicalize(
        {
            "@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            "type": "ObjectEvent",
            "eventTime": iat(i),
            "eventTimeZoneOffset": "+07:00",
            "epcList": [f"urn:epc:id:sgtin:8930000.000012.{1000 + i}"],
            "action": "OBSERVE",
            "bizStep": "shipping" if i % 2 else "inspecting",
        }
    )


def base_chain() -> Chain:
    """Farm: 2 events and a handover; processor: accept and 1 event (5 records)."""
    lot = Chain.create(ORIGIN, signer=FARM)
    lot.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(0))
    lot.append(event(1), payload_type=JSONLD, signer=FARM, iat=iat(1))
    lot.handover(to_actor=PROC.actor, to_kid=PROC.kid, signer=FARM, iat=iat(2))
    lot.accept(signer=PROC, iat=iat(3))
    lot.append(event(4), payload_type=JSONLD, signer=PROC, iat=iat(4))
    return lot


def _ec_key(seed: int) -> ec.EllipticCurvePrivateKey:
    """A P-256 key whose private scalar is the seed byte repeated 31 times."""
    return ec.derive_private_key(int.from_bytes(bytes([seed]) * 31, "big"), ec.SECP256R1())


def _cert(
    subject: str,
    key: ec.EllipticCurvePublicKey,
    issuer: str,
    ca: ec.EllipticCurvePrivateKey,
    serial: int,
) -> bytes:
    """A DER certificate signed by ``ca`` (RFC 6979 ECDSA: deterministic), valid 2026."""
    is_ca = subject == issuer
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key)
        .serial_number(serial)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
        .not_valid_after(dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), True)
        .add_extension(
            x509.KeyUsage(not is_ca, False, False, False, False, is_ca, is_ca, False, False), True
        )
    )
    signed = builder.sign(ca, hashes.SHA256(), ecdsa_deterministic=True)
    return signed.public_bytes(serialization.Encoding.DER)


def checked_token() -> str:
    """``TSA_TOKEN`` as b64url, after checking it still verifies over the base chain."""
    ref = base_chain().ref()
    message = checkpoint_message(Checkpoint(ORIGIN, ref.size, ref.root))
    token = TimestampToken.parse(TSA_TOKEN)
    if token.verify(message, [TSA_ROOT]) != "2026-12-01T14:33:36Z":
        raise SystemExit("TSA_TOKEN has another genTime: update NOW_TSA and the README")
    return b64url_encode(TSA_TOKEN)


# --- editing bundles the way an attacker holding them would -----------------------------


def header_of(env: dict[str, Any]) -> dict[str, Any]:
    """The header object of an envelope."""
    return json.loads(base64.b64decode(env["payload"]))  # type: ignore[no-any-return]


def sign_bytes(body: bytes, signer: SoftwareSigner) -> dict[str, Any]:
    """A DSSE envelope over exact header bytes."""
    return Envelope(PAYLOAD_TYPE, body).add_signature(signer).to_json()


def resign(env: dict[str, Any], by: SoftwareSigner, **changes: Any) -> dict[str, Any]:
    """The envelope's header with ``changes`` (``None`` drops a member), JCS, re-signed."""
    header = header_of(env)
    for name, value in changes.items():
        if value is None:
            header.pop(name, None)
        else:
            header[name] = value
    return sign_bytes(canonicalize(header), by)


def _rid(env: dict[str, Any]) -> str:
    return b64url_encode(leaf_hash(base64.b64decode(env["payload"])))


def swap(bundle: dict[str, Any], i: int, env: dict[str, Any]) -> None:
    """Put ``env`` at position ``i``, moving the payload (and salt) to its new record id."""
    old, new = _rid(bundle["records"][i]), _rid(env)
    bundle["records"][i] = env
    for name in ("payloads", "salts"):
        if old in bundle[name]:
            bundle[name][new] = bundle[name].pop(old)


def successor(lot: Chain, signer: SoftwareSigner, minutes: float, payload: bytes) -> Record:
    """A validly built event record after ``lot``'s last record (custody not checked)."""
    last = lot.records[-1]
    ref = PayloadRef.for_payload(payload, type=JSONLD)
    header = last.header.successor(
        last.id, lot.root, signer=signer, iat=iat(minutes), kind="event", payload=ref
    )
    return Record.create(header, signer)


def obj(bundle: bytes) -> dict[str, Any]:
    """The bundle as a JSON object."""
    return json.loads(bundle)  # type: ignore[no-any-return]


def dump(bundle: dict[str, Any]) -> bytes:
    """Bundle JSON object back to canonical bytes."""
    return canonicalize(bundle)


@dataclass
class Case:
    """One vector: the bundle and every other verifier input."""

    code: str
    description: str
    bundle: bytes
    trust: TrustBundle = TRUST
    evidence: list[str] = field(default_factory=list)
    countersign_handovers: bool = False
    witnesses: WitnessPolicy | None = None
    strict: bool = True
    now: str = NOW


def _edit_last(description: str, code: str, by: SoftwareSigner, **changes: Any) -> Case:
    b = obj(base_chain().bundle())
    swap(b, -1, resign(b["records"][-1], by, **changes))
    return Case(code, description, dump(b))


def cases() -> list[Case]:
    """Every vector, in code order."""
    lot = base_chain()
    clean = lot.bundle()
    out: list[Case] = []
    add = out.append

    add(
        _edit_last(
            "record 4 claims alg ES256 for the processor's Ed25519 key",
            "ALG_KEY_MISMATCH",
            PROC,
            alg="ES256",
        )
    )

    sealed = Chain.create(ORIGIN, signer=FARM)
    sealed.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(0))
    sealed.seal(signer=FARM, iat=iat(1))
    after = successor(sealed, FARM, 2, event(2))
    b = obj(sealed.bundle())
    b["records"].append(after.envelope.to_json())
    b["payloads"][b64url_encode(after.id)] = b64url_encode(event(2))
    add(Case("APPEND_AFTER_SEAL", "the farm appends record 2 after its seal (record 1)", dump(b)))

    certified = SoftwareSigner.from_private_key(_ec_key(0x23), actor=PROC.actor, alg="ES256")
    leaf = _cert("Processor", _ec_key(0x23).public_key(), "Vector CA", _ec_key(0x51), 2)
    pinned = _cert("Vector CA", _ec_key(0x52).public_key(), "Vector CA", _ec_key(0x52), 1)
    x509_lot = Chain.create(ORIGIN, signer=FARM)
    x509_lot.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(0))
    x509_lot.handover(to_actor=PROC.actor, to_kid=certified.kid, signer=FARM, iat=iat(1))
    x509_lot.accept(signer=certified, iat=iat(2))
    x509_lot.append(event(3), payload_type=JSONLD, signer=certified, iat=iat(3))
    pki_trust = TrustBundle(
        (TrustedKey.from_signer(FARM), TrustedKey.from_certificate(PROC.actor, (leaf,), "ES256")),
        ca_roots=(pinned,),
    )
    add(
        Case(
            "CERT_CHAIN_INVALID",
            "the processor signs with an X.509-certified P-256 key (ES256) whose certificate "
            "is issued by a CA other than the pinned root",
            x509_lot.bundle(),
            trust=pki_trust,
        )
    )

    b = obj(clean)
    b["checkpoints"].append(SignedHead.sign(Checkpoint(ORIGIN, 2, bytes(32)), FARM).note())
    add(
        Case(
            "CHECKPOINT_INCONSISTENT",
            "the bundle carries a farm-signed checkpoint of size 2 with a wrong root",
            dump(b),
        )
    )

    note = lot.head(PROC).note().split("\n")
    note[2] = base64.b64encode(bytes(32)).decode()
    add(
        Case(
            "CHECKPOINT_SIGNATURE_INVALID",
            "outside evidence: the processor's head note with its root line replaced",
            clean,
            evidence=["\n".join(note)],
        )
    )

    other = Chain.create("x.example/ids", signer=FARM)
    wrong_id = other.append(event(9), payload_type=JSONLD, signer=FARM, iat=iat(0))
    add(
        _edit_last(
            "record 4's eventId is the hash ID of another event",
            "EVENT_ID_MISMATCH",
            PROC,
            eventId=wrong_id.header.event_id,
        )
    )

    b = obj(clean)
    b["records"].append(b["records"][-1])
    swap(b, -1, resign(b["records"][-1], PROC, iat=iat(4.5)))
    b["records"][-2] = obj(clean)["records"][-1]
    b["payloads"][_rid(b["records"][-2])] = obj(clean)["payloads"][_rid(b["records"][-2])]
    add(
        Case("FORK_DETECTED", "two records at seq 4, both validly signed by the processor", dump(b))
    )

    add(Case("FRESHNESS_UNKNOWN", "an intact chain without any head, receipt or ref", clean))

    add(
        _edit_last(
            "record 4's root is not the root of records 0..3 (re-signed)",
            "HEADER_INCONSISTENT",
            PROC,
            root=b64url_encode(bytes(32)),
        )
    )

    b = obj(clean)
    del b["records"][0]
    add(Case("HEAD_MISSING", "the genesis record 0 is dropped", dump(b)))

    expiring = TrustBundle(
        (
            TrustedKey.from_signer(FARM),
            TrustedKey.from_signer(PROC, valid_until=iat(3.5)),
            TrustedKey.from_signer(SUPPLIER),
        )
    )
    add(
        Case(
            "KEY_EXPIRED",
            "the processor's key is valid until 08:03:30; record 4 is later",
            clean,
            trust=expiring,
        )
    )

    add(
        Case(
            "KEY_REVOKED",
            "the processor's key is superseded from 08:03:30; record 4 is signed after",
            clean,
            trust=TRUST.revoke(PROC.kid, reason="superseded", effective=iat(3.5)),
        )
    )

    b = obj(clean)
    body = canonicalize(header_of(b["records"][-1]))
    swap(b, -1, sign_bytes(body.replace(b'{"alg"', b'{"seq":4,"alg"', 1), PROC))
    add(Case("MALFORMED_RECORD", "record 4's header holds the member seq twice", dump(b)))

    add(
        Case(
            "MISSING_REQUIRED_SIGNATURE",
            "policy requires the receiver's countersignature on handovers; record 2 has none",
            clean,
            countersign_handovers=True,
        )
    )

    b = obj(clean)
    pretty = json.dumps(header_of(b["records"][-1]), indent=1).encode()
    swap(b, -1, sign_bytes(pretty, PROC))
    add(
        Case(
            "NON_CANONICAL_ENCODING",
            "record 4's header is pretty-printed JSON (re-signed)",
            dump(b),
        )
    )

    b = obj(clean)
    first = next(iter(sorted(b["payloads"])))
    b["payloads"][first] = b64url_encode(event(7))
    add(Case("PAYLOAD_DIGEST_MISMATCH", "one payload is replaced by another event", dump(b)))

    hidden = Chain.create(ORIGIN, signer=FARM)
    hidden.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(0))
    hidden.append(
        event(1), payload_type=JSONLD, signer=FARM, iat=iat(1), withhold=True, salt=bytes(range(16))
    )
    add(
        Case(
            "PAYLOAD_WITHHELD",
            "record 1's payload and salt are withheld (valid chain)",
            hidden.bundle(),
        )
    )

    b = obj(clean)
    swap(b, 1, resign(b["records"][1], FARM, iat=iat(1.5)))
    replaced = dump(b)
    add(
        Case(
            "PREV_MISMATCH",
            "the farm re-signs record 1 (other iat); record 2 still links to the original",
            replaced,
        )
    )

    b = obj(clean)
    del b["records"][1:3]
    add(Case("RECORDS_DELETED", "records 1 and 2 are dropped", dump(b)))

    b = obj(clean)
    b["records"][0], b["records"][1] = b["records"][1], b["records"][0]
    add(Case("RECORDS_REORDERED", "records 0 and 1 are presented swapped", dump(b)))

    b = obj(clean)
    stray = resign(b["records"][1], FARM, prev=b64url_encode(bytes(32)))
    b["records"].append(stray)
    add(Case("RECORD_INSERTED", "an extra farm record at seq 1 links to no record", dump(b)))

    b = obj(clean)
    outsider = header_of(b["records"][1])
    outsider["signer"] = {"actor": OUTSIDER.actor, "kid": OUTSIDER.kid}
    swap(b, 1, sign_bytes(canonicalize(outsider), OUTSIDER))
    add(Case("RECORD_REPLACED", "an outsider replaces record 1 with its own signed copy", dump(b)))

    source = Chain.create("trace.example.vn/lot/08930000000012/INPUT", signer=SUPPLIER)
    for i in range(3):
        source.append(event(20 + i), payload_type=JSONLD, signer=SUPPLIER, iat=iat(i))
    output = Chain.create(ORIGIN, signer=FARM)
    output.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(5), refs=[source.ref(1)])
    altered = obj(source.bundle())
    key = sorted(altered["payloads"])[0]
    altered["payloads"][key] = b64url_encode(event(8))
    add(
        Case(
            "REF_MISMATCH",
            "record 0 pins input record 1; the input bundle given has an altered payload",
            output.bundle(),
            evidence=[dump(altered).decode()],
        )
    )
    add(
        Case(
            "REF_UNVERIFIED",
            "record 0 pins an input chain whose bundle is not given",
            output.bundle(),
        )
    )

    b = obj(clean)
    env = dict(b["records"][-1])
    header = header_of(env)
    header["iat"] = iat(4.25)
    env["payload"] = base64.b64encode(canonicalize(header)).decode()
    swap(b, -1, env)
    add(Case("SIGNATURE_INVALID", "record 4's iat is edited without re-signing", dump(b)))

    add(
        _edit_last(
            "record 4 names the farm as actor with the processor's kid",
            "SIGNER_MISMATCH",
            PROC,
            signer={"actor": FARM.actor, "kid": PROC.kid},
        )
    )

    back = Chain.create(ORIGIN, signer=FARM)
    back.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(30))
    back.append(event(1), payload_type=JSONLD, signer=FARM, iat=iat(1))
    add(Case("TIME_REGRESSION", "record 1 claims a time 29 minutes before record 0", back.bundle()))

    b = obj(clean)
    del b["records"][-1]
    add(
        Case(
            "TRUNCATED",
            "the last record is dropped; the processor's head of size 5 is evidence",
            dump(b),
            evidence=[lot.head(PROC).note()],
        )
    )

    add(
        Case(
            "TRUST_BUNDLE_EXPIRED",
            "the trust bundle's hard limit passed before now",
            clean,
            trust=TrustBundle(TRUST.keys, iat(-120), iat(-60)),
        )
    )
    add(
        Case(
            "TRUST_BUNDLE_STALE",
            "the trust bundle's expiry passed, its hard limit not",
            clean,
            trust=TrustBundle(TRUST.keys, iat(-60), "2027-01-01T00:00:00Z"),
        )
    )

    add(
        Case(
            "UNANCHORED_AFTER_COMPROMISE",
            "the processor's key is compromised from 09:00 and no record is anchored",
            clean,
            trust=TRUST.revoke(PROC.kid, reason="keyCompromise", effective=iat(60)),
        )
    )

    early = Chain.create(ORIGIN, signer=FARM)
    early.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(0))
    early.append(event(1), payload_type=JSONLD, signer=FARM, iat=iat(1))
    b = obj(early.bundle())
    b["records"].append(successor(early, PROC, 2, event(2)).envelope.to_json())
    add(Case("UNAUTHORIZED_SIGNER", "the processor appends record 2 before any handover", dump(b)))

    b = obj(clean)
    header = header_of(b["records"][-1])
    header["signer"] = {"actor": OUTSIDER.actor, "kid": OUTSIDER.kid}
    swap(b, -1, sign_bytes(canonicalize(header), OUTSIDER))
    add(
        Case(
            "UNKNOWN_KEY", "record 4 is re-signed by a key the trust bundle does not hold", dump(b)
        )
    )

    token = checked_token()
    stamped = TRUST.with_roots(tsa_roots=[TSA_ROOT])
    b = obj(clean)
    b["timestamps"] = [{"checkpoint": 5, "token": token}]
    add(
        Case(
            "SIGNED_AFTER_REVOCATION",
            "the processor's key is superseded from 2026-09-01; an RFC 3161 token over "
            "checkpoint 5 anchors records 3 and 4 at 2026-12-01, after that",
            dump(b),
            trust=stamped.revoke(PROC.kid, reason="superseded", effective="2026-09-01T00:00:00Z"),
            now=NOW_TSA,
        )
    )

    b["timestamps"] = [{"checkpoint": 4, "token": token}]
    add(
        Case(
            "TIMESTAMP_IMPRINT_MISMATCH",
            "the bundle claims the token over checkpoint 5 is over checkpoint 4",
            dump(b),
            trust=stamped,
            now=NOW_TSA,
        )
    )

    b["timestamps"] = [{"checkpoint": 5, "token": b64url_encode(TSA_TOKEN[:200])}]
    add(
        Case(
            "TIMESTAMP_UNPARSEABLE",
            "the token is cut after 200 bytes (the verifier falls back to no anchor)",
            dump(b),
            trust=stamped,
            now=NOW_TSA,
        )
    )

    policy = WitnessPolicy.k_of_n([w.key() for w in WITNESSES], 2, max_age=86400)
    cosigned = WITNESSES[0].cosign_note(lot.head(PROC).note(), int(BASE.timestamp()) + 600)
    add(
        Case(
            "WITNESS_QUORUM_NOT_MET",
            "policy 2 of 3 witnesses; the head is cosigned by w1 only",
            clean,
            evidence=[cosigned],
            witnesses=policy,
        )
    )

    stranger = Chain.create("trace.example.vn/lot/08930000000012/OTHER", signer=FARM)
    stranger.append(event(0), payload_type=JSONLD, signer=FARM, iat=iat(0))
    b = obj(clean)
    b["records"].append(obj(stranger.bundle())["records"][0])
    add(
        Case(
            "WRONG_CHAIN",
            "a validly signed record of another lot is replayed into the bundle",
            dump(b),
        )
    )
    return sorted(out, key=lambda case: case.code)


# --- writing ---------------------------------------------------------------------------


def _dirname(code: str) -> str:
    return code.lower().replace("_", "-")


def _policy(case: Case) -> VerifyPolicy:
    return VerifyPolicy(countersign_handovers=case.countersign_handovers, witnesses=case.witnesses)


def report_json(case: Case) -> dict[str, Any]:
    """The report of a case, without messages."""
    report = verify(
        case.bundle,
        trust=case.trust,
        evidence=case.evidence,
        policy=_policy(case),
        strict=case.strict,
        now=case.now,
    )
    data = report.to_json()
    for finding in data["findings"]:
        finding.pop("message", None)
    return data


def case_json(case: Case) -> dict[str, Any]:
    """The ``case.json`` object of a case."""
    policy: dict[str, Any] = {"countersign_handovers": case.countersign_handovers}
    if case.witnesses is not None:
        policy["witnesses"] = case.witnesses.to_text()
        policy["max_age"] = case.witnesses.max_age
    return {
        "code": case.code,
        "description": case.description,
        "now": case.now,
        "strict": case.strict,
        "policy": policy,
        "evidence": case.evidence,
    }


def _readme(all_cases: list[Case]) -> bytes:
    lines = [
        "# Chain verification vectors (tracelib chain v1)",
        "",
        "Negative test vectors for `tracelib.signing.verify`, one per finding code the verifier",
        "emits. Generated by `python scripts/gen_chain_vectors.py` (deterministic: Ed25519 keys",
        "from fixed seeds, fixed times and salts); do not edit by hand.",
        "",
        "Each directory holds `bundle.json` (the bundle bytes), `trust.json` (the trust",
        "bundle), `case.json` (`now`, `strict`, `policy`, `evidence`, the `code` and a",
        "`description`) and `report.json` (the expected report as JCS, without the `message`",
        "members, whose text is not stable). A conforming verifier given these inputs reports",
        "the same verdict, verified prefix and findings (code, severity, seq, record id,",
        "expected, actual, evidence, details).",
        "",
        "Keys (Ed25519 private key = the seed byte repeated 32 times): farm 0x11",
        f"`{FARM.actor}`, processor 0x22 `{PROC.actor}`, supplier 0x33 `{SUPPLIER.actor}`,",
        f"outsider 0x99 `{OUTSIDER.actor}` (not trusted), witnesses 0x41..0x43",
        "`witness.example.vn/w1..w3`. The base chain "
        f"`{ORIGIN}` has 5 records: farm events 0 and 1, farm handover 2 to the",
        "processor, processor accept 3 and event 4; payloads are EPCIS 2.0 ObjectEvents",
        "(JCS), so headers carry their CBV 2.0 `eventId`.",
        "",
        "| Directory | Code | Severity | Verdict | What was done |",
        "|---|---|---|---|---|",
    ]
    for case in all_cases:
        verdict = report_json(case)["verdict"]
        lines.append(
            f"| `{_dirname(case.code)}/` | `{case.code}` | {CODES[case.code]} | {verdict} "
            f"| {case.description} |"
        )
    lines += [
        "",
        "The X.509 vector is a 4-record chain (farm event, handover, accept, event) whose",
        "processor signs ES256 with a P-256 key (private scalar 0x23 repeated 31 times),",
        "certified by CA key 0x51 while the trust bundle pins CA key 0x52 (RFC 6979 ECDSA,",
        "so every byte is reproducible). The RFC 3161 vectors (`" + "`, `".join(NEEDS_TSA) + "`)",
        "carry one OpenSSL TSA token over checkpoint 5 of the base chain (genTime",
        f"2026-12-01T14:33:36Z, `now` {NOW_TSA}); reading it needs `rfc3161-client`.",
    ]
    if PENDING:
        lines.append("No vector yet: " + ", ".join(f"`{c}`" for c in PENDING) + ".")
    lines.append("")
    return "\n".join(lines).encode()


def generate() -> dict[str, bytes]:
    """Every file of the vector folder, by relative path.

    Returns:
        ``{"<dir>/bundle.json": bytes, ..., "README.md": bytes}``.
    """
    files: dict[str, bytes] = {}
    all_cases = cases()
    for case in all_cases:
        name = _dirname(case.code)
        files[f"{name}/bundle.json"] = case.bundle
        files[f"{name}/trust.json"] = case.trust.to_bytes()
        files[f"{name}/case.json"] = canonicalize(case_json(case))
        files[f"{name}/report.json"] = canonicalize(report_json(case))
    files["README.md"] = _readme(all_cases)
    return files


def main(argv: list[str] | None = None) -> int:
    """Write (or ``--check``) the vectors.

    Args:
        argv: Command-line arguments.

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--out", type=Path, default=OUT, help="the vector folder")
    args = parser.parse_args(argv)
    files = generate()
    differ = []
    for rel, data in sorted(files.items()):
        path = args.out / rel
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                differ.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if differ:
        print("differ: " + ", ".join(differ), file=sys.stderr)
        return 1
    print(f"{len(files)} files {'checked' if args.check else 'written'} under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
