"""Generate the images of the documentation into ``docs/gs1/img/``.

Usage: ``python scripts/gen_doc_images.py``. Every image is drawn by tracelib itself from
the example data of ``docs/gs1/labels.md``, then read back with zxing-cpp (when installed)
to check that it scans to the data it was made from. The output is deterministic, so
re-running the script leaves committed images unchanged.
"""

from __future__ import annotations

import io
from pathlib import Path

from tracelib.gs1 import labels

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "gs1" / "img"

#: (file name, Digital Link URI, text under the symbol)
QR_LABELS = [
    (
        "dl-qr-lot-expiry.png",
        "https://id.gs1.org/01/08935049500568/10/L2024-07?17=261231",
        True,
    ),
]
SVG_LABELS = [
    ("dl-qr-serial.svg", "https://truyxuat.example.vn/01/08935049500568/21/S0001", True),
]


def _check(png: bytes, expected: str) -> None:
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:  # the check needs the dev extras; the images do not
        print("  (zxing-cpp or Pillow missing: not read back)")
        return
    found = [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    if found != [expected]:
        raise SystemExit(f"the image does not scan back: {found!r} != {expected!r}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, uri, text in QR_LABELS:
        png = labels.qr_png(uri, box_size=6, text=text)
        _check(png, uri)
        (OUT / name).write_bytes(png)
        print(f"wrote {(OUT / name).relative_to(REPO)} ({len(png)} bytes)")
    for name, uri, text in SVG_LABELS:
        _check(labels.qr_png(uri, box_size=6), uri)
        svg = labels.qr_svg(uri, box_size=6, text=text)
        (OUT / name).write_text(svg, encoding="utf-8")
        print(f"wrote {(OUT / name).relative_to(REPO)} ({len(svg)} characters)")


if __name__ == "__main__":
    main()
