"""Audits over a whole client workload: P-12 (secrets) and P-14 (loopback only).

P-12: with OAuth2 client credentials and with a bearer token refreshed after a 401, the
client secret and every token sent never appear in the DEBUG logs, in reprs, in exceptions,
in the outbox rows or in the bytes of the outbox's SQLite files.

P-14: a full client → emulator run over real HTTP opens sockets to 127.0.0.1 only (every
``connect`` is recorded, whatever the library making it).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tracelib.portal.auth import BearerWithRefresh, OAuth2ClientCredentials
from tracelib.portal.client import PortalClient
from tracelib.portal.drivers import HttpxChannel
from tracelib.portal.emulator import EmulatorServer, PortalEmulator
from tracelib.portal.errors import AuthError
from tracelib.portal.models import Product
from tracelib.portal.transport import Request, Response
from tracelib.portal.transports.emulator import EmulatorTransport

from . import fixtures as fx

SECRET = "Htx-Cl13nt-S3cr3t-audit-5c1e"
CLIENT_ID = "htx-cam-vinh"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class RecordingChannel(HttpxChannel):
    """An httpx channel that keeps every bearer token it sends (the tokens to look for)."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def send(self, request: Request) -> Response:
        value = request.header("Authorization") or ""
        if value.startswith("Bearer "):
            self.tokens.add(value.split(" ", 1)[1])
        return super().send(request)


def _product(emu: PortalEmulator, server: EmulatorServer) -> Product:
    emu.add_file("p0.png", PNG, "image/png")
    base = fx.products()[0].dump()
    base["images"] = [{"url": server.file_url("p0.png"), "media_type": "image/png"}]
    return Product.parse(base)


def _workload(client: PortalClient, emu: PortalEmulator, server: EmulatorServer) -> None:
    """Every kind of write, a token expiry in the middle, then status and a lookup."""
    assert client.upsert_organization(fx.org()).done
    assert client.upsert_product(_product(emu, server)).done
    emu.expire_tokens()  # the next request gets a 401: one refresh
    for location in fx.locations():
        assert client.upsert_location(location).done
    assert client.submit_events(fx.events()).complete
    assert client.sync().complete


def _sqlite_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _outbox_text(client: PortalClient) -> str:
    rows = list(client.outbox.iter_rows())
    assert len(rows) >= 5 + len(fx.events())
    parts = []
    for row in rows:
        parts += [repr(row), row.body.decode("utf-8", "replace"), str(row.error), str(row.job)]
    return "\n".join(parts)


def _assert_clean(blob: str, raw: bytes, tokens: set[str]) -> None:
    assert SECRET not in blob
    assert SECRET.encode() not in raw
    for token in tokens:
        assert token not in blob, "a token leaked into the text"
        assert token.encode() not in raw, "a token leaked into the SQLite file"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[tuple[PortalEmulator, EmulatorServer]]:
    with (
        PortalEmulator(tmp_path / "emulator.sqlite", clients={CLIENT_ID: SECRET}) as emu,
        emu.serve() as server,
    ):
        org = fx.org()
        emu.register_organization(
            tax_code=org.tax_code, gln=org.gln, name=org.name or "", active=True
        )
        yield emu, server


def _client(server: EmulatorServer, auth: Any, path: Path, channel: HttpxChannel) -> PortalClient:
    transport = EmulatorTransport(server.url, auth=auth, org_tax_code=fx.org().tax_code)
    return PortalClient(transport, outbox=path, auth=auth, channel=channel)


