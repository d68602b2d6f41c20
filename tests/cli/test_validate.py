"""``tracelib gs1 validate`` with codes on the command line: verdicts, output, exit status."""

from __future__ import annotations

import io
import json

import pytest

from tracelib._parse import KEY_KINDS
from tracelib.cli import build_parser, main
from tracelib.cli._output import Outcome, caret, hint, marks, printable, table_lines
from tracelib.errors import Gs1Error

FIELDS = {"input", "valid", "kind", "code", "position", "canonical", "message", "suggestion"}

GTIN13 = "8930123451019"
GLN = "8930123450029"
SSCC = "389301234500000013"


def run(capsys, *args):
    status = main(["gs1", "validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


def json_rows(out):
    rows = [json.loads(line) for line in out.splitlines()]
    for row in rows:
        assert set(row) == FIELDS
    return rows


def test_all_valid_exits_0(capsys):
    status, out, err = run(capsys, GTIN13, f"(00){SSCC}", "96385074")
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["✓", "gtin", GTIN13, GTIN13]
    assert lines[1].split() == ["✓", "sscc", f"(00){SSCC}", SSCC]
    assert lines[-1] == "3 codes: 3 valid, 0 invalid"


def test_any_invalid_exits_1(capsys):
    status, out, _ = run(capsys, GTIN13, "8930123451018")
    assert status == 1
    assert out.splitlines()[-1] == "2 codes: 1 valid, 1 invalid"


def test_human_output_has_a_caret_under_the_offending_character(capsys):
    status, out, _ = run(capsys, "893012345O019")
    assert status == 1
    row, under = out.splitlines()
    assert row.startswith("✗ gtin  893012345O019  GS1_LINTER_NON_DIGIT_CHARACTER at 9: ")
    assert under.index("^") == row.index("893012345O019") + 9
    assert under.rstrip().endswith("suggestion: 0")


def test_check_digit_suggestion(capsys):
    _, out, _ = run(capsys, "8930123451303")
    row, under = out.splitlines()
    assert "GS1_LINTER_INCORRECT_CHECK_DIGIT at 12: check digit 3 is wrong, expected 9" in row
    assert under.index("^") == row.index("8930123451303") + 12
    assert "suggestion: check digit 9" in under


def test_single_input_has_no_summary(capsys):
    _, out, _ = run(capsys, GTIN13)
    assert len(out.splitlines()) == 1


def test_json_lines_have_exactly_the_fields(capsys):
    status, out, err = run(
        capsys, "--json", GTIN13, "8930123451018", "٨٩٣٠١٢٣٤٥١٠١٩", "hello", f"(01)1{GTIN13[:-1]}6"
    )
    assert status == 1
    assert err == ""
    ok, bad, arabic, junk, hri = json_rows(out)
    assert ok == {
        "input": GTIN13,
        "valid": True,
        "kind": "gtin",
        "code": None,
        "position": None,
        "canonical": GTIN13,
        "message": None,
        "suggestion": None,
    }
    assert (bad["valid"], bad["kind"], bad["code"], bad["position"], bad["suggestion"]) == (
        False,
        "gtin",
        "GS1_LINTER_INCORRECT_CHECK_DIGIT",
        12,
        "9",
    )
    assert bad["canonical"] is None
    assert bad["message"] == "check digit 8 is wrong, expected 9"
    assert arabic["input"] == "٨٩٣٠١٢٣٤٥١٠١٩"
    assert (arabic["code"], arabic["position"], arabic["suggestion"]) == (
        "GS1_LINTER_NON_DIGIT_CHARACTER",
        0,
        GTIN13,
    )
    assert (junk["kind"], junk["code"]) == (None, "GS1_UNRECOGNISED")
    assert (hri["valid"], hri["canonical"]) == (True, "18930123451016")


def test_json_is_ascii_and_one_object_per_line(capsys):
    _, out, _ = run(capsys, "--json", "١٢٣", "a\nb")
    assert out.isascii()
    assert len(json_rows(out)) == 2


@pytest.mark.parametrize(
    ("kind", "code", "valid"),
    [
        ("gln", GLN, True),
        ("gtin", GLN, True),
        ("sscc", SSCC, True),
        ("gsrn", SSCC, True),
        ("sscc", GLN, False),
        ("gln", f"(414){GLN}", True),
        ("gln", f"(00){SSCC}", False),
    ],
)
def test_explicit_kind(capsys, kind, code, valid):
    status, out, _ = run(capsys, "--kind", kind, "--json", code)
    (row,) = json_rows(out)
    assert row["valid"] is valid
    assert row["kind"] == kind
    assert status == (0 if valid else 1)


def test_every_kind_is_a_choice():
    parser = build_parser()
    for kind in ("auto", *KEY_KINDS):
        assert parser.parse_args(["gs1", "validate", "-k", kind, "1"]).kind == kind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give one or more codes"),
        (["--column", "gtin", GTIN13], "--column needs --file"),
        (["--file", "-", GTIN13], "not both"),
        (["--kind", "ean", GTIN13], "invalid choice"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_usage_errors_exit_2_without_traceback(capsys, args, message):
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_top_level_usage(capsys):
    assert main([]) == 2
    assert "usage: tracelib" in capsys.readouterr().err
    assert main(["gs1"]) == 2
    assert "validate" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "gs1" in capsys.readouterr().out
    assert main(["gs1", "validate", "--help"]) == 0
    assert "--column" in capsys.readouterr().out


def test_version(capsys):
    import tracelib

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"tracelib {tracelib.__version__}\n"


def test_ascii_terminal_gets_ascii_marks_and_escapes():
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert marks(stream) == ("ok", "XX")
    from tracelib.cli._output import write

    write(stream, "Nông nghiệp ✓")
    stream.flush()
    assert stream.buffer.getvalue() == b"N\\xf4ng nghi\\u1ec7p \\u2713\n"  # type: ignore[attr-defined]


def test_caret_follows_escapes_and_wide_characters():
    assert printable("01\x1d10") == "01\\x1d10"
    assert caret("01\x1d10", 3) == " " * 6 + "^"
    assert caret("ＡＢC", 2) == "    ^"
    assert caret("abc", 1, 2) == " ^^"
    assert caret("abc", 99) == "   ^"


def test_hints():
    def err(code, position, suggestion=None):
        return Gs1Error("x", code=code, position=position, suggestion=suggestion)

    assert hint("123O", err("GS1_LINTER_NON_DIGIT_CHARACTER", 3)) == "0"
    assert hint("12l4", err("GS1_LINTER_NON_DIGIT_CHARACTER", 2)) == "1"
    assert hint("12#4", err("GS1_LINTER_NON_DIGIT_CHARACTER", 2)) is None
    assert hint(" ８９ ", err("GS1_LINTER_NON_DIGIT_CHARACTER", 1)) == "89"
    assert hint("1", err("GS1_LINTER_NON_DIGIT_CHARACTER", 7)) is None
    assert hint("1", err("GS1_LINTER_INCORRECT_CHECK_DIGIT", 0, "4")) == "4"
    assert hint("1", err("GS1_VALUE_TOO_SHORT", 0)) is None


def test_table_lines_without_position_or_suggestion():
    o = Outcome("x" * 60, False, None, "GS1_UNRECOGNISED", 0, None, "not a key", None, 60)
    assert len(table_lines(o, width=48)) == 1  # too long for a caret
    o = Outcome("", False, None, "GS1_EMPTY_VALUE", 0, None, "the text is empty", None, 0)
    assert table_lines(o, width=0) == ["✗ ?" + " " * 7 + "GS1_EMPTY_VALUE at 0: the text is empty"]


def test_unrecognised_input_gets_no_caret(capsys):
    _, out, _ = run(capsys, "hello")
    assert out.count("\n") == 1


def test_interrupt_and_broken_pipe_exit_quietly(capsys, monkeypatch):
    from tracelib.cli import gs1 as cli_gs1

    def interrupted(args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_gs1, "validate_command", interrupted)
    assert main(["gs1", "validate", GTIN13]) == 130
    assert capsys.readouterr().err == "interrupted\n"

    def broken(args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr(cli_gs1, "validate_command", broken)
    assert main(["gs1", "validate", GTIN13]) == 1
    assert "Traceback" not in capsys.readouterr().err
