"""Random multi-actor chains and one-class mutations of their bundles (AT-10..AT-12).

Keys come from fixed seeds (fast, reproducible); a chain is built from a ``random.Random``
seed drawn by hypothesis. Each mutation edits the bundle JSON the way an attacker holding it
would, and returns what the verifier must report: ``(code, seq, count)``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import strategies as st

from tracelib.signing.canonical import b64url_encode, canonicalize
from tracelib.signing.chain import Chain
from tracelib.signing.header import rfc3339
from tracelib.signing.merkle import leaf_hash
from tracelib.signing.records import PAYLOAD_TYPE, Envelope
from tracelib.signing.signers import SoftwareSigner
from tracelib.signing.trust import TrustBundle


def _ed(seed: int, actor: str) -> SoftwareSigner:
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    return SoftwareSigner.from_private_key(key, actor=actor)


def _p256(seed: int, actor: str) -> SoftwareSigner:
    key = ec.derive_private_key(10**20 + seed, ec.SECP256R1())
    return SoftwareSigner.from_private_key(key, actor=actor)


FARM = _ed(1, "https://id.gs1.org/417/8930000000019")
PROC = _p256(2, "https://id.gs1.org/417/8930000000026")
DIST = _ed(3, "https://id.gs1.org/417/8930000000033")
RETAIL = _ed(4, "did:web:retail.example.vn")
SUPPLIER = _ed(5, "https://id.gs1.org/417/8930000000040")
OUTSIDER = _ed(9, "https://id.gs1.org/417/8930000000095")
ACTORS = (FARM, PROC, DIST, RETAIL)
BY_KID = {s.kid: s for s in (*ACTORS, SUPPLIER, OUTSIDER)}
TRUST = TrustBundle.from_signers((*ACTORS, SUPPLIER))
BASE = dt.datetime(2026, 5, 14, 8, 0, tzinfo=dt.timezone.utc)
ORIGIN = "trace.example.vn/lot/08930000000012/LOT{}"
JSONLD = 'application/ld+json; profile="https://ref.gs1.org/standards/epcis"'


def iat(i: int) -> str:
    return rfc3339(BASE + dt.timedelta(seconds=i))


@dataclass
class Built:
    """A built chain, its bundle and the evidence needed to verify it cleanly."""

    chain: Chain
    bundle: bytes
    evidence: list[Any] = field(default_factory=list)


def _input_chain() -> Chain:
    lot = Chain.create("trace.example.vn/lot/08930000000012/INPUT", signer=SUPPLIER)
    for i in range(5):
        lot.append(b'{"input":%d}' % i, payload_type=JSONLD, signer=SUPPLIER, iat=iat(i))
    return lot


INPUT = _input_chain()
INPUT_BUNDLE = INPUT.bundle()


def build(seed: int, n: int, actors: int = 3, *, withhold: float = 0.2) -> Built:
    """A chain of exactly ``n`` records among ``actors`` parties, from a seed."""
    rng = random.Random(seed)
    parties = ACTORS[:actors]
    holder = rng.randrange(actors)
    lot = Chain.create(ORIGIN.format(seed), signer=parties[holder])
    uses_ref = False
    while lot.size < n:
        i = lot.size
        signer = parties[holder]
        if i and n - i >= 2 and rng.random() < 0.15 and actors > 1:
            nxt = rng.choice([j for j in range(actors) if j != holder])
            to = parties[nxt]
            kid = to.kid if rng.random() < 0.5 else None
            lot.handover(to_actor=to.actor, to_kid=kid, signer=signer, iat=iat(i))
            payload = b'{"received":%d}' % i if rng.random() < 0.5 else None
            lot.accept(
                signer=to,
                payload=payload,
                payload_type=JSONLD if payload else None,
                iat=iat(i + 1),
                withhold=payload is not None and rng.random() < withhold,
            )
            holder = nxt
            continue
        payload = canonicalize({"i": i, "q": round(rng.random() * 1000, 1), "lot": seed})
        refs = ()
        if rng.random() < 0.05:
            refs = (INPUT.ref(rng.randrange(INPUT.size)),)
            uses_ref = True
        lot.append(
            payload,
            payload_type=JSONLD,
            signer=signer,
            iat=iat(i),
            refs=refs,
            withhold=rng.random() < withhold,
        )
    return Built(lot, lot.bundle(), [INPUT_BUNDLE] if uses_ref else [])


@st.composite
def chains(draw: st.DrawFn, min_size: int = 1, max_size: int = 200) -> Built:
    """Random chains: length, actor count and seed drawn by hypothesis."""
    n = draw(st.integers(min_size, max_size))
    actors = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    return build(seed, n, actors)


# --- mutations --------------------------------------------------------------------------


def header_of(env: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(env["payload"]))


def signed(header: dict[str, Any], signer: SoftwareSigner) -> dict[str, Any]:
    body = canonicalize(header)
    return Envelope(PAYLOAD_TYPE, body).add_signature(signer).to_json()


def rid(env: dict[str, Any]) -> str:
    return b64url_encode(leaf_hash(base64.b64decode(env["payload"])))


def _move_payload(obj: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> None:
    for name in ("payloads", "salts"):
        if rid(old) in obj[name]:
            obj[name][rid(new)] = obj[name].pop(rid(old))


def _later(time: str) -> str:
    return time[:-1] + ".5Z"


@dataclass
class Mutated:
    """A mutated bundle, the trust to verify it with, and the expected primary finding."""

    bundle: bytes
    trust: TrustBundle
    code: str
    seq: int
    count: int | None = None


MUTATIONS = (
    "alter_payload",
    "alter_header",
    "resign_outsider",
    "resign_custodian",
    "delete_middle",
    "delete_head",
    "reorder",
    "insert_foreign",
    "replay",
    "wrong_key",
    "revoked_key",
    "duplicate_key",
)

#: The smallest chain each mutation needs.
MIN_SIZE = {"resign_custodian": 2, "delete_middle": 3, "delete_head": 2, "reorder": 2}

OTHER = build(424242, 200, 4)


def mutate(built: Built, kind: str, rng: random.Random) -> Mutated | None:
    """Apply one mutation; ``None`` when the chain cannot take it (e.g. no payload)."""
    obj = json.loads(built.bundle)
    records: list[dict[str, Any]] = obj["records"]
    n = len(records)
    trust = TRUST
    if n < MIN_SIZE.get(kind, 1):
        return None
    k = rng.randrange(n)
    count = None
    if kind == "alter_payload":
        present = [i for i, e in enumerate(records) if rid(e) in obj["payloads"]]
        if not present:
            return None
        k = rng.choice(present)
        data = base64.urlsafe_b64decode(obj["payloads"][rid(records[k])] + "==")
        obj["payloads"][rid(records[k])] = b64url_encode(data.replace(b"}", b',"x":1}'))
        code = "PAYLOAD_DIGEST_MISMATCH"
    elif kind == "alter_header":
        h = header_of(records[k])
        h["iat"] = _later(h["iat"])
        records[k] = dict(records[k], payload=base64.b64encode(canonicalize(h)).decode())
        code = "SIGNATURE_INVALID"
    elif kind in ("resign_outsider", "resign_custodian", "wrong_key"):
        if kind == "resign_custodian":
            k = rng.randrange(n - 1)
        h = header_of(records[k])
        h["iat"] = _later(h["iat"])
        signer = BY_KID[h["signer"]["kid"]]
        if kind == "resign_outsider":
            signer = OUTSIDER
            h["signer"] = {"actor": OUTSIDER.actor, "kid": OUTSIDER.kid}
            code = "UNKNOWN_KEY"
        elif kind == "wrong_key":
            signer = next(s for s in ACTORS if s.actor != h["signer"]["actor"])
            h["signer"] = {"actor": h["signer"]["actor"], "kid": signer.kid}
            code = "SIGNER_MISMATCH"
        else:
            code = "RECORD_REPLACED"
        h["alg"] = signer.alg
        new = signed(h, signer)
        _move_payload(obj, records[k], new)
        records[k] = new
    elif kind == "delete_middle":
        k = rng.randrange(1, n - 1)
        count = rng.randrange(1, n - k)
        del records[k : k + count]
        code = "RECORDS_DELETED"
    elif kind == "delete_head":
        k, count = 0, rng.randrange(1, n)
        del records[:count]
        code = "HEAD_MISSING"
    elif kind == "reorder":
        k = rng.randrange(n - 1)
        records[k], records[k + 1] = records[k + 1], records[k]
        code = "RECORDS_REORDERED"
    elif kind == "insert_foreign":
        h = header_of(records[k])
        h["iat"] = _later(h["iat"])
        h["signer"] = {"actor": OUTSIDER.actor, "kid": OUTSIDER.kid}
        h["alg"] = OUTSIDER.alg
        if k:
            h["prev"] = b64url_encode(rng.randbytes(32))
        records.insert(rng.randrange(n + 1), signed(h, OUTSIDER))
        code = "RECORD_INSERTED"
    elif kind == "replay":
        foreign = json.loads(OTHER.bundle)["records"][k]
        records.insert(rng.randrange(n + 1), foreign)
        code = "WRONG_CHAIN"
    elif kind == "revoked_key":
        h = header_of(records[k])
        trust = TRUST.revoke(h["signer"]["kid"], reason="superseded", effective=h["iat"])
        code = "KEY_REVOKED"
    elif kind == "duplicate_key":
        body = base64.b64decode(records[k]["payload"])
        first = body[1 : body.index(b",") + 1]  # '"alg":"...",'
        records[k] = dict(records[k], payload=base64.b64encode(b"{" + first + body[1:]).decode())
        code = "MALFORMED_RECORD"
    else:  # pragma: no cover - a typo in a test
        raise AssertionError(kind)
    return Mutated(canonicalize(obj), trust, code, k, count)
