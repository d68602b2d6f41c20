"""The base of the portal models: vi/en keys, JSON-ready dumps, canonical bytes, typed errors.

Private plumbing of :mod:`tracelib.portal.models`: the :class:`PortalModel` base class, the
field types that validate GS1 keys and trace codes with :mod:`tracelib.gs1`, and the
conversion of pydantic errors into tracelib errors with a JSON path.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any, ClassVar, Literal

import rfc8785
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import Self

from .._frozen_model import FrozenModel
from ..errors import InputError
from ._models_types import _invalid
from .errors import IdentifierError

__all__ = [
    "NAMESPACE",
    "JsonValue",
    "Lang",
    "PortalModel",
    "decode_base64",
    "jsonable",
    "model_error",
    "read_json",
]

Lang = Literal["en", "vi"]
"""The language of the keys of a dump: English (default) or Vietnamese."""

#: The namespace of the UUIDv5 internal ids (``uuid5(NAMESPACE_URL, "https://tracelib.dev/portal")``).
NAMESPACE = uuid.UUID("3b437199-66e0-5b87-becd-de94e64cfe91")

JsonValue = Any
"""A JSON value (``None``, bool, number, text, list, object with text keys)."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_SAFE_INT = 2**53


# -- errors ------------------------------------------------------------------------------


def _json_path(root: str, loc: tuple[int | str, ...]) -> str:
    parts = [root]
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item.startswith(("function-", "tagged-union[", "json-or-python[")):
            continue
        elif _IDENT.fullmatch(item):
            parts.append(f".{item}")
        else:
            parts.append(f"[{item!r}]")
    return "".join(parts)


_CODES = {
    "missing": "PORTAL_MISSING_FIELD",
    "extra_forbidden": "PORTAL_UNKNOWN_FIELD",
    "literal_error": "PORTAL_UNKNOWN_VALUE",
    "model_type": "PORTAL_NOT_AN_OBJECT",
}


def model_error(exc: ValidationError, *, root: str = "$") -> InputError:
    """Convert a pydantic ``ValidationError`` into a tracelib error with a JSON path.

    A GS1 key or trace code problem becomes :class:`~tracelib.portal.errors.IdentifierError`
    (``path`` and ``position``); anything else an :class:`~tracelib.errors.InputError` with a
    ``PORTAL_*`` code (``PORTAL_MISSING_FIELD``, ``PORTAL_UNKNOWN_FIELD``,
    ``PORTAL_MIXED_LANGUAGE``, ``PORTAL_UNKNOWN_VALUE``, ``PORTAL_INVALID_VALUE``...).

    Args:
        exc: The pydantic error.
        root: The JSON path of the validated value.

    Returns:
        The error to raise (chain it with ``from exc``).

    Examples:
        >>> from pydantic import BaseModel
        >>> class M(BaseModel):
        ...     n: int
        >>> try:
        ...     M.model_validate({})
        ... except ValidationError as exc:
        ...     err = model_error(exc, root="$.items[2]")
        >>> err.code, err.path
        ('PORTAL_MISSING_FIELD', '$.items[2].n')
    """
    errors = exc.errors(include_url=False)
    if not errors:  # pragma: no cover - pydantic never raises an empty ValidationError
        return InputError(str(exc), code="PORTAL_INVALID_VALUE", path=root)
    first = errors[0]
    kind = str(first["type"])
    ctx = first.get("ctx") or {}
    loc = tuple(first["loc"])
    if kind == "PORTAL_MIXED_LANGUAGE":
        loc = (*loc, str(ctx.get("field", "")))
    path = _json_path(root, loc)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    cause = ctx.get("error")
    if isinstance(cause, InputError) and cause.path and cause.path.startswith("$"):
        path += cause.path[1:]  # a model rule naming a field below the model
    if isinstance(cause, IdentifierError):
        return IdentifierError(f"{path}: {cause.message}{more}", path=path, position=cause.position)
    if isinstance(cause, InputError):
        return InputError(f"{path}: {cause.message}{more}", code=cause.code, path=path)
    code = kind if kind.startswith("PORTAL_") else _CODES.get(kind, "PORTAL_INVALID_VALUE")
    return InputError(f"{path}: {first['msg']}{more}", code=code, path=path)


