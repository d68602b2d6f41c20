"""Signed trace-record chains: the primitives (canonical JSON, keys, records, Merkle, notes).

``tracelib.signing`` builds append-only, multi-party chains of signed records, verifiable
offline. This layer holds the pure building blocks, each in its own module:

* :mod:`~tracelib.signing.canonical`: strict I-JSON parsing, JCS (RFC 8785), strict base64;
* :mod:`~tracelib.signing.keys`: public keys, JWK, RFC 7638 kid, did:key, the closed
  algorithm list and signature verification;
* :mod:`~tracelib.signing.signers`: the :class:`Signer` protocol, :class:`SoftwareSigner`,
  :class:`CallableSigner`;
* :mod:`~tracelib.signing.header`: the signed record header (JCS bytes);
* :mod:`~tracelib.signing.members`: its member values and payload digests;
* :mod:`~tracelib.signing.records`: DSSE envelopes, PAE, signed records and record ids;
* :mod:`~tracelib.signing.merkle`: RFC 9162 hashing, inclusion and consistency proofs,
  compact ranges;
* :mod:`~tracelib.signing.notes`: C2SP signed notes and Ed25519 note keys;
* :mod:`~tracelib.signing.checkpoint`: C2SP tlog checkpoints (chain heads).

The names below load on first use (PEP 562), so ``import tracelib.signing`` stays cheap
and pulls in neither ``cryptography`` nor the chain code until a name needs them.

Examples:
    >>> from tracelib import signing
    >>> farm = signing.SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    >>> header = signing.RecordHeader.genesis(
    ...     chain="trace.example.vn/lot/08930000000012/LOT1", signer=farm,
    ...     iat="2026-05-14T08:00:00Z", kind="event",
    ...     payload=signing.PayloadRef.for_payload(b"{}", type="application/ld+json"))
    >>> record = signing.Record.create(header, farm)
    >>> signing.Record.parse(record.envelope.to_bytes()).verify(farm.public_key)
    >>> signing.merkle_root([record.id]) == record.id
    True
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import (
        canonical,
        chain,
        checkpoint,
        export,
        head,
        header,
        keychain,
        keys,
        members,
        merkle,
        notes,
        pkcs11,
        records,
        report,
        signers,
        timestamps,
        trust,
        witness,
        x509,
    )
    from .canonical import canonicalize, canonicalize_json, parse_json
    from .chain import Chain
    from .checkpoint import Checkpoint
    from .head import CompactHead, HeadKey, SignedHead, head_key_id
    from .header import RecordHeader
    from .keychain import KeyChain, KeyHistory, replay_key_chain
    from .keys import ALGORITHMS, PublicKey, thumbprint
    from .members import ChainRef, Custodian, PayloadRef, SignerRef
    from .merkle import (
        EMPTY_ROOT,
        CompactRange,
        ConsistencyProof,
        InclusionProof,
        leaf_hash,
        merkle_root,
        verify_consistency,
        verify_inclusion,
    )
    from .notes import Note, NoteSigner, NoteVerifier
    from .pkcs11 import Pkcs11Signer
    from .records import PAYLOAD_TYPE, Envelope, Record, pae
    from .report import CODES, Finding, Report
    from .signers import CallableSigner, Signer, SoftwareSigner
    from .timestamps import TimestampToken, timestamp_anchors
    from .trust import KeyStatus, Revocation, TrustBundle, TrustedKey
    from .verify import VerifyPolicy, verify, verify_fork_evidence
    from .witness import WitnessKey, WitnessPolicy, WitnessSigner
    from .x509 import validate_chain


# Where each public name lives; the submodules themselves load under their own name.
_ORIGINS: dict[str, tuple[str, ...]] = {
    "canonical": ("canonicalize", "canonicalize_json", "parse_json"),
    "chain": ("Chain",),
    "checkpoint": ("Checkpoint",),
    "head": ("CompactHead", "HeadKey", "SignedHead", "head_key_id"),
    "header": ("RecordHeader",),
    "keychain": ("KeyChain", "KeyHistory", "replay_key_chain"),
    "keys": ("ALGORITHMS", "PublicKey", "thumbprint"),
    "members": ("ChainRef", "Custodian", "PayloadRef", "SignerRef"),
    "merkle": (
        "EMPTY_ROOT",
        "CompactRange",
        "ConsistencyProof",
        "InclusionProof",
        "leaf_hash",
        "merkle_root",
        "verify_consistency",
        "verify_inclusion",
    ),
    "notes": ("Note", "NoteSigner", "NoteVerifier"),
    "pkcs11": ("Pkcs11Signer",),
    "records": ("PAYLOAD_TYPE", "Envelope", "Record", "pae"),
    "report": ("CODES", "Finding", "Report"),
    "signers": ("CallableSigner", "Signer", "SoftwareSigner"),
    "timestamps": ("TimestampToken", "timestamp_anchors"),
    "trust": ("KeyStatus", "Revocation", "TrustBundle", "TrustedKey"),
    "verify": ("VerifyPolicy", "verify", "verify_fork_evidence"),
    "witness": ("WitnessKey", "WitnessPolicy", "WitnessSigner"),
    "x509": ("validate_chain",),
}
_LAZY_NAMES = {name: module for module, names in _ORIGINS.items() for name in names}
_LAZY_MODULES = frozenset(
    {
        "canonical",
        "chain",
        "checkpoint",
        "export",
        "head",
        "header",
        "keychain",
        "keys",
        "members",
        "merkle",
        "notes",
        "pkcs11",
        "records",
        "report",
        "signers",
        "timestamps",
        "trust",
        "witness",
        "x509",
    }
)


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """This package; keeps ``verify`` bound to the function, not to its submodule.

    The import system binds every submodule it loads on its package, and
    ``tracelib.signing.verify`` is both a submodule and the function exported here: loading
    the submodule (by any import) would otherwise shadow the function.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "verify" and isinstance(value, types.ModuleType):
            value = getattr(value, "verify")  # noqa: B009 - the module's function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "ALGORITHMS",
    "CODES",
    "EMPTY_ROOT",
    "PAYLOAD_TYPE",
    "CallableSigner",
    "Chain",
    "ChainRef",
    "Checkpoint",
    "CompactHead",
    "CompactRange",
    "ConsistencyProof",
    "Custodian",
    "Envelope",
    "Finding",
    "HeadKey",
    "InclusionProof",
    "KeyChain",
    "KeyHistory",
    "KeyStatus",
    "Note",
    "NoteSigner",
    "NoteVerifier",
    "PayloadRef",
    "Pkcs11Signer",
    "PublicKey",
    "Record",
    "RecordHeader",
    "Report",
    "Revocation",
    "SignedHead",
    "Signer",
    "SignerRef",
    "SoftwareSigner",
    "TimestampToken",
    "TrustBundle",
    "TrustedKey",
    "VerifyPolicy",
    "WitnessKey",
    "WitnessPolicy",
    "WitnessSigner",
    "canonical",
    "canonicalize",
    "canonicalize_json",
    "chain",
    "checkpoint",
    "export",
    "head",
    "head_key_id",
    "header",
    "keychain",
    "keys",
    "leaf_hash",
    "members",
    "merkle",
    "merkle_root",
    "notes",
    "pae",
    "parse_json",
    "pkcs11",
    "records",
    "replay_key_chain",
    "report",
    "signers",
    "thumbprint",
    "timestamp_anchors",
    "timestamps",
    "trust",
    "validate_chain",
    "verify",
    "verify_consistency",
    "verify_fork_evidence",
    "verify_inclusion",
    "witness",
    "x509",
]
