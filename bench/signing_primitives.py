"""Signing primitives: Ed25519 raw vs tracelib records, JCS, and Merkle inclusion proofs.

Run with ``.venv/bin/python bench/signing_primitives.py`` (``--quick`` for a smoke run,
``--check`` to exit with status 1 when a budget of design section 15 is missed,
``--markdown`` for the tables of ``docs/performance.md``).

Inputs: one EPCIS 2.0 ObjectEvent of about 1,590 bytes (JSON-LD, built below), a record header
over it signed with Ed25519, and a 2^20-leaf tree (2^18 with ``--quick``).

* "raw" rows call cryptography directly on the same PAE bytes tracelib signs.
* "bound" rows are the raw bounds of design §15: append = JCS of the event (``rfc8785.dumps``)
  + SHA-256 + Ed25519 sign; verify = JCS re-canonicalisation of the received payload bytes
  (``json.loads`` + ``rfc8785.dumps``, the design's "strict re-canonicalisation") + SHA-256 +
  Ed25519 verify.
* tracelib append canonicalises the event (``canonicalize``), commits to it
  (``PayloadRef.for_payload``), builds a validated ``RecordHeader`` and signs it
  (``Record.create``, which writes the header's JCS bytes too).
* tracelib strict verify is ``Record.parse`` (strict I-JSON, schema and JCS re-emission
  check of the header) + ``Record.verify`` + ``require_canonical`` of the payload bytes
  (strict I-JSON and JCS re-emission) + ``PayloadRef.verify``.
* "header-only" rows show the floor of the header work alone (no payload JCS).

Budgets: append and verify >= 0.8x their bounds (design §15); one inclusion proof in a
2^20 tree under 0.1 ms (AT-24), checked as ``0.1 ms / measured >= 1``.
"""

from __future__ import annotations

import hashlib
import json
import sys

import rfc8785
from _common import Budget, Row, check_budgets, header, parse_args, print_table, run_rounds

from tracelib.signing import (
    PayloadRef,
    Record,
    RecordHeader,
    SoftwareSigner,
    canonicalize,
    canonicalize_json,
    merkle,
    pae,
)
from tracelib.signing.canonical import require_canonical

CHAIN = "trace.example.vn/lot/08930000000012/LOT0514A"
FARM = "https://id.gs1.org/417/8930000000019"
IAT = "2026-05-14T08:00:00Z"


