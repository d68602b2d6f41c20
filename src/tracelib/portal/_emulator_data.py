"""Sample catalogue content served by the emulator (made-up, for tests and demos only).

The catalogue *keys* are the portal's observed ``DANH_MUC`` keys (from the profile); the
entries below are invented placeholders in the shape the emulator serves (``id``, ``code``,
``name``, ``parent_id``), not the portal's real ids. Provinces and wards follow the
two-level model after the 2025 reform [INF], with made-up codes.
"""

from __future__ import annotations

__all__ = ["CATALOGUES", "PROVINCES", "WARDS"]

_Entry = tuple[str, str, str, str | None]
"""``(id, code, name, parent id)``."""

CATALOGUES: dict[str, tuple[_Entry, ...]] = {
    "nganhHang": (
        ("nh-1", "NONG_SAN", "Nông sản", None),
        ("nh-11", "TRAI_CAY", "Trái cây", "nh-1"),
        ("nh-111", "CAM_QUYT", "Cam, quýt", "nh-11"),
        ("nh-12", "LUA_GAO", "Lúa gạo", "nh-1"),
        ("nh-2", "THUY_SAN", "Thủy sản", None),
        ("nh-21", "TOM", "Tôm", "nh-2"),
    ),
    "vungTrong": (
        ("vt-1", "VT-NA-01", "Vùng trồng cam Nghệ An 01", None),
        ("vt-2", "VT-ST-01", "Vùng trồng lúa Sóc Trăng 01", None),
    ),
    "vungTrongXuatKhau": (("vtx-1", "VN-EX-001", "Mã vùng trồng xuất khẩu 001", None),),
    "vungTrongNoiDia": (("vtn-1", "VN-ND-001", "Mã vùng trồng nội địa 001", None),),
    "quyCachDongGoi": (
        ("qc-1", "THUNG", "Thùng carton", None),
        ("qc-11", "THUNG_10KG", "Thùng 10 kg", "qc-1"),
        ("qc-2", "TUI", "Túi lưới", None),
    ),
    "nhomThiTruong": (
        ("tt-1", "NOI_DIA", "Nội địa", None),
        ("tt-2", "XUAT_KHAU", "Xuất khẩu", None),
    ),
    "maHsGiongCay": (("hs-g-1", "0602", "Cây giống", None),),
    "maHsThuocBVTV": (("hs-t-1", "3808", "Thuốc bảo vệ thực vật", None),),
    "maHsPhanBon": (("hs-p-1", "3105", "Phân bón hỗn hợp", None),),
}

PROVINCES: tuple[_Entry, ...] = (
    ("p-40", "40", "Nghệ An", None),
    ("p-01", "01", "Hà Nội", None),
    ("p-79", "79", "Hồ Chí Minh", None),
)

WARDS: tuple[_Entry, ...] = (
    ("w-4001", "4001", "Phường Vinh", "p-40"),
    ("w-4002", "4002", "Xã Quỳ Hợp", "p-40"),
    ("w-0101", "0101", "Phường Hoàn Kiếm", "p-01"),
    ("w-7901", "7901", "Phường Sài Gòn", "p-79"),
)