# -- JSON ------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_json(data: bytes | str) -> Any:
    """Read JSON text strictly: duplicate keys refused, decimals kept exact.

    Args:
        data: UTF-8 bytes or text.

    Returns:
        The JSON value (numbers with a fraction as :class:`~decimal.Decimal`).

    Raises:
        InputError: ``PORTAL_INVALID_JSON`` (with ``position``) or
            ``PORTAL_DUPLICATE_KEY``.

    Examples:
        >>> read_json(b'{"a": 1.10}')
        {'a': Decimal('1.10')}
    """
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 at byte {exc.start}", code="PORTAL_INVALID_JSON", position=exc.start
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not JSON: {exc.msg} at {exc.pos}", code="PORTAL_INVALID_JSON", position=exc.pos
        ) from exc
    except _DuplicateKeyError as exc:
        raise InputError(
            f"duplicate key {exc.key!r}", code="PORTAL_DUPLICATE_KEY", path="$"
        ) from exc
    except RecursionError as exc:
        raise InputError("JSON nested too deeply", code="PORTAL_INVALID_JSON") from exc


def jsonable(value: Any, lang: Lang = "en") -> Any:
    """A JSON-ready copy of a model value: dates as ISO text, decimals as numbers, bytes as
    base64, nested models dumped with keys in ``lang``.

    Args:
        value: A field value.
        lang: The key language of nested models.

    Returns:
        The JSON value.

    Examples:
        >>> from decimal import Decimal
        >>> jsonable((Decimal("2.50"), _dt.date(2025, 1, 2), b"hi"))
        [2.5, '2025-01-02', 'aGk=']
    """
    if isinstance(value, PortalModel):
        return value.dump(lang)
    if isinstance(value, bool) or value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < _MAX_SAFE_INT:
            return int(value)
        return float(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, lang) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [jsonable(v, lang) for v in value]
    raise TypeError(f"not JSON-ready: {type(value).__name__}")  # pragma: no cover


def decode_base64(value: object) -> object:
    """Read base64 text (standard alphabet, padded) into bytes; bytes pass through.

    Args:
        value: Bytes or base64 text.

    Returns:
        The bytes (other values unchanged, for pydantic to refuse).

    Raises:
        InputError: ``PORTAL_INVALID_VALUE`` for text that is not base64.

    Examples:
        >>> decode_base64("aGk=")
        b'hi'
    """
    if isinstance(value, str):
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise _invalid("not base64 text") from exc
    if isinstance(value, bytearray):
        return bytes(value)
    return value


# -- the base class --------------------------------------------------------------------------


