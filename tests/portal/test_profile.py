"""The nbc-v5 profile loader and the bundled default profile (P-10: names only from the file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tracelib.portal
from tracelib.portal.profile import DEFAULT_PROFILE, Endpoint, NbcProfile, ProfileError

DEFAULT = NbcProfile.load()
DATA_FILE = Path(tracelib.portal.__file__).parent / "_data" / DEFAULT_PROFILE


def test_default_profile_is_packaged_experimental_and_observed() -> None:
    assert DATA_FILE.is_file()  # inside src/tracelib, so hatch ships it
    assert DEFAULT.name == "nbc-v5"
    assert DEFAULT.experimental is True
    assert DEFAULT.base_url == "https://quantri.truyxuatnguongoc.gov.vn/gwdev"
    assert DEFAULT.auth["client_id_env"] == "External_CLIENT_ID"
    assert DEFAULT.auth["client_secret_env"] == "External_CLIENT_SECRET"
    # design §9: the observed product path and field names
    assert DEFAULT.endpoints["create_product"] == ("POST", "/tochuc/v5/ToChuc_SanPham")
    assert DEFAULT.endpoints["update_product"] == ("PUT", "/tochuc/v5/ToChuc_SanPham")
    assert DEFAULT.endpoints["location_by_gln"].path.endswith("/LocationByGln")
    assert DEFAULT.endpoints["wards"].path.endswith("/Wards")
    observed = {
        "name": "ten",
        "gtin": "gtinCode",
        "unit": "donViTinh",
        "origin_country": "xuatXu",
        "description": "moTa",
        "images": "hinhAnh",
        "status": "trangThai",
        "org_profile_id": "idToChucHoSo",
        "created_id": "idSanPham",
        "category": "idNhomSanPham",
    }
    assert {k: DEFAULT.wire("product", k) for k in observed} == observed
    assert DEFAULT.wire("order", "id") == "idLenhSanXuat"
    assert DEFAULT.wire("location", "gln") == "glnCode"
    assert DEFAULT.wire("common", "debug_message") == "debugMessage"
    assert set(DEFAULT.stages.values()) == {
        "SU_KIEN_VUNG_TRONG",
        "SU_KIEN_CHE_BIEN",
        "SU_KIEN_VAN_CHUYEN",
        "SU_KIEN_KHO_TONG",
        "SU_KIEN_DAI_LY",
        "SU_KIEN_CUA_HANG",
        "SU_KIEN_CHUNG_NHAN",
    }
    assert DEFAULT.catalogues == (
        "nganhHang",
        "vungTrong",
        "vungTrongXuatKhau",
        "vungTrongNoiDia",
        "quyCachDongGoi",
        "nhomThiTruong",
        "maHsGiongCay",
        "maHsThuocBVTV",
        "maHsPhanBon",
    )


def test_every_inferred_entry_names_something_in_the_profile() -> None:
    assert "endpoints.token" in DEFAULT.inferred
    assert "endpoints.create_product" not in DEFAULT.inferred  # observed
    for dotted in DEFAULT.inferred:
        head, _, rest = dotted.partition(".")
        if head == "endpoints":
            assert rest in DEFAULT.endpoints, dotted
        elif head == "fields":
            entity, _, name = rest.partition(".")
            assert entity in DEFAULT.fields, dotted
            assert not name or name in DEFAULT.fields[entity], dotted
        elif head == "auth":
            assert rest in DEFAULT.auth, dotted
        elif head == "errors":
            assert rest in {rule.name for rule in DEFAULT.error_rules}, dotted
        else:
            pytest.fail(f"unexpected provenance entry {dotted}")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "System.NullReferenceException: Object reference not set to an instance of an "
            "object. at ToChuc_SanPhamService.DoBusinessInsertAsync(...)",
            "OrganizationNotActivated",
        ),
        ('{"error":"ERR_UPLOAD_FILE","message":"UploadFile thất bại"}', "MediaFetchError"),
        ("gtinCode 8930000000018 sai CheckDigit", "IdentifierError"),
        ("maBarcode không hợp lệ", "IdentifierError"),
        ("Sản phẩm đã tồn tại", "ConflictError"),
        ('{"error":"ERR_SYS_DEV","debugMessage":"boom"}', "PortalBug"),
        ("all good", None),
    ],
)
def test_observed_error_texts_classify(text: str, error: str | None) -> None:
    assert DEFAULT.classify(text) == error


def test_rules_are_tried_in_file_order() -> None:
    text = "ERR_SYS_DEV NullReferenceException in ToChuc_SanPhamService.DoBusinessInsertAsync"
    assert DEFAULT.classify(text) == "OrganizationNotActivated"
    assert next(iter(DEFAULT.errors.values())) == "OrganizationNotActivated"
    assert DEFAULT.errors["ERR_SYS_DEV"] == "PortalBug"


def test_urls_and_placeholders() -> None:
    assert DEFAULT.url("get_product", id="a b") == (
        "https://quantri.truyxuatnguongoc.gov.vn/gwdev/tochuc/v5/ToChuc_SanPham/a%20b"
    )
    assert DEFAULT.url("catalogue", base_url="http://127.0.0.1:1/", key="nganhHang") == (
        "http://127.0.0.1:1/tochuc/v5/DanhMuc/nganhHang"
    )
    assert Endpoint("GET", "/a/{x}/{y}").placeholders == ("x", "y")
    with pytest.raises(ProfileError) as err:
        DEFAULT.url("get_product")
    assert err.value.code == "PORTAL_PROFILE_INVALID"
    with pytest.raises(ProfileError) as err:
        DEFAULT.endpoint("launch_rocket")
    assert err.value.path == "$.endpoints.launch_rocket"


def test_unknown_names_raise_or_pass_through() -> None:
    with pytest.raises(ProfileError) as err:
        DEFAULT.wire("product", "colour")
    assert err.value.path == "$.fields.product.colour"
    assert DEFAULT.wire("product", "client_ref") == "maThamChieu"  # common fallback
    assert DEFAULT.canonical("product", "nope") is None
    assert DEFAULT.from_wire("product", {"nope": 1}) == {"nope": 1}
    with pytest.raises(ProfileError):
        DEFAULT.event_type("space_launch")


PRODUCT_NAMES = sorted(DEFAULT.fields["product"])


@given(st.dictionaries(st.sampled_from(PRODUCT_NAMES), st.integers() | st.text(max_size=5)))
def test_wire_round_trip(values: dict[str, object]) -> None:
    wire = DEFAULT.to_wire("product", values)
    assert DEFAULT.from_wire("product", wire) == values


def _edited(**replacements: str) -> str:
    text = DATA_FILE.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_loading_an_edited_file_changes_paths_and_names(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        _edited(
            **{
                'path = "/tochuc/v5/ToChuc_SanPham" }': 'path = "/v6/SanPham" }',
                'gtin = "gtinCode"': 'gtin = "maGtin"',
            }
        ),
        encoding="utf-8",
    )
    mine = NbcProfile.load(path)
    assert mine.source == str(path)
    assert mine.endpoints["create_product"].path == "/v6/SanPham"
    assert mine.wire("product", "gtin") == "maGtin"


BAD_PROFILES = [
    ("x = = 1", "$"),
    ("[auth]\nkind = 1", "$.profile"),
    ('[profile]\nname = "x"\nversion = "1"\nbase_url = "u"', "$.endpoints"),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\nexperimental = "yes"\n[endpoints]',
        "$.profile.experimental",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\n'
        'a = { method = "BREW", path = "/a" }',
        "$.endpoints.a",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\n'
        'a = { method = "GET", path = "a" }',
        "$.endpoints.a.path",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\na = 3',
        "$.endpoints.a",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\n'
        "[fields.product]\nname = 3",
        "$.fields.product",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\n'
        '[errors]\na = { pattern = "(", error = "PortalBug" }',
        "$.errors.a.pattern",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\n'
        '[errors]\na = { pattern = "x", error = "KeyError" }',
        "$.errors.a.error",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\n'
        "[catalogues]\nkeys = [1]",
        "$.catalogues.keys",
    ),
    (
        '[profile]\nname = "x"\nversion = "1"\nbase_url = "u"\n[endpoints]\n'
        "[provenance]\ninferred = 2",
        "$.provenance.inferred",
    ),
]


@pytest.mark.parametrize(("text", "path"), BAD_PROFILES)
def test_bad_profiles_raise_profile_error_with_a_path(text: str, path: str) -> None:
    with pytest.raises(ProfileError) as err:
        NbcProfile.loads(text)
    assert err.value.path == path
    assert isinstance(err.value, ValueError)


def test_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ProfileError, match="cannot read"):
        NbcProfile.load(tmp_path / "bin.toml")
    with pytest.raises(ProfileError):
        NbcProfile.from_mapping([])  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_junk_never_raises_a_foreign_exception(text: str) -> None:
    try:
        NbcProfile.loads(text)
    except ProfileError as err:
        code = err.code
    else:
        code = "PORTAL_PROFILE_INVALID"
    assert code == "PORTAL_PROFILE_INVALID"


def test_no_wire_name_of_the_profile_is_hard_coded_in_the_emulator() -> None:
    source = "\n".join(
        line
        for p in DATA_FILE.parent.parent.glob("_emulator_*.py")
        if p.name != "_emulator_data.py"
        for line in p.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith((">>>", "..."))  # doctest examples show wire output
    )
    assert "def op_create_product" in source
    wire_names = {n for table in DEFAULT.fields.values() for n in table.values()}
    # names that are also ordinary English words or generic keys may appear in code
    generic = {"id", "error", "message", "lat", "lng", "data"}
    for name in sorted(wire_names - generic):
        assert not re.search(rf"[\"']{re.escape(name)}[\"']", source), name
