"""W3C Data Integrity plumbing for :mod:`tracelib.signing.export` (private).

The two JCS cryptosuites share one algorithm (VC DI EdDSA §3.3, VC DI ECDSA §3.3):

* transformation: ``JCS(unsecured document)``;
* proof configuration: ``JCS(proof options)``, where the options carry the document's
  ``@context`` when it has one;
* hashing: ``SHA-256(proof configuration) || SHA-256(transformed document)`` (64 bytes);
* signature over those 64 bytes: Ed25519 (``eddsa-jcs-2022``) or ECDSA P-256 with SHA-256,
  raw ``r || s`` (``ecdsa-jcs-2019``); ``proofValue`` is multibase base58btc.

Verification removes ``proof``, removes ``proofValue`` from the proof, checks that the
document's ``@context`` starts with the proof's ``@context`` and puts the proof's one in the
unsecured document before hashing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ..errors import MalformedInput, SignatureInvalid
from .canonical import canonicalize, parse_json
from .keys import Alg, PublicKey, multibase_decode, multibase_encode

__all__ = [
    "CRYPTOSUITES",
    "as_document",
    "bad",
    "check_created",
    "hash_data",
    "proof_options",
    "sign_document",
    "suite_for",
    "verify_document",
]

#: cryptosuite name per algorithm, and back.
CRYPTOSUITES: dict[str, Alg] = {"eddsa-jcs-2022": "Ed25519", "ecdsa-jcs-2019": "ES256"}
_SUITE_OF: dict[str, str] = {alg: suite for suite, alg in CRYPTOSUITES.items()}
_PROOF_TYPE = "DataIntegrityProof"
# XML Schema 1.1 dateTime (the lexical space; the time zone is optional there).
_XSD_DATETIME = re.compile(
    r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T"
    r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
    r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
)
# A 64-byte signature is at most 88 base58 digits; did:keys are ~60 characters.
_MAX_PROOF_VALUE = 120
_MAX_DID = 200


def bad(message: str, path: str, code: str = "VC_MALFORMED") -> MalformedInput:
    """A :class:`MalformedInput` for a bad member of a credential or proof."""
    return MalformedInput(message, code=code, path=path)


def as_document(data: object) -> dict[str, Any]:
    """A private copy of a JSON object given as bytes, text or a mapping (strictly parsed)."""
    if isinstance(data, bytes | bytearray | memoryview | str):
        value = parse_json(data)
    elif isinstance(data, Mapping):
        value = parse_json(canonicalize(dict(data)))
    else:
        raise bad(f"a credential is JSON bytes, text or a mapping, not {type(data).__name__}", "$")
    if not isinstance(value, dict):
        raise bad("a credential must be a JSON object", "$")
    return value


def suite_for(alg: str) -> str:
    """The cryptosuite of a signer's algorithm (Ed25519 and ES256 only)."""
    suite = _SUITE_OF.get(alg)
    if suite is None:
        raise MalformedInput(
            f"Data Integrity export needs an Ed25519 or ES256 key, not {alg}",
            code="DI_CRYPTOSUITE_UNSUPPORTED",
        )
    return suite


def check_created(created: object, path: str) -> str:
    """``created`` must be an XML Schema dateTime string."""
    if not isinstance(created, str) or not _XSD_DATETIME.fullmatch(created):
        raise bad("created must be an XML Schema dateTime", path)
    return created


def proof_options(
    document: Mapping[str, Any], *, key: PublicKey, alg: str, created: str, purpose: str
) -> dict[str, Any]:
    """The proof options of a new proof (``@context`` copied from the document)."""
    fragment = key.did_key()[len("did:key:") :]
    options: dict[str, Any] = {
        "type": _PROOF_TYPE,
        "cryptosuite": suite_for(alg),
        "created": check_created(created, "$.proof.created"),
        "verificationMethod": f"did:key:{fragment}#{fragment}",
        "proofPurpose": purpose,
    }
    if "@context" in document:
        options["@context"] = document["@context"]
    return options


