"""Query evaluation of the loopback EPCIS server: parameters to a predicate over event objects.

Coverage (everything else in the grammar answers 501 ``ImplementationException``):
``eventType``, event/record/error-declaration time ranges, ``EQ_action``, ``EQ_bizStep``,
``EQ_disposition`` (CBV values compared in any of their forms), ``EQ_persistentDisposition_*``,
``EQ_/WD_readPoint`` and ``EQ_/WD_bizLocation`` (``WD_`` without a master-data hierarchy:
as ``EQ_``), ``EQ_transformationID``, every ``MATCH_…`` (EPC URNs and Digital Links match
each other; ``urn:epc:idpat:…*`` patterns), quantities (with or without a unit),
``EQ_eventID``, ``EXISTS_errorDeclaration``, ``EQ_errorReason``, ``EQ_correctiveEventID``,
``EQ_bizTransaction_{type}``, ``EQ_source_{type}``, ``EQ_destination_{type}``, the sensor
filters, ``…_value_{UOM}`` and friends, extension fields at every scope (CURIEs expanded with
``GS1-Extensions`` on the query side and the document context on the event side),
``orderBy`` ``eventTime``/``recordTime``, ``orderDirection``, ``eventCountLimit`` and
``maxEventCount``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from ..errors import TracelibError
from ._client_grammar import CURIE, decode, kind_of, parse_time
from ._context import DEFAULT_NAMESPACES

if TYPE_CHECKING:
    from ._cbv_core import CbvKind

__all__ = ["CompiledQuery", "QueryRefusedError", "compile_query"]

Event = dict[str, Any]
Predicate = Callable[[Event, Mapping[str, str]], bool]


class QueryRefusedError(TracelibError):
    """A query the fake server refuses; becomes an RFC 7807 response.

    Args:
        status: The HTTP status.
        exception: The EPCIS exception name (``QueryParameterException``...).
        detail: The explanation.

    Examples:
        >>> QueryRefusedError(400, "QueryParameterException", "bad").status
        400
    """

    def __init__(self, status: int, exception: str, detail: str) -> None:
        super().__init__(detail, code=f"EPCIS_TESTING_{exception.upper()}")
        self.status = status
        self.exception = exception
        self.detail = detail


def _bad(detail: str) -> QueryRefusedError:
    return QueryRefusedError(400, "QueryParameterException", detail)


@dataclass(slots=True)
class CompiledQuery:
    """A query ready to run over stored events.

    Attributes:
        predicates: All must hold for an event to match.
        order_by: ``eventTime``, ``recordTime`` or ``None`` (capture order).
        descending: Order direction (EPCIS default ``DESC`` when ordering).
        event_count_limit: Keep only the first N.
        max_event_count: Refuse (413) past N.
    """

    predicates: list[Predicate] = field(default_factory=list)
    order_by: str | None = None
    descending: bool = True
    event_count_limit: int | None = None
    max_event_count: int | None = None

    def matches(self, event: Event, prefixes: Mapping[str, str]) -> bool:
        """Whether an event passes every filter.

        Args:
            event: The event object.
            prefixes: Its document's ``@context`` prefixes.

        Returns:
            ``True`` or ``False``.
        """
        return all(p(event, prefixes) for p in self.predicates)

    def sort_key(self, event: Event) -> datetime:
        """The ordering key of an event (events without the field sort first).

        Args:
            event: The event object.

        Returns:
            The time.
        """
        assert self.order_by is not None
        return parse_time(str(event.get(self.order_by, ""))) or _EPOCH


_EPOCH = datetime.fromisoformat("0001-01-01T00:00:00+00:00")


def _cbv(value: Any, kind: str) -> str:
    from .cbv import CbvValue

    text = str(value)
    try:
        return CbvValue.parse(text, cast("CbvKind", kind)).to_web_uri()
    except TracelibError:
        return text


def _id_key(value: Any) -> str:
    from .models import as_digital_link

    text = str(value)
    if text.startswith("urn:epc:"):
        try:
            return as_digital_link(text)
        except TracelibError:
            return text
    return text


def _urn(value: str, gcp_length: int | None = None) -> str | None:
    if value.startswith("urn:epc:"):
        return value
    from .models import as_epc_urn

    try:
        return as_epc_urn(value, gcp_length=gcp_length)
    except TracelibError:
        return None


_IDPAT_GCP = re.compile(r"urn:epc:idpat:[a-z0-9-]+:(\d+)\.")


def _id_matcher(values: list[str]) -> Callable[[Any], bool]:
    exact = {_id_key(v) for v in values if "*" not in v}
    patterns: list[tuple[re.Pattern[str], int | None]] = []
    for v in values:
        if "*" in v:
            regex = re.escape(v.replace("urn:epc:idpat:", "urn:epc:id:")).replace(r"\*", r"[^.:]+")
            gcp = _IDPAT_GCP.match(v)
            patterns.append((re.compile(regex), len(gcp.group(1)) if gcp else None))

    def match(candidate: Any) -> bool:
        if not isinstance(candidate, str):
            return False
        if _id_key(candidate) in exact:
            return True
        for pattern, gcp_length in patterns:
            urn = _urn(candidate, gcp_length)
            if urn is not None and pattern.fullmatch(urn):
                return True
        return False

    return match


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "EQ": lambda a, b: a == b,
    "GT": lambda a, b: a > b,
    "GE": lambda a, b: a >= b,
    "LT": lambda a, b: a < b,
    "LE": lambda a, b: a <= b,
}


def _time_value(value: Any) -> datetime | None:
    return parse_time(value) if isinstance(value, str) else None


def _ordered(op: str, target: Any) -> Callable[[Any], bool]:
    """A comparison against a number or a time (JSON value of the parameter)."""
    cmp = _COMPARE[op]
    when = _time_value(target)
    if when is not None:
        return lambda v: (t := _time_value(v)) is not None and cmp(t, when)
    number = _number(target)
    if number is None:
        raise _bad(f"{target!r} is neither a number nor a time")
    return lambda v: (n := _number(v)) is not None and cmp(n, number)


def _equals(target: Any) -> Callable[[Any], bool]:
    if isinstance(target, list):
        wanted = {str(t) for t in target}
        return lambda v: any(str(x) in wanted for x in (v if isinstance(v, list) else [v]))
    return _ordered("EQ", target)


def _quantities(event: Event, lists: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    for name in lists:
        yield from _dicts(event.get(name))


_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
_MATCH_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "MATCH_epc": (("epcList", "childEPCs"), False),
    "MATCH_parentID": (("parentID",), False),
    "MATCH_inputEPC": (("inputEPCList",), False),
    "MATCH_outputEPC": (("outputEPCList",), False),
    "MATCH_anyEPC": (("epcList", "childEPCs", "parentID", "inputEPCList", "outputEPCList"), False),
    "MATCH_epcClass": (("quantityList", "childQuantityList"), True),
    "MATCH_inputEPCClass": (("inputQuantityList",), True),
    "MATCH_outputEPCClass": (("outputQuantityList",), True),
    "MATCH_anyEPCClass": (_QUANTITY_LISTS, True),
}


def _match_predicate(name: str, values: list[str]) -> Predicate:
    fields, classes = _MATCH_FIELDS[name]
    matcher = _id_matcher(values)

    def predicate(event: Event, _: Mapping[str, str]) -> bool:
        for member in fields:
            if classes:
                if any(matcher(q.get("epcClass")) for q in _dicts(event.get(member))):
                    return True
                continue
            value = event.get(member)
            items = value if isinstance(value, list) else [value]
            if any(matcher(item) for item in items):
                return True
        return False

    return predicate


def _sensor_reports(event: Event) -> Iterator[dict[str, Any]]:
    for element in _dicts(event.get("sensorElementList")):
        yield from _dicts(element.get("sensorReport"))


def _sensor_metadata(event: Event) -> Iterator[dict[str, Any]]:
    for element in _dicts(event.get("sensorElementList")):
        yield from _dicts(element.get("sensorMetadata"))


_SENSOR_LISTS: dict[str, tuple[str, bool, str | None]] = {
    # parameter: (member, also in sensorMetadata, CBV kind)
    "EQ_type": ("type", False, "measurementType"),
    "EQ_deviceID": ("deviceID", True, None),
    "EQ_dataProcessingMethod": ("dataProcessingMethod", True, None),
    "EQ_microorganism": ("microorganism", False, None),
    "EQ_chemicalSubstance": ("chemicalSubstance", False, None),
    "EQ_bizRules": ("bizRules", True, None),
    "EQ_stringValue": ("stringValue", False, None),
    "EQ_hexBinaryValue": ("hexBinaryValue", False, None),
    "EQ_uriValue": ("uriValue", False, None),
}


def _expand(name: str, namespaces: Mapping[str, str]) -> str:
    prefix, _, local = name.partition(":")
    base = namespaces.get(prefix)
    return base + local if base else name


def _members(obj: dict[str, Any], iri: str, prefixes: Mapping[str, str]) -> Iterator[Any]:
    for key, value in obj.items():
        if ":" in key and _expand(key, prefixes) == iri:
            yield value


def _inner(value: Any) -> Iterator[dict[str, Any]]:
    """Every object nested at any depth below ``value`` (``value`` itself excluded)."""
    for item in (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    ):
        if isinstance(item, dict):
            yield item
            yield from _inner(item)
        elif isinstance(item, list):
            yield from _inner(item)


_SCOPE_OBJECTS: dict[str, Callable[[Event], Iterator[dict[str, Any]]]] = {
    "": lambda e: iter([e]),
    "ILMD_": lambda e: _dicts(e.get("ilmd")),
    "ERROR_DECLARATION_": lambda e: _dicts(e.get("errorDeclaration")),
    "SENSORELEMENT_": lambda e: _dicts(e.get("sensorElementList")),
    "SENSORMETADATA_": _sensor_metadata,
    "SENSORREPORT_": _sensor_reports,
    "readPoint_": lambda e: _dicts(e.get("readPoint")),
    "bizLocation_": lambda e: _dicts(e.get("bizLocation")),
}
_FIELD = re.compile(
    r"(EQ|GT|GE|LT|LE|EXISTS)_(INNER_)?(ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|"
    rf"SENSORREPORT_|readPoint_|bizLocation_)?({CURIE})"
)
_UOM_FIELD = re.compile(
    r"(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue|quantity)_([A-Z0-9]{2,4})"
)
_TYPED = re.compile(r"EQ_(bizTransaction|source|destination)_(.+)")


def _field_predicate(match: re.Match[str], value: Any, namespaces: Mapping[str, str]) -> Predicate:
    op, inner, scope, curie = match.group(1), match.group(2), match.group(3) or "", match.group(4)
    prefix = curie.split(":", 1)[0]
    namespaces = {**DEFAULT_NAMESPACES, **namespaces}
    if prefix not in namespaces:
        raise _bad(f"prefix {prefix!r} of {match.group(0)} is not declared in GS1-Extensions")
    iri = _expand(curie, namespaces)
    test: Callable[[Any], bool] = (
        (lambda v: True)
        if op == "EXISTS"
        else _equals(value)
        if op == "EQ"
        else _ordered(op, value)
    )
    objects = _SCOPE_OBJECTS[scope]

    def predicate(event: Event, prefixes: Mapping[str, str]) -> bool:
        prefixes = {**DEFAULT_NAMESPACES, **prefixes}
        for top in objects(event):
            candidates = _inner(top) if inner else iter([top])
            for obj in candidates:
                if any(test(v) for v in _members(obj, iri, prefixes)):
                    return True
        return False

    return predicate


def _simple(name: str, value: Any) -> Predicate | None:
    if name == "eventType":
        types = set(value)
        return lambda e, _: e.get("type") in types
    if name in ("GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime"):
        member = name[3:]
        check = _ordered(name[:2], value)
        return lambda e, _: check(e.get(member))
    if name in ("GE_errorDeclarationTime", "LT_errorDeclarationTime"):
        check = _ordered(name[:2], value)
        return lambda e, _: any(
            check(d.get("declarationTime")) for d in _dicts(e.get("errorDeclaration"))
        )
    if name == "EQ_action":
        actions = set(value)
        if actions - {"ADD", "OBSERVE", "DELETE"}:
            raise _bad("EQ_action takes ADD, OBSERVE and DELETE")
        return lambda e, _: e.get("action") in actions
    if name in ("EQ_bizStep", "EQ_disposition"):
        member = name[3:]
        wanted = {_cbv(v, member) for v in value}
        return lambda e, _: member in e and _cbv(e[member], member) in wanted
    if name.startswith("EQ_persistentDisposition_"):
        part = name.rsplit("_", 1)[1]
        wanted = {_cbv(v, "disposition") for v in value}

        def persistent(e: Event, _: Mapping[str, str]) -> bool:
            for pd in _dicts(e.get("persistentDisposition")):
                items = pd.get(part)
                if isinstance(items, list) and any(_cbv(i, "disposition") in wanted for i in items):
                    return True
            return False

        return persistent
    if name in ("EQ_readPoint", "WD_readPoint", "EQ_bizLocation", "WD_bizLocation"):
        member = name[3:]
        ids = {_id_key(v) for v in value}
        return lambda e, _: any(_id_key(o.get("id")) in ids for o in _dicts(e.get(member)))
    if name in ("EQ_transformationID", "EQ_eventID"):
        member = name[3:]
        wanted = set(value)
        return lambda e, _: e.get(member) in wanted
    if name in _MATCH_FIELDS:
        return _match_predicate(name, value)
    if name in ("EQ_quantity", "GT_quantity", "GE_quantity", "LT_quantity", "LE_quantity"):
        if name == "EQ_quantity":
            numbers = {_number(v) for v in value}
            return lambda e, _: any(
                _number(q.get("quantity")) in numbers for q in _quantities(e, _QUANTITY_LISTS)
            )
        check = _ordered(name[:2], value)
        return lambda e, _: any(check(q.get("quantity")) for q in _quantities(e, _QUANTITY_LISTS))
    if name == "EXISTS_errorDeclaration":
        return lambda e, _: isinstance(e.get("errorDeclaration"), dict)
    if name == "EQ_errorReason":
        wanted = {_cbv(v, "errorReason") for v in value}
        return lambda e, _: any(
            _cbv(d.get("reason"), "errorReason") in wanted
            for d in _dicts(e.get("errorDeclaration"))
        )
    if name == "EQ_correctiveEventID":
        wanted = set(value)
        return lambda e, _: any(
            wanted & set(d.get("correctiveEventIDs") or ())
            for d in _dicts(e.get("errorDeclaration"))
        )
    if name == "EXISTS_sensorElementList":
        return lambda e, _: bool(e.get("sensorElementList"))
    if name in _SENSOR_LISTS:
        member, in_metadata, kind = _SENSOR_LISTS[name]
        wanted = {_cbv(v, kind) if kind else v for v in value}

        def sensor(e: Event, _: Mapping[str, str]) -> bool:
            objects = list(_sensor_reports(e)) + (list(_sensor_metadata(e)) if in_metadata else [])
            return any(
                member in o and (_cbv(o[member], kind) if kind else o[member]) in wanted
                for o in objects
            )

        return sensor
    if name == "EQ_booleanValue":
        return lambda e, _: any(r.get("booleanValue") is value for r in _sensor_reports(e))
    if name in ("GE_time", "LT_time"):
        check = _ordered(name[:2], value)
        return lambda e, _: any(
            check(o.get("time")) for o in [*_sensor_reports(e), *_sensor_metadata(e)]
        )
    if name in ("GE_startTime", "LT_startTime", "GE_endTime", "LT_endTime"):
        member = name[3:]
        check = _ordered(name[:2], value)
        return lambda e, _: any(check(m.get(member)) for m in _sensor_metadata(e))
    if name.endswith("_percRank"):
        check = _ordered(name[:2], value)
        return lambda e, _: any(check(r.get("percRank")) for r in _sensor_reports(e))
    return None


def _typed_predicate(kind: str, type_name: str, values: list[str]) -> Predicate:
    list_name, member, vocab = {
        "bizTransaction": ("bizTransactionList", "bizTransaction", "bizTransactionType"),
        "source": ("sourceList", "source", "sourceDestType"),
        "destination": ("destinationList", "destination", "sourceDestType"),
    }[kind]
    wanted_type = _cbv(type_name, vocab)
    wanted = {_id_key(v) for v in values}

    def predicate(event: Event, _: Mapping[str, str]) -> bool:
        for item in _dicts(event.get(list_name)):
            if item.get("type") is None or _cbv(item["type"], vocab) != wanted_type:
                continue
            if _id_key(item.get(member)) in wanted:
                return True
        return False

    return predicate


def _uom_predicate(match: re.Match[str], value: Any) -> Predicate:
    op, member, uom = match.groups()
    test = _equals([str(v) for v in value]) if op == "EQ" else _ordered(op, value)
    if op == "EQ":
        numbers = {_number(v) for v in value}
        test = lambda v: _number(v) in numbers  # noqa: E731

    def predicate(event: Event, _: Mapping[str, str]) -> bool:
        objects = (
            _quantities(event, _QUANTITY_LISTS) if member == "quantity" else _sensor_reports(event)
        )
        return any(o.get("uom") == uom and test(o.get(member)) for o in objects)

    return predicate


def compile_query(
    params: list[tuple[str, str]], *, namespaces: Mapping[str, str] | None = None
) -> CompiledQuery:
    """Compile query parameters (URL names and texts; paging parameters excluded).

    Args:
        params: ``(name, text)`` pairs, already accepted by the query grammar.
        namespaces: Prefixes from the request's ``GS1-Extensions``, for extension fields.

    Returns:
        The compiled query.

    Raises:
        QueryRefusedError: 400 ``QueryParameterException`` for a bad combination, 501
            ``ImplementationException`` for a parameter this fake does not evaluate.

    Examples:
        >>> q = compile_query([("EQ_bizStep", "shipping"), ("eventType", "ObjectEvent")])
        >>> q.matches({"type": "ObjectEvent", "bizStep": "urn:epcglobal:cbv:bizstep:shipping"}, {})
        True
    """
    spaces = dict(namespaces or {})
    compiled = CompiledQuery()
    order_direction: str | None = None
    for name, text in params:
        kind = kind_of(name)
        if kind is None:
            raise _bad(f"{name} is not a query parameter")
        try:
            value = decode(kind, name, text)
        except TracelibError as exc:
            raise _bad(exc.message) from exc
        if name == "orderBy":
            if value not in ("eventTime", "recordTime"):
                raise QueryRefusedError(
                    501, "ImplementationException", f"orderBy {value} is not supported here"
                )
            compiled.order_by = value
            continue
        if name == "orderDirection":
            if value not in ("ASC", "DESC"):
                raise _bad("orderDirection is ASC or DESC")
            order_direction = value
            continue
        if name == "eventCountLimit":
            compiled.event_count_limit = value
            continue
        if name == "maxEventCount":
            compiled.max_event_count = value
            continue
        predicate = _simple(name, value)
        if predicate is None:
            typed = _TYPED.fullmatch(name)
            uom = _UOM_FIELD.fullmatch(name)
            extension = _FIELD.fullmatch(name)
            if typed is not None:
                predicate = _typed_predicate(typed.group(1), typed.group(2), value)
            elif uom is not None:
                predicate = _uom_predicate(uom, value)
            elif extension is not None:
                predicate = _field_predicate(extension, value, spaces)
            else:
                raise QueryRefusedError(
                    501, "ImplementationException", f"{name} is not implemented by this test server"
                )
        compiled.predicates.append(predicate)
    if compiled.event_count_limit is not None and compiled.max_event_count is not None:
        raise _bad("eventCountLimit and maxEventCount are mutually exclusive")
    if compiled.event_count_limit is not None and compiled.order_by is None:
        raise _bad("eventCountLimit needs orderBy")
    compiled.descending = order_direction != "ASC"
    return compiled
