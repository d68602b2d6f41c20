"""Catalogues (danh mục): ``catalogs()``, ``get_catalog(key)``, ``sync_catalogs()`` against the
emulator (over loopback HTTP and in-process), P-10 (profile-driven names), P-6 (5xx, auth),
P-13 (sync and async send the same requests) and the wire parser's robustness."""

from __future__ import annotations

import asyncio
import importlib.resources
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracelib.errors import InputError, TracelibError
from tracelib.portal._emulator_data import CATALOGUES, PROVINCES, WARDS
from tracelib.portal.auth import NoAuth, OAuth2ClientCredentials
from tracelib.portal.client import AsyncPortalClient, Catalog, CatalogEntry, PortalClient
from tracelib.portal.drivers import CallableChannel, HttpxChannel, InProcessChannel, run_sync
from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.errors import AuthError, PortalBug, PortalError, TransientError
from tracelib.portal.profile import NbcProfile
from tracelib.portal.transport import Request, Response
from tracelib.portal.transports._catalog import parse_catalog
from tracelib.portal.transports.emulator import EmulatorTransport
from tracelib.portal.transports.nbc_v5 import NbcV5Transport

PROFILE = NbcProfile.load()
KEYS = (*PROFILE.catalogues, "provinces", "wards")


@pytest.fixture
def emu() -> Iterator[PortalEmulator]:
    with PortalEmulator() as emulator:
        yield emulator


def client_for(emu: PortalEmulator, base_url: str = "http://emulator", **kw: Any) -> PortalClient:
    return PortalClient(
        EmulatorTransport(base_url, **kw), channel=InProcessChannel(emu), profile=None
    )


def codes(entries: tuple[CatalogEntry, ...]) -> list[Any]:
    """The codes of a tree, nested: ``[code, [children...]]``."""
    return [[e.code, codes(e.children)] for e in entries]


def expected_rows(key: str) -> tuple[tuple[str, str, str, str | None], ...]:
    return {"provinces": PROVINCES, "wards": WARDS}.get(key) or CATALOGUES.get(key, ())


def nbc_requests(emu: PortalEmulator) -> list[tuple[str, str, str]]:
    return [(r.method, r.path, r.query) for r in emu.requests if r.face == "nbc"]


# ---- every key ----------------------------------------------------------------------------


@pytest.mark.parametrize("over", ["http", "in-process"])
def test_sync_catalogs_fetches_every_key_once(emu: PortalEmulator, over: str) -> None:
    def check(client: PortalClient) -> None:
        assert client.catalogs() == KEYS
        assert len(emu.requests) == 0  # the keys come from the profile
        found = client.sync_catalogs()
        assert tuple(found) == KEYS
        for key, catalog in found.items():
            rows = expected_rows(key)
            assert catalog.key == key
            assert not catalog.tree
            assert [(e.id, e.code, e.name, e.parent_id) for e in catalog.flat()] == list(rows)
            assert len(catalog) == len(rows)
        paths = [path for _, path, _ in nbc_requests(emu)]
        assert paths == [f"/tochuc/v5/DanhMuc/{k}" for k in PROFILE.catalogues] + [
            "/tochuc/v5/Provinces",
            "/tochuc/v5/Wards",
        ]

    if over == "http":
        with emu.serve() as server, HttpxChannel() as channel:
            transport = EmulatorTransport(server.url)
            with PortalClient(transport, channel=channel, profile=None) as client:
                check(client)
    else:
        with client_for(emu) as client:
            check(client)


def test_nbc_v5_transport_fetches_catalogues_over_http(emu: PortalEmulator) -> None:
    with emu.serve() as server, HttpxChannel() as channel:
        transport = NbcV5Transport(
            experimental=True, base_url=server.url, auth=NoAuth(), warn=False
        )
        with PortalClient(transport, channel=channel, profile=None) as client:
            wards = client.get_catalog("wards", parent="p-40")
            trees = client.sync_catalogs(tree=True)
    assert [e.code for e in wards] == ["4001", "4002"]
    assert all(e.parent_id == "p-40" for e in wards)
    assert nbc_requests(emu)[0] == ("GET", "/tochuc/v5/Wards", "provinceIdRoot=p-40")
    assert trees["nganhHang"].tree
    assert trees["quyCachDongGoi"].tree
    assert not trees["provinces"].tree  # provinces and wards are flat lists
    assert ("GET", "/tochuc/v5/DanhMuc/nganhHang", "dangCay=true") in nbc_requests(emu)


