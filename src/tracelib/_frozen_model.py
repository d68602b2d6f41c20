"""A mixin for tracelib's pydantic models: frozen like dataclasses, errors as tracelib errors.

``tracelib.epcis`` and ``tracelib.portal`` models both put :class:`FrozenModel` before
``pydantic.BaseModel``: construction errors go through the class's
:meth:`~FrozenModel._validation_error` (an ``EpcisError``, an ``IdentifierError``...), never
pydantic's ``ValidationError``, and assigning or deleting a field raises
:class:`dataclasses.FrozenInstanceError`, as for the GS1 value dataclasses.

Examples:
    >>> from pydantic import BaseModel, ConfigDict
    >>> from tracelib.errors import InputError
    >>> class Point(FrozenModel, BaseModel):
    ...     model_config = ConfigDict(frozen=True)
    ...     x: int
    ...     @classmethod
    ...     def _validation_error(cls, exc):
    ...         return InputError("bad point", code="X_BAD", path="$.x")
    >>> Point(x="a")
    Traceback (most recent call last):
    ...
    tracelib.errors.InputError: bad point
    >>> Point(x=1).x = 2
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'x': Point is frozen
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any

from pydantic import ValidationError

__all__ = ["FrozenModel"]


class FrozenModel:
    """Mixin (before ``BaseModel``): converted validation errors, no attribute assignment."""

    __slots__ = ()

    @classmethod
    def _validation_error(cls, exc: ValidationError) -> Exception:
        """The tracelib error for a pydantic ``ValidationError`` (subclasses override)."""
        raise NotImplementedError  # pragma: no cover - every model family overrides it

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise self._validation_error(exc) from exc

    # pydantic treats an overridden __init__ as custom (and calls it for every nested object
    # during validation); this one only converts errors, so declare it the base init.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(
            f"cannot assign to field {name!r}: {type(self).__name__} is frozen"
        )

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")
