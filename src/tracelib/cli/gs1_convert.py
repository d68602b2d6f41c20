"""``tracelib gs1 convert``: turn GS1 data from one representation into another.

Each INPUT is detected from its shape: a GS1 key (``8935049500568``), bracketed HRI
(``(01)…(10)…``), raw data with FNC1 written as GS or ``^``, scan data with a symbology
identifier (``]d2…``, ``]Q1https://…``), a GS1 Digital Link URI (compressed too), or an EPC
(pure-identity or tag URI, or binary in hex). It is validated with ``--profile`` and
written ``--to`` one of:

* ``hri``: bracketed element string; ``raw``: FNC1 as GS (``--fnc1 caret`` for ``^``);
* ``dl``: Digital Link URI on ``--stem`` (default ``https://id.gs1.org``);
* ``compressed``: compressed Digital Link URI on ``--stem``;
* ``epc``: EPC pure-identity URN (``--gcp-length`` when the GCP length is not known);
* ``gtin14``: the 14-digit GTIN of AI (01).

Exit status: 0 when every input converted, 1 when any failed, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from ..errors import Gs1Error
from ._output import marks, outcome_from_error, table_lines, write

__all__ = ["TARGETS", "Converted", "add_parser", "convert", "convert_command", "detect", "load"]

#: The representations ``--to`` can produce.
TARGETS: tuple[str, ...] = ("hri", "raw", "dl", "epc", "gtin14", "compressed")
_PROFILES = ("strict", "scanner-lenient", "syntax-only")
_BLANKS = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Converted:
    """One input, converted or not, in the shape of a ``--json`` line.

    Attributes:
        input: The input as given.
        kind: The detected kind: ``key``, ``element-string``, ``scan-data``, ``dl``, ``epc``.
        to: The target representation.
        output: The converted value, or ``None`` on failure.
        error: The error, or ``None``.

    Examples:
        >>> Converted("8935049500568", "key", "hri", "(01)08935049500568", None).ok
        True
    """

    input: str
    kind: str | None
    to: str
    output: str | None
    error: Gs1Error | None

    @property
    def ok(self) -> bool:
        """Whether the input was converted."""
        return self.error is None

    def as_json(self) -> str:
        """The ``--json`` line: input, valid, kind, to, output, code, position, message.

        Returns:
            One line of ASCII JSON.

        Examples:
            >>> print(Converted("96385074", "key", "gtin14", "00000096385074", None).as_json())
            {"input": "96385074", "valid": true, "kind": "key", "to": "gtin14", "output": "00000096385074", "code": null, "position": null, "message": null, "suggestion": null}
        """  # noqa: E501 - one JSON line
        err = self.error
        return json.dumps(
            {
                "input": self.input,
                "valid": err is None,
                "kind": self.kind,
                "to": self.to,
                "output": self.output,
                "code": None if err is None else str(err.code),
                "position": None if err is None else err.position,
                "message": None if err is None else err.message,
                "suggestion": None if err is None else err.suggestion,
            }
        )


def add_parser(commands: Any) -> None:
    """Register ``convert`` on the sub-parsers of ``tracelib gs1``.

    Args:
        commands: The object returned by the ``gs1`` parser's ``add_subparsers()``.

    Examples:
        >>> import argparse
        >>> parser = argparse.ArgumentParser(prog="gs1")
        >>> add_parser(parser.add_subparsers())
        >>> parser.parse_args(["convert", "96385074", "--to", "dl"]).to
        'dl'
    """
    convert_parser = commands.add_parser(
        "convert",
        help="convert GS1 data: key, HRI, raw, scan data, Digital Link, EPC",
        description=(
            "Convert GS1 data from any representation to another. Each INPUT is detected\n"
            "from its shape (key, bracketed HRI, raw with GS or ^, scan data, Digital Link\n"
            "URI, EPC URN, tag URI or hex) and validated first.\n\n"
            "exit status: 0 all converted, 1 some failed, 2 usage error"
        ),
        epilog=(
            "examples:\n"
            "  tracelib gs1 convert '(01)08935049500568(10)L1' --to dl\n"
            "  tracelib gs1 convert https://id.gs1.org/01/08935049500568/21/S1 --to epc "
            "--gcp-length 9\n"
            "  tracelib gs1 convert urn:epc:id:sgtin:0614141.812345.6789 --to hri\n"
            "  tracelib gs1 convert 8935049500568 --to gtin14 --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert_parser.add_argument("inputs", nargs="+", metavar="INPUT", help="GS1 data to convert")
    convert_parser.add_argument(
        "-t", "--to", choices=TARGETS, required=True, help="the representation to write"
    )
    convert_parser.add_argument(
        "--stem", metavar="URL", help="Digital Link stem for dl/compressed (default id.gs1.org)"
    )
    convert_parser.add_argument(
        "--profile", choices=_PROFILES, default="strict", help="validation profile (strict)"
    )
    convert_parser.add_argument(
        "--gcp-length",
        type=int,
        metavar="N",
        help="GS1 Company Prefix length for --to epc, when it is not known offline",
    )
    convert_parser.add_argument(
        "--fnc1",
        choices=("gs", "caret"),
        default="gs",
        help="how --to raw writes FNC1: the GS character (default) or ^",
    )
    convert_parser.add_argument("--json", action="store_true", help="print JSON lines")
    convert_parser.set_defaults(func=convert_command, command_name="tracelib gs1 convert")


def _shift(err: Gs1Error, lead: int) -> Gs1Error:
    if lead and err.position is not None:
        err.position += lead
    return err


def load(text: str, *, profile: str = "strict") -> tuple[str, Any]:
    """Detect and validate one input; return its kind and its element string.

    Args:
        text: The input (blanks around it are ignored; positions still count them).
        profile: The validation profile.

    Returns:
        ``(kind, element_string)``, kind one of ``key``, ``element-string``,
        ``scan-data``, ``dl``, ``epc``.

    Raises:
        Gs1Error: The input's error, ``position`` in ``text``.

    Examples:
        >>> kind, es = load("urn:epc:id:sscc:0614141.1234567890")
        >>> kind, es.as_hri()
        ('epc', '(00)106141412345678908')
    """
    body = text.lstrip(_BLANKS)
    lead = len(text) - len(body)
    body = body.rstrip(_BLANKS)
    try:
        return _load(body, profile)
    except Gs1Error as err:
        raise _shift(err, lead) from None


def detect(text: str) -> str:
    """The kind of an input, from its shape alone (nothing is validated).

    Args:
        text: The input.

    Returns:
        ``dl``, ``epc``, ``scan-data``, ``element-string`` or ``key``.

    Examples:
        >>> detect("https://id.gs1.org/01/08935049500568"), detect("]d2010893504950056")
        ('dl', 'scan-data')
    """
    body = text.strip(_BLANKS)
    lower = body[:12].lower()
    if lower.startswith(("http://", "https://")):
        return "dl"
    if lower.startswith("urn:epc:") or _looks_hex(body):
        return "epc"
    first = body[:1]
    if first == "]":
        plain = body[1:3] in ("Q1", "d1", "J0")
        return (
            "dl"
            if plain and body[3:11].lower().startswith(("http://", "https://"))
            else "scan-data"
        )
    if first in ("(", "^", "\x1d"):
        return "element-string"
    return "key"


def _load(body: str, profile: str) -> tuple[str, Any]:
    from ..gs1.element_strings import from_ais, parse_element_string

    lower = body[:12].lower()
    kind = detect(body)
    if kind == "dl" and body[:1] != "]":
        return "dl", from_ais(_dl_ais(body, profile), profile=profile)  # type: ignore[arg-type]
    if kind == "epc":
        from ..gs1 import epc

        if lower.startswith("urn:epc:tag:"):
            value = epc.from_tag_uri(body).epc
        elif lower.startswith("urn:epc:"):
            value = epc.from_urn(body)
        else:
            value = epc.decode_hex(body).epc
        return "epc", parse_element_string(value.as_element_string(), profile=profile)  # type: ignore[arg-type]
    if body[:1] == "]":
        from ..gs1.scan_data import parse_scan_data

        scan = parse_scan_data(body, profile=profile)  # type: ignore[arg-type]
        if scan.element_string is not None:
            return "scan-data", scan.element_string
        dl: Any = scan.digital_link
        if dl is None:
            raise Gs1Error(
                f"the scan data {body[:3]!r} holds plain text, not GS1 data",
                code="GS1_NOT_CONVERTIBLE",
                position=3,
                length=len(body) - 3,
            )
        return "dl", from_ais(dl.ais, profile=profile)  # type: ignore[arg-type]
    if kind == "element-string":
        return "element-string", parse_element_string(body, profile=profile)  # type: ignore[arg-type]
    return "key", _key(body, profile)


def _looks_hex(body: str) -> bool:
    hexdigits = "0123456789abcdefABCDEF"
    return 24 <= len(body) <= 128 and all(c in hexdigits for c in body) and not body.isdigit()


def _dl_ais(uri: str, profile: str) -> tuple[tuple[str, str], ...]:
    from ..gs1.digital_link import parse_digital_link
    from ..gs1.dl_compression import decompress, is_compressed

    if is_compressed(uri, profile=profile):  # type: ignore[arg-type]
        uri = decompress(uri, profile=profile)  # type: ignore[arg-type]
    return parse_digital_link(uri, profile=profile).ais  # type: ignore[arg-type]


def _key(body: str, profile: str) -> Any:
    from .. import parse
    from ..gs1 import keys
    from ..gs1.element_strings import parse_element_string

    result = parse(body)
    if result.kind is None:
        err = result.error
        assert err is not None  # parse explains every failure
        raise err
    key = getattr(keys, result.kind.capitalize()).parse(body)
    return parse_element_string(key.as_hri(), profile=profile)  # type: ignore[arg-type]


def convert(
    text: str,
    to: str,
    *,
    stem: str | None = None,
    profile: str = "strict",
    gcp_length: int | None = None,
    fnc1: str = "gs",
) -> Converted:
    """Convert one input; never raises for bad data (the error is in the result).

    Args:
        text: The input.
        to: One of :data:`TARGETS`.
        stem: Digital Link stem for ``dl`` and ``compressed``.
        profile: Validation profile.
        gcp_length: GS1 Company Prefix length for ``epc``.
        fnc1: ``"gs"`` or ``"caret"`` for ``raw``.

    Returns:
        The :class:`Converted` result.

    Examples:
        >>> convert("(01)08935049500568(21)S1", "dl").output
        'https://id.gs1.org/01/08935049500568/21/S1'
        >>> str(convert("(01)08935049500569", "hri").error.code)
        'GS1_LINTER_INCORRECT_CHECK_DIGIT'
    """
    kind = detect(text) if isinstance(text, str) else None
    try:
        kind, es = load(text, profile=profile)
        return Converted(text, kind, to, _write(es, to, stem, gcp_length, fnc1), None)
    except Gs1Error as err:
        return Converted(text, kind, to, None, err)


def _write(es: Any, to: str, stem: str | None, gcp_length: int | None, fnc1: str) -> str:
    if to == "hri":
        return str(es.as_hri())
    if to == "raw":
        return str(es.as_raw("^" if fnc1 == "caret" else "\x1d"))
    if to == "dl":
        return str(es.as_digital_link(stem))
    if to == "compressed":
        from ..gs1.dl_compression import compress_digital_link

        return compress_digital_link(es, stem=stem)
    if to == "gtin14":
        gtin = es.get("01")
        if gtin is None:
            raise Gs1Error(
                "the data has no GTIN, AI (01)", code="GS1_NOT_CONVERTIBLE", position=0, length=0
            )
        return str(gtin)
    from ..gs1 import epc

    try:
        return epc.to_urn(es.as_hri(), gcp_length=gcp_length)
    except Gs1Error as err:
        err.position = None  # positions of the HRI tracelib wrote, not of the input
        raise


def convert_command(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run ``tracelib gs1 convert`` with parsed arguments.

    Args:
        args: The namespace built by the parser of :func:`add_parser`.
        out: Where results go (default: standard output).
        err: Where errors go in plain mode (default: standard error).

    Returns:
        0 when every input converted, 1 otherwise.

    Raises:
        UsageError: A ``--gcp-length`` outside 4-12.

    Examples:
        >>> ns = argparse.Namespace(inputs=["8935049500568"], to="hri", stem=None,
        ...                         profile="strict", gcp_length=None, fnc1="gs", json=False)
        >>> convert_command(ns)
        (01)08935049500568
        0
    """
    from ._inputs import UsageError

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if args.gcp_length is not None and not 4 <= args.gcp_length <= 12:
        raise UsageError(f"--gcp-length must be 4 to 12, not {args.gcp_length}")
    results = [
        convert(
            text,
            args.to,
            stem=args.stem,
            profile=args.profile,
            gcp_length=args.gcp_length,
            fnc1=args.fnc1,
        )
        for text in args.inputs
    ]
    _report(results, out, err, as_json=args.json)
    return 0 if all(r.ok for r in results) else 1


def _report(results: Sequence[Converted], out: TextIO, err: TextIO, *, as_json: bool) -> None:
    if as_json:
        for r in results:
            write(out, r.as_json())
        return
    _, bad_mark = marks(err)
    width = max(len(r.input) for r in results)
    for r in results:
        if r.error is None:
            write(out, str(r.output))
            continue
        outcome = outcome_from_error(r.input, r.kind, r.error)
        for line in table_lines(outcome, width=min(width, 48), invalid_mark=bad_mark):
            write(err, line)