# ---- tree ---------------------------------------------------------------------------------


def test_tree_catalogue_structure_preserved(emu: PortalEmulator) -> None:
    with client_for(emu) as client:
        tree = client.get_catalog("nganhHang", tree=True)
        flat = client.get_catalog("nganhHang")
    assert tree.tree
    assert not flat.tree
    shape = [
        ["NONG_SAN", [["TRAI_CAY", [["CAM_QUYT", []]]], ["LUA_GAO", []]]],
        ["THUY_SAN", [["TOM", []]]],
    ]
    assert codes(tree.entries) == shape  # as received
    assert codes(flat.entries) == [[e[1], []] for e in CATALOGUES["nganhHang"]]
    assert codes(flat.roots()) == shape  # built from the parent ids
    assert flat.roots() == tree.roots() == tree.entries
    assert flat.flat() == tree.flat() == flat.entries
    assert tree.get("TRAI_CAY").parent_id == "nh-1"
    assert [e.code for e in tree.get("TRAI_CAY").children] == ["CAM_QUYT"]
    assert tree.label("CAM_QUYT") == "Nông sản > Trái cây > Cam, quýt"
    assert [e.code for e in flat.path("TOM")] == ["THUY_SAN", "TOM"]
    assert "CAM_QUYT" in flat
    assert "NOPE" not in flat
    with pytest.raises(InputError) as info:
        flat.get("NOPE")
    assert info.value.code == "PORTAL_CATALOG_UNKNOWN_CODE"
    dumped = tree.dump()
    assert dumped["tree"] is True
    assert dumped["entries"][0]["children"][0]["code"] == "TRAI_CAY"
    assert repr(tree) == "Catalog('nganhHang', 6 entries, tree)"


# ---- P-10: the profile gives paths and names ------------------------------------------------


def edited_profile(tmp_path: Path) -> Path:
    text = (
        importlib.resources.files("tracelib.portal")
        .joinpath("_data/nbc-v5.toml")
        .read_text(encoding="utf-8")
    )
    head, sep, rest = text.partition("[fields.catalogue]")
    section, sep2, tail = rest.partition("\n\n")
    section = (
        section.replace('code = "ma"', 'code = "maDanhMuc"')
        .replace('name = "ten"', 'name = "tenDanhMuc"')
        .replace('children = "con"', 'children = "danhMucCon"')
        .replace('tree = "dangCay"', 'tree = "cay"')
    )
    edited = head + sep + section + sep2 + tail
    edited = edited.replace(
        'catalogue = { method = "GET", path = "/tochuc/v5/DanhMuc/{key}" }',
        'catalogue = { method = "GET", path = "/api/v9/DM/{key}" }',
    ).replace('  "maHsPhanBon",\n]', '  "maHsPhanBon",\n  "congViec",\n]')
    assert edited.count("maDanhMuc") == 1
    assert "/api/v9/DM/{key}" in edited
    assert '"congViec"' in edited
    assert 'tree = "cay"' in edited
    path = tmp_path / "nbc-v9.toml"
    path.write_text(edited, encoding="utf-8")
    return path