def test_p12_oauth2_workload_leaks_no_secret(
    portal: tuple[PortalEmulator, EmulatorServer], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emu, server = portal
    caplog.set_level(logging.DEBUG)
    auth = OAuth2ClientCredentials(server.url + "/connect/token", CLIENT_ID, SECRET)
    channel = RecordingChannel()
    outbox = tmp_path / "outbox.sqlite"
    texts: list[str] = []
    with _client(server, auth, outbox, channel) as client:
        _workload(client, emu, server)
        assert emu.token_requests == 2  # the first token, then one after the expiry
        texts += [repr(client), repr(client.transport), repr(auth), repr(client.outbox)]
        texts += [json.dumps(client.status(), default=str), _outbox_text(client)]
        wrong = OAuth2ClientCredentials(server.url + "/connect/token", CLIENT_ID, SECRET + "x")
        with (
            HttpxChannel() as other,
            _client(server, wrong, tmp_path / "wrong.sqlite", other) as refused,
            pytest.raises(AuthError) as info,
        ):
            refused.upsert_organization(fx.org())
        texts += [str(info.value), repr(info.value), json.dumps(info.value.raw, default=str)]
        texts += [repr(wrong), str(info.value.hint_en), str(info.value.hint_vi)]
    channel.close()
    assert len(channel.tokens) == 2
    texts += [caplog.text, *(str(r.args) for r in caplog.records)]
    assert any("httpx" in r.name or "tracelib" in r.name for r in caplog.records)
    raw = _sqlite_bytes(outbox) + _sqlite_bytes(tmp_path / "wrong.sqlite")
    assert b"Cam" in raw  # the scan reads the real rows
    _assert_clean("\n".join(texts), raw, channel.tokens)


def test_p12_bearer_refresh_workload_leaks_no_token(
    portal: tuple[PortalEmulator, EmulatorServer], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emu, server = portal
    caplog.set_level(logging.DEBUG)
    issued: list[str] = []

    def login() -> str:  # the SSO login a real caller would do (here: the emulator)
        answer = httpx.post(
            server.url + "/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": SECRET,
            },
        )
        token = str(answer.json()["access_token"])
        issued.append(token)
        return token

    refresh: Callable[[], str] = login
    auth = BearerWithRefresh(login(), refresh=refresh)
    channel = RecordingChannel()
    outbox = tmp_path / "outbox.sqlite"
    with _client(server, auth, outbox, channel) as client:
        _workload(client, emu, server)
        assert auth.refreshes == 1
        texts = [repr(client), repr(client.transport), repr(auth), repr(client.outbox)]
        texts += [json.dumps(client.status(), default=str), _outbox_text(client)]
        emu.expire_tokens()
        stale = BearerWithRefresh(issued[-1])  # no refresh: a 401 is an AuthError at once
        with (
            HttpxChannel() as other,
            _client(server, stale, tmp_path / "stale.sqlite", other) as refused,
            pytest.raises(AuthError) as info,
        ):
            refused.upsert_location(fx.locations()[0])
        texts += [str(info.value), repr(info.value), json.dumps(info.value.raw, default=str)]
        texts += [repr(stale)]
    channel.close()
    assert set(issued) == channel.tokens
    assert len(issued) == 2
    texts += [caplog.text, *(str(r.args) for r in caplog.records)]
    raw = _sqlite_bytes(outbox) + _sqlite_bytes(tmp_path / "stale.sqlite")
    _assert_clean("\n".join(texts), raw, set(issued))


def test_p14_a_full_run_connects_to_loopback_only(
    portal: tuple[PortalEmulator, EmulatorServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emu, server = portal
    peers: list[Any] = []
    real_connect = socket.socket.connect
    real_create = socket.create_connection

    def connect(self: socket.socket, address: Any) -> None:
        peers.append(address)
        real_connect(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        peers.append(address)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    auth = OAuth2ClientCredentials(server.url + "/connect/token", CLIENT_ID, SECRET)
    with HttpxChannel() as channel, _client(server, auth, tmp_path / "o.sqlite", channel) as client:
        _workload(client, emu, server)  # includes the emulator fetching the product image
        assert client.query_trace(fx.events()[0].product_trace_codes[0]) is not None
    monkeypatch.undo()
    hosts = {str(peer[0]) for peer in peers if isinstance(peer, tuple)}
    assert len(peers) >= 2  # the client's connections and the emulator's image fetch
    assert hosts == {"127.0.0.1"}, peers
    assert all(isinstance(peer, tuple) for peer in peers), peers
