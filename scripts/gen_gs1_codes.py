"""Generate ``src/tracelib/gs1/codes.py`` from ``gs1/ai/linter-error-codes.json``.

Usage: ``python scripts/gen_gs1_codes.py`` (reads ``$TRACELIB_CONFORMANCE``).
The 124 ``GS1_LINTER_*`` names are taken verbatim; tracelib's message-level codes are
listed below and appended after them.
"""

from __future__ import annotations

import json
import subprocess

from _conformance import REPO, conformance_root, sha256

# tracelib's own message-level codes (not linter names), with their English messages.
MESSAGE_CODES: dict[str, str] = {
    "GS1_INVALID_TYPE": "The value is not text.",
    "GS1_EPC_BAD_URN": "The text is not a well-formed EPC URI.",
    "GS1_EPC_UNKNOWN_SCHEME": "The EPC scheme, tag encoding or binary header is not known.",
    "GS1_EPC_BAD_PARTITION": "The company prefix and reference lengths do not fit the partition.",
    "GS1_EPC_FIELD_TOO_LONG": "An EPC component is longer or larger than its scheme allows.",
    "GS1_EPC_FIELD_TOO_SHORT": "An EPC component is shorter than its scheme allows.",
    "GS1_EPC_BAD_CHARACTER": "An EPC component holds a character its scheme does not allow.",
    "GS1_EPC_LEADING_ZERO": "A numeric EPC component has a leading zero.",
    "GS1_EPC_BAD_ESCAPE": "The percent-escape is not one the EPC URI syntax allows.",
    "GS1_EPC_BAD_PATTERN": "The EPC pattern uses a wildcard where it is not allowed.",
    "GS1_EPC_BAD_HEX": "The text is not a valid EPC binary encoding in hexadecimal.",
    "GS1_EPC_NOT_ENCODABLE": "The EPC cannot be represented in the requested form.",
    "GS1_EPC_BAD_FILTER": "The filter value is outside the range of the tag encoding.",
    "GS1_EPC_BAD_DIGITAL_LINK": "The GS1 Digital Link URI cannot be converted to an EPC.",
    "GS1_EPC_BAD_ELEMENT_STRING": "The GS1 element string cannot be converted to an EPC.",
    "GS1_EPC_NO_COMPANY_PREFIX": "The key has no GS1 Company Prefix (e.g. an RCN), so no EPC.",
    "GS1_EPC_WRONG_LEVEL": "The identifier is class-level where instance-level is needed, or back.",
    "GS1_EMPTY_VALUE": "The value is empty.",
    "GS1_VALUE_TOO_SHORT": "The value is shorter than the key or component allows.",
    "GS1_VALUE_TOO_LONG": "The value is longer than the key or component allows.",
    "GS1_INVALID_LENGTH": "The value has a length that the key does not allow.",
    "GS1_GCP_LENGTH_UNKNOWN": "No GS1 Company Prefix length is known for this key.",
    "GS1_INVALID_GCP_LENGTH": "The GS1 Company Prefix length given is outside 4 to 12 or the key.",
    "GS1_NOT_CONVERTIBLE": "The value cannot be converted to the requested form.",
    "GS1_UNRECOGNISED": "The text is not any GS1 key or data format that tracelib knows.",
    "GS1_INTERNAL_ERROR": "tracelib failed on this input; this is a bug, please report it.",
    "GS1_UNKNOWN_AI": "The Application Identifier is not in the GS1 Syntax Dictionary.",
    "GS1_UNKNOWN_LINTER": "No GS1 Syntax Dictionary linter has this name.",
    "GS1_WRONG_AI": "The Application Identifier is not one that holds this kind of key.",
    "GS1_DL_BAD_SCHEME": "The URI scheme is not http or https in all lower or all upper case.",
    "GS1_DL_BAD_CHARACTER": "The URI holds a character that a URI cannot carry unescaped.",
    "GS1_DL_BAD_DOMAIN": "The URI has no domain, or its domain holds a character a domain cannot.",
    "GS1_DL_NO_PRIMARY_KEY": "No Digital Link primary key AI and value were found in the URI path.",
    "GS1_DL_BAD_PATH": "The URI path holds an empty value or an AI that does not qualify the key.",
    "GS1_DL_QUALIFIER_ORDER": "The key qualifiers in the path are not in an order the key allows.",
    "GS1_DL_QUALIFIER_IN_QUERY": "A key qualifier is in the query string; it belongs in the path.",
    "GS1_DL_BAD_QUERY": "A query parameter is malformed (no name, or an AI with an empty value).",
    "GS1_DL_BAD_ESCAPE": "A percent-escape is not %XX with two hex digits, or it decodes to NUL.",
    "GS1_DL_ZERO_SUPPRESSED_GTIN": "A GTIN in a Digital Link URI is not written with 14 digits.",
    "GS1_DL_DUPLICATE_AI": "The same AI appears twice in the Digital Link URI.",
    "GS1_DL_UNKNOWN_AI": "A numeric query parameter is not an AI of the GS1 Syntax Dictionary.",
    "GS1_DL_CONVENIENCE_ALPHA": "A withdrawn alphabetic short name (e.g. /gtin/) stands for an AI.",
    "GS1_DL_NOT_ATTRIBUTE": "The AI is not allowed as a Digital Link data attribute (query).",
    "GS1_DL_BAD_STEM": "The stem is not an http:// or https:// URI with a domain.",
    "GS1_UNKNOWN_PROFILE": "No validation profile has this name.",
    "GS1_INVALID_AI": "An Application Identifier must be two to four digits.",
    "GS1_BAD_BRACKETS": "Bracketed AIs must be written (AI)value, each AI closed by ')'.",
    "GS1_MISSING_FNC1": "Raw AI data must start with FNC1: '^' or a separator character.",
    "GS1_EMPTY_DATA": "There is no AI data.",
    "GS1_ILLEGAL_CARET": "A value contains '^', which would be read as FNC1.",
    "GS1_REPEATED_AIS": "An AI occurs more than once with different values.",
    "GS1_REQUISITE_AIS": "An AI is present without the AIs it requires (req=).",
    "GS1_MUTEX_AIS": "Two AIs that must not be used together are present (ex=).",
    "GS1_DIGSIG_SERIAL_KEY": "A digital signature (8030) needs (253), (255) or (8003) serialised.",
    "GS1_AI_NOT_PRESENT": "The element string has no such AI.",
    "GS1_SCAN_MISSING_SYMBOLOGY_ID": "Scan data must start with a symbology identifier, e.g. ]C1.",
    "GS1_SCAN_UNKNOWN_SYMBOLOGY": "The symbology identifier or name is not supported.",
    "GS1_SCAN_ILLEGAL_CARET": "GS1 scan data contains '^'; FNC1 is transmitted as GS (0x1D).",
    "GS1_DL_COMPRESSION_BAD_BASE64": "The compressed segment is empty or not base64url text.",
    "GS1_DL_COMPRESSION_TRUNCATED": "The compressed data ends in the middle of an entry.",
    "GS1_DL_COMPRESSION_UNKNOWN_AI": "The compressed data names an AI the Syntax Dictionary lacks.",
    "GS1_DL_COMPRESSION_BAD_ENCODING": "A compressed entry is malformed (code, length or value).",
    "GS1_DL_COMPRESSION_DUPLICATE_AI": "An AI occurs twice; a compressed Digital Link holds it once.",
    "GS1_DL_COMPRESSION_NOT_ENCODABLE": "A value or parameter cannot be written in compressed form.",
    "GS1_DL_COMPRESSION_NOT_COMPRESSED": "The URI has no compressed Digital Link path segment.",
    "GS1_DL_COMPRESSION_EPC_BINARY_UNSUPPORTED": "EPC binary compression (/ex, /eh) is unsupported.",
    "GS1_LABEL_NOT_DIGITAL_LINK": "A plain QR Code label carries a GS1 Digital Link URI; this is not one.",
    "GS1_LABEL_DATA_TOO_LONG": "The data does not fit in the largest symbol of this symbology.",
    "GS1_LABEL_ENCODER_ERROR": "The barcode encoder rejected the data.",
    "GS1_LABEL_BAD_OPTION": "A label option (error correction, module size, quiet zone) is invalid.",
    "GS1_LABEL_BAD_IMAGE": "The image cannot be read (not image data, or a format not supported).",
    "GS1_TRACE_CODE_NO_GTIN": "A product trace code needs a GTIN, AI (01).",
    "GS1_TRACE_CODE_NO_LOT_OR_SERIAL": "A product trace code needs a batch/lot (10) or a serial (21).",
    "GS1_TRACE_CODE_UNEXPECTED_AI": "The AI is not part of this kind of trace code.",
    "GS1_TRACE_CODE_NO_GLN": "A location trace code needs a GLN, one of AIs (410) to (417).",
    "GS1_TRACE_CODE_BAD_ROLE": "The location role is not one of the GLN roles of AIs (410) to (417).",
    "GS1_TRACE_CODE_BAD_DATE": "The date is not a date, or YYMMDD cannot represent it.",
}


