"""P-10 (nbc-v5 from the profile only) and the emulator transport, end to end (P-6 faults)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracelib import epcis
from tracelib.portal.auth import NoAuth, OAuth2ClientCredentials
from tracelib.portal.drivers import CallableChannel, HttpxChannel, InProcessChannel, run_sync
from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.errors import (
    AuthError,
    OrganizationNotActivated,
    PortalError,
    RateLimited,
    TransientError,
)
from tracelib.portal.models import Media, Product, TraceChain
from tracelib.portal.profile import NbcProfile
from tracelib.portal.transport import Item, Outcome, Request, Response, Transport
from tracelib.portal.transports.emulator import EmulatorTransport
from tracelib.portal.transports.nbc_v5 import NbcV5Transport

from . import fixtures


@pytest.fixture
def emu() -> Iterator[PortalEmulator]:
    with PortalEmulator() as emulator:
        yield emulator


def item(entity: str, model: object, *, depends: tuple[tuple[str, str], ...] = ()) -> Item:
    if entity == "event":
        body = epcis.to_jsonld(model.to_epcis()).encode()  # type: ignore[attr-defined]
    else:
        body = model.canonical_json()  # type: ignore[attr-defined]
    return Item(entity, model.internal_id(), body, depends_on=depends)  # type: ignore[arg-type, attr-defined]


def product_with_local_image(emu: PortalEmulator, origin: str) -> Product:
    emu.add_file("cam.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    url = emu.file_url("cam.png", origin=origin)
    base = fixtures.products()[0]
    return Product.parse({**base.dump(), "images": [{"url": url}]})


def run_chain(
    transport: Transport, channel: CallableChannel | HttpxChannel, emu: PortalEmulator, origin: str
) -> dict[str, list[Outcome]]:
    org = fixtures.org()
    emu.activate(org.tax_code, name=org.name)
    product = product_with_local_image(emu, origin)
    p_item = item("product", product)
    chain = TraceChain(production_order_ref="LSX-2025-001")
    c_item = item("chain", chain, depends=(("product", p_item.id),))
    events = [item("event", e, depends=(("chain", c_item.id),)) for e in fixtures.events()]
    plan: list[tuple[str, list[Item]]] = [
        ("organization", [item("organization", org)]),
        ("product", [p_item]),
        ("location", [item("location", loc) for loc in fixtures.locations()]),
        ("chain", [c_item]),
        ("event", events),
    ]
    results: dict[str, list[Outcome]] = {}
    for entity, items in plan:
        sent = run_sync(transport.send(entity, items), channel)  # type: ignore[arg-type]
        results[entity] = run_sync(transport.confirm(entity, sent), channel)  # type: ignore[arg-type]
    return results


def test_refuses_without_experimental_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(PortalError) as info:
        NbcV5Transport()
    assert info.value.code == "PORTAL_EXPERIMENTAL"
    with pytest.raises(PortalError):
        NbcV5Transport(experimental="yes")  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="tracelib.portal"):
        NbcV5Transport(experimental=True, auth=NoAuth())
    assert any(
        "EXPERIMENTAL" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records
    )


def test_org_product_location_chain_events_confirm_against_the_nbc_face(
    emu: PortalEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    with emu.serve() as server, HttpxChannel() as channel:
        with caplog.at_level(logging.WARNING):
            transport = NbcV5Transport(
                experimental=True,
                base_url=server.url,
                auth=NoAuth(),
                org_tax_code=fixtures.org().tax_code,
            )
        results = run_chain(transport, channel, emu, server.url)
    states = {k: [o.state for o in v] for k, v in results.items()}
    assert states["organization"] == ["CONFIRMED"]
    assert states["product"] == ["CONFIRMED"], results["product"]
    assert states["location"] == ["CONFIRMED"] * 3, results["location"]
    assert states["chain"] == ["CONFIRMED"], results["chain"]
    stages = NbcProfile.load().stages
    expected = ["CONFIRMED" if e.stage in stages else "FAILED" for e in fixtures.events()]
    assert expected.count("CONFIRMED") >= 4
    assert states["event"] == expected, results["event"]
    for outcome, event in zip(results["event"], fixtures.events(), strict=True):
        if event.stage not in stages:  # said, not dropped: the profile maps no event type
            assert outcome.error is not None
            assert "maps no event type" in outcome.error
    assert len(emu.records("product")) == 1
    assert len(emu.records("location")) == 3
    events = emu.records("event")
    assert len(events) == expected.count("CONFIRMED")
    codes = {e.get("maTruyVet") for e in events}
    assert len(codes) == 1  # one chain: the first event created it
    assert all(e.get("trangThai") == "CONFIRMED" for e in events)
    assert results["event"][0].data.get("trace_code") in codes


def test_p10_changing_the_profile_changes_the_request(tmp_path: Path) -> None:
    import importlib.resources

    original = (
        importlib.resources.files("tracelib.portal")
        .joinpath("_data/nbc-v5.toml")
        .read_text(encoding="utf-8")
    )
    edited = original.replace(
        'path = "/tochuc/v5/ToChuc_SanPham" }', 'path = "/api/v9/SanPhamMoi" }', 1
    )
    edited = edited.replace('gtin = "gtinCode"', 'gtin = "maGTIN"', 1)
    edited = edited.replace('name = "ten"\ngtin', 'name = "tenSanPham"\ngtin', 1)
    assert edited != original
    path = tmp_path / "nbc-v6.toml"
    path.write_text(edited, encoding="utf-8")
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(200, content=b'{"id": "p-1", "trangThai": 1}')

    product = Item("product", "p1", b'{"gtin":"08935049500568","name":"Cam Vinh"}')
    for profile in (None, path):
        transport = NbcV5Transport(
            profile, experimental=True, base_url="http://portal.test", auth=NoAuth(), warn=False
        )
        done = run_sync(transport.send("product", [product]), CallableChannel(handler))
        assert done[0].state == "CONFIRMED"
    default, custom = (json.loads(r.content or b"{}") for r in seen)
    assert seen[0].url == "http://portal.test/tochuc/v5/ToChuc_SanPham"
    assert seen[1].url == "http://portal.test/api/v9/SanPhamMoi"
    assert default["gtinCode"] == "08935049500568"
    assert custom["maGTIN"] == "08935049500568"
    assert "gtinCode" not in custom
    assert custom.get("tenSanPham") == "Cam Vinh" or custom.get("ten") == "Cam Vinh"


def test_emulator_transport_in_process(emu: PortalEmulator) -> None:
    transport = EmulatorTransport("http://emulator", org_tax_code=fixtures.org().tax_code)
    results = run_chain(transport, InProcessChannel(emu), emu, "http://emulator")
    assert all(o.state == "CONFIRMED" for v in results.values() for o in v), results
    assert emu.event_count() == len(fixtures.events())
    again = run_sync(
        transport.lookup("event", [item("event", e) for e in fixtures.events()]),
        InProcessChannel(emu),
    )
    assert len(again) == len(fixtures.events())


def test_org_not_activated_raises_and_stops(emu: PortalEmulator) -> None:
    transport = EmulatorTransport("http://emulator")
    emu.register_organization(fixtures.org().tax_code, name="HTX", active=False)
    with pytest.raises(OrganizationNotActivated):
        run_sync(
            transport.send("organization", [item("organization", fixtures.org())]),
            InProcessChannel(emu),
        )
    fresh = PortalEmulator()
    try:
        with pytest.raises(OrganizationNotActivated):
            run_sync(
                transport.send("organization", [item("organization", fixtures.org())]),
                InProcessChannel(fresh),
            )
    finally:
        fresh.close()


def test_p6_portal_faults_to_typed_errors_and_outcomes(emu: PortalEmulator) -> None:
    channel = InProcessChannel(emu)
    org = fixtures.org()
    emu.activate(org.tax_code, name=org.name)
    transport = EmulatorTransport("http://emulator", org_tax_code=org.tax_code)
    product = product_with_local_image(emu, "http://emulator")
    p_item = item("product", product)

    emu.inject("http_503", times=1)
    with pytest.raises(TransientError):
        run_sync(transport.send("product", [p_item]), channel)
    emu.inject("http_429", times=1, retry_after=4)
    with pytest.raises(RateLimited) as limited:
        run_sync(transport.send("product", [p_item]), channel)
    assert limited.value.retry_after == 4.0
    emu.inject("reset", times=1)
    with pytest.raises(TransientError):
        run_sync(transport.send("product", [p_item]), channel)
    emu.inject("err_sys_dev", times=1)
    done = run_sync(transport.send("product", [p_item]), channel)
    assert done[0].state == "FAILED"
    assert done[0].error is not None
    assert done[0].error.startswith("PORTAL_BUG")
    assert done[0].data["raw"]["error"] == "ERR_SYS_DEV"  # the raw payload, for support
    assert "debugMessage" in done[0].data["raw"]
    emu.inject("image_unfetchable", times=1)
    done = run_sync(transport.send("product", [p_item]), channel)
    assert done[0].error is not None
    assert done[0].error.startswith("PORTAL_MEDIA_FETCH")
    emu.inject("gtin_rejected", times=1)
    done = run_sync(transport.send("product", [p_item]), channel)
    assert done[0].error is not None
    assert done[0].error.startswith("PORTAL_IDENTIFIER")
    emu.inject("org_not_activated", times=1)
    with pytest.raises(OrganizationNotActivated):
        run_sync(transport.send("product", [p_item]), channel)
    # lost after commit: the create happened; the resend is a duplicate, reconciled
    emu.inject("lost", times=1)
    with pytest.raises(TransientError):
        run_sync(transport.send("product", [p_item]), channel)
    done = run_sync(transport.send("product", [p_item]), channel)
    assert done[0].state == "CONFIRMED"
    assert done[0].duplicate
    assert len(emu.records("product")) == 1
    found = run_sync(transport.lookup("product", [p_item]), channel)
    assert set(found) == {p_item.id}


def test_p6_token_expiry_refreshes_once_then_auth_error() -> None:
    secret = "emu-secret-77"
    with PortalEmulator(clients={"htx": secret}) as emu, emu.serve() as server:
        org = fixtures.org()
        emu.activate(org.tax_code, name=org.name)
        auth = OAuth2ClientCredentials(server.url + "/connect/token", "htx", secret)
        transport = NbcV5Transport(experimental=True, base_url=server.url, auth=auth, warn=False)
        with HttpxChannel() as channel:
            done = run_sync(transport.send("organization", [item("organization", org)]), channel)
            assert done[0].state == "CONFIRMED"
            emu.expire_tokens()
            done = run_sync(transport.send("organization", [item("organization", org)]), channel)
            assert done[0].state == "CONFIRMED"
            assert emu.token_requests == 2
            wrong = OAuth2ClientCredentials(server.url + "/connect/token", "htx", "nope")
            bad = NbcV5Transport(experimental=True, base_url=server.url, auth=wrong, warn=False)
            with pytest.raises(AuthError):
                run_sync(bad.send("organization", [item("organization", org)]), channel)


def test_media_and_certificates(emu: PortalEmulator) -> None:
    channel = InProcessChannel(emu)
    transport = EmulatorTransport("http://emulator")
    emu.add_file("proof.png", b"\x89PNG\r\n\x1a\n" + b"1" * 16)
    media = Media(url=emu.file_url("proof.png", origin="http://emulator"))
    sent = run_sync(transport.send("media", [item("media", media)]), channel)
    assert sent[0].state == "CONFIRMED", sent
    cert = fixtures.certificates()[0]
    c_item = item("certificate", cert)
    sent = run_sync(transport.send("certificate", [c_item]), channel)
    done = run_sync(transport.confirm("certificate", sent), channel)
    assert done[0].state == "CONFIRMED", (sent, done)
    again = run_sync(transport.send("certificate", [c_item]), channel)
    assert again[0].duplicate