class PortalModel(FrozenModel, BaseModel):
    """Base of the portal models: frozen, English field names, Vietnamese aliases.

    * :meth:`parse` reads a mapping or JSON text with English **or** Vietnamese keys (for one
      field, not both); errors are tracelib errors with a JSON path (English keys), never
      pydantic's.
    * :meth:`dump` gives a JSON-ready dict with English (default) or Vietnamese keys;
      ``None`` and empty lists are left out.
    * :meth:`canonical_json` is the RFC 8785 (JCS) rendering of ``dump("en")``: the bytes
      that are stored, hashed and sent; :meth:`internal_id` a UUIDv5 of them (system
      fields such as ``portal_refs`` left out, so an id does not change when a portal
      assigns its own); :meth:`natural_key` the business key (GTIN, GLN, lot...).

    Examples:
        >>> from tracelib.portal.models import Contact
        >>> c = Contact.parse({"ho_ten": "Nguyễn Văn A", "dien_thoai": "0238 3844 123"})
        >>> c.dump("en")
        {'name': 'Nguyễn Văn A', 'phone': '0238 3844 123'}
        >>> Contact.parse(c.dump("vi")) == c
        True
    """

    model_config = ConfigDict(frozen=True, extra="forbid", regex_engine="rust-regex")

    #: English field name -> Vietnamese key written by ``dump("vi")``.
    _VI: ClassVar[Mapping[str, str]] = {}
    #: Further Vietnamese keys accepted by :meth:`parse` -> English field name.
    _VI_MORE: ClassVar[Mapping[str, str]] = {}
    #: System fields left out of :meth:`internal_id`.
    _SYSTEM: ClassVar[frozenset[str]] = frozenset({"portal_refs"})

    @classmethod
    def _validation_error(cls, exc: ValidationError) -> Exception:
        return model_error(exc)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.canonical_json()))

    @classmethod
    def _inverse(cls) -> dict[str, str]:
        return _inverse_names(cls)

    @model_validator(mode="before")
    @classmethod
    def _english_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        inverse = cls._inverse()
        out: dict[Any, Any] = {}
        for key, value in data.items():
            name = inverse.get(key, key) if isinstance(key, str) else key
            if name in out:
                raise PydanticCustomError(
                    "PORTAL_MIXED_LANGUAGE",
                    "field {field} is given twice (English and Vietnamese keys)",
                    {"field": name},
                )
            out[name] = value
        return cls._prepare(out)

    @classmethod
    def _prepare(cls, data: dict[Any, Any]) -> dict[Any, Any]:
        # A hook for subclasses: adjust the English-keyed input before validation.
        return data

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate a mapping (English or Vietnamese keys); errors are tracelib errors.

        Args:
            obj: The mapping (or an instance).
            **kwargs: As for pydantic.

        Returns:
            The model.

        Raises:
            IdentifierError: A GS1 key or trace code is wrong.
            InputError: Any other problem (``PORTAL_*`` code, JSON ``path``).

        Examples:
            >>> from tracelib.portal.models import Contact
            >>> Contact.model_validate({"email": "htx@example.vn"}).email
            'htx@example.vn'
        """
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise model_error(exc) from exc

    @classmethod
    def parse(cls, data: Mapping[str, Any] | bytes | str) -> Self:
        """Read a model from a mapping or JSON text, with English or Vietnamese keys.

        Args:
            data: A mapping, or JSON bytes/text holding one object.

        Returns:
            The model.

        Raises:
            IdentifierError: A GS1 key or trace code is wrong (``path``, ``position``).
            InputError: Bad JSON, an unknown or doubled key, a missing or invalid value
                (``PORTAL_*`` code and JSON ``path``).

        Examples:
            >>> from tracelib.portal.models import Contact
            >>> Contact.parse('{"ho_ten": "Lê Thị B"}').name
            'Lê Thị B'
            >>> Contact.parse({"name": "A", "ho_ten": "B"})
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: $.name: field name is given twice (English and ...
        """
        value: Any = data
        if isinstance(data, (bytes, bytearray, str)):
            value = read_json(data)
        if not isinstance(value, Mapping):
            raise InputError(
                f"a {cls.__name__} is a JSON object, not {type(value).__name__}",
                code="PORTAL_NOT_AN_OBJECT",
                path="$",
            )
        return cls.model_validate(value)

    def dump(self, lang: Lang = "en") -> dict[str, Any]:
        """The model as a JSON-ready dict with English or Vietnamese keys.

        Args:
            lang: ``"en"`` (default) or ``"vi"``.

        Returns:
            The dict; ``None`` values and empty lists/objects are left out.

        Raises:
            InputError: ``PORTAL_INVALID_VALUE`` for another ``lang``.

        Examples:
            >>> from tracelib.portal.models import Contact
            >>> Contact(name="Trần C", email="c@example.vn").dump("vi")
            {'ho_ten': 'Trần C', 'email': 'c@example.vn'}
        """
        if lang not in ("en", "vi"):
            raise _invalid(f"lang is 'en' or 'vi', not {lang!r}")
        names = self._VI if lang == "vi" else {}
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None or (isinstance(value, (tuple, list, dict)) and not value):
                continue
            out[names.get(name, name)] = jsonable(value, lang)
        return out

    def canonical_json(self) -> bytes:
        """The RFC 8785 (JCS) bytes of ``dump("en")``: deterministic, sorted keys.

        Returns:
            UTF-8 bytes.

        Examples:
            >>> from tracelib.portal.models import Contact
            >>> Contact(phone="1", name="A").canonical_json()
            b'{"name":"A","phone":"1"}'
        """
        return bytes(rfc8785.dumps(self.dump("en")))

    def internal_id(self) -> str:
        """A UUIDv5 of the canonical JSON (system fields left out), under :data:`NAMESPACE`.

        Returns:
            The UUID as text.

        Examples:
            >>> from tracelib.portal.models import Contact
            >>> Contact(name="A").internal_id() == Contact.parse('{"ho_ten": "A"}').internal_id()
            True
        """
        body = {k: v for k, v in self.dump("en").items() if k not in self._SYSTEM}
        return str(uuid.uuid5(NAMESPACE, bytes(rfc8785.dumps(body)).decode("utf-8")))

    def natural_key(self) -> str | None:
        """The business key of the record (GTIN, GLN, lot...), if it has one.

        Returns:
            The key, or ``None``.

        Examples:
            >>> from tracelib.portal.models import Contact
            >>> Contact(name="A").natural_key() is None
            True
        """
        return None


@cache
def _inverse_names(cls: type[PortalModel]) -> dict[str, str]:
    inverse = {vi: en for en, vi in cls._VI.items()}
    inverse.update(cls._VI_MORE)
    return inverse