def test_p10_edited_profile_changes_paths_and_names(tmp_path: Path) -> None:
    path = edited_profile(tmp_path)
    seen: list[Request] = []
    wire = (
        b'[{"id": "1", "maDanhMuc": "A", "tenDanhMuc": "a",'
        b' "danhMucCon": [{"id": "2", "maDanhMuc": "B", "tenDanhMuc": "b"}]}]'
    )

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(200, content=wire)

    transport = NbcV5Transport(
        path, experimental=True, base_url="http://portal.test", auth=NoAuth(), warn=False
    )
    assert "congViec" in transport.catalog_keys()
    got = run_sync(transport.catalog("nganhHang", tree=True), CallableChannel(handler))
    assert seen[0].url == "http://portal.test/api/v9/DM/nganhHang?cay=true"
    assert codes(got.entries) == [["A", [["B", []]]]]
    assert got.entries[0].children[0].parent_id == "1"
    # the default names are no longer read: a reply with them is refused, not guessed
    wire = b'[{"id": "1", "ma": "A", "ten": "a"}]'
    with pytest.raises(PortalBug) as info:
        run_sync(transport.catalog("nganhHang"), CallableChannel(handler))
    assert info.value.code == "PORTAL_CATALOG_BAD_REPLY"
    assert "maDanhMuc" in info.value.message
    assert "/api/v9/DM/nganhHang" in str(info.value.endpoint)


def test_p10_edited_profile_against_the_emulator(tmp_path: Path) -> None:
    path = edited_profile(tmp_path)
    with PortalEmulator(profile=path) as emu, emu.serve() as server, HttpxChannel() as channel:
        transport = EmulatorTransport(server.url, profile=path)
        with PortalClient(transport, channel=channel, profile=None) as client:
            found = client.sync_catalogs(tree=True)
        assert "congViec" in found  # listed by the profile
        assert len(found["congViec"]) == 0
        assert codes(found["quyCachDongGoi"].entries) == [
            ["THUNG", [["THUNG_10KG", []]]],
            ["TUI", []],
        ]
        requests = nbc_requests(emu)
    assert ("GET", "/api/v9/DM/nganhHang", "cay=true") in requests
    assert not any(p.startswith("/tochuc/v5/DanhMuc") for _, p, _ in requests)


# ---- refusals before any request ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["congViec", "", "NGANHHANG", None, 42, b"nganhHang", "🍊"])
def test_unknown_key_refused_before_any_request(emu: PortalEmulator, key: Any) -> None:
    with client_for(emu) as client, pytest.raises(InputError) as info:
        client.get_catalog(key)
    assert info.value.code == "PORTAL_CATALOG_UNKNOWN_KEY"
    assert len(emu.requests) == 0

    def refuse(request: Request) -> Response:
        raise AssertionError(f"no request expected, got {request.url}")

    transport = NbcV5Transport(experimental=True, base_url="http://h", warn=False)
    with pytest.raises(InputError):
        transport.catalog(key)  # at call time, before a flow exists
    channel = CallableChannel(refuse)
    with (
        PortalClient(transport, channel=channel, profile=None) as client,
        pytest.raises(InputError) as again,
    ):
        client.get_catalog(key)
    assert again.value.code == "PORTAL_CATALOG_UNKNOWN_KEY"


def test_parent_only_for_wards(emu: PortalEmulator) -> None:
    with client_for(emu) as client, pytest.raises(InputError) as info:
        client.get_catalog("nganhHang", parent="p-40")
    assert info.value.code == "PORTAL_CATALOG_BAD_OPTION"
    assert len(emu.requests) == 0


def test_transport_without_catalogues_is_unsupported(tmp_path: Path) -> None:
    from tracelib.portal.transports.export import ExportTransport

    with PortalClient(ExportTransport(tmp_path), profile=None) as client:
        for call in (client.catalogs, client.sync_catalogs, lambda: client.get_catalog("x")):
            with pytest.raises(PortalError) as info:
                call()
            assert info.value.code == "PORTAL_UNSUPPORTED"


# ---- P-6: faults and auth --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["http_500", "http_503", "reset"])
def test_server_failure_is_transient(emu: PortalEmulator, kind: str) -> None:
    with (
        emu.serve() as server,
        HttpxChannel() as channel,
        PortalClient(EmulatorTransport(server.url), channel=channel, profile=None) as client,
    ):
        emu.inject(kind, times=1)  # type: ignore[arg-type]
        with pytest.raises(TransientError) as info:
            client.get_catalog("vungTrong")
        assert info.value.retryable
        assert len(client.get_catalog("vungTrong")) == 2  # the next try succeeds
        emu.inject(kind, times=1, path="/tochuc/v5/Provinces")  # type: ignore[arg-type]
        with pytest.raises(TransientError):
            client.sync_catalogs()