def make_event() -> dict:
    """An EPCIS 2.0 ObjectEvent (JSON-LD) of about 1,590 bytes as JCS."""
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "ObjectEvent",
        "eventTime": "2026-05-14T08:00:00.000+07:00",
        "eventTimeZoneOffset": "+07:00",
        "eventID": "ni:///sha-256;" + "5b3c" * 16 + "?ver=CBV2.0",
        "action": "OBSERVE",
        "bizStep": "https://ref.gs1.org/cbv/BizStep-harvesting",
        "disposition": "https://ref.gs1.org/cbv/Disp-active",
        "readPoint": {"id": "https://id.gs1.org/414/8930000000019/254/field-07"},
        "bizLocation": {"id": "https://id.gs1.org/414/8930000000019"},
        "epcList": [f"https://id.gs1.org/01/08930000000012/21/{1000 + i}" for i in range(6)],
        "quantityList": [
            {
                "epcClass": "https://id.gs1.org/01/08930000000012/10/LOT0514A",
                "quantity": 1250.5,
                "uom": "KGM",
            }
        ],
        "bizTransactionList": [
            {
                "type": "https://ref.gs1.org/cbv/BTT-po",
                "bizTransaction": "urn:epcglobal:cbv:bt:8930000000019:PO-2026-0514",
            }
        ],
        "sourceList": [
            {
                "type": "https://ref.gs1.org/cbv/SDT-owning_party",
                "source": "https://id.gs1.org/417/8930000000019",
            }
        ],
        "destinationList": [
            {
                "type": "https://ref.gs1.org/cbv/SDT-owning_party",
                "destination": "https://id.gs1.org/417/8930000000026",
            }
        ],
        "sensorElementList": [
            {
                "sensorMetadata": {
                    "time": "2026-05-14T07:55:00.000+07:00",
                    "deviceID": "urn:epc:id:giai:8930000000.0001",
                },
                "sensorReport": [
                    {"type": "gs1:Temperature", "value": 26.5, "uom": "CEL"},
                    {"type": "gs1:RelativeHumidity", "value": 81.0, "uom": "A93"},
                ],
            }
        ],
        "certificationInfo": "https://certificates.example.vn/vietgap/VG-2026-0001",
        "ilmd": {
            "cbvmda:countryOfOrigin": "VN",
            "cbvmda:harvestStartDate": "2026-05-10",
            "cbvmda:farmList": [{"cbvmda:farmIdentification": "field-07"}],
        },
    }


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_rounds=5)
    n = 2_000 if args.quick else 10_000
    depth = 18 if args.quick else 20
    print(header(f"Signing primitives: {n:,} records / events, a 2^{depth} tree", args))

    event = make_event()
    payload = canonicalize(event)
    signer = SoftwareSigner.generate(actor=FARM)
    key = signer.private_key
    public = signer.public_key.key
    ref = PayloadRef.for_payload(payload, type="application/ld+json")
    base = RecordHeader.genesis(chain=CHAIN, signer=signer, iat=IAT, kind="event", payload=ref)
    header_obj = base.to_json()
    record = Record.create(base, signer)
    envelope = record.envelope.to_bytes()
    body = record.header_bytes
    message = pae(record.envelope.payload_type, body)
    signature = record.envelope.signatures[0].sig
    print(f"# event {len(payload):,} bytes, header {len(body):,} bytes, envelope {len(envelope):,}")

    def tracelib_append() -> Record:
        data = canonicalize(event)
        ref = PayloadRef.for_payload(data, type="application/ld+json")
        header = RecordHeader.genesis(
            chain=CHAIN, signer=signer, iat=IAT, kind="event", payload=ref
        )
        return Record.create(header, signer)

    def tracelib_verify() -> None:
        parsed = Record.parse(envelope)
        parsed.verify(signer.public_key)
        assert parsed.header.payload is not None
        require_canonical(payload)
        parsed.header.payload.verify(payload)

    def bound_append() -> bytes:
        data = rfc8785.dumps(event)
        hashlib.sha256(data).digest()
        return key.sign(message)

    def bound_verify() -> None:
        rfc8785.dumps(json.loads(payload))
        hashlib.sha256(payload).digest()
        public.verify(signature, message)

    def header_append() -> bytes:
        hashlib.sha256(payload).digest()
        return key.sign(pae("application/vnd.tracelib.record.v1+json", rfc8785.dumps(header_obj)))

    def header_verify() -> None:
        rfc8785.dumps(json.loads(body))
        public.verify(signature, message)

    # same work: the cases agree before they are timed
    assert tracelib_append().header_bytes == body
    assert bound_append() == header_append() == signature
    tracelib_verify()
    bound_verify()
    header_verify()
    assert canonicalize_json(json.dumps(event, indent=2)) == payload

    reps = range(n)
    sig = run_rounds(
        {
            "raw sign": lambda: [key.sign(message) for _ in reps],
            "bound append": lambda: [bound_append() for _ in reps],
            "tracelib append": lambda: [tracelib_append() for _ in reps],
            "header append": lambda: [header_append() for _ in reps],
            "raw verify": lambda: [public.verify(signature, message) for _ in reps],
            "bound verify": lambda: [bound_verify() for _ in reps],
            "tracelib verify": lambda: [tracelib_verify() for _ in reps],
            "header verify": lambda: [header_verify() for _ in reps],
        },
        rounds=args.rounds,
    )
    text = json.dumps(event, indent=2).encode()
    jcs = run_rounds(
        {
            "json.dumps sort_keys": lambda: [json.dumps(event, sort_keys=True) for _ in reps],
            "rfc8785.dumps": lambda: [rfc8785.dumps(event) for _ in reps],
            "canonicalize": lambda: [canonicalize(event) for _ in reps],
            "loads + rfc8785": lambda: [rfc8785.dumps(json.loads(text)) for _ in reps],
            "canonicalize_json": lambda: [canonicalize_json(text) for _ in reps],
        },
        rounds=args.rounds,
    )

    size = 1 << depth
    leaves = [hashlib.sha256(b"\x00" + i.to_bytes(4, "big")).digest() for i in range(size)]
    root = merkle.merkle_root(leaves)
    index = size * 5 // 8 + 3
    path = merkle.inclusion_proof(leaves, index).path
    leaf = leaves[index]
    del leaves
    merkle.verify_inclusion(leaf, index, size, path, root)
    calls = 20_000
    proofs = run_rounds(
        {
            "node hashes": lambda: [
                [hashlib.sha256(b"\x01" + p + leaf).digest() for p in path] for _ in range(calls)
            ],
            "verify_inclusion": lambda: [
                merkle.verify_inclusion(leaf, index, size, path, root) for _ in range(calls)
            ],
        },
        rounds=args.rounds,
    )

    def row(name: str, seconds: float, ref: float, versus: str, items: int = n) -> Row:
        return Row(name, items, seconds, ref / seconds, versus)

    print()
    print("Append one record over the event (JCS + digest + header + sign), Ed25519:")
    print_table(
        [
            row("cryptography Ed25519 sign (raw)", sig["raw sign"], sig["raw sign"], "raw"),
            row("bound: JCS(event) + SHA-256 + sign", sig["bound append"], sig["raw sign"], "raw"),
            row(
                "tracelib canonicalize + Record.create",
                sig["tracelib append"],
                sig["bound append"],
                "bound",
            ),
            row(
                "header-only floor: JCS(header) + sign",
                sig["header append"],
                sig["raw sign"],
                "raw",
            ),
        ],
        markdown=args.markdown,
    )
    print()
    print("Verify one record strictly (header and payload), Ed25519:")
    print_table(
        [
            row("cryptography Ed25519 verify (raw)", sig["raw verify"], sig["raw verify"], "raw"),
            row(
                "bound: loads + JCS(event) + SHA-256 + verify",
                sig["bound verify"],
                sig["raw verify"],
                "raw",
            ),
            row(
                "tracelib Record.parse + verify + payload",
                sig["tracelib verify"],
                sig["bound verify"],
                "bound",
            ),
            row(
                "header-only floor: loads + JCS + verify",
                sig["header verify"],
                sig["raw verify"],
                "raw",
            ),
        ],
        markdown=args.markdown,
    )
    print()
    print(f"Canonical JSON of the {len(payload):,}-byte event:")
    ref_jcs = jcs["rfc8785.dumps"]
    print_table(
        [
            row(
                "json.dumps(sort_keys=True) (not JCS)",
                jcs["json.dumps sort_keys"],
                ref_jcs,
                "rfc8785",
            ),
            row("rfc8785.dumps", ref_jcs, ref_jcs, "rfc8785"),
            row("tracelib canonicalize (value)", jcs["canonicalize"], ref_jcs, "rfc8785"),
            row("json.loads + rfc8785.dumps (text)", jcs["loads + rfc8785"], ref_jcs, "rfc8785"),
            row(
                "tracelib canonicalize_json (strict, text)",
                jcs["canonicalize_json"],
                jcs["loads + rfc8785"],
                "loads+rfc8785",
            ),
        ],
        markdown=args.markdown,
    )
    per_proof = proofs["verify_inclusion"] / calls
    print()
    print(
        f"Inclusion proof in a 2^{depth} tree ({len(path)} hashes), per proof "
        f"{per_proof * 1e6:.1f} us:"
    )
    print_table(
        [
            row(
                f"{len(path)} SHA-256 node hashes (floor)",
                proofs["node hashes"],
                proofs["node hashes"],
                "floor",
                calls,
            ),
            row(
                "tracelib verify_inclusion",
                proofs["verify_inclusion"],
                proofs["node hashes"],
                "floor",
                calls,
            ),
        ],
        markdown=args.markdown,
    )
    return check_budgets(
        [
            Budget("append vs bound", sig["bound append"] / sig["tracelib append"], 0.8),
            Budget("strict verify vs bound", sig["bound verify"] / sig["tracelib verify"], 0.8),
            Budget(f"0.1 ms / one inclusion proof (2^{depth})", 1e-4 / per_proof, 1.0),
        ],
        args,
    )


if __name__ == "__main__":
    sys.exit(main())
