"""EPCIS 2.0 JSON-LD: read documents and events into the models, write them back, offline.

* :func:`from_jsonld` reads an ``EPCISDocument``, ``EPCISQueryDocument``,
  ``EPCISMasterDataDocument``, a capture job or a bare event. Contexts are resolved from
  bundled tables (:func:`bundled_contexts`; never from the network: an unknown URL raises
  :class:`~tracelib.errors.UnknownContextError`), at document and at event level, and bind the
  prefixes of user extensions. A context redefining a protected term (``cbvmda`` in two
  corpus files) keeps the protected definition and gets an ``EPCIS_PROTECTED_TERM`` error
  finding; ``strict=True`` raises :class:`~tracelib.errors.JsonLdError` instead.
* :func:`to_jsonld` writes compact JSON-LD against the ratified 2.0.0 context
  (:data:`DEFAULT_CONTEXT_URL`), declaring a prefix for every extension namespace, members in
  the order of the standard examples, decimals with their exact digits.
* :func:`event_from_object`, :func:`event_to_object` and :func:`namespaces_of` are the
  per-event hooks of the streaming reader and writer; they share the code of the whole-document
  functions.

Errors are :class:`~tracelib.errors.EpcisError` with a JSON ``path``
(``$.epcisBody.eventList[3].bizStep``); invalid JSON gives ``EPCIS_MALFORMED_JSON`` with the
character ``position``.

Examples:
    >>> doc = from_jsonld('''{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    ...     {"htx": "https://htx-nghe-an.example.vn/epcis/"}],
    ...   "type": "EPCISDocument", "schemaVersion": "2.0",
    ...   "creationDate": "2024-09-02T07:00:00+07:00",
    ...   "epcisBody": {"eventList": [{"type": "ObjectEvent", "action": "ADD",
    ...     "eventTime": "2024-09-02T06:30:00+07:00", "eventTimeZoneOffset": "+07:00",
    ...     "epcList": ["urn:epc:id:sgtin:893012345.0011.1"], "bizStep": "commissioning",
    ...     "ilmd": {"cbvmda:lotNumber": "CAM-2024-09", "htx:farm": "Đội 3, Quỳ Hợp"}}]}}''')
    >>> doc.events[0].ilmd.extensions[1].clark
    '{https://htx-nghe-an.example.vn/epcis/}farm'
    >>> from_jsonld(to_jsonld(doc)) == doc
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import EpcisError
from ._gc import PausedGc
from ._jsonld_context import (
    DEFAULT_CONTEXT_URL,
    EMPTY,
    Active,
    Problem,
    bundled_urls,
    effective_namespaces,
    process,
)
from ._jsonld_out import (
    Prefixer,
    context_value,
    declarations,
    dumps,
    output_context,
)
from ._jsonld_parse import loads
from ._jsonld_plain import plain_document
from ._jsonld_prep import Prep
from ._jsonld_read import read_event, read_top
from ._jsonld_write import Writer
from .findings import Finding, attach_findings

if TYPE_CHECKING:
    from ._models_documents import Document
    from ._models_events import EpcisEvent

__all__ = [
    "DEFAULT_CONTEXT_URL",
    "bundled_contexts",
    "context_findings",
    "dumps",
    "event_from_object",
    "event_to_object",
    "from_jsonld",
    "namespaces_of",
    "to_jsonld",
]

_CONTEXT_PATH = "$['@context']"


def bundled_contexts() -> tuple[str, ...]:
    """The ``@context`` URLs resolved offline (the GS1 EPCIS 2.0 contexts and their aliases).

    Returns:
        The URLs.

    Examples:
        >>> DEFAULT_CONTEXT_URL in bundled_contexts()
        True
        >>> "https://gs1.github.io/EPCIS/epcis-context.jsonld" in bundled_contexts()
        True
    """
    return bundled_urls()


def namespaces_of(context_value: Any, *, path: str = _CONTEXT_PATH) -> dict[str, str]:
    """The ``{prefix: IRI}`` a ``@context`` value declares, resolved offline.

    Bundled URLs give their prefixes, inline objects theirs (later entries win, JSON-LD 1.1
    rules: a term is a prefix when its IRI ends in ``:/?#[]@`` or it says ``"@prefix": true``).
    A protected term keeps its definition when an entry redefines it (see
    :func:`context_findings`).

    Args:
        context_value: The parsed ``@context``: a URL, an object, or an array of those.
        path: JSON path of the value, for errors.

    Returns:
        The prefixes (a new dict).

    Raises:
        UnknownContextError: ``EPCIS_UNKNOWN_CONTEXT`` (with the path of the entry) for a URL
            that is not bundled; nothing is fetched.

    Examples:
        >>> ns = namespaces_of([DEFAULT_CONTEXT_URL, {"htx": "https://htx.example.vn/ns/"}])
        >>> ns["cbvmda"], ns["htx"]
        ('urn:epcglobal:cbv:mda:', 'https://htx.example.vn/ns/')
        >>> try:
        ...     namespaces_of(["https://example.com/my-context.jsonld"])
        ... except ValueError as err:
        ...     print(err.code, err.path)
        EPCIS_UNKNOWN_CONTEXT $['@context'][0]
    """
    return dict(process(context_value, EMPTY, path, []).prefixes)


def context_findings(context_value: Any, *, path: str = _CONTEXT_PATH) -> list[Finding]:
    """The ``EPCIS_PROTECTED_TERM`` findings of a document-level ``@context``.

    Args:
        context_value: The parsed ``@context``.
        path: JSON path of the value.

    Returns:
        One error finding per protected term the context tries to redefine (the protected
        definition is kept).

    Raises:
        UnknownContextError: For a URL that is not bundled.

    Examples:
        >>> [f.path for f in context_findings([DEFAULT_CONTEXT_URL,
        ...                                    {"cbvmda": "http://example.com/cbvmda/"}])]
        ["$['@context'][1].cbvmda"]
    """
    problems: list[Problem] = []
    process(context_value, EMPTY, path, problems)
    return [
        Finding(
            "EPCIS_PROTECTED_TERM",
            "error",
            f"{p.message}; the protected definition is kept",
            path=p.path,
        )
        for p in problems
    ]


def from_jsonld(data: bytes | str, *, strict: bool = False) -> Document | EpcisEvent:
    """Read EPCIS 2.0 JSON-LD: a document (capture, query, master data, capture job) or an event.

    Args:
        data: UTF-8 bytes or text.
        strict: Raise :class:`~tracelib.errors.JsonLdError` where a JSON-LD 1.1 processor
            would stop (a protected term redefined), instead of keeping the protected
            definition with an ``EPCIS_PROTECTED_TERM`` finding; and raise
            ``EPCIS_DUPLICATE_MEMBER`` for a member name repeated in one object, instead of
            keeping the last value (as JSON parsers do) with an error finding.

    Returns:
        The model; findings (``.findings``) say what was noticed, prefixes in scope are
        recorded for each event (:func:`tracelib.epcis._source.source_namespaces`).

    Raises:
        EpcisError: ``EPCIS_MALFORMED_JSON`` (not JSON; ``position`` and path ``$``),
            ``EPCIS_DUPLICATE_MEMBER`` (a name repeated in one object), ``EPCIS_UNKNOWN_MEMBER``
            (an unprefixed member the standard does not define), ``EPCIS_UNKNOWN_TYPE``, the
            model codes (``EPCIS_MISSING_FIELD``, ``EPCIS_INVALID_TIMESTAMP``...), each with a
            JSON path; :class:`~tracelib.errors.UnknownContextError`
            (``EPCIS_UNKNOWN_CONTEXT``); :class:`~tracelib.errors.JsonLdError` under ``strict``.

    Examples:
        >>> ev = from_jsonld(b'{"@context": "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",'
        ...     b' "type": "ObjectEvent", "action": "OBSERVE",'
        ...     b' "eventTime": "2024-09-03T10:00:00+07:00",'
        ...     b' "eventTimeZoneOffset": "+07:00", "epcList": [], "bizStep": "shipping"}')
        >>> ev.biz_step_cbv.to_web_uri()
        'https://ref.gs1.org/cbv/BizStep-shipping'
        >>> try:
        ...     from_jsonld('{"type": "ObjectEvent", "type": "ObjectEvent"}', strict=True)
        ... except ValueError as err:
        ...     print(err.code, err.path)
        EPCIS_DUPLICATE_MEMBER $.type
        >>> try:
        ...     from_jsonld('{"type": "EPCISDocument",}')
        ... except ValueError as err:
        ...     print(err.code, err.position)
        EPCIS_MALFORMED_JSON 25
    """
    result: Any = plain_document(data)  # most documents (see tracelib.epcis._jsonld_plain)
    if result is not None:
        return result  # type: ignore[no-any-return]
    with PausedGc():  # many small objects, no cycles (see tracelib.epcis._gc)
        value, repeated = loads(data, strict=strict)
        result = read_top(value, strict=strict)
    if repeated:
        attach_findings(
            result,
            [
                Finding(
                    "EPCIS_DUPLICATE_MEMBER",
                    "error",
                    f"{message}: the last value is kept (strict=True refuses the document)",
                    path=path,
                    event_index=_event_index(path),
                )
                for path, message in repeated
            ],
        )
    return result  # type: ignore[no-any-return]


def event_from_object(
    obj: dict[str, Any],
    *,
    namespaces: Mapping[str, str],
    path: str = "$",
    strict: bool = False,
) -> EpcisEvent:
    """Validate one parsed event (the streaming reader's hook).

    Args:
        obj: The event as parsed JSON (not changed).
        namespaces: The prefixes in scope of the enclosing document, e.g.
            ``namespaces_of(document_context)`` (read, not copied: keep it unchanged and pass
            the same mapping for every event of a document).
        path: JSON path of the event, for errors and findings.
        strict: As for :func:`from_jsonld`.

    Returns:
        The event, with the findings about its own ``@context``.

    Raises:
        EpcisError: As :func:`from_jsonld`.

    Examples:
        >>> ns = namespaces_of([DEFAULT_CONTEXT_URL, {"htx": "https://htx.example.vn/ns/"}])
        >>> ev = event_from_object({"type": "ObjectEvent", "action": "OBSERVE",
        ...     "eventTime": "2024-09-03T10:00:00+07:00", "eventTimeZoneOffset": "+07:00",
        ...     "htx:nhietDo": 28.5}, namespaces=ns, path="$.epcisBody.eventList[0]")
        >>> ev.extensions[0].clark, ev.extensions[0].value
        ('{https://htx.example.vn/ns/}nhietDo', 28.5)
    """
    active, merged, prep = _hook_scope(namespaces)
    result: Any = read_event(obj, active, merged, path=path, strict=strict, prep=prep)
    return result  # type: ignore[no-any-return]


def event_to_object(
    event: EpcisEvent, *, prefixes: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """One event as compact JSON-LD members (the streaming writer's hook).

    Args:
        event: The event.
        prefixes: ``{prefix: IRI}`` the enclosing document's ``@context`` declares besides
            the 2.0.0 context (``None``: none). Namespaces it does not cover are declared in
            an ``@context`` of the event.

    Returns:
        The members, ready for :func:`dumps` (``json.dumps`` too, unless a decimal has more
        digits than a float holds: those stay ``Decimal``).

    Raises:
        EpcisError: ``EPCIS_NO_PREFIX`` for an unqualified extension at an extension point,
            ``EPCIS_INVALID_VALUE`` for what is not an event or a prefix mapping;
            :class:`~tracelib.errors.UnknownContextError` for an event ``@context`` URL that
            is not bundled.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-09-03T10:00:00+07:00", biz_step="shipping",
        ...     extensions={"htx:xe": "37C-123.45"}, namespaces={"htx": "https://htx.example.vn/ns/"})
        >>> members = event_to_object(ev, prefixes={"htx": "https://htx.example.vn/ns/"})
        >>> list(members)
        ['type', 'eventTime', 'eventTimeZoneOffset', 'epcList', 'action', 'bizStep', 'htx:xe']
        >>> dumps(members)[-43:]
        '"bizStep":"shipping","htx:xe":"37C-123.45"}'
        >>> event_to_object(ev)["@context"]  # prefixes the document does not declare
        [{'htx': 'https://htx.example.vn/ns/'}]
    """
    from ._models_events import EpcisEvent

    if not isinstance(event, EpcisEvent):
        raise EpcisError(
            f"event_to_object() writes an event, not {type(event).__name__}",
            code="EPCIS_INVALID_VALUE",
        )
    state = _hook_state(prefixes)
    entries: list[Any] = []
    if event.context is not None:
        entries, state = output_context(event.context, state, top=False)
    pf = Prefixer(state.prefixes, dict.fromkeys(state.terms))
    writer = Writer(pf, state)
    try:
        out = writer.event(event, "$", top=True)
    except RecursionError:
        raise EpcisError(
            "the event is nested too deeply to write", code="EPCIS_INVALID_STRUCTURE"
        ) from None
    if pf.additions:
        entries = [*entries, declarations(pf.additions)]
    if entries:
        out["@context"] = entries
    else:
        del out["@context"]
    return out


def to_jsonld(obj: Document | EpcisEvent, *, indent: int | None = None) -> str:
    """Write a document or an event as compact EPCIS 2.0 JSON-LD.

    The ``@context`` is the ratified 2.0.0 context followed by the inline entries of the
    model's own context (bundled URLs are replaced by the 2.0.0 one; members redefining
    protected terms are left out) and a declaration for every other extension namespace.
    Lossy cases (documented in ``docs/epcis/jsonld.md``): the SBDH and a query document's
    header have no JSON-LD form (``LossyConversionWarning``); XML attributes of extensions
    become members; ``persistentDisposition`` outside Object/TransformationEvent is written
    with expanded IRIs (warning finding ``EPCIS_SCHEMA_CONFLICT`` on the event).

    Args:
        obj: An event or a document model.
        indent: Pretty-print with this indent (one compact line by default).

    Returns:
        The JSON-LD text.

    Raises:
        EpcisError: ``EPCIS_NO_PREFIX`` (an unqualified extension at an extension point),
            ``EPCIS_INVALID_VALUE`` (not a model); :class:`~tracelib.errors.UnknownContextError`
            (a context URL in the model that is not bundled).

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-09-03T10:00:00+07:00", action="ADD",
        ...     quantities=[("urn:epc:class:lgtin:893012345.0011.CAM24", "1200.50", "KGM")])
        >>> text = to_jsonld(ev)
        >>> text[:77]
        '{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",'
        >>> '"quantity":1200.50,' in text  # the decimal as held, not 1200.5
        True
    """
    try:
        members = _top(obj)
    except RecursionError:
        raise EpcisError(
            "the model is nested too deeply to write", code="EPCIS_INVALID_STRUCTURE"
        ) from None
    return dumps(members, indent=indent)


# -- plumbing ----------------------------------------------------------------------------------

_HOOK_STATES: dict[tuple[tuple[str, str], ...], Active] = {}
_HOOK_SCOPES: dict[int, tuple[Mapping[str, str], Active, dict[str, str], Prep]] = {}


def _clean(mapping: Any, what: str) -> dict[str, str]:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise EpcisError(
            f"{what} is a mapping {{prefix: IRI}}, not {type(mapping).__name__}",
            code="EPCIS_INVALID_VALUE",
        )
    return {
        p: i for p, i in mapping.items() if isinstance(p, str) and p and isinstance(i, str) and i
    }


def _hook_state(prefixes: Mapping[str, str] | None) -> Active:
    clean = _clean(prefixes, "prefixes")
    key = tuple(clean.items())
    state = _HOOK_STATES.get(key)
    if state is None:
        entries: list[Any] = [DEFAULT_CONTEXT_URL]
        if clean:
            entries.append(declarations(clean))
        state = process(entries, EMPTY, _CONTEXT_PATH, [])
        if len(_HOOK_STATES) > 64:
            _HOOK_STATES.clear()
        _HOOK_STATES[key] = state
    return state


def _hook_scope(namespaces: Mapping[str, str]) -> tuple[Active, Mapping[str, str], Prep]:
    cached = _HOOK_SCOPES.get(id(namespaces))
    if cached is not None and cached[0] is namespaces:
        return cached[1], cached[2], cached[3]
    state = _hook_state(_clean(namespaces, "namespaces"))
    merged = effective_namespaces(state)
    if len(_HOOK_SCOPES) > 64:
        _HOOK_SCOPES.clear()
    prep = Prep(merged)
    _HOOK_SCOPES[id(namespaces)] = (namespaces, state, merged, prep)
    return state, merged, prep


_EVENT_INDEX = re.compile(r"\.eventList\[([0-9]+)\]")


def _event_index(path: str) -> int | None:
    match = _EVENT_INDEX.search(path)
    return int(match.group(1)) if match else None


def _event_inline_names(events: Any) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    for event in events:
        if event.context is None:
            continue
        value = event.context.value
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, dict):
                for term, definition in entry.items():
                    iri = definition if isinstance(definition, str) else None
                    if term in names and names[term] != iri:
                        names[term] = None
                    else:
                        names.setdefault(term, iri)
    return names


def _top(obj: Any) -> dict[str, Any]:
    from ._models_documents import (
        EPCISCaptureJob,
        EPCISDocument,
        EPCISMasterDataDocument,
        EPCISQueryDocument,
    )
    from ._models_events import EpcisEvent

    if isinstance(obj, EpcisEvent):
        entries, state = output_context(obj.context, EMPTY, top=True)
        pf = Prefixer(state.prefixes, dict.fromkeys(state.terms))
        writer = Writer(pf, state)
        out = writer.event(obj, "$", top=True)
        out["@context"] = context_value(entries, pf.additions, obj.context)
        return out
    if isinstance(obj, EPCISCaptureJob):
        from ._jsonld_docs import capture_job

        return capture_job(obj)
    if isinstance(obj, (EPCISDocument, EPCISQueryDocument, EPCISMasterDataDocument)):
        from ._jsonld_docs import document

        context = getattr(obj, "context", None)
        entries, state = output_context(context, EMPTY, top=True)
        avoid: dict[str, str | None] = dict.fromkeys(state.terms)
        events = getattr(obj, "events", ())
        for name, iri in _event_inline_names(events).items():
            avoid.setdefault(name, iri)
        pf = Prefixer(state.prefixes, avoid)
        writer = Writer(pf, state)
        out = document(obj, writer)
        out["@context"] = context_value(entries, pf.additions, context)
        return out
    raise EpcisError(
        f"to_jsonld() writes EPCIS documents and events, not {type(obj).__name__}",
        code="EPCIS_INVALID_VALUE",
    )
