"""Findings: what the codecs and the validator have to say about a document, with a location.

A :class:`Finding` is one observation with a stable ``code`` (``EPCIS_ELEMENT_ORDER``,
``EPCIS_PROTECTED_TERM``, ``EPCIS_XSD_INVALID``...), a ``severity`` and where it was made: an
XML ``line`` or a JSON ``path``. :func:`tracelib.epcis.validate` returns a list of them; the
codecs attach the ones they make while reading to the model they return, where
:func:`findings_of` (or the ``findings`` property of events and documents) finds them.

Attaching does not change the model: findings are not fields, take no part in equality and
are not copied by ``model_copy``.

Examples:
    >>> f = Finding("EPCIS_OFFSET_MISMATCH", "warning", "offset differs", path="$.eventTime")
    >>> f
    Finding('EPCIS_OFFSET_MISMATCH', 'warning', 'offset differs', path='$.eventTime')
    >>> f.to_dict()["path"]
    '$.eventTime'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ._side_table import SideTable

__all__ = ["Finding", "Severity", "attach_findings", "findings_of"]

Severity = Literal["error", "warning", "info"]
"""How bad a finding is: ``error`` makes a document invalid, the others do not."""

_SEVERITIES = frozenset({"error", "warning", "info"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation about a document.

    Attributes:
        code: Stable machine code, e.g. ``"EPCIS_XSD_INVALID"``.
        severity: ``"error"``, ``"warning"`` or ``"info"``.
        message: Human-readable text (may change between versions; match on ``code``).
        path: JSON path of the member concerned (JSON-LD input or a model location).
        line: 1-based source line (XML input).
        event_index: Index of the event in document order, when the finding is about one.

    Examples:
        >>> Finding("EPCIS_XSD_INVALID", "error", "bad element", line=12).line
        12
        >>> Finding("X", "fatal", "m")
        Traceback (most recent call last):
        ...
        ValueError: severity must be 'error', 'warning' or 'info', not 'fatal'
    """

    code: str
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    event_index: int | None = None

    def __post_init__(self) -> None:
        if self.severity not in _SEVERITIES:
            raise ValueError(
                f"severity must be 'error', 'warning' or 'info', not {self.severity!r}"
            )

    @property
    def is_error(self) -> bool:
        """Whether the finding makes the document invalid.

        Examples:
            >>> Finding("EPCIS_XSD_INVALID", "error", "m").is_error
            True
        """
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        """The finding as a JSON-ready dict (``None`` locations left out).

        Examples:
            >>> Finding("C", "info", "m", line=3).to_dict()
            {'code': 'C', 'severity': 'info', 'message': 'm', 'line': 3}
        """
        out: dict[str, Any] = {"code": self.code, "severity": self.severity}
        out["message"] = self.message
        for name in ("path", "line", "event_index"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def __repr__(self) -> str:
        where = "".join(
            f", {name}={getattr(self, name)!r}"
            for name in ("path", "line", "event_index")
            if getattr(self, name) is not None
        )
        return f"Finding({self.code!r}, {self.severity!r}, {self.message!r}{where})"


# Findings live beside the models, keyed by identity, and go when the model goes: models are
# frozen pydantic objects whose equality must not see them, and a private attribute would
# cost every event a few microseconds to initialise.
_ATTACHED = SideTable()


def attach_findings(model: object, findings: Iterable[Finding]) -> None:
    """Attach findings to a model (added to any already attached).

    Args:
        model: An event or document (any object that supports weak references).
        findings: The findings to add.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="OBSERVE")
        >>> attach_findings(ev, [Finding("C", "warning", "m")])
        >>> [f.code for f in findings_of(ev)]
        ['C']
    """
    new = tuple(findings)
    if not new:
        return
    _ATTACHED.set(model, _ATTACHED.get(model, ()) + new)


def findings_of(model: object) -> tuple[Finding, ...]:
    """The findings attached to a model by the codec that read it (``()`` if none).

    Args:
        model: An event or document.

    Returns:
        The findings, in the order they were made.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> findings_of(ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD"))
        ()
    """
    return _ATTACHED.get(model, ())  # type: ignore[no-any-return]
