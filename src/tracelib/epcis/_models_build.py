"""Coercion of Python values for the ``create()`` constructors of the event classes.

Every argument becomes the JSON-LD shaped value the model validates; anything that cannot
is reported as an :class:`~tracelib.errors.EpcisError` naming the argument.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..errors import EpcisError
from ._extensions import Extension
from ._models_base import NAMESPACES_KEY, EpcisModel, Timestamp

if TYPE_CHECKING:
    from .cbv import CbvKind

__all__ = ["build_document", "build_event", "identifier", "timestamp_text"]

_M = TypeVar("_M", bound=EpcisModel)


def _bad(argument: str, message: str, code: str = "EPCIS_INVALID_VALUE") -> EpcisError:
    return EpcisError(f"{argument}: {message}", code=code)


def timestamp_text(value: Any, argument: str) -> str:
    """An aware datetime or a timestamp string as EPCIS timestamp text."""
    if isinstance(value, datetime):
        return Timestamp.from_datetime(value)
    if isinstance(value, str):
        return Timestamp.parse(value)
    raise _bad(
        argument,
        f"expected an aware datetime or a timestamp string, not {type(value).__name__}",
        "EPCIS_INVALID_TIMESTAMP",
    )


def _offset(event_time: Any, given: Any) -> str:
    if given is not None:
        if not isinstance(given, str):
            raise _bad("event_time_zone_offset", "expected a string like '+07:00'")
        return given
    if isinstance(event_time, datetime):
        delta = event_time.utcoffset()
        assert delta is not None  # checked by timestamp_text
        total = int(delta.total_seconds())
        if total % 60:
            raise _bad("event_time", "the UTC offset has seconds", "EPCIS_INVALID_OFFSET")
        sign = "-" if total < 0 else "+"
        hours, minutes = divmod(abs(total) // 60, 60)
        return f"{sign}{hours:02d}:{minutes:02d}"
    offset = Timestamp(event_time).offset
    return "+00:00" if offset == "Z" else offset


def identifier(value: Any, argument: str) -> str:
    """A string, an :class:`~tracelib.gs1.epc.Epc` (URN) or a GS1 key object (Digital Link)."""
    if isinstance(value, str):
        return value
    from ..gs1.epc import Epc

    if isinstance(value, Epc):
        return value.as_urn()
    try:
        method = getattr(value, "as_digital_link", None)
        if callable(method):
            result = method()
            if isinstance(result, str):
                return result
    except EpcisError:
        raise
    except Exception as exc:  # a foreign object's own failure
        raise _bad(
            argument, f"as_digital_link() failed: {exc}", "EPCIS_INVALID_IDENTIFIER"
        ) from exc
    raise _bad(
        argument,
        f"expected an identifier string, an Epc or a GS1 key, not {type(value).__name__}",
        "EPCIS_INVALID_IDENTIFIER",
    )


def _items(value: Any, argument: str) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise _bad(argument, f"expected a list, not {type(value).__name__}")
    try:
        return list(value)
    except EpcisError:
        raise
    except Exception as exc:
        raise _bad(argument, f"cannot iterate: {exc}") from exc


def _cbv(value: Any, kind: CbvKind, argument: str) -> str:
    from .cbv import CbvEnum, CbvValue, terms

    if isinstance(value, CbvEnum):
        if value.kind != kind:
            raise _bad(
                argument, f"{value!r} is a {value.kind}, not a {kind}", "EPCIS_UNKNOWN_VOCAB"
            )
        return str(value.value)
    if not isinstance(value, str):
        raise _bad(argument, f"expected a CBV value, not {type(value).__name__}")
    parsed = CbvValue.parse(value, kind)
    if parsed.form == "bare" and not parsed.is_known:
        close = difflib.get_close_matches(value, terms(kind), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise _bad(
            argument,
            f"{value!r} is not a CBV 2.0 {kind}{hint}; use a URI for private values",
            "EPCIS_UNKNOWN_VOCAB",
        )
    if parsed.is_gs1 and parsed.kind != kind:
        raise _bad(argument, f"{value!r} is a {parsed.kind}, not a {kind}", "EPCIS_UNKNOWN_VOCAB")
    return value


def _ids(value: Any, argument: str) -> list[str]:
    return [identifier(item, argument) for item in _items(value, argument)]


def _quantity(item: Any, argument: str) -> Any:
    if isinstance(item, (EpcisModel, Mapping)):
        return item
    if isinstance(item, tuple):
        if not 1 <= len(item) <= 3:
            raise _bad(argument, "a quantity tuple is (epc_class, quantity[, uom])")
        out: dict[str, Any] = {"epcClass": identifier(item[0], argument)}
        if len(item) > 1 and item[1] is not None:
            out["quantity"] = item[1]
        if len(item) > 2 and item[2] is not None:
            out["uom"] = item[2]
        return out
    return {"epcClass": identifier(item, argument)}


def _transaction(item: Any, argument: str) -> Any:
    if isinstance(item, (EpcisModel, Mapping)):
        return item
    if isinstance(item, tuple):
        if len(item) != 2:
            raise _bad(argument, "a business transaction tuple is (type, id)")
        out: dict[str, Any] = {"bizTransaction": identifier(item[1], argument)}
        if item[0] is not None:
            out["type"] = _cbv(item[0], "bizTransactionType", argument)
        return out
    return {"bizTransaction": identifier(item, argument)}


def _source_dest(member: str) -> Callable[[Any, str], Any]:
    def convert(item: Any, argument: str) -> Any:
        if isinstance(item, (EpcisModel, Mapping)):
            return item
        if not isinstance(item, tuple) or len(item) != 2:
            raise _bad(argument, f"a {member} is a ({member} type, id) tuple")
        return {
            "type": _cbv(item[0], "sourceDestType", argument),
            member: identifier(item[1], argument),
        }

    return convert


def _location(item: Any, argument: str) -> Any:
    if isinstance(item, (EpcisModel, Mapping)):
        return item
    return {"id": identifier(item, argument)}


def _persistent(value: Any, argument: str) -> Any:
    if isinstance(value, EpcisModel):
        return value
    if not isinstance(value, Mapping):
        raise _bad(argument, "expected a PersistentDisposition or {'set': [...], 'unset': [...]}")
    out = {}
    for key, items in value.items():
        out[key] = [_cbv(item, "disposition", argument) for item in _items(items, argument)]
    return out


def _error_declaration(value: Any, argument: str) -> Any:
    if isinstance(value, EpcisModel):
        return value
    if not isinstance(value, Mapping):
        raise _bad(argument, "expected an ErrorDeclaration or a mapping")
    out = dict(value)
    for key in ("declarationTime", "declaration_time"):
        if key in out:
            out[key] = timestamp_text(out[key], f"{argument}.{key}")
    if out.get("reason") is not None:
        out["reason"] = _cbv(out["reason"], "errorReason", argument)
    return out


def _extensions(value: Any, argument: str, namespaces: Mapping[str, str] | None) -> Any:
    if isinstance(value, Mapping):
        return Extension.from_json_object(value, namespaces)
    items = _items(value, argument)
    for item in items:
        if not isinstance(item, Extension):
            raise _bad(argument, "expected Extension nodes or a mapping", "EPCIS_INVALID_EXTENSION")
    return items


def _ilmd(value: Any, argument: str, namespaces: Mapping[str, str] | None) -> Any:
    if isinstance(value, (EpcisModel, Mapping)):
        return value
    return {"extensions": _extensions(value, argument, namespaces)}


def _certification(value: Any, argument: str) -> Any:
    return [value] if isinstance(value, str) else _items(value, argument)


_LISTS: dict[str, tuple[str, Callable[[Any, str], Any] | None]] = {
    "epcs": ("epcList", None),
    "child_epcs": ("childEPCs", None),
    "input_epcs": ("inputEPCList", None),
    "output_epcs": ("outputEPCList", None),
    "quantities": ("quantityList", _quantity),
    "child_quantities": ("childQuantityList", _quantity),
    "input_quantities": ("inputQuantityList", _quantity),
    "output_quantities": ("outputQuantityList", _quantity),
    "biz_transactions": ("bizTransactionList", _transaction),
    "sources": ("sourceList", _source_dest("source")),
    "destinations": ("destinationList", _source_dest("destination")),
    "sensor_elements": ("sensorElementList", lambda item, _: item),
}
_SINGLE: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "parent_id": ("parentID", identifier),
    "transformation_id": ("transformationID", identifier),
    "read_point": ("readPoint", _location),
    "biz_location": ("bizLocation", _location),
    "persistent_disposition": ("persistentDisposition", _persistent),
    "error_declaration": ("errorDeclaration", _error_declaration),
    "certification_info": ("certificationInfo", _certification),
    "biz_step": ("bizStep", lambda v, a: _cbv(v, "bizStep", a)),
    "disposition": ("disposition", lambda v, a: _cbv(v, "disposition", a)),
    "event_id": ("eventID", lambda v, _: v),
    "action": ("action", lambda v, _: v),
}


def _build(cls: type[EpcisModel], args: dict[str, Any]) -> EpcisModel:
    namespaces = args.get("namespaces")
    if namespaces is not None and not (
        isinstance(namespaces, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in namespaces.items())
    ):
        raise _bad("namespaces", "expected a mapping {prefix: IRI}")
    event_time = args["event_time"]
    data: dict[str, Any] = {
        "eventTime": timestamp_text(event_time, "event_time"),
        "eventTimeZoneOffset": _offset(event_time, args.get("event_time_zone_offset")),
    }
    if args.get("record_time") is not None:
        data["recordTime"] = timestamp_text(args["record_time"], "record_time")
    for name, (alias, convert) in _LISTS.items():
        if name in args and not (isinstance(args[name], tuple) and not args[name]):
            if convert is None:
                data[alias] = _ids(args[name], name)
            else:
                data[alias] = [convert(item, name) for item in _items(args[name], name)]
    for name, (alias, convert) in _SINGLE.items():
        value = args.get(name)
        if value is not None and not (isinstance(value, tuple) and not value):
            data[alias] = convert(value, name)
    if args.get("ilmd") is not None:
        data["ilmd"] = _ilmd(args["ilmd"], "ilmd", namespaces)
    if "extensions" in args and args["extensions"] != ():
        data["extensions"] = _extensions(args["extensions"], "extensions", namespaces)
    context = {NAMESPACES_KEY: namespaces} if namespaces else None
    return cls.model_validate(data, context=context)


def build_event(cls: type[_M], args: dict[str, Any]) -> _M:
    """Run a ``create()`` constructor: only ``EpcisError`` leaves it."""
    try:
        return cast("_M", _build(cls, args))
    except EpcisError:
        raise
    except Exception as exc:  # junk that slipped past the checks: still an EpcisError
        raise EpcisError(f"invalid argument: {exc}", code="EPCIS_INVALID_VALUE") from exc


def build_document(
    cls: type[_M], events: Any, creation_date: Any, schema_version: Any, fields: dict[str, Any]
) -> _M:
    """Run ``EPCISDocument.create()``: only ``EpcisError`` leaves it."""
    try:
        from ._models_base import DateTime

        if isinstance(creation_date, datetime):
            created: str = Timestamp.from_datetime(creation_date)
        elif isinstance(creation_date, str):
            created = DateTime.parse(creation_date)
        else:
            raise _bad("creation_date", "expected an aware datetime or a timestamp string")
        data: dict[str, Any] = {
            "schemaVersion": schema_version,
            "creationDate": created,
            "epcisBody": {"eventList": _items(events, "events")},
        }
        data.update(fields)
        return cls.model_validate(data)
    except EpcisError:
        raise
    except Exception as exc:  # junk that slipped past the checks: still an EpcisError
        raise EpcisError(f"invalid argument: {exc}", code="EPCIS_INVALID_VALUE") from exc
