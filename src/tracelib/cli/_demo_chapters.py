"""The farm-to-shelf chapters of ``tracelib demo``: events, chain, label, verification, tampering.

Each chapter is a function of the demo's shared story (:class:`tracelib.cli.demo._Story`):
it prints what happens and, when the story has an output directory, writes its files there
(``events.jsonld``, ``chain-bundle.json``, ``trust.json``, ``label.png``, ``label.svg``,
``lot-graph.svg``, ``tampered-bundle.json``, ``tamper-report.json``).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Protocol

from ._demo_journey import Journey, dataset, journey

__all__ = ["compliance", "consumer", "events", "label", "portal", "signing", "tampering"]

_ID_SHOWN = 28
_SHORT = {"coop": "cooperative", "distributor": "distributor", "shop": "supermarket"}


class _Story(Protocol):
    output_dir: Path | None
    data: dict[str, Any]

    def say(self, text: str = "") -> None: ...


def _journey(story: _Story) -> Journey:
    found = story.data.get("journey")
    if found is None:
        found = journey()
        story.data["journey"] = found
    assert isinstance(found, Journey)
    return found


def _write(story: _Story, name: str, data: bytes | str) -> str:
    """Write a file into the output directory; the name to show (or a note when not written)."""
    if story.output_dir is None:
        return f"{name} (not written: no output directory)"
    path = story.output_dir / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def _document(j: Journey) -> Any:
    from ..epcis.models import EPCISDocument

    return EPCISDocument.create(
        [s.event for s in j.stages], creation_date="2026-11-28T12:00:00+07:00"
    )


def events(story: _Story) -> None:
    """Record every stage as an EPCIS 2.0 event; show its CBV hash ID; lint the document."""
    from ..epcis import validate

    j = _journey(story)
    names = _SHORT
    story.say(
        f"  Lot {j.label_base.rsplit('/', 1)[1]} of Vinh oranges, carton GTIN {j.carton_gtin},"
    )
    story.say(
        f"  pallet SSCC {j.sscc}. Each stage is one EPCIS 2.0 event (what, when, where, why):"
    )
    for n, stage in enumerate(j.stages, 1):
        ev = stage.event
        story.say(f"  {n}. {stage.title}")
        by = names[stage.party]
        story.say(f"     {ev.type}, bizStep {stage.biz_step} ({stage.vietnamese}), by the {by}")
        story.say(f"     event hash ID {ev.hash_id()[:_ID_SHOWN]}…")
    doc = _document(j)
    text = doc.to_jsonld()
    report = validate(text.encode())
    errors = [f for f in report if f.severity == "error"]
    story.say(f"  Lint of the EPCIS document: {len(errors)} errors, ready for capture.")
    story.say("  The hash ID is the same from XML or JSON-LD: it deduplicates resends. Written:")
    story.say(f"    {_write(story, 'events.jsonld', text)}")
    story.say(f"    {_write(story, 'events.xml', doc.to_xml())}")


def compliance(story: _Story) -> None:
    """Check the lot's records against Circular 02/2024 and Decree 37/2026 before upload."""
    from ..portal.compliance import check

    j = _journey(story)
    records = dataset(j)
    story.data["dataset"] = records
    counts = (
        f"{len(records.products)} products, {len(records.locations)} locations, "
        f"{len(records.lots)} lot, {len(records.events)} events"
    )
    story.say(f"  The records as the portal sees them: {counts}.")
    for profile in ("vn.tt02_2024", "vn.nd37_2026"):
        report = check(records, profile)
        story.data[f"check:{profile}"] = report.ok
        verdict = "meets the minimum data" if report.ok else "does NOT meet the minimum data"
        story.say(
            f"  {profile}: {verdict} ({len(report.errors)} errors, {len(report.warnings)} warnings)"
        )
    missing = records.products[0].model_copy(update={"images": ()})
    report = check(missing, "vn.tt02_2024")
    first = report.errors[0]
    story.say("  A product sent without its photo would be stopped before upload:")
    story.say(f"    {first.rule} at {first.path}")
    story.say(f"    vi: {first.message_vi}")
    story.say(f"    en: {first.message_en}")