def test_auth_through_the_token_endpoint() -> None:
    secret = "catalogue-secret-42"
    with PortalEmulator(clients={"htx": secret}) as emu, emu.serve() as server:
        auth = OAuth2ClientCredentials(server.url + "/connect/token", "htx", secret)
        with HttpxChannel() as channel:
            transport = EmulatorTransport(server.url, auth=auth)
            with PortalClient(transport, channel=channel, auth=auth, profile=None) as client:
                assert len(client.sync_catalogs()) == len(KEYS)
                assert emu.token_requests == 1  # one token for every request
                assert all(r.status == 200 for r in emu.requests)
                emu.expire_tokens()
                assert len(client.get_catalog("nhomThiTruong")) == 2  # one refresh on 401
                assert emu.token_requests == 2
            wrong = OAuth2ClientCredentials(server.url + "/connect/token", "htx", "nope")
            bad = EmulatorTransport(server.url, auth=wrong)
            with (
                PortalClient(bad, channel=channel, profile=None) as client,
                pytest.raises(AuthError) as info,
            ):
                client.get_catalog("nganhHang")
            assert secret not in repr(info.value)
            assert secret not in str(info.value.raw)
            anonymous = EmulatorTransport(server.url)
            with (
                PortalClient(anonymous, channel=channel, profile=None) as client,
                pytest.raises(AuthError),  # no token at all
            ):
                client.get_catalog("nganhHang")


# ---- P-13 ---------------------------------------------------------------------------------------


def test_p13_sync_and_async_clients_send_the_same_requests() -> None:
    async def run_async(emu: PortalEmulator, url: str) -> dict[str, Catalog]:
        async with AsyncPortalClient(EmulatorTransport(url), profile=None) as client:
            await client.get_catalog("wards", parent="p-01")
            return await client.sync_catalogs(tree=True)

    sequences, results = [], []
    for runner in ("sync", "async"):
        with PortalEmulator() as emu, emu.serve() as server:
            if runner == "sync":
                with (
                    HttpxChannel() as channel,
                    PortalClient(
                        EmulatorTransport(server.url), channel=channel, profile=None
                    ) as client,
                ):
                    client.get_catalog("wards", parent="p-01")
                    results.append(client.sync_catalogs(tree=True))
            else:
                results.append(asyncio.run(run_async(emu, server.url)))
            sequences.append(nbc_requests(emu))
    assert sequences[0] == sequences[1]
    assert len(sequences[0]) == 1 + len(KEYS)
    assert results[0] == results[1]


# ---- the wire parser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "code", "where"),
    [
        ({"ma": "A"}, "PORTAL_CATALOG_BAD_REPLY", "at $"),
        ([1], "PORTAL_CATALOG_BAD_REPLY", "at $[0]"),
        ([{"ma": "A"}], "PORTAL_CATALOG_BAD_REPLY", "at $[0].ten"),
        ([{"ma": True, "ten": "a"}], "PORTAL_CATALOG_BAD_REPLY", "at $[0].ma"),
        ([{"ma": "A", "ten": ["a"]}], "PORTAL_CATALOG_BAD_REPLY", "at $[0].ten"),
        ([{"ma": "A", "ten": "a", "con": {"x": 1}}], "PORTAL_CATALOG_BAD_REPLY", "at $[0].con"),
        (
            [{"id": "1", "ma": "A", "ten": "a", "con": [{"ma": "B", "ten": "b", "idCha": "9"}]}],
            "PORTAL_CATALOG_BAD_TREE",
            "at $[0].con[0].idCha",
        ),
        (
            [{"id": "1", "ma": "A", "ten": "a"}, {"id": "1", "ma": "B", "ten": "b"}],
            "PORTAL_CATALOG_DUPLICATE",
            "at $[1]",
        ),
        (
            [{"ma": "A", "ten": "a", "idCha": "B"}, {"ma": "B", "ten": "b", "idCha": "A"}],
            "PORTAL_CATALOG_CYCLE",
            "at $[0]",
        ),
    ],
)
def test_malformed_replies_are_typed_errors_with_a_path(wire: Any, code: str, where: str) -> None:
    with pytest.raises(PortalBug) as info:
        parse_catalog("nganhHang", wire, PROFILE, endpoint="GET /tochuc/v5/DanhMuc/nganhHang")
    assert info.value.code == code
    assert where in info.value.message
    assert info.value.raw == wire  # kept for support


