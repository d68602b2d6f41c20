"""``tracelib demo``: runs offline, deterministic, and reports the expected codes and positions."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from tracelib import parse
from tracelib.cli import demo, main
from tracelib.cli._demo_data import COOPERATIVE, PRODUCTS, SCANS
from tracelib.gs1 import gln, gtin, sscc


@pytest.fixture(scope="module")
def output():
    buf = io.StringIO()
    assert demo.run(buf) == 0
    return buf.getvalue()


def scan_block(output, n):
    """The lines of scan ``n`` (1-based)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  Scan {n} · "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].strip())
    return lines[start:end]


def test_runs_through_main(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tracelib demo · from a Nghệ An orchard to a Hà Nội shelf\n")
    assert "HTX Nông nghiệp Xuân Thành" in out


def test_is_deterministic(output):
    again = io.StringIO()
    demo.run(again)
    assert again.getvalue() == output


def test_steps_in_order(output):
    titles = [line for line in output.splitlines() if line.startswith("Step ")]
    assert titles == [f"Step {i} · {s.title}" for i, s in enumerate(demo.STEPS, 1)]
    assert len(titles) == 13


def test_prefix_is_a_well_formed_vietnamese_gcp(output):
    assert COOPERATIVE.gcp.startswith("893")
    assert len(COOPERATIVE.gcp) in (9, 10)
    assert "fictional" in output


def test_catalogue_codes_are_valid_and_computed(output):
    assert 6 <= len(PRODUCTS) <= 8
    for p in PRODUCTS:
        body = COOPERATIVE.gcp + p.reference
        unit = body + gtin.calc_check_digit(body)
        carton = "1" + body + gtin.calc_check_digit("1" + body)
        assert gtin.is_valid(unit)
        assert gtin.is_valid(carton)
        assert f"unit GTIN-13 {unit} · carton of {p.carton}, GTIN-14 {carton}" in output
    assert "  101  Cam Vinh (Vinh oranges), 1 kg net bag · OCOP ★★★★" in output


def test_locations_and_pallet(output):
    assert "  GLN 8930123450012  Vườn cam Xuân Thành" in output
    assert "  GLN 8930123450029  Nhà đóng gói Xuân Thành" in output
    assert gln.is_valid("8930123450012")
    assert gln.is_valid("8930123450029")
    assert "  SSCC 389301234500000013  (grouped: 3 893012345 0000001 3)" in output
    assert sscc.is_valid("389301234500000013")


def test_clean_scan(output):
    assert (
        scan_block(output, 1)[1]
        == "    ✓ 8930123451019  gtin  8930123451019: Cam Vinh, 1 kg net bag"
    )


def test_one_wrong_digit(output):
    block = scan_block(output, 2)
    assert block[1] == "    ✗ 8930123457026  gtin  GS1_LINTER_INCORRECT_CHECK_DIGIT at position 12"
    assert block[2] == (
        " " * 6 + " " * 12 + "^  check digit 6 is wrong, expected 8; suggestion: check digit 8"
    )
    assert "      what happened: position 9 reads '7' instead of '1'" in block


def test_transposed_digits(output):
    block = scan_block(output, 3)
    assert block[1] == "    ✗ 8930123451303  gtin  GS1_LINTER_INCORRECT_CHECK_DIGIT at position 12"
    caret_line = block[2]
    assert caret_line.index("^") == block[1].index("8930123451303") + 12
    assert caret_line.endswith("check digit 3 is wrong, expected 9; suggestion: check digit 9")
    assert "      closest catalogue code: 8930123451033 Chè xanh Thanh Chương, 500 g bag" in block
    assert "      what happened: the digits at positions 10 and 11 are swapped" in block
    # the same verdict from the library directly
    err = parse("8930123451303").error
    assert (err.code, err.position, err.suggestion) == ("GS1_LINTER_INCORRECT_CHECK_DIGIT", 12, "9")


def test_missing_digit(output):
    block = scan_block(output, 4)
    assert block[1] == "    ✗ 893012451040  gtin  GS1_LINTER_INCORRECT_CHECK_DIGIT at position 11"
    assert block[2].endswith("suggestion: check digit 1")
    assert "      what happened: the '3' at position 6 is missing" in block


def test_letter_o_for_zero(output):
    block = scan_block(output, 5)
    assert block[1] == "    ✗ 1893O123451054  gtin  GS1_LINTER_NON_DIGIT_CHARACTER at position 4"
    assert block[2] == " " * 10 + "^  'O' is not a digit; suggestion: 0"


def test_upc(output):
    block = scan_block(output, 6)
    assert block[1] == "    ✓ 071234567898  gtin  071234567898: not in the catalogue"
    assert "00071234567898" in block[2]


def test_arabic_indic_digits(output):
    block = scan_block(output, 7)
    assert block[1] == "    ✗ ٨٩٣٠١٢٣٤٥١٠٦٤  gtin  GS1_LINTER_NON_DIGIT_CHARACTER at position 0"
    assert block[2] == "      ^  '٨' is not a digit; suggestion: 8930123451064"
    assert "      what happened: the same digits, written in another script" in block


def test_hri_and_location_scans(output):
    assert scan_block(output, 8)[1].startswith(
        "    ✓ (00)389301234500000013  sscc  389301234500000013"
    )
    assert scan_block(output, 9)[1].startswith("    ✓ (01)18930123451016  gtin  18930123451016")
    block = scan_block(output, 10)
    assert block[1].startswith("    ✓ 8930123450029  gln  8930123450029: Nhà đóng gói Xuân Thành")
    assert "reports gtin, gln" in block[2]


def test_summary(output):
    tail = output.split("Step 6 · Scan summary\n", 1)[1].splitlines()
    assert tail[0] == f"  {len(SCANS)} scans: 5 valid, 5 invalid."
    assert tail[1] == "    GS1_LINTER_INCORRECT_CHECK_DIGIT  3  (scans 2, 3, 4)"
    assert tail[2] == "    GS1_LINTER_NON_DIGIT_CHARACTER    2  (scans 5, 7)"


def test_ascii_only_stream_does_not_crash():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    assert demo.run(stream) == 0
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert "XX 8930123451303" in text
    assert "HTX N\\xf4ng nghi\\u1ec7p" in text


# ---- the farm-to-shelf chapters ------------------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-output")
    buf = io.StringIO()
    assert demo.run(buf, output_dir=out) == 0
    return out, buf.getvalue()


def test_cli_writes_into_demo_output(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    assert (tmp_path / "demo-output" / "label.png").read_bytes().startswith(b"\x89PNG")
    assert "verdict: VALID" in capsys.readouterr().out


def test_files_are_deterministic(written, tmp_path):
    out, text = written
    again = io.StringIO()
    assert demo.run(again, output_dir=tmp_path) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "chain-bundle.json",
        "events.jsonld",
        "events.xml",
        "label.png",
        "label.svg",
        "lot-graph.svg",
        "outbox.sqlite",
        "tamper-report.json",
        "tampered-bundle.json",
        "trust.json",
    ]
    for name in names:
        if name == "outbox.sqlite":  # SQLite pages carry timestamps
            continue
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
    assert again.getvalue().replace(str(tmp_path), "X") == text.replace(str(out), "X")


def test_events_file_is_valid_epcis_with_the_printed_hash_ids(written):
    from tracelib.epcis import event_hashes, parse, validate

    out, text = written
    jsonld = (out / "events.jsonld").read_bytes()
    xml = (out / "events.xml").read_bytes()
    assert not [f for f in validate(jsonld) if f.severity == "error"]
    ids = event_hashes(jsonld)
    assert ids == event_hashes(xml)
    assert len(ids) == 8
    for hash_id in ids:
        assert f"event hash ID {hash_id[:28]}…" in text
    doc = parse(jsonld)
    temps = [
        r.value
        for ev in doc.epcis_body.event_list
        for el in ev.sensor_element_list
        for r in el.sensor_report
    ]
    assert temps == [Decimal("5.8"), Decimal("6.4")]


def test_bundle_verifies_from_the_files_and_the_tampered_copy_does_not(written):
    from tracelib.signing import TrustBundle, verify

    out, text = written
    trust = TrustBundle.load((out / "trust.json").read_bytes())
    uri = next(line.strip() for line in text.splitlines() if "?th=" in line)
    good = verify((out / "chain-bundle.json").read_bytes(), trust=trust, evidence=[uri])
    assert (good.verdict, good.verified_prefix) == ("VALID", 12)
    bad = verify((out / "tampered-bundle.json").read_bytes(), trust=trust, evidence=[uri])
    assert bad.verdict == "INVALID"
    assert [(f.code, f.seq) for f in bad.errors] == [("PAYLOAD_DIGEST_MISMATCH", 6)]
    assert "PAYLOAD_DIGEST_MISMATCH at seq 6" in text
    import json

    assert json.loads((out / "tamper-report.json").read_bytes())["verdict"] == "INVALID"


def test_label_decodes_to_the_signed_head(written):
    from tracelib.gs1 import labels

    out, text = written
    uri = next(line.strip() for line in text.splitlines() if "?th=" in line)
    pytest.importorskip("zxingcpp")
    assert [s.data for s in labels.read((out / "label.png").read_bytes())] == [uri]
    assert "QR Code version 9 at error correction M" in text


def test_portal_chapters(written):
    from tracelib.portal.outbox import Outbox

    out, text = written
    assert "vn.tt02_2024: meets the minimum data (0 errors, 0 warnings)" in text
    assert "vn.nd37_2026: meets the minimum data (0 errors, 0 warnings)" in text
    assert "    vn.tt02_2024.product.images at $.images" in text
    assert "events 8 recorded, 0 on the second try" in text
    assert "outbox: 15 CONFIRMED; the emulator holds 8 events" in text
    with Outbox(out / "outbox.sqlite") as box:
        stats = box.stats()
    assert stats["CONFIRMED"] == 15
    assert sum(stats.values()) == 15
