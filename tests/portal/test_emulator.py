"""The emulator's nbc-v5 face over real HTTP (httpx on loopback): every route."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tracelib.errors import InputError
from tracelib.gs1 import gln as gs1_gln
from tracelib.gs1 import gtin as gs1_gtin
from tracelib.portal.emulator import PortalEmulator
from tracelib.portal.profile import NbcProfile
from tracelib.portal.testing import PNG_PIXEL, LiveEmulator, emulator, emulator_fixture
from tracelib.portal.transport import Request

P = NbcProfile.load()
SSL = ssl.create_default_context()  # one context for every client (creating one is slow)
TAX = "2900325526"
ORG_GLN = gs1_gln.validate("893000000002" + gs1_gln.calc_check_digit("893000000002"))


def gtin(n: int) -> str:
    body = f"893{n:09d}"
    return body + gs1_gtin.calc_check_digit(body)


def gln(n: int) -> str:
    body = f"8931{n:08d}"
    return body + gs1_gln.calc_check_digit(body)


def bad_check_digit(key: str) -> str:
    return key[:-1] + str((int(key[-1]) + 1) % 10)


@pytest.fixture
def portal() -> Iterator[LiveEmulator]:
    with emulator(activate=[TAX], files={"cam.png": PNG_PIXEL}) as running:
        yield running


@pytest.fixture
def http(portal: LiveEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal.url, timeout=10, verify=SSL) as client:
        yield client


def path(op: str, **params: str) -> str:
    return P.endpoint(op).format(**params)


def product_body(portal: LiveEmulator, n: int = 1, **extra: Any) -> dict[str, Any]:
    body = {
        "ten": "Cam Vinh",
        "gtinCode": gtin(n),
        "donViTinh": "kg",
        "xuatXu": "VN",
        "moTa": "Cam xã Đoài",
        "hinhAnh": [portal.file_url("cam.png")],
        "khoiLuongTinh": 1.5,
        "maSoThue": TAX,
    }
    body.update(extra)
    return body


def create_product(http: httpx.Client, portal: LiveEmulator, n: int = 1) -> dict[str, Any]:
    answer = http.post(path("create_product"), json=product_body(portal, n))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def create_location(http: httpx.Client, n: int = 1) -> dict[str, Any]:
    answer = http.post(
        path("create_location"),
        json={"glnCode": gln(n), "ten": "Kho Vinh", "loaiDiaDiem": "KHO", "provinceId": "40"},
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


# ---- token ---------------------------------------------------------------------------------


def test_token_endpoint_with_expiry_and_clients() -> None:
    now = [1000.0]
    with (
        emulator(clients={"htx": "s3cr3t"}, token_ttl=60, clock=lambda: now[0]) as portal,
        httpx.Client(base_url=portal.url, verify=SSL) as http,
    ):
        form = {"grant_type": "client_credentials", "client_id": "htx", "client_secret": "s3cr3t"}
        token = http.post(path("token"), data=form)
        assert token.status_code == 200
        assert token.json()["expires_in"] == 60
        assert token.headers["Cache-Control"] == "no-store"
        bearer = {"Authorization": "Bearer " + token.json()["access_token"]}
        assert http.get(path("provinces")).status_code == 401  # token required
        assert http.get(path("provinces"), headers=bearer).status_code == 200
        assert http.get(path("provinces"), headers={"Authorization": "Bearer x"}).status_code == 401
        now[0] += 61
        expired = http.get(path("provinces"), headers=bearer)
        assert expired.status_code == 401
        assert expired.json() == {"error": "Unauthorized", "message": "Unauthorized"}
        assert P.classify(expired.text) is None  # plain 401: the status decides (AuthError)
        wrong = http.post(path("token"), data={**form, "client_secret": "nope"})
        assert wrong.status_code == 401
        grant = http.post(path("token"), data={**form, "grant_type": "password"})
        assert grant.status_code == 400
        basic = http.post(
            path("token"), data={"grant_type": "client_credentials"}, auth=("htx", "s3cr3t")
        )
        assert basic.status_code == 200
        assert portal.token_requests == 4
        # secrets never kept in the request log
        logged = [r for r in portal.requests if r.op == "token"]
        assert logged
        assert all(r.body == b"" and b"s3cr3t" not in r.body for r in logged)


def test_open_token_endpoint_and_manual_expiry(portal: LiveEmulator, http: httpx.Client) -> None:
    answer = http.post(
        path("token"),
        json={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    )
    assert answer.status_code == 200
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    assert http.get(path("provinces")).status_code == 200  # tokens optional without clients
    assert http.get(path("provinces"), headers=bearer).status_code == 200
    assert http.post("/_admin/expire-tokens").status_code == 204
    assert http.get(path("provinces"), headers=bearer).status_code == 401


# ---- organisations and products ---------------------------------------------------------------


def test_organization_lookup(portal: LiveEmulator, http: httpx.Client) -> None:
    portal.register_organization(gln=ORG_GLN, name="HTX chưa kích hoạt")
    by_tax = http.get(path("get_organization"), params={"maSoThue": TAX})
    assert by_tax.status_code == 200
    assert by_tax.json()["trangThai"] == 1
    assert by_tax.json()["idToChucHoSo"]
    by_gln = http.get(path("get_organization"), params={"glnCode": ORG_GLN})
    assert by_gln.json()["trangThai"] == 0
    assert http.get(path("get_organization"), params={"maSoThue": "000"}).status_code == 404
    assert len(http.get(path("get_organization")).json()) == 2


def test_product_needs_an_activated_organization() -> None:
    with (
        emulator(files={"cam.png": PNG_PIXEL}) as portal,
        httpx.Client(base_url=portal.url, verify=SSL) as http,
    ):
        portal.register_organization(TAX, name="HTX Cam")
        refused = http.post(path("create_product"), json=product_body(portal))
        assert refused.status_code == 500
        body = refused.json()
        assert "NullReferenceException" in body["debugMessage"]
        assert "ToChuc_SanPhamService.DoBusinessInsertAsync" in body["debugMessage"]
        assert P.classify(body["debugMessage"]) == "OrganizationNotActivated"
        assert portal.records("product") == []
        portal.activate(TAX)
        created = http.post(path("create_product"), json=product_body(portal))
        assert created.status_code == 200
        assert created.json()["idSanPham"] == created.json()["id"]
        assert created.json()["idToChucHoSo"] == portal.records("organization")[0]["idToChucHoSo"]
        portal.deactivate(TAX)
        again = http.post(path("create_product"), json=product_body(portal, 2))
        assert again.status_code == 500


def test_product_with_no_organization_named_and_several_registered(
    portal: LiveEmulator, http: httpx.Client
) -> None:
    portal.activate(gln=ORG_GLN)
    body = product_body(portal)
    del body["maSoThue"]
    assert http.post(path("create_product"), json=body).status_code == 500  # which org?
    body["idToChuc"] = portal.records("organization")[1]["idToChuc"]
    assert http.post(path("create_product"), json=body).status_code == 200


def test_product_by_gtin_check_digit_duplicate_and_lookups(
    portal: LiveEmulator, http: httpx.Client
) -> None:
    bad = http.post(
        path("create_product"), json=product_body(portal, gtinCode=bad_check_digit(gtin(1)))
    )
    assert bad.status_code == 400
    assert "CheckDigit" in bad.json()["message"]
    assert "maBarcode" in bad.json()["message"]
    assert P.classify(bad.text) == "IdentifierError"
    short = http.post(path("create_product"), json=product_body(portal, gtinCode="893"))
    assert short.status_code == 400
    assert "CheckDigit" in short.text
    missing = http.post(path("create_product"), json={"ten": "x", "maSoThue": TAX})
    assert missing.status_code == 400
    assert "gtinCode" in missing.text
    created = create_product(http, portal)
    assert created["gtinCode"] == "0" + gtin(1)  # stored as GTIN-14
    assert created["trangThai"] == 1
    assert created["tenToChuc"] is not None
    dup = http.post(path("create_product"), json=product_body(portal))
    assert dup.status_code == 409
    assert P.classify(dup.text) == "ConflictError"
    assert dup.json()["data"]["id"] == created["id"]
    found = http.get(path("find_product"), params={"gtinCode": gtin(1)}).json()
    assert [p["id"] for p in found] == [created["id"]]
    assert http.get(path("find_product"), params={"gtinCode": gtin(2)}).json() == []
    assert http.get(path("get_product", id=created["id"])).json()["ten"] == "Cam Vinh"
    assert http.get(path("get_product", id="nope")).status_code == 404
    assert len(portal.records("product")) == 1


def test_product_update(portal: LiveEmulator, http: httpx.Client) -> None:
    created = create_product(http, portal)
    updated = http.put(
        path("update_product"), json={"id": created["id"], "moTa": "Mới", "maSoThue": TAX}
    )
    assert updated.status_code == 200
    assert updated.json()["moTa"] == "Mới"
    by_gtin = http.put(
        path("update_product"), json={"gtinCode": gtin(1), "donViTinh": "g", "maSoThue": TAX}
    )
    assert by_gtin.json()["donViTinh"] == "g"
    assert portal.records("product")[0]["moTa"] == "Mới"
    other = http.put(path("update_product"), json={"gtinCode": gtin(5), "maSoThue": TAX})
    assert other.status_code == 404
    changed = http.put(
        path("update_product"), json={"id": created["id"], "gtinCode": gtin(5), "maSoThue": TAX}
    )
    assert changed.status_code == 400


def test_product_images_are_fetched_from_loopback_urls(
    portal: LiveEmulator, http: httpx.Client
) -> None:
    with emulator(files={"other.jpg": b"\xff\xd8\xff\xe0JFIF"}) as elsewhere:
        remote = product_body(portal, 1, hinhAnh=[elsewhere.file_url("other.jpg")])
        assert http.post(path("create_product"), json=remote).status_code == 200
        # the fetch went over a real socket to the other emulator
        assert [r.path for r in elsewhere.requests] == ["/_admin/files/other.jpg"]
    for n, url in enumerate(
        [
            "https://example.com/cam.png",  # not loopback: the emulator never leaves the machine
            portal.file_url("missing.png"),
            "ftp://127.0.0.1/x.png",
            "not a url",
        ],
        start=2,
    ):
        answer = http.post(path("create_product"), json=product_body(portal, n, hinhAnh=[url]))
        assert answer.status_code == 400, url
        assert "UploadFile" in answer.json()["message"]
        assert P.classify(answer.text) == "MediaFetchError"
    portal.add_file("doc.gif", b"GIF89a....", "image/gif")
    gif = http.post(
        path("create_product"), json=product_body(portal, 9, hinhAnh=portal.file_url("doc.gif"))
    )
    assert gif.status_code == 400
    assert "JPG or PNG" in gif.text
    assert len(portal.records("product")) == 1


def test_bad_bodies(portal: LiveEmulator, http: httpx.Client) -> None:
    for content in (b"", b"[1]", b"{not json", "\udcff".encode("utf-8", "surrogatepass")):
        answer = http.post(path("create_product"), content=content)
        assert answer.status_code in (400, 500), content
    answer = http.post(path("create_product"), content=b"[]")
    assert answer.json()["error"] == "INVALID_REQUEST"
    wrong_type = http.post(path("create_product"), json=product_body(portal, ten=["x"]))
    assert wrong_type.status_code == 400
    images = http.post(path("create_product"), json=product_body(portal, hinhAnh=3))
    assert images.status_code == 400


# ---- locations --------------------------------------------------------------------------------


def test_locations_by_gln(portal: LiveEmulator, http: httpx.Client) -> None:
    bad = http.post(path("create_location"), json={"glnCode": bad_check_digit(gln(1)), "ten": "x"})
    assert bad.status_code == 400
    assert "CheckDigit" in bad.text
    created = create_location(http)
    assert created["glnCode"] == gln(1)
    dup = http.post(path("create_location"), json={"glnCode": gln(1), "ten": "again"})
    assert dup.status_code == 409
    found = http.get(path("location_by_gln"), params={"glnCode": gln(1)})
    assert found.status_code == 200
    assert found.json()["id"] == created["id"]
    assert http.get(path("location_by_gln"), params={"glnCode": gln(2)}).status_code == 404
    assert http.get(path("location_by_gln")).status_code == 400
    assert http.get(path("get_location", id=created["id"])).json()["ten"] == "Kho Vinh"
    assert http.get(path("get_location", id="x")).status_code == 404
    area = http.post(path("create_growing_area"), json={"glnCode": gln(3), "ten": "Vùng trồng"})
    assert area.json()["idVungTrong"] == area.json()["id"]
    assert area.json()["loaiDiaDiem"] == "VUNG_TRONG"
    assert len(portal.records("location")) == 2


# ---- order → chain → events -------------------------------------------------------------------


def test_order_chain_trace_code_and_stage_events(portal: LiveEmulator, http: httpx.Client) -> None:
    product = create_product(http, portal)
    create_location(http, 1)
    assert http.post(path("create_order"), json={"idSanPham": "nope"}).status_code == 404
    order = http.post(
        path("create_order"), json={"idSanPham": product["id"], "soLo": "L01", "maThamChieu": "o-1"}
    ).json()
    order_id = order["idLenhSanXuat"]
    assert http.get(path("get_order", id=order_id)).json()["soLo"] == "L01"
    assert (
        http.get(path("find_order"), params={"maThamChieu": "o-1"}).json()[0]["idLenhSanXuat"]
        == order_id
    )
    assert len(http.get(path("find_order"), params={"idSanPham": product["id"]}).json()) == 1

    def event(kind: str, ref: str, **extra: Any) -> httpx.Response:
        body = {"loai": kind, "idLenhSanXuat": order_id, "thoiGian": "2026-07-15T06:30:00+07:00"}
        body.update(extra, maThamChieu=ref)
        return http.post(path("create_event"), json=body)

    unknown_code = event("SU_KIEN_VUNG_TRONG", "e-0", maTruyVet="TV9")
    assert unknown_code.status_code == 404  # no chain yet: the first event creates it
    first = event("SU_KIEN_VUNG_TRONG", "e-1", glnCode=gln(1))
    assert first.status_code == 200, first.text
    code = first.json()["maTruyVet"]
    assert code
    assert first.json()["idChuoiSanXuat"] == code
    assert first.json()["trangThai"] == "CREATED"
    second = event("SU_KIEN_VAN_CHUYEN", "e-2", maTruyVet=code)
    assert second.json()["maTruyVet"] == code
    assert event("SU_KIEN_KHO_TONG", "e-3", maTruyVet="TV-other").status_code == 400
    assert event("SU_KIEN_KHO_TONG", "e-3", glnCode=gln(7)).status_code == 404  # unknown location
    assert event("SU_KIEN_BAY", "e-3").status_code == 400
    dup = event("SU_KIEN_VAN_CHUYEN", "e-2", maTruyVet=code)
    assert dup.status_code == 409
    assert dup.json()["data"]["idSuKien"] == second.json()["idSuKien"]
    # reconcile after a crash: by client reference, by trace code, by order
    assert [
        e["idSuKien"] for e in http.get(path("find_event"), params={"maThamChieu": "e-2"}).json()
    ] == [second.json()["idSuKien"]]
    assert len(http.get(path("find_event"), params={"maTruyVet": code}).json()) == 2
    assert len(http.get(path("find_event"), params={"idLenhSanXuat": order_id}).json()) == 2
    assert http.get(path("find_event"), params={"maThamChieu": "e-9"}).json() == []
    # confirm (idempotent), delete, chain status
    eid = first.json()["idSuKien"]
    assert http.post(path("confirm_event", id=eid)).json()["trangThai"] == "CONFIRMED"
    assert http.post(path("confirm_event", id=eid)).json()["trangThai"] == "CONFIRMED"
    assert http.post(path("confirm_event", id="nope")).status_code == 404
    assert http.get(path("get_event", id=eid)).json()["trangThai"] == "CONFIRMED"
    assert http.delete(path("delete_event", id=second.json()["idSuKien"])).status_code == 204
    assert http.get(path("get_event", id=second.json()["idSuKien"])).status_code == 404
    assert http.delete(path("delete_event", id="nope")).status_code == 404
    chain = http.get(path("get_chain", id=code)).json()
    assert chain["trangThai"] == "IN_PROGRESS"
    assert chain["idLenhSanXuat"] == order_id
    assert [e["idSuKien"] for e in chain["suKien"]] == [eid]
    store = event("SU_KIEN_CUA_HANG", "e-4", maTruyVet=code).json()
    http.post(path("confirm_event", id=store["idSuKien"]))
    assert http.get(path("get_chain", id=code)).json()["trangThai"] == "COMPLETE"
    assert http.get(path("get_chain", id="TV0")).status_code == 404
    assert [r["maTruyVet"] for r in portal.records("chain")] == [code]
    assert len(portal.records("event")) == 2
    # a second order gets its own chain and trace code
    order2 = http.post(path("create_order"), json={"idSanPham": product["id"]}).json()
    other = http.post(
        path("create_event"),
        json={"loai": "SU_KIEN_VUNG_TRONG", "idLenhSanXuat": order2["idLenhSanXuat"]},
    ).json()
    assert other["maTruyVet"] != code


# ---- media, certificates, catalogues ----------------------------------------------------------


def test_media_by_url(portal: LiveEmulator, http: httpx.Client) -> None:
    body = {"hinhAnh": portal.file_url("cam.png"), "loaiDoiTuong": "SU_KIEN", "idDoiTuong": "e1"}
    created = http.post(path("create_media"), json={**body, "maThamChieu": "m-1"})
    assert created.status_code == 200
    assert created.json()["idAnhMinhChung"]
    failed = http.post(path("create_media"), json={**body, "hinhAnh": "http://10.0.0.1/x.png"})
    assert failed.status_code == 400
    assert P.classify(failed.text) == "MediaFetchError"
    assert http.post(path("create_media"), json={**body, "maThamChieu": "m-1"}).status_code == 409
    assert len(http.get(path("find_media"), params={"maThamChieu": "m-1"}).json()) == 1
    assert len(http.get(path("find_media"), params={"idDoiTuong": "e1"}).json()) == 1
    assert http.post(path("create_media"), json={"loaiDoiTuong": "x"}).status_code == 400


def test_certificates(portal: LiveEmulator, http: httpx.Client) -> None:
    cert = {
        "loai": "vietgap",
        "so": "VG-001",
        "coQuanCap": "Sở NN&PTNT Nghệ An",
        "ngayCap": "2026-01-10",
        "maThamChieu": "c-1",
    }
    created = http.post(path("create_certificate"), json=cert)
    assert created.status_code == 200
    assert created.json()["trangThai"] == "CREATED"
    cid = created.json()["idChungNhan"]
    assert (
        http.post(path("create_certificate"), json={**cert, "maThamChieu": "c-2"}).status_code
        == 409
    )
    assert http.post(path("confirm_certificate", id=cid)).json()["trangThai"] == "CONFIRMED"
    assert http.get(path("get_certificate", id=cid)).json()["so"] == "VG-001"
    assert (
        http.get(path("find_certificate"), params={"maThamChieu": "c-1"}).json()[0]["idChungNhan"]
        == cid
    )
    unknown_chain = http.post(
        path("create_certificate"), json={"loai": "ocop", "so": "3*", "maTruyVet": "TV404"}
    )
    assert unknown_chain.status_code == 404
    bad_file = http.post(
        path("create_certificate"),
        json={"loai": "ocop", "so": "4*", "tep": "http://192.0.2.1/a.png"},
    )
    assert bad_file.status_code == 400
    assert "UploadFile" in bad_file.text
    assert http.post(path("create_certificate"), json={"loai": "ocop"}).status_code == 400


def test_catalogues_flat_and_tree(portal: LiveEmulator, http: httpx.Client) -> None:
    flat = http.get(path("catalogue", key="nganhHang")).json()
    assert {"id", "ma", "ten", "idCha"} <= set(flat[0])
    tree = http.get(path("catalogue", key="nganhHang"), params={"dangCay": "true"}).json()
    roots = {node["id"]: node for node in tree}
    assert len(tree) < len(flat)
    fruit = roots["nh-1"]["con"][0]
    assert fruit["id"] == "nh-11"
    assert fruit["con"][0]["id"] == "nh-111"
    for key in P.catalogues:
        assert http.get(path("catalogue", key=key)).status_code == 200, key
    assert http.get(path("catalogue", key="sao_hoa")).status_code == 404
    provinces = http.get(path("provinces")).json()
    assert "Nghệ An" in {p["ten"] for p in provinces}
    wards = http.get(path("wards"), params={"provinceIdRoot": "40"}).json()
    assert wards
    assert all(w["idCha"] == "p-40" for w in wards)
    assert len(http.get(path("wards")).json()) > len(wards)


# ---- routing, admin, in-process ---------------------------------------------------------------


def test_unknown_routes_and_methods(http: httpx.Client) -> None:
    assert http.get("/nowhere").status_code == 404
    assert http.delete(path("create_product")).status_code == 405
    assert http.get("/_admin/nowhere").status_code == 404


def test_the_profile_file_drives_the_paths_and_names(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/tracelib/portal/_data/nbc-v5.toml").read_text("utf-8")
    text = text.replace('path = "/tochuc/v5/ToChuc_SanPham" }', 'path = "/v6/SanPham" }')
    text = text.replace('gtin = "gtinCode"', 'gtin = "maGtin"')
    mine = tmp_path / "v6.toml"
    mine.write_text(text, encoding="utf-8")
    with (
        emulator(profile=mine, activate=[TAX]) as portal,
        httpx.Client(base_url=portal.url, verify=SSL) as http,
    ):
        body = {"ten": "Cam", "maGtin": gtin(1), "maSoThue": TAX}
        assert http.post("/tochuc/v5/ToChuc_SanPham", json=body).status_code in (404, 405)
        created = http.post("/v6/SanPham", json=body)
        assert created.status_code == 200
        assert created.json()["maGtin"] == "0" + gtin(1)
        old_names = http.post(
            "/v6/SanPham", json={"ten": "Cam", "gtinCode": gtin(2), "maSoThue": TAX}
        )
        assert old_names.status_code == 400
        assert "maGtin" in old_names.text


def test_admin_endpoints(portal: LiveEmulator, http: httpx.Client) -> None:
    assert http.get("/_admin/health").json() == {"ok": True}
    org = http.post("/_admin/organizations", json={"gln": ORG_GLN, "name": "HTX 2"})
    assert org.status_code == 201
    assert org.json()["trangThai"] == 0
    assert http.post("/_admin/organizations", json={"gln": ORG_GLN}).status_code == 400
    assert http.post("/_admin/activate", json={"gln": ORG_GLN}).json()["trangThai"] == 1
    assert http.post("/_admin/deactivate", json={"gln": ORG_GLN}).json()["trangThai"] == 0
    assert http.post("/_admin/deactivate", json={"tax_code": "1"}).status_code == 400
    assert http.post("/_admin/activate", json={}).json()["code"] == "PORTAL_EMULATOR_BAD_ORG"
    assert http.post("/_admin/activate", content=b"[").status_code == 400
    put = http.put("/_admin/files/x.png", content=PNG_PIXEL, headers={"Content-Type": "image/png"})
    assert put.status_code == 201
    got = http.get("/_admin/files/x.png")
    assert got.content == PNG_PIXEL
    assert got.headers["Content-Type"] == "image/png"
    assert http.get("/_admin/files/none.png").status_code == 404
    fault = http.post("/_admin/faults", json={"kind": "http_503", "times": 2, "path": "/epcis"})
    assert fault.status_code == 201
    assert fault.json()["kind"] == "http_503"
    assert http.get("/_admin/faults").json()["faults"][0]["left"] == 2
    assert http.post("/_admin/faults", json={"kind": "meteor"}).status_code == 400
    assert http.post("/_admin/faults", json={"kind": "reset", "colour": 1}).json()["code"] == (
        "PORTAL_EMULATOR_BAD_ADMIN"
    )
    assert http.delete("/_admin/faults").status_code == 204
    assert http.get("/_admin/faults").json() == {"faults": []}
    config = http.put("/_admin/config", json={"fail_rate": 0.0, "latency_ms": 0, "seed": 5})
    assert config.json()["seed"] == 5
    assert http.put("/_admin/config", json={"fail_rate": 2}).status_code == 400
    assert http.put("/_admin/config", json={"seed": "x"}).status_code == 400
    create_product(http, portal)
    counts = http.get("/_admin/counts").json()
    assert counts["records"]["product"] == 1
    assert counts["events"] == 0
    records = http.get("/_admin/records/product").json()["records"]
    assert records[0]["gtinCode"] == "0" + gtin(1)
    assert http.get("/_admin/records/rocket").status_code == 400
    assert http.get("/_admin/events").json() == {"events": []}
    log = http.get("/_admin/requests").json()["requests"]
    assert any(r["op"] == "create_product" and r["status"] == 200 for r in log)


def test_in_process_handle_matches_http(portal: LiveEmulator) -> None:
    body = json.dumps(product_body(portal)).encode()
    request = Request(
        "POST",
        "http://emulator" + path("create_product"),
        (("Content-Type", "application/json"),),
        body,
    )
    answer = portal.handle(request)
    assert answer.status == 200
    assert answer.url == request.url
    assert answer.json()["gtinCode"] == "0" + gtin(1)
    again = portal.handle(request)
    assert again.status == 409


def test_shared_sqlite_file_persists_both_faces(tmp_path: Path) -> None:
    db = tmp_path / "portal.sqlite"
    event = {
        "type": "ObjectEvent",
        "action": "ADD",
        "eventID": "urn:uuid:1",
        "eventTime": "2026-07-15T06:30:00+07:00",
        "eventTimeZoneOffset": "+07:00",
    }
    with PortalEmulator(db) as emu:
        emu.activate(TAX)
        emu.handle(Request("POST", "http://emulator/epcis/events", (), json.dumps(event).encode()))
    import sqlite3

    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"events", "portal_records"} <= tables
    with PortalEmulator(db) as emu:
        assert emu.event_count() == 1
        assert emu.records("organization")[0]["maSoThue"] == TAX


def test_python_api_validation() -> None:
    with PortalEmulator() as emu:
        for bad in (
            lambda: emu.inject("reset", times=0),
            lambda: emu.inject("reset", path=3),  # type: ignore[arg-type]
            lambda: emu.inject("slow", delay_ms=-1),
            lambda: emu.configure(fail_rate=-0.1),
            lambda: emu.configure(latency_ms="x"),  # type: ignore[arg-type]
            lambda: emu.records("rocket"),
            lambda: emu.activate(),
            lambda: emu.register_organization(gln="123"),
            lambda: emu.register_organization(3),  # type: ignore[arg-type]
            lambda: emu.add_file("", b""),
            lambda: emu.add_file("a.png", "text"),  # type: ignore[arg-type]
        ):
            with pytest.raises(InputError) as err:
                bad()
            assert err.value.code.startswith("PORTAL_EMULATOR_")
            assert isinstance(err.value, ValueError)
    with pytest.raises(InputError, match="fail_kinds"):
        PortalEmulator(fail_kinds=["token_expired"])  # type: ignore[list-item]
    with pytest.raises(InputError, match="fail_rate"):
        PortalEmulator(fail_rate=1.5)
    assert "PortalEmulator(" in repr(PortalEmulator())


portal_fixture = emulator_fixture(activate=[TAX], serve=False)


def test_user_fixture(portal_fixture: LiveEmulator) -> None:
    assert portal_fixture.server is None
    assert portal_fixture.records("organization")[0]["trangThai"] == 1
    assert repr(portal_fixture) == "LiveEmulator(http://emulator)"