def test_unmapped_members_kept_and_orphans_stay_on_top() -> None:
    wire = [
        {"id": 7, "ma": 40, "ten": "Nghệ An", "ghiChu": "x", "trangThai": 1},
        {"id": "8", "ma": "4001", "ten": "Vinh", "idCha": "missing"},
    ]
    catalog = parse_catalog("provinces", wire, PROFILE)
    first, _ = catalog.entries
    assert (first.id, first.code) == ("7", "40")
    assert dict(first.extra) == {"ghiChu": "x", "status": 1}  # status: a [fields.common] name
    assert [e.code for e in catalog.roots()] == ["40", "4001"]
    assert catalog.roots()[1].parent_id == "missing"  # kept, not dropped or fixed
    assert parse_catalog("x", [], PROFILE) == Catalog("x", ())


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "ma", "ten", "idCha", "con", "z"]), inner, max_size=5
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_junk_replies_never_raise_foreign_exceptions(data: Any) -> None:
    caught: TracelibError | None = None
    try:
        catalog = parse_catalog("k", data, PROFILE)
    except TracelibError as exc:
        caught = exc
    if caught is not None:
        assert isinstance(caught, PortalBug)
        assert caught.code.startswith("PORTAL_CATALOG_")
    else:
        assert isinstance(catalog, Catalog)
        assert len(catalog.flat()) == len(catalog)


@st.composite
def forests(draw: st.DrawFn) -> list[tuple[str | None, str, str, int | None]]:
    """``(id, code, name, parent index)`` rows; a parent comes before its children."""
    size = draw(st.integers(0, 12))
    rows = []
    for i in range(size):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        has_id = draw(st.booleans())
        name = draw(st.text(min_size=1, max_size=6))
        rows.append((f"id-{i}" if has_id else None, f"C{i}", name, parent))
    return rows


@settings(max_examples=100, deadline=None)
@given(forests())
def test_flat_and_tree_replies_give_the_same_catalogue(
    rows: list[tuple[str | None, str, str, int | None]],
) -> None:
    def ref(i: int) -> str:
        entry_id, code, _, _ = rows[i]
        return entry_id if entry_id is not None else code

    def wire(i: int, *, nested: bool) -> dict[str, Any]:
        entry_id, code, name, parent = rows[i]
        obj: dict[str, Any] = {"ma": code, "ten": name}
        if entry_id is not None:
            obj["id"] = entry_id
        if parent is not None:
            obj["idCha"] = ref(parent)
        if nested:
            obj["con"] = [wire(j, nested=True) for j, row in enumerate(rows) if row[3] == i]
        return obj

    flat = parse_catalog("k", [wire(i, nested=False) for i in range(len(rows))], PROFILE)
    tree = parse_catalog(
        "k", [wire(i, nested=True) for i, row in enumerate(rows) if row[3] is None], PROFILE
    )
    assert len(flat) == len(tree) == len(rows)
    assert flat.roots() == tree.roots()
    assert sorted(flat.flat(), key=lambda e: e.code) == sorted(tree.flat(), key=lambda e: e.code)
    for i, (_, code, _, parent) in enumerate(rows):
        path = [e.code for e in tree.path(code)]
        expected = [code]
        while parent is not None:
            expected.insert(0, rows[parent][1])
            parent = rows[parent][3]
        assert path == expected, i
