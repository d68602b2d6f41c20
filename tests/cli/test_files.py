"""``tracelib gs1 validate --file``: text, CSV and TSV files, BOM, CRLF, stdin, big files."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tracelib.cli import gs1 as cli_gs1
from tracelib.cli import main
from tracelib.gs1 import bulk, checkdigit

GOOD = ["8930123451019", "18930123451016", "96385074"]
BAD = "8930123451018"
FIELDS = {"input", "valid", "kind", "code", "position", "canonical", "message", "suggestion"}


def run(capsys, *args):
    status = main(["gs1", "validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def inputs(out):
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(set(r) == FIELDS for r in rows)
    return [(r["input"], r["valid"]) for r in rows]


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_text_file_one_code_per_line(tmp_path, capsys):
    f = write(tmp_path, "codes.txt", ("\n".join([*GOOD, "", "   ", BAD]) + "\n").encode())
    status, out, _ = run(capsys, "--file", f, "--json")
    assert status == 1
    assert inputs(out) == [(g, True) for g in GOOD] + [(BAD, False)]


def test_text_file_with_bom_and_crlf(tmp_path, capsys):
    f = write(tmp_path, "codes.txt", b"\xef\xbb\xbf" + "\r\n".join(GOOD).encode() + b"\r\n")
    status, out, _ = run(capsys, "--file", f, "--json")
    assert status == 0
    assert inputs(out) == [(g, True) for g in GOOD]


def test_text_file_keeps_gs_separators_inside_a_line(tmp_path, capsys):
    f = write(tmp_path, "codes.txt", b"0108930123451019\x1d10AB\n")
    _, out, _ = run(capsys, "--file", f, "--json")
    assert [i for i, _ in inputs(out)] == ["0108930123451019\x1d10AB"]


@pytest.mark.parametrize(
    ("name", "content", "column"),
    [
        ("c.csv", 'sku,gtin,name\nA1,{0},Gạo ST25\nA2,{1},"Nước mắm, 500 ml"\nA3,{2},x\n', "gtin"),
        ("c.csv", "sku,GTIN ,name\nA1,{0},a\nA2,{1},b\nA3,{2},c\n", "gtin"),  # case, space
        ("c.csv", "sku;gtin;name\nA1;{0};a\nA2;{1};b\nA3;{2};c\n", "gtin"),  # semicolons
        ("c.tsv", "sku\tgtin\tname\nA1\t{0}\ta\nA2\t{1}\tb\nA3\t{2}\tc\n", "gtin"),
        ("c.txt", "sku\tgtin\tname\nA1\t{0}\ta\nA2\t{1}\tb\nA3\t{2}\tc\n", "2"),  # by index
        ("c.csv", "A1,{0}\nA2,{1}\nA3,{2}\n", "2"),  # by index, no header
        ("c.csv", "{0}\n{1}\n{2}\n", None),  # one column: no --column needed
        ("c.csv", "gtin\n{0}\n{1}\n{2}\n", None),  # one column with a header
    ],
)
def test_csv_and_tsv_columns(tmp_path, capsys, name, content, column):
    f = write(tmp_path, name, content.format(*GOOD).encode())
    args = ["--file", f, "--json"] + (["--column", column] if column else [])
    status, out, err = run(capsys, *args)
    assert (status, err) == (0, "")
    assert inputs(out) == [(g, True) for g in GOOD]


def test_csv_with_bom_and_crlf(tmp_path, capsys):
    data = b"\xef\xbb\xbfgtin,name\r\n" + b"".join(f"{g},x\r\n".encode() for g in GOOD)
    f = write(tmp_path, "export.csv", data)
    status, out, _ = run(capsys, "--file", f, "--column", "gtin", "--json")
    assert status == 0
    assert inputs(out) == [(g, True) for g in GOOD]


def test_header_can_be_forced(tmp_path, capsys):
    f = write(tmp_path, "c.csv", b"EAN13,x\n8930123451019,y\n")
    _, out, _ = run(capsys, "--file", f, "--column", "1", "--json")
    assert inputs(out) == [("8930123451019", True)]  # detected
    _, out, _ = run(capsys, "--file", f, "--column", "1", "--no-header", "--json")
    assert inputs(out) == [("EAN13", False), ("8930123451019", True)]
    f = write(tmp_path, "d.csv", b"8930123451019,y\n96385074,z\n")
    _, out, _ = run(capsys, "--file", f, "--column", "1", "--header", "--json")
    assert inputs(out) == [("96385074", True)]


def test_short_rows_give_empty_values(tmp_path, capsys):
    f = write(tmp_path, "c.csv", b"sku,gtin\nA1,8930123451019\nA2\n")
    status, out, _ = run(capsys, "--file", f, "--column", "gtin", "--json")
    assert status == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[1]["input"] == ""
    assert rows[1]["code"] == "GS1_EMPTY_VALUE"


def test_stdin(monkeypatch, capsys):
    data = "\r\n".join(GOOD).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, out, _ = run(capsys, "--file", "-", "--json")
    assert status == 0
    assert inputs(out) == [(g, True) for g in GOOD]


def test_stdin_csv(monkeypatch, capsys):
    data = b"\xef\xbb\xbfsku\tgtin\nA\t8930123451018\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, out, _ = run(capsys, "-f", "-", "-c", "gtin", "--json")
    assert status == 1
    assert inputs(out) == [("8930123451018", False)]


def test_stdin_without_a_byte_buffer(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("96385074\n"))
    assert run(capsys, "--file", "-")[0] == 0


@pytest.mark.parametrize(
    ("name", "content", "extra", "message"),
    [
        ("c.csv", b"sku,gtin\nA,1\n", ["--column", "ean"], "column 'ean' not found in "),
        ("c.csv", b"sku,gtin\nA,1\n", ["--column", "3"], "column 3 is out of range"),
        ("c.csv", b"sku,gtin\nA,1\n", ["--column", "0"], "column 0 is out of range"),
        ("c.csv", b"sku,gtin\nA,1\n", [], "choose one with --column"),
        ("c.txt", b"\xff\xfe8\x009\x00", [], "is not UTF-8 text"),
    ],
)
def test_file_problems_exit_2_with_a_message(tmp_path, capsys, name, content, extra, message):
    f = write(tmp_path, name, content)
    status, out, err = run(capsys, "--file", f, *extra)
    assert status == 2
    assert out == ""
    assert err.startswith("tracelib gs1 validate: error: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_column_lists_the_header(tmp_path, capsys):
    f = write(tmp_path, "c.csv", b"sku,gtin,name\nA,1,x\n")
    _, _, err = run(capsys, "--file", f, "--column", "barcode")
    assert "'sku', 'gtin', 'name'" in err


def test_missing_file_and_directory_exit_2(tmp_path, capsys):
    status, _, err = run(capsys, "--file", str(tmp_path / "nope.txt"))
    assert status == 2
    assert "no such file" in err
    status, _, err = run(capsys, "--file", str(tmp_path))
    assert status == 2
    assert "directory" in err


def test_empty_file_is_vacuously_valid_with_a_note(tmp_path, capsys):
    f = write(tmp_path, "empty.csv", b"")
    status, out, err = run(capsys, "--file", f, "--column", "gtin")
    assert (status, out) == (0, "")
    assert "no codes to validate" in err


@pytest.fixture(scope="module")
def many_gtins():
    """Just over the bulk threshold of valid GTIN-13s (generated once for the module)."""
    n = cli_gs1.BULK_THRESHOLD + 5
    return [
        f"{b}{checkdigit.calc_check_digit(b)}"
        for b in map(str, range(893012300000, 893012300000 + n))
    ]


def test_big_file_uses_the_bulk_validator_and_shows_progress(
    tmp_path, capsys, monkeypatch, many_gtins
):
    codes = list(many_gtins)
    n = len(codes)
    right = codes[7][-1]
    codes[7] = codes[7][:-1] + str((int(right) + 1) % 10)  # wrong check digit
    codes[-1] = "(00)389301234500000013"  # not a GTIN: falls back to parse
    codes[-2] = "893012345O019"
    f = write(tmp_path, "big.txt", ("\n".join(codes) + "\n").encode())
    calls = []
    real = bulk.validate_gtins

    def spy(values, **kwargs):
        calls.append(len(values))
        return real(values, **kwargs)

    monkeypatch.setattr(bulk, "validate_gtins", spy)
    status, out, err = run(capsys, "--file", f, "--json", "--progress")
    assert status == 1
    assert calls == [n]
    lines = out.splitlines()
    assert len(lines) == n
    bad = json.loads(lines[7])
    assert (bad["code"], bad["position"], bad["suggestion"]) == (
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        12,
        right,
    )
    assert json.loads(lines[-1])["kind"] == "sscc"
    assert json.loads(lines[-2])["position"] == 9
    assert json.loads(lines[0]) == {
        "input": codes[0],
        "valid": True,
        "kind": "gtin",
        "code": None,
        "position": None,
        "canonical": codes[0],
        "message": None,
        "suggestion": None,
    }
    assert "validating [" in err
    assert err.rstrip().endswith(f"100% {2 * n}/{2 * n}")


def test_big_file_without_a_terminal_shows_no_progress(tmp_path, capsys, many_gtins):
    n = len(many_gtins)
    f = write(tmp_path, "big.txt", ("\n".join(many_gtins) + "\n").encode())
    status, out, err = run(capsys, "--file", f)
    assert status == 0
    assert err == ""
    assert out.splitlines()[-1] == f"{n} codes: {n} valid, 0 invalid"


def test_small_input_stays_on_the_scalar_path(capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("bulk path used")

    monkeypatch.setattr(bulk, "validate_gtins", fail)
    assert run(capsys, "8930123451019")[0] == 0


def test_terminal_stderr_shows_progress_past_the_threshold(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_gs1, "BULK_THRESHOLD", 3)
    monkeypatch.setattr(cli_gs1, "is_tty", lambda stream: True)
    f = write(tmp_path, "codes.txt", ("\n".join([*GOOD, BAD]) + "\n").encode())
    status, out, err = run(capsys, "--file", f, "--json")
    assert status == 1
    assert inputs(out) == [(g, True) for g in GOOD] + [(BAD, False)]
    assert err.rstrip().endswith("100% 8/8")  # bulk phase, then the output phase
    _, _, err = run(capsys, "--file", f, "--json", "--no-progress")
    assert err == ""
    # under the threshold a terminal shows no bar
    monkeypatch.setattr(cli_gs1, "BULK_THRESHOLD", 100)
    _, _, err = run(capsys, "--file", f, "--json")
    assert err == ""