def portal(story: _Story) -> None:
    """Submit the records through the durable outbox to the embedded portal emulator."""
    from ..portal.client import PortalClient
    from ..portal.drivers import InProcessChannel
    from ..portal.emulator import PortalEmulator
    from ..portal.transports.emulator import EmulatorTransport

    j = _journey(story)
    records = story.data.get("dataset") or dataset(j)
    org = records.organizations[0]
    outbox: str | Path = ":memory:"
    if story.output_dir is not None:
        outbox = story.output_dir / "outbox.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{outbox}{suffix}").unlink(missing_ok=True)
    emulator = PortalEmulator()
    try:
        emulator.register_organization(org.tax_code, gln=org.gln, name=org.name, active=True)
        # the portal pulls product photos by URL: publish one where the emulator can fetch it
        from ..portal.models import Media
        from ..portal.testing import PNG_PIXEL

        emulator.add_file("cam-vinh.png", PNG_PIXEL)
        photo = Media(url=emulator.file_url("cam-vinh.png", origin="http://emulator"))
        products = [p.model_copy(update={"images": (photo,)}) for p in records.products]
        client = PortalClient(
            EmulatorTransport("http://emulator", org_tax_code=org.tax_code),
            outbox=outbox,
            channel=InProcessChannel(emulator),
            profile=None,
        )
        with client:
            status = client.check_organization(org)
            state = "activated" if status.active else f"NOT active ({status.error})"
            story.say(f"  Organisation {org.tax_code} on the (emulated) portal: {state}.")
            for product in products:
                client.upsert_product(product)
            for location in records.locations:
                client.upsert_location(location)
            chain = client.open_chain(products[1], records.lots[0])
            submission = client.submit_events([s.event for s in j.stages])
            again = client.submit_events([s.event for s in j.stages])
            stats = client.outbox.stats(client.transport.name)
        story.say("  Every write is committed to the outbox before it is sent, so a crash loses")
        story.say("  nothing, and ids are deterministic, so a resend duplicates nothing:")
        story.say(
            f"    products {len(records.products)}, locations {len(records.locations)}, "
            f"chain {chain.state}, events {submission.added} recorded, "
            f"{again.added} on the second try"
        )
        rows = ", ".join(f"{n} {state}" for state, n in stats.items() if n)
        story.say(f"    outbox: {rows}; the emulator holds {emulator.event_count()} events")
        story.data["portal_events"] = emulator.event_count()
        story.data["portal_complete"] = {k for k, n in stats.items() if n} == {"CONFIRMED"}
    finally:
        emulator.close()
    if story.output_dir is not None:
        story.say(f"    {outbox}")


def signing(story: _Story) -> None:
    """Sign the events into the lot's chain, with custody handed over at each sale."""
    j = _journey(story)
    by_actor = {j.parties[k].actor: k for k in j.companies}
    story.say("  Each party signs its own records (Ed25519); every record commits to the Merkle")
    story.say("  root of all earlier ones, so nothing can be changed, dropped or reordered unseen.")
    for record in j.chain.records:
        h = record.header
        what: str = h.kind
        if h.kind == "handover" and h.next is not None:
            what = f"handover to the {_SHORT[by_actor[h.next.actor]]}"
        who = _SHORT[by_actor[h.signer.actor]]
        story.say(f"    seq {h.seq:>2}  {what:<30} signed by the {who}")
    for key, party in j.companies.items():
        story.say(
            f"  The {_SHORT[key]}: {party.name}, GLN {party.gln}, key {j.parties[key].kid[:12]}…"
        )
    story.say(f"  Chain {j.chain.id}: {j.chain.size} records.")
    trust = _trust(j)
    story.say(f"    {_write(story, 'chain-bundle.json', j.chain.bundle())}")
    story.say(f"    {_write(story, 'trust.json', trust.to_bytes())}  (the parties' public keys)")


def _trust(j: Journey) -> Any:
    from ..signing import TrustBundle

    return TrustBundle.from_signers(j.parties.values())


