"""Safe XML parsing: the lxml options, the size bounds, and how parser errors are reported.

Refused as hostile (:class:`~tracelib.errors.HostileXmlError`, ``EPCIS_HOSTILE_XML``):

* a DOCTYPE with an internal subset (``<!DOCTYPE x [...]>``: entity declarations, the
  "billion laughs") or an external identifier (``SYSTEM``/``PUBLIC``: external DTDs, XXE);
  the bare ``<!DOCTYPE name>`` that some GS1 examples carry declares nothing and is accepted;
* input larger than ``max_bytes`` (:data:`DEFAULT_MAX_BYTES` unless raised);
* a text node or attribute value larger than :data:`MAX_TEXT_NODE` characters, nesting
  deeper than 256 elements (libxml2's limits without ``huge_tree``, which is never set).

Nothing is ever fetched: no DTD is loaded, no entity resolved, network access is off.
Any other parser error is an :class:`~tracelib.errors.EpcisError` ``EPCIS_MALFORMED_XML``
with the line (and the column in the message).
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ..errors import EpcisError, HostileXmlError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_TEXT_NODE",
    "SAFE_PARSER_KWARGS",
    "check_docinfo",
    "parse",
]

SAFE_PARSER_KWARGS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "collect_ids": False,
    "remove_comments": True,
    "remove_pis": True,
}
"""Options for ``lxml.etree.XMLParser`` and ``lxml.etree.iterparse`` that make parsing safe:
no DTD loading or validation, no entity resolution, no network, libxml2's size limits kept
(no ``huge_tree``); comments and processing instructions are dropped (EPCIS ignores them)."""

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest input :func:`~tracelib.epcis.xml.from_xml` accepts by default (64 MiB); pass
``max_bytes=`` to raise it, or stream larger documents."""

MAX_TEXT_NODE = 10_000_000
"""Largest text node or attribute value, in bytes (libxml2's limit without ``huge_tree``)."""

_PARSER = etree.XMLParser(**SAFE_PARSER_KWARGS)
_PARSER_UTF8 = etree.XMLParser(encoding="utf-8", **SAFE_PARSER_KWARGS)
_BOM = b"\xef\xbb\xbf"
_EXTERNAL_ID = re.compile(rb"\b(?:SYSTEM|PUBLIC)\b")
# libxml2 error codes of refused input: entity loops and amplification, resource limits
# (huge text, depth), attempts to load network or external resources.
_HOSTILE_CODES = frozenset({89, 104, 110, 114, 1543, 1549})
_HOSTILE_WORDS = (
    "Resource limit exceeded",
    "Excessive depth",
    "huge",
    "Huge",
    "amplification",
    "entity reference loop",
    "network entity",
    "failed to load",
)


def _hostile(message: str, line: int | None = None) -> HostileXmlError:
    where = f" (line {line})" if line is not None else ""
    return HostileXmlError(f"refused XML{where}: {message}", code="EPCIS_HOSTILE_XML", line=line)


def _check_prolog(data: bytes) -> None:
    # Walks the prolog (XML declaration, white space, comments, PIs) up to the root element.
    pos = len(_BOM) if data.startswith(_BOM) else 0
    end = len(data)
    while pos < end:
        if data[pos] in b" \t\r\n":
            pos += 1
        elif data.startswith(b"<?", pos):
            close = data.find(b"?>", pos + 2)
            if close < 0:
                return
            pos = close + 2
        elif data.startswith(b"<!--", pos):
            close = data.find(b"-->", pos + 4)
            if close < 0:
                return
            pos = close + 3
        elif data.startswith(b"<!DOCTYPE", pos):
            line = data.count(b"\n", 0, pos) + 1
            close = data.find(b">", pos)
            bracket = data.find(b"[", pos)
            if bracket >= 0 and (close < 0 or bracket < close):
                raise _hostile("a DOCTYPE with an internal subset (entity declarations)", line)
            if _EXTERNAL_ID.search(data, pos, close if close >= 0 else end):
                raise _hostile("a DOCTYPE with an external identifier (external DTD)", line)
            return
        else:
            return


def check_docinfo(docinfo: Any, line: int | None = None) -> None:
    """Refuse a parsed document whose DOCTYPE declares anything or names an external DTD.

    The parse itself is safe (nothing is loaded or expanded); this enforces the policy for
    input the byte-level prolog check could not read (e.g. UTF-16).

    Args:
        docinfo: ``tree.docinfo`` of the parsed document.
        line: Line to report.

    Raises:
        HostileXmlError: ``EPCIS_HOSTILE_XML``.
    """
    if docinfo.system_url or docinfo.public_id:
        raise _hostile("a DOCTYPE with an external identifier (external DTD)", line)
    dtd = docinfo.internalDTD
    if dtd is not None:
        for _ in dtd.iterentities():
            raise _hostile("a DOCTYPE with entity declarations", line)
        for _ in dtd.iterelements():
            raise _hostile("a DOCTYPE with element declarations", line)


def syntax_error(exc: etree.XMLSyntaxError) -> EpcisError:
    """An lxml syntax error as ``EPCIS_MALFORMED_XML`` (or ``EPCIS_HOSTILE_XML``)."""
    line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
    message = str(exc.msg or exc).strip()
    if exc.code in _HOSTILE_CODES or any(word in message for word in _HOSTILE_WORDS):
        return _hostile(message, line)
    column = exc.position[1] if isinstance(exc.position, tuple) else None
    where = f"line {line}, column {column}" if line is not None else "XML"
    return EpcisError(f"malformed XML at {where}: {message}", code="EPCIS_MALFORMED_XML", line=line)


def parse(data: object, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse a whole document safely; the root element.

    Args:
        data: ``bytes`` (the encoding declared in the XML applies) or ``str`` (any encoding
            declaration is ignored: the text is already decoded).
        max_bytes: Size bound of the input (UTF-8 bytes for ``str``).

    Returns:
        The root element.

    Raises:
        HostileXmlError: ``EPCIS_HOSTILE_XML``.
        EpcisError: ``EPCIS_MALFORMED_XML``; ``EPCIS_INVALID_INPUT`` for other types.
    """
    parser = _PARSER
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EpcisError(
                f"the text is not encodable (lone surrogate at {exc.start})",
                code="EPCIS_MALFORMED_XML",
                position=exc.start,
            ) from exc
        parser = _PARSER_UTF8
    elif isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise EpcisError(
            f"XML input is bytes or str, not {type(data).__name__}", code="EPCIS_INVALID_INPUT"
        )
    if len(data) > max_bytes:
        raise _hostile(
            f"the input has {len(data)} bytes, more than max_bytes={max_bytes} "
            "(raise max_bytes, or stream it with iter_events)"
        )
    _check_prolog(data)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc) from exc
    if root is None:  # pragma: no cover - lxml raises on empty documents
        raise EpcisError("the XML document is empty", code="EPCIS_MALFORMED_XML")
    check_docinfo(root.getroottree().docinfo, root.sourceline)
    return root
