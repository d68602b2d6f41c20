"""The client facade against the local emulator (P-1 local checks, P-3, P-13, operations)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from tracelib.portal.client import AsyncPortalClient, PortalClient, Receipt
from tracelib.portal.drivers import HttpxChannel, InProcessChannel
from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.errors import IdentifierError, OrganizationNotActivated, ValidationError
from tracelib.portal.models import Product
from tracelib.portal.outbox import Outbox
from tracelib.portal.transports.emulator import EmulatorTransport

from . import fixtures as fx

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _product(emu: PortalEmulator, origin: str, index: int = 0) -> Product:
    """A fixture product whose image the emulator can fetch."""
    emu.add_file(f"p{index}.png", PNG, "image/png")
    url = emu.file_url(f"p{index}.png", origin=origin)
    base = fx.products()[index].dump()
    base["images"] = [{"url": url, "media_type": "image/png"}]
    return Product.parse(base)


def _register(emu: PortalEmulator, *, active: bool = True) -> None:
    org = fx.org()
    emu.register_organization(tax_code=org.tax_code, gln=org.gln, name=org.name, active=active)


def _client(emu: PortalEmulator, tmp_path: Path, **kw: Any) -> PortalClient:
    transport = EmulatorTransport("http://127.0.0.1", org_tax_code=fx.org().tax_code)
    return PortalClient(
        transport, outbox=tmp_path / "outbox.sqlite", channel=InProcessChannel(emu), **kw
    )


def _workload(emu: PortalEmulator, origin: str) -> list[Any]:
    """The operations of one full submission, as (method, args) pairs."""
    return [
        ("upsert_organization", (fx.org(),)),
        ("upsert_product", (_product(emu, origin, 0),)),
        *(("upsert_location", (loc,)) for loc in fx.locations()),
        ("submit_events", (fx.events(),)),
    ]


def test_bad_gtin_is_refused_locally_before_any_request(tmp_path: Path) -> None:
    with PortalEmulator() as emu, _client(emu, tmp_path) as client:
        with pytest.raises(IdentifierError) as info:
            client.upsert_product({"name": "Cam", "gtin": "8935049500561"})
        assert info.value.path == "$.gtin"
        assert info.value.position == 12
        with pytest.raises(IdentifierError):
            client.submit_events(
                [
                    {
                        "stage": "ban_le",
                        "event_time": "2025-01-15T10:00:00+07:00",
                        "product_trace_codes": ["https://id.gs1.org/01/08935049500561"],
                    }
                ]
            )
        assert len(emu.requests) == 0
        assert sum(client.outbox.stats().values()) == 0


def test_compliance_profile_refuses_before_enqueue(tmp_path: Path) -> None:
    with PortalEmulator() as emu, _client(emu, tmp_path) as client:
        product = fx.products()[0].dump()
        del product["images"]
        with pytest.raises(ValidationError) as info:
            client.upsert_product(product)
        rules = [f.rule for f in info.value.findings]
        assert "vn.tt02_2024.product.images" in rules
        assert len(emu.requests) == 0
        assert sum(client.outbox.stats().values()) == 0


def test_full_submission_in_dependency_order(tmp_path: Path) -> None:
    with PortalEmulator() as emu, emu.serve() as server, _client(emu, tmp_path) as client:
        _register(emu)
        receipts = [getattr(client, name)(*args) for name, args in _workload(emu, server.url)]
        assert all(r.done for r in receipts[:-1])
        submission = receipts[-1]
        assert submission.complete
        assert submission.added == len(fx.events())
        assert emu.event_count() == len(fx.events())
        assert len(emu.records("product")) == 1
        assert len(emu.records("location")) == 3
        paths = [r.path for r in emu.requests]
        first_event = next(i for i, p in enumerate(paths) if p.startswith("/epcis/capture"))
        assert all(not p.startswith("/epcis") for p in paths[:first_event])
        # the mapping store holds the portal ids by natural key
        gtin = fx.products()[0].gtin
        assert client.outbox.mapping.find("emulator", "product", gtin) is not None
        # a rerun adds nothing and sends no event twice
        again = client.submit_events(fx.events())
        assert again.added == 0
        assert emu.event_count() == len(fx.events())
        status = client.status()
        assert isinstance(status, dict)
        assert status["rows"]["CONFIRMED"] == 5 + len(fx.events())
        one = client.status(submission.ids[0])
        assert isinstance(one, Receipt)
        assert one.done


def test_organization_not_activated_stops_further_requests(tmp_path: Path) -> None:
    with PortalEmulator() as emu, _client(emu, tmp_path) as client:
        _register(emu, active=False)
        with pytest.raises(OrganizationNotActivated):
            client.upsert_organization(fx.org())
        seen = len(emu.requests)
        with pytest.raises(OrganizationNotActivated):
            client.upsert_location(fx.locations()[0])
        with pytest.raises(OrganizationNotActivated):
            client.sync()
        assert len(emu.requests) == seen  # no further request
        assert client.outbox.stats()["PENDING"] == 2  # nothing lost
        assert client.status()["blocked"] == "PORTAL_ORG_NOT_ACTIVATED"  # type: ignore[index]
        assert not client.check_organization().active
        org = fx.org()
        emu.activate(tax_code=org.tax_code)
        assert client.check_organization().active
        report = client.sync()
        assert report.complete
        assert len(emu.records("location")) == 1


def test_sync_and_async_clients_send_the_same_requests(tmp_path: Path) -> None:
    def run_sync_client(emu: PortalEmulator, origin: str) -> None:
        with _client(emu, tmp_path / "s") as client:
            for name, args in _workload(emu, origin):
                getattr(client, name)(*args)

    async def run_async_client(emu: PortalEmulator, origin: str) -> None:
        transport = EmulatorTransport("http://127.0.0.1", org_tax_code=fx.org().tax_code)
        async with AsyncPortalClient(
            transport, outbox=tmp_path / "a" / "outbox.sqlite", channel=InProcessChannel(emu)
        ) as client:
            for name, args in _workload(emu, origin):
                await getattr(client, name)(*args)

    (tmp_path / "s").mkdir()
    (tmp_path / "a").mkdir()
    sequences = []
    for runner in ("sync", "async"):
        with PortalEmulator() as emu, emu.serve(port=0) as server:
            _register(emu)
            origin = "http://127.0.0.1:" + server.url.rsplit(":", 1)[1].split("/")[0]
            if runner == "sync":
                run_sync_client(emu, origin)
            else:
                asyncio.run(run_async_client(emu, origin))
            sequences.append(
                [
                    (r.method, re.sub(r"/capture/[0-9a-f]+", "/capture/{id}", r.path))
                    for r in emu.requests
                    if not r.path.startswith("/_admin/files")
                ]
            )
            assert emu.event_count() == len(fx.events())
    assert sequences[0] == sequences[1]
    assert len(sequences[0]) >= 8


def test_over_http_with_chain_media_certificate_and_export(tmp_path: Path) -> None:
    with PortalEmulator() as emu, emu.serve() as server, HttpxChannel() as channel:
        _register(emu)
        transport = EmulatorTransport(server.url, org_tax_code=fx.org().tax_code)
        with PortalClient(
            transport, outbox=Outbox(tmp_path / "o.sqlite"), channel=channel, profile=None
        ) as client:
            assert client.upsert_organization(fx.org()).done
            product = _product(emu, server.url)
            assert client.upsert_product(product).done
            for loc in fx.locations():
                assert client.upsert_location(loc).done
            chain = client.open_chain(product, fx.lots()[0])
            assert chain.entity_type == "chain"
            submission = client.submit_events(fx.events())
            assert submission.complete
            emu.add_file("ev.png", PNG, "image/png")
            image = emu.file_url("ev.png", origin=server.url)
            media = client.attach_media(("event", submission.ids[0]), {"url": image})
            assert media.entity_type == "media"
            cert = client.upload_certificate(fx.certificates()[0])
            assert cert.entity_type == "certificate"
            assert emu.event_count() == len(fx.events())
            out = client.export(tmp_path / "bundle")
            assert (out / "manifest.json").exists()
            with_epcs = [
                (i, list(getattr(e.to_epcis(), "epc_list", ())))
                for i, e in enumerate(fx.events())
                if getattr(e.to_epcis(), "epc_list", ())
            ]
            assert with_epcs
            index, epcs = with_epcs[0]
            events = client.query_trace(epcs[0])
            assert any(e.get("eventID") == submission.ids[index] for e in events)
            client.outbox.close()


def test_client_owns_its_default_channel_and_outbox() -> None:
    transport = EmulatorTransport("http://127.0.0.1")
    client = PortalClient(transport)
    assert client.outbox.path == ":memory:"
    assert "PortalClient('emulator'" in repr(client)
    client.close()

    async def main() -> None:
        async with AsyncPortalClient(transport) as aclient:
            assert aclient.status()["rows"]["PENDING"] == 0  # type: ignore[index]

    asyncio.run(main())