def _label_uri(story: _Story) -> str:
    j = _journey(story)
    uri = story.data.get("label")
    if uri is None:
        uri = j.chain.head().digital_link(j.label_base)
        story.data["label"] = uri
    return str(uri)


def label(story: _Story) -> None:
    """Draw the QR label carrying the signed head, and the lot's journey as a picture."""
    from ..epcis.graph import lot_graph
    from ..gs1 import labels

    j = _journey(story)
    uri = _label_uri(story)
    story.say("  The supermarket prints a GS1 Digital Link QR code on the shelf label. Its `th`")
    story.say("  parameter is the chain's signed head (size, Merkle root, key ID, signature):")
    story.say(f"    {uri}")
    size = len(labels.qr_matrix(uri, ecc="M"))
    story.say(
        f"    {len(uri)} characters: QR Code version {(size - 17) // 4} at error correction M."
    )
    png = labels.qr_png(uri)
    story.say(f"    {_write(story, 'label.png', png)}")
    story.say(f"    {_write(story, 'label.svg', labels.qr_svg(uri))}")
    story.say(f"  Read back from the PNG: {_read_back(labels, png, uri)}")
    graph = lot_graph(s.event for s in j.stages)
    svg = graph.to_svg(title="Cam Vinh lot CV2611A: orchard → packing → Hà Nội → shelf")
    story.say(f"  The lot's journey as a picture ({len(graph.nodes)} lots and containers):")
    story.say(f"    {_write(story, 'lot-graph.svg', svg)}")


def _read_back(labels: Any, png: bytes, expected: str) -> str:
    from ..errors import MissingDependencyError

    try:
        found = labels.read(png)
    except MissingDependencyError:
        return "skipped (install tracelib[scan] for zxing-cpp)"
    texts = [getattr(f, "data", f) for f in found]
    return "the same URI" if texts == [expected] else f"UNEXPECTED: {texts!r}"


def consumer(story: _Story) -> None:
    """Verify the bundle offline against the scanned head, as a consumer's app would."""
    from ..signing import verify

    j = _journey(story)
    uri = _label_uri(story)
    report = verify(j.chain.bundle(), trust=_trust(j), evidence=[uri])
    story.data["verdict"] = report.verdict
    story.say("  A shopper scans the label; the app fetches the bundle and the trust list and")
    story.say("  checks every signature, hash link and handover offline, against the head in")
    story.say("  the QR code (so a shortened bundle would be caught too):")
    done = f"{report.verified_prefix} of {j.chain.size} records verified"
    story.say(f"    verdict: {report.verdict}  ({done})")


def tampering(story: _Story) -> None:
    """Alter a copy of the bundle (the arrival temperature) and show the precise finding."""
    from ..signing import verify

    j = _journey(story)
    uri = _label_uri(story)
    bundle = json.loads(j.chain.bundle())
    target = None
    for digest, encoded in sorted(bundle["payloads"].items()):
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if b'"receiving"' in raw and b"6.4" in raw:
            forged = raw.replace(b"6.4", b"4.0")
            bundle["payloads"][digest] = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
            target = digest
            break
    assert target is not None, "the demo journey records 6.4 °C on arrival"
    tampered = json.dumps(bundle, ensure_ascii=False, sort_keys=True).encode()
    report = verify(tampered, trust=_trust(j), evidence=[uri])
    story.data["tampered_verdict"] = report.verdict
    story.say("  Someone edits a copy: the arrival temperature 6.4 °C becomes 4.0 °C.")
    story.say(f"    verdict: {report.verdict}  (verified prefix: {report.verified_prefix} records)")
    for f in report.errors:
        details = ", ".join(f"{k}={v}" for k, v in sorted(dict(f.details).items()))
        extra = f" ({details})" if details else ""
        story.say(f"    {f.code} at seq {f.seq}{extra}: {f.message}")
    story.say(f"    {_write(story, 'tampered-bundle.json', tampered)}")
    story.say(f"    {_write(story, 'tamper-report.json', report.to_bytes())}")
