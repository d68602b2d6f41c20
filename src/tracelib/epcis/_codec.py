"""``tracelib.epcis.parse``: one entry point for both syntaxes, sniffing XML vs JSON-LD."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Literal

from ..errors import EpcisError

if TYPE_CHECKING:
    from ._models_documents import Document
    from ._models_events import EpcisEvent

__all__ = ["Format", "parse", "sniff_format"]

Format = Literal["xml", "jsonld"]
"""The two EPCIS 2.0 syntaxes."""

_WHITESPACE = b" \t\r\n"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff_format(data: bytes | str) -> Format:
    """Tell XML from JSON-LD by the first significant character.

    Args:
        data: The document text or bytes.

    Returns:
        ``"xml"`` or ``"jsonld"``.

    Raises:
        EpcisError: ``EPCIS_UNKNOWN_FORMAT`` when the data starts with neither ``<`` nor ``{``
            / ``[`` (after a byte-order mark and whitespace).

    Examples:
        >>> sniff_format(b'  <?xml version="1.0"?><epcis:EPCISDocument/>')
        'xml'
        >>> sniff_format('{"type": "EPCISDocument"}')
        'jsonld'
    """
    if isinstance(data, str):
        head = data[:64].lstrip("\ufeff \t\r\n")[:1]
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data[:64])
        for bom in _BOMS:
            if raw.startswith(bom):
                raw = raw[len(bom) :]
                break
        head = raw.lstrip(_WHITESPACE)[:1].decode("latin-1")
    else:
        raise EpcisError(
            f"EPCIS data must be bytes or str, not {type(data).__name__}",
            code="EPCIS_INVALID_TYPE",
        )
    if head == "<":
        return "xml"
    if head in ("{", "["):
        return "jsonld"
    shown = repr(head) if head else "nothing"
    raise EpcisError(
        f"not an EPCIS document: starts with {shown}, expected '<' (XML) or '{{' (JSON-LD)",
        code="EPCIS_UNKNOWN_FORMAT",
        path="$",
    )


def parse(
    data: bytes | str, *, format: Format | None = None, strict: bool = False
) -> Document | EpcisEvent:
    """Read an EPCIS 2.0 (or 1.2 XML) document or bare event, in either syntax.

    Args:
        data: XML or JSON-LD, as bytes or text.
        format: ``"xml"`` or ``"jsonld"``; sniffed from the first character when ``None``.
        strict: JSON-LD only: raise :class:`~tracelib.errors.JsonLdError` where the default
            records a finding (a redefined protected term).

    Returns:
        The document (:class:`~tracelib.epcis.models.EPCISDocument`, query, master data or
        capture job) or a bare event; what the reader noticed is in its ``findings``.

    Raises:
        EpcisError: Bad input, with ``line`` (XML) or ``path`` (JSON-LD); subclasses
            :class:`~tracelib.errors.HostileXmlError`, :class:`~tracelib.errors.UnknownContextError`
            and :class:`~tracelib.errors.JsonLdError`.

    Examples:
        >>> from tracelib import epcis
        >>> doc = epcis.parse(b'''{"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        ...   "type": "EPCISDocument", "schemaVersion": "2.0",
        ...   "creationDate": "2024-05-02T09:00:00+07:00", "epcisBody": {"eventList": [
        ...   {"type": "ObjectEvent", "eventTime": "2024-05-01T08:30:00+07:00",
        ...    "eventTimeZoneOffset": "+07:00", "action": "ADD", "bizStep": "commissioning",
        ...    "epcList": ["urn:epc:id:sgtin:893012345.0012.1001"]}]}}''')
        >>> doc.events[0].biz_step
        'commissioning'
        >>> epcis.parse(doc.to_xml()) == doc.model_copy(update={"context": None})
        True
    """
    chosen = sniff_format(data) if format is None else format
    if chosen == "xml":
        codec: Any = importlib.import_module("tracelib.epcis.xml")
        return codec.from_xml(data)  # type: ignore[no-any-return]
    if chosen == "jsonld":
        codec = importlib.import_module("tracelib.epcis.jsonld")
        return codec.from_jsonld(data, strict=strict)  # type: ignore[no-any-return]
    raise EpcisError(
        f"format must be 'xml' or 'jsonld', not {chosen!r}", code="EPCIS_UNKNOWN_FORMAT"
    )
