"""A deep snapshot of model values for tests that compare two readers.

``==`` on the models ignores extension prefixes, ``Timestamp`` vs ``str`` and the digits of a
``Decimal``; two readers that must give the very same models are compared on
:func:`snapshot` too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tracelib.epcis._extensions import Extension
from tracelib.epcis.models import EpcisModel

__all__ = ["snapshot"]


def snapshot(value: Any) -> Any:
    """Everything a value holds, types included."""
    if isinstance(value, EpcisModel):
        fields = type(value).model_fields
        return (
            type(value).__name__,
            # The models' own path also leaves the names of the prefixed members it turned
            # into nodes in model_fields_set (no field has them; dumps are the same).
            sorted(value.model_fields_set & set(fields)),
            value.__pydantic_extra__,
            {name: snapshot(value.__dict__[name]) for name in fields},
        )
    if isinstance(value, Extension):
        return ("Extension", tuple(snapshot(part) for part in tuple.__iter__(value)))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(snapshot(item) for item in value))
    if isinstance(value, (str, Decimal)):
        return (type(value).__name__, str(value))
    return (type(value).__name__, repr(value))