def hash_data(unsecured: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    """``SHA-256(JCS(options)) || SHA-256(JCS(unsecured))``: the 64 bytes that are signed."""
    proof_hash = hashlib.sha256(canonicalize(dict(options))).digest()
    document_hash = hashlib.sha256(canonicalize(dict(unsecured))).digest()
    return proof_hash + document_hash


def sign_document(
    document: Mapping[str, Any],
    sign: Any,
    *,
    key: PublicKey,
    alg: str,
    created: str,
    purpose: str,
) -> dict[str, Any]:
    """``document`` with a new ``proof`` member, signed by ``sign(bytes) -> bytes``."""
    if "proof" in document:
        raise bad(
            "the document already has a proof (proof sets are not supported)",
            "$.proof",
            "DI_PROOF_SET_UNSUPPORTED",
        )
    options = proof_options(document, key=key, alg=alg, created=created, purpose=purpose)
    signature = sign(hash_data(document, options))
    secured = dict(document)
    secured["proof"] = {**options, "proofValue": multibase_encode(signature)}
    return secured


def _contexts(value: object, path: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, str | dict):
        return [value]
    raise bad("@context must be a string, an object or an array", path)


def _resolve_key(method: str, key: PublicKey | None) -> PublicKey:
    did, _, _ = method.partition("#")
    if did.startswith("did:key:"):
        if len(method) > _MAX_DID:
            raise bad(
                "verificationMethod is too long", "$.proof.verificationMethod", "DID_KEY_INVALID"
            )
        embedded = PublicKey.from_did_key(method)
        if key is not None and key != embedded:
            raise SignatureInvalid(
                f"verificationMethod names key {embedded.kid}, not {key.kid}",
                code="DI_PROOF_INVALID",
            )
        return embedded
    if key is None:
        raise bad(
            "only did:key verification methods resolve offline; pass key=",
            "$.proof.verificationMethod",
            "DI_VERIFICATION_METHOD_UNRESOLVED",
        )
    return key


def verify_document(
    document: dict[str, Any], *, key: PublicKey | None, purpose: str
) -> tuple[PublicKey, dict[str, Any]]:
    """Verify the proof of a parsed document; return the key and the unsecured document."""
    proof = document.get("proof")
    if isinstance(proof, list):
        raise bad("proof sets are not supported", "$.proof", "DI_PROOF_SET_UNSUPPORTED")
    if not isinstance(proof, dict):
        raise bad("the document has no proof object", "$.proof")
    options = {name: member for name, member in proof.items() if name != "proofValue"}
    for name in ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str):
            raise bad(f"proof member {name!r} must be a string", f"$.proof.{name}")
    if proof["type"] != _PROOF_TYPE or proof["cryptosuite"] not in CRYPTOSUITES:
        raise bad(
            f"unsupported proof {proof['type']!r} / {proof['cryptosuite']!r}",
            "$.proof.cryptosuite",
            "DI_CRYPTOSUITE_UNSUPPORTED",
        )
    if "created" in proof:
        check_created(proof["created"], "$.proof.created")
    if proof["proofPurpose"] != purpose:
        raise SignatureInvalid(
            f"proofPurpose is {proof['proofPurpose']!r}, expected {purpose!r}",
            code="DI_PROOF_INVALID",
        )
    value = proof["proofValue"]
    if len(value) > _MAX_PROOF_VALUE:
        raise bad("proofValue is too long", "$.proof.proofValue", "MULTIBASE_INVALID")
    signature = multibase_decode(value)
    alg = CRYPTOSUITES[proof["cryptosuite"]]
    verifier = _resolve_key(proof["verificationMethod"], key)
    verifier.check_alg(alg)
    unsecured = {name: member for name, member in document.items() if name != "proof"}
    if "@context" in options:
        wanted = _contexts(options["@context"], "$.proof.@context")
        given = _contexts(document.get("@context", []), "$.@context")
        if given[: len(wanted)] != wanted:
            raise SignatureInvalid(
                "the document @context does not start with the proof @context",
                code="DI_PROOF_INVALID",
            )
        unsecured["@context"] = options["@context"]
    try:
        verifier.verify(alg, signature, hash_data(unsecured, options))
    except SignatureInvalid as exc:
        raise SignatureInvalid(
            f"{proof['cryptosuite']} proof does not verify: {exc.message}",
            code="DI_PROOF_INVALID",
        ) from None
    return verifier, unsecured