def main() -> None:
    src = conformance_root() / "gs1" / "ai" / "linter-error-codes.json"
    data = json.loads(src.read_text(encoding="utf-8"))
    codes = [(c["name"], c["message_en"]) for c in data["codes"]]
    out = [
        '"""GS1 error codes: the GS1 Syntax Dictionary linter names and tracelib\'s own codes.',
        "",
        "Generated by ``scripts/gen_gs1_codes.py``; do not edit by hand.",
        "",
        f"Source: {data['source']}",
        f"File sha256: {sha256(src)}",
        "",
        "Examples:",
        "    >>> from tracelib.gs1.codes import Gs1Code, message",
        "    >>> str(Gs1Code.GS1_LINTER_INCORRECT_CHECK_DIGIT)",
        "    'GS1_LINTER_INCORRECT_CHECK_DIGIT'",
        '    >>> message("GS1_LINTER_NOT_ZERO")',
        "    'A zero is required.'",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import enum",
        "",
        '__all__ = ["LINTER_CODES", "MESSAGE_CODES", "Gs1Code", "message"]',
        "",
        "",
        "class Gs1Code(str, enum.Enum):",
        '    """A GS1 error code; its value (and ``str()``) is the code name."""',
        "",
        "    def __str__(self) -> str:",
        "        return str(self.value)",
        "",
    ]
    out.extend(f'    {name} = "{name}"' for name, _ in codes)
    out.extend(f'    {name} = "{name}"' for name in MESSAGE_CODES)
    out += ["", "", "_MESSAGES: dict[str, str] = {"]
    for name, msg in [*codes, *MESSAGE_CODES.items()]:
        out.append(f"    {name!r}: {msg!r},")
    out += [
        "}",
        "",
        "#: The linter error names, in the C library's enum order.",
        "LINTER_CODES: tuple[str, ...] = (",
        *[f"    {name!r}," for name, _ in codes],
        ")",
        "",
        "#: tracelib's message-level codes.",
        "MESSAGE_CODES: tuple[str, ...] = (",
        *[f"    {name!r}," for name in MESSAGE_CODES],
        ")",
        "",
        "",
        "def message(code: str) -> str:",
        '    """English message for a code (the code itself if unknown).',
        "",
        "    Examples:",
        '        >>> message("GS1_EMPTY_VALUE")',
        "        'The value is empty.'",
        '    """',
        "    return _MESSAGES.get(str(code), str(code))",
        "",
    ]
    target = REPO / "src" / "tracelib" / "gs1" / "codes.py"
    target.write_text("\n".join(out), encoding="utf-8")
    subprocess.run(["ruff", "format", str(target)], check=False)
    print(f"wrote {target} ({len(codes)} linter codes, {len(MESSAGE_CODES)} message codes)")


if __name__ == "__main__":
    main()
