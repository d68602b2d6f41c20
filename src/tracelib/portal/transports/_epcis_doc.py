"""Capture documents spliced from event bodies without re-parsing them (pure).

An event item's body is the compact JSON-LD of one EPCIS event. A capture request is one
``EPCISDocument`` whose ``eventList`` is the bodies joined with commas: the standard
``@context`` member at the start of a body is dropped (the document declares it), any other
``@context`` (extension namespaces) stays on its event, which JSON-LD allows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from ...epcis.client import CaptureLimits
from ..transport import Item

__all__ = ["EPCIS_CONTEXT", "DocumentShell", "event_piece", "pack_items", "split_context"]

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


_CONTEXT_KEY = b'{"@context":'
_STANDARD = json.dumps(EPCIS_CONTEXT).encode()
_known: dict[bytes, bytes] = {_CONTEXT_KEY + _STANDARD + b",": _STANDARD}
_DECODER = json.JSONDecoder()


def split_context(body: bytes) -> tuple[bytes | None, bytes] | None:
    """Split one event body into its leading ``@context`` value and the rest.

    Only the ``@context`` value is decoded (once per distinct context; later bodies with the
    same context are split by a prefix comparison), never the event.

    Args:
        body: The event's compact JSON-LD.

    Returns:
        ``(context bytes or None, piece)``: the piece is the event without its leading
        ``@context`` member; ``None`` when the body is not a JSON object.

    Examples:
        >>> split_context(b'{"@context":["a",{"x":"y"}],"type":"ObjectEvent"}')
        (b'["a",{"x":"y"}]', b'{"type":"ObjectEvent"}')
        >>> split_context(b'{"type":"ObjectEvent"}')
        (None, b'{"type":"ObjectEvent"}')
        >>> split_context(b'[1]') is None
        True
    """
    text = body.strip()
    if not (text.startswith(b"{") and text.endswith(b"}")):
        return None
    if not text.startswith(_CONTEXT_KEY):
        return None, text
    for prefix, context in _known.items():
        if text.startswith(prefix):
            return context, b"{" + text[len(prefix) :]
    try:
        decoded = text.decode("utf-8")
        _, end = _DECODER.raw_decode(decoded, len(_CONTEXT_KEY))
    except (ValueError, UnicodeDecodeError):
        return None
    context = decoded[len(_CONTEXT_KEY) : end].encode("utf-8")
    rest = decoded[end:].lstrip().encode("utf-8")
    if rest.startswith(b"}"):
        return context, b"{}"
    if not rest.startswith(b","):
        return None
    if len(_known) < 32:
        _known[_CONTEXT_KEY + context + b","] = context
    return context, b"{" + rest[1:].lstrip()


def event_piece(body: bytes, context: bytes | None = _STANDARD) -> bytes | None:
    """The bytes of one event inside the ``eventList`` of a document declaring ``context``.

    Args:
        body: The event's compact JSON-LD.
        context: The document's ``@context`` value (JSON bytes).

    Returns:
        The piece (the body without its ``@context`` when it equals the document's),
        or ``None`` when the body is not a JSON object.

    Examples:
        >>> event_piece(b'{"@context":"' + EPCIS_CONTEXT.encode() + b'","type":"ObjectEvent"}')
        b'{"type":"ObjectEvent"}'
        >>> event_piece(b'{"@context":"x","type":"ObjectEvent"}')
        b'{"@context":"x","type":"ObjectEvent"}'
        >>> event_piece(b'[1]') is None
        True
    """
    split = split_context(body)
    if split is None:
        return None
    own, piece = split
    if own is None or own == context:
        return piece
    return body.strip()


class DocumentShell:
    """The bytes around the events of a capture document.

    Args:
        clock: Current time (epoch seconds) for ``creationDate``.

    Examples:
        >>> shell = DocumentShell(lambda: 0.0)
        >>> shell.wrap([b'{"type":"ObjectEvent"}'])[-62:]
        b'00:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent"}]}}'
    """

    tail = b"]}}"

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock

    def head(self, context: bytes | None = None) -> bytes:
        """The document up to the opening ``[`` of ``eventList``.

        Args:
            context: The ``@context`` value (JSON bytes; the EPCIS 2.0 context by default).

        Returns:
            The bytes (``creationDate`` from the clock, whole seconds, UTC).

        Examples:
            >>> DocumentShell(lambda: 0.0).head()[:40]
            b'{"@context":"https://ref.gs1.org/standar'
        """
        when = datetime.fromtimestamp(int(self._clock()), tz=timezone.utc)
        created = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            _CONTEXT_KEY
            + (context or _STANDARD)
            + (
                ',"type":"EPCISDocument","schemaVersion":"2.0",'
                '"creationDate":"' + created + '","epcisBody":{"eventList":['
            ).encode()
        )

    def wrap(self, pieces: Sequence[bytes], context: bytes | None = None) -> bytes:
        """One document holding ``pieces``.

        Args:
            pieces: Event pieces (see :func:`event_piece`).
            context: The document's ``@context`` value (JSON bytes).

        Returns:
            The document bytes.

        Examples:
            >>> b'"eventList":[{},{}]' in DocumentShell(lambda: 0.0).wrap([b"{}", b"{}"])
            True
        """
        return self.head(context) + b",".join(pieces) + self.tail


_OVERHEAD = 256  # head + tail, generously


def pack_items(
    pieces: Sequence[tuple[Item, bytes]], limits: CaptureLimits, max_events: int
) -> list[list[tuple[Item, bytes]]]:
    """Greedy chunks of events within the event and byte limits, in order.

    Args:
        pieces: ``(item, piece)`` pairs.
        limits: The server's capture limits.
        max_events: The transport's own cap per request.

    Returns:
        The chunks (an event alone over the byte limit gets a chunk of its own; the server's
        413 then says so).

    Examples:
        >>> items = [(Item("event", str(i), b"{}"), b"{}") for i in range(5)]
        >>> [len(c) for c in pack_items(items, CaptureLimits(max_events=2), 100)]
        [2, 2, 1]
        >>> [len(c) for c in pack_items(items, CaptureLimits(max_bytes=_OVERHEAD + 5), 100)]
        [2, 2, 1]
    """
    cap = max_events if limits.max_events is None else min(max_events, limits.max_events)
    cap = max(1, cap)
    chunks: list[list[tuple[Item, bytes]]] = []
    current: list[tuple[Item, bytes]] = []
    size = _OVERHEAD
    for pair in pieces:
        grown = size + len(pair[1]) + (1 if current else 0)
        over = limits.max_bytes is not None and grown > limits.max_bytes
        if current and (len(current) >= cap or over):
            chunks.append(current)
            current, grown = [], _OVERHEAD + len(pair[1])
        current.append(pair)
        size = grown
    if current:
        chunks.append(current)
    return chunks
