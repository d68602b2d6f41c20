"""Validate EPCIS 2.0 documents: the GS1 schemas, lint rules the schemas miss, query parameters.

* :func:`validate` takes XML or JSON-LD (bytes or text: the syntax is sniffed), a document
  or an event model, and returns a list of :class:`~tracelib.epcis.findings.Finding`.
  XML is checked against the EPCIS 2.0 XSDs (``EPCIS_XSD_INVALID``, one per schema error,
  with its line), JSON against the EPCIS 2.0 JSON Schema with format assertions
  (``EPCIS_JSONSCHEMA_INVALID`` with the JSON path); then the document is parsed (its parse
  error or reader findings become findings too) and linted. Bad input never raises.
* :func:`lint` runs the rules on a model: offsets, CBV value forms and vocabularies,
  certificationInfo in XML, the known XSD/JSON Schema disagreements, and semantic rules
  (ILMD only with ADD, parentID for ADD/DELETE aggregations, children, duplicate EPCs,
  times in order, sensor intervals and ranges).
* :func:`validate_query` checks REST query parameters against the EPCIS 2.0 query grammar.

The GS1 schemas are not bundled (GS1 licence): supply a :class:`SchemaSet` or a directory
(a checkout of https://github.com/gs1/EPCIS), or set ``$TRACELIB_EPCIS_SCHEMAS``. Without
them :func:`validate` still lints and says so with one ``EPCIS_SCHEMA_UNAVAILABLE`` warning.
Every code, its severity and meaning: :data:`FINDING_CODES`.

Examples:
    >>> from tracelib.epcis.models import ObjectEvent
    >>> ev = ObjectEvent.create("2024-07-15T06:30:00+07:00", action="OBSERVE",
    ...     biz_step="https://ref.gs1.org/cbv/BizStep-shiping",
    ...     epcs=["urn:epc:id:sgtin:893012345.0001.1001"])
    >>> [(f.code, f.path) for f in validate(ev, schema=False)]
    [('EPCIS_UNKNOWN_VOCAB', '$.bizStep')]
    >>> [f.code for f in validate_query({"GE_eventDate": "2024-07-01T00:00:00+07:00"})]
    ['EPCIS_QUERY_UNKNOWN_PARAMETER']
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import sys
import types
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import EpcisError, LossyConversionWarning
from ._validate_codes import FINDING_CODES
from ._validate_schemas import SCHEMAS_ENV, SchemaSet, missing_formats, resolve_schemas
from .findings import Finding, findings_of

if TYPE_CHECKING:
    from ._validate_lint import Syntax
    from ._validate_xml import ParsedXml
    from .models import Document, EpcisEvent

__all__ = ["FINDING_CODES", "SCHEMAS_ENV", "SchemaSet", "lint", "validate", "validate_query"]

_MAX_INPUT = 256 * 1024 * 1024
"""Whole-document validation refuses larger inputs (validate per event while streaming)."""
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def validate(
    data: bytes | str | Document | EpcisEvent,
    *,
    schema: bool = True,
    lint: bool = True,
    schemas: SchemaSet | str | os.PathLike[str] | None = None,
    strict: bool = True,
) -> list[Finding]:
    """Validate a document or an event; never raises for bad input.

    For XML or JSON text (``bytes`` or ``str``, the syntax is sniffed):

    1. schema validation (``schema=True``): XML against the EPCIS 2.0 XSD of its root
       (``EPCIS_XSD_INVALID`` per schema error, naming the element, with ``line``); JSON
       against the EPCIS 2.0 JSON Schema (``EPCIS_JSONSCHEMA_INVALID`` with the JSON
       ``path``, e.g. ``$.epcisBody.eventList[3].bizStep``). The known XSD/JSON Schema
       disagreements are ``EPCIS_SCHEMA_CONFLICT`` warnings instead;
    2. parsing and lint (``lint=True``): a parse error becomes an error finding with its
       code and location; the reader's findings (``EPCIS_ELEMENT_ORDER``,
       ``EPCIS_PROTECTED_TERM``...) and the :func:`lint` findings follow. An XML query
       request (``Poll``) has its parameters checked by :func:`validate_query` instead.

    For models: :func:`lint`, and (``schema=True``) schema validation of the model's
    ``to_xml()`` and ``to_jsonld()`` output when the codecs are installed.

    Args:
        data: XML or JSON-LD bytes or text, a document or an event.
        schema: Run the schema step.
        lint: Parse and run the lint step.
        schemas: The GS1 schemas: a :class:`SchemaSet`, a directory, or ``None`` for
            ``$TRACELIB_EPCIS_SCHEMAS`` (when unset: one ``EPCIS_SCHEMA_UNAVAILABLE``
            warning, and the lint still runs).
        strict: Assert JSON Schema formats (``uri``, ``date-time``); needs ``rfc3987`` and
            ``rfc3339-validator`` (extra ``validate``), else an ``EPCIS_FORMATS_UNCHECKED``
            warning.

    Returns:
        The findings in the order made (schema, parse, lint); errors have
        ``severity == "error"``. No error finding means valid.

    Raises:
        MissingDependencyError: JSON input with ``schema=True`` and schemas supplied, but
            ``jsonschema`` not installed (``pip install 'tracelib[validate]'``).

    Examples:
        >>> validate(b"EPCIS?")
        [Finding('EPCIS_UNKNOWN_FORMAT', 'error', 'neither XML nor JSON')]
        >>> from tracelib.epcis.models import AggregationEvent
        >>> pallet = AggregationEvent.create("2024-07-16T09:00:00+07:00", action="ADD",
        ...     child_epcs=["urn:epc:id:sgtin:893012345.0001.1001"])
        >>> [f.code for f in validate(pallet, schema=False) if f.is_error]
        ['EPCIS_PARENT_MISSING']
    """
    given: object = data
    if isinstance(given, (bytearray, memoryview)):
        given = bytes(given)
    if isinstance(given, (bytes, str)):
        found = _validate_text(given, schema=schema, lint=lint, schemas=schemas, strict=strict)
    elif _is_model(given):
        found = _validate_model(given, schema=schema, lint=lint, schemas=schemas, strict=strict)
    else:
        found = [
            Finding(
                "EPCIS_UNKNOWN_FORMAT",
                "error",
                f"cannot validate a {type(given).__name__}: give XML or JSON bytes or text, "
                "a document or an event",
            )
        ]
    return _dedupe(found)


def lint(obj: Document | EpcisEvent, *, syntax: Syntax | None = None) -> list[Finding]:
    """Run the lint rules on a model (every event of a document, or one event).

    Paths are JSON-LD member paths (``$.epcisBody.eventList[0].bizStep``; ``$.bizStep`` for
    a bare event) and ``event_index`` is set. ``syntax`` turns on the checks that depend on
    where the model comes from or goes: CBV value forms (``EPCIS_CBV_FORM``) and, for XML,
    ``EPCIS_CERTINFO_LOSSY``.

    Args:
        obj: A document or an event.
        syntax: ``"xml"``, ``"jsonld"`` or ``None`` (unknown).

    Returns:
        The findings, event by event.

    Raises:
        EpcisError: ``EPCIS_INVALID_VALUE`` when ``obj`` is not a model or ``syntax`` is
            not one of the three.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-07-15T06:30:00+08:00", action="ADD",
        ...     event_time_zone_offset="+07:00", biz_step="urn:epcglobal:cbv:bizstep:commissioning",
        ...     epcs=["urn:epc:id:sgtin:893012345.0001.1001"])
        >>> [(f.code, f.path) for f in lint(ev, syntax="jsonld")]
        [('EPCIS_OFFSET_MISMATCH', '$.eventTime'), ('EPCIS_CBV_FORM', '$.bizStep')]
    """
    from ._validate_lint import lint_model

    if syntax not in (None, "xml", "jsonld"):
        raise EpcisError(
            f"syntax must be 'xml', 'jsonld' or None, not {syntax!r}", code="EPCIS_INVALID_VALUE"
        )
    if not _is_model(obj):
        raise EpcisError(
            f"lint takes an EPCIS document or event model, not {type(obj).__name__}",
            code="EPCIS_INVALID_VALUE",
        )
    return lint_model(obj, syntax)


def validate_query(params: Mapping[str, Any]) -> list[Finding]:
    """Check EPCIS 2.0 query parameters (REST ``GET /events``, named query definitions).

    Names follow the EPCIS 2.0 query language: the fixed names (``eventType``,
    ``GE_eventTime``, ``EQ_bizStep``, ``MATCH_epc``, ``orderBy``, ``eventCountLimit``,
    ``perPage``...) and the typed families ``EQ_bizTransaction_{type}``,
    ``EQ_source_{type}``, ``EQ_destination_{type}``, ``EQ_value_{UOM}`` (and ``GE_``/``LT_``...
    of ``value``, ``minValue``, ``maxValue``, ``meanValue``, ``sDev``, ``percValue``,
    ``quantity``), ``EQ_ILMD_{prefix:field}``, ``EQ_INNER_…``, ``EQ_ERROR_DECLARATION_…``,
    ``EQ_SENSORELEMENT_…``, ``EXISTS_…``, ``HASATTR_…``, ``EQ_ATTR_{field}_{attribute}``.
    (GS1's ``query-schema.json`` cannot check these: its patterns are over-escaped.)

    Values may be REST query strings (lists separated by ``|``), lists (as from
    ``urllib.parse.parse_qs`` or a JSON query body) or JSON scalars. Times need an offset
    (``Z`` or ``±hh:mm``; a ``+`` in a URL must be sent as ``%2B``).

    Args:
        params: ``{name: value}``; a ``@context`` member (JSON query bodies) is accepted.

    Returns:
        Findings with ``path`` ``$.<name>`` (``$.<name>[i]`` for one value of a list):
        ``EPCIS_QUERY_UNKNOWN_PARAMETER``, ``EPCIS_QUERY_INVALID_VALUE``,
        ``EPCIS_QUERY_CONFLICT`` (errors) and ``EPCIS_UNKNOWN_VOCAB`` (warnings).

    Examples:
        >>> validate_query({"EQ_bizStep": "shipping|receiving", "MATCH_epc":
        ...     "urn:epc:id:sgtin:893012345.0001.1001", "GE_eventTime": "2024-07-01T00:00:00Z"})
        []
        >>> for f in validate_query({"EQ_action": ["ADD", "SHIPPED"], "eventCountLimit": "ten"}):
        ...     print(f.code, f.path)
        EPCIS_QUERY_INVALID_VALUE $.EQ_action[1]
        EPCIS_QUERY_INVALID_VALUE $.eventCountLimit
    """
    from ._validate_query import query_findings

    return query_findings(params)


# -- text ------------------------------------------------------------------------------------


def _sniff(data: bytes | str) -> str | None:
    head = data[:4096]
    if isinstance(head, bytes):
        if head.startswith(_BOMS[1:]):
            head = head.decode("utf-16", errors="ignore")
        else:
            head = head.removeprefix(_BOMS[0]).decode("utf-8", errors="ignore")
    head = head.lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        return "xml"
    if head.startswith(("{", "[")):
        return "json"
    return None


def _unavailable(reason: str) -> Finding:
    return Finding(
        "EPCIS_SCHEMA_UNAVAILABLE", "warning", f"schema validation skipped: {reason}", path=None
    )


def _validate_text(
    data: bytes | str,
    *,
    schema: bool,
    lint: bool,
    schemas: SchemaSet | str | os.PathLike[str] | None,
    strict: bool,
) -> list[Finding]:
    if len(data) > _MAX_INPUT:
        return [
            Finding(
                "EPCIS_INPUT_TOO_LARGE",
                "error",
                f"{len(data)} bytes is more than whole-document validation takes "
                f"({_MAX_INPUT}); validate per event with iter_events",
            )
        ]
    syntax = _sniff(data)
    if syntax is None:
        return [Finding("EPCIS_UNKNOWN_FORMAT", "error", "neither XML nor JSON")]
    resolved = resolve_schemas(schemas) if schema else None
    if syntax == "xml":
        return _validate_xml(data, resolved, lint=lint)
    return _validate_json(data, resolved, lint=lint, strict=strict)


def _validate_xml(
    data: bytes | str, resolved: SchemaSet | str | None, *, lint: bool
) -> list[Finding]:
    from ._validate_query import query_findings
    from ._validate_xml import parse_xml, query_request, xsd_findings

    parsed, problems = parse_xml(data)
    if parsed is None:
        return problems
    findings: list[Finding] = []
    if isinstance(resolved, str):
        findings.append(_unavailable(resolved))
    elif resolved is not None:
        if not resolved.has_xsd:
            findings.append(_unavailable("the schema set has no XSDs"))
        else:
            try:
                findings.extend(xsd_findings(parsed, resolved))
            except EpcisError as err:
                findings.append(_unavailable(err.message))
    if lint:
        request = query_request(parsed)
        if request is not None:
            findings.extend(query_findings(*request))
        else:
            findings.extend(_parse_and_lint(data, "xml", parsed))
    return findings


def _validate_json(
    data: bytes | str, resolved: SchemaSet | str | None, *, lint: bool, strict: bool
) -> list[Finding]:
    from ._validate_json import json_schema_findings, load_json

    document, problems = load_json(data)
    if problems:
        return problems
    findings: list[Finding] = []
    if isinstance(resolved, str):
        findings.append(_unavailable(resolved))
    elif resolved is not None:
        if not resolved.has_json_schema:
            findings.append(_unavailable("the schema set has no JSON Schema"))
        else:
            try:
                validator = resolved.json_validator(formats=strict)
            except EpcisError as err:
                findings.append(_unavailable(err.message))
            else:
                missing = missing_formats() if strict else ()
                if missing:
                    findings.append(
                        Finding(
                            "EPCIS_FORMATS_UNCHECKED",
                            "warning",
                            f"JSON Schema formats {', '.join(missing)} were not checked: "
                            "install rfc3987 and rfc3339-validator "
                            "(pip install 'tracelib[validate]')",
                        )
                    )
                findings.extend(json_schema_findings(document, validator))
    if lint:
        findings.extend(_parse_and_lint(data, "jsonld", None))
    return findings


def _from_error(err: EpcisError, prefix: str = "") -> Finding:
    message = err.message
    if err.position is not None and err.path is None and err.line is None:
        message = f"{message} (at position {err.position})"
    return Finding(err.code, "error", prefix + message, path=err.path, line=err.line)


def _parse_and_lint(data: bytes | str, syntax: Syntax, parsed: ParsedXml | None) -> list[Finding]:
    from ._validate_lint import lint_model

    try:
        codec: Any = importlib.import_module("tracelib.epcis._codec")
        model = codec.parse(data, format=syntax, strict=False)
    except EpcisError as err:
        return [_from_error(err)]
    except ImportError as exc:
        return [
            Finding(
                "EPCIS_CODEC_UNAVAILABLE",
                "info",
                f"parsing and lint skipped: the {syntax} codec is not available ({exc})",
            )
        ]
    except Exception as exc:  # a codec bug must not escape validate()
        return [
            Finding(
                "EPCIS_PARSE_FAILED",
                "error",
                f"the {syntax} reader failed with {type(exc).__name__}: {exc} (please report)",
            )
        ]
    findings = _attached(model)
    linted = lint_model(model, syntax)
    if parsed is not None:
        linted = _with_lines(linted, parsed, model)
    return findings + linted


def _attached(model: Any) -> list[Finding]:
    found = list(findings_of(model))
    events = getattr(model, "events", None)
    if isinstance(events, tuple):
        for index, event in enumerate(events):
            for finding in findings_of(event):
                if finding.event_index is None:
                    finding = dataclasses.replace(finding, event_index=index)
                found.append(finding)
    return found


def _with_lines(findings: list[Finding], parsed: ParsedXml, model: Any) -> list[Finding]:
    from ._validate_xml import event_elements

    elements = event_elements(parsed.root)
    events = getattr(model, "events", None)
    count = len(events) if isinstance(events, tuple) else 1
    if len(elements) != count:
        return findings
    return [
        dataclasses.replace(finding, line=elements[finding.event_index].sourceline)
        if finding.line is None and finding.event_index is not None
        else finding
        for finding in findings
    ]


# -- models -----------------------------------------------------------------------------------


def _is_model(obj: object) -> bool:
    from ._models_codec import Serialisable

    return isinstance(obj, Serialisable)


def _targets(obj: Any) -> tuple[Syntax, ...]:
    kind = getattr(obj, "type", None)
    if kind in ("EPCISMasterDataDocument", "EPCISCaptureJob"):
        return ("xml",)
    return ("xml", "jsonld")


def _validate_model(
    obj: Any,
    *,
    schema: bool,
    lint: bool,
    schemas: SchemaSet | str | os.PathLike[str] | None,
    strict: bool,
) -> list[Finding]:
    from ._validate_lint import lint_model

    findings = [*_attached(obj), *lint_model(obj, None)] if lint else []
    if not schema:
        return findings
    resolved = resolve_schemas(schemas)
    if isinstance(resolved, str):
        return [*findings, _unavailable(resolved)]
    for target in _targets(obj):
        text, notes = _serialise(obj, target)
        findings.extend(notes)
        if text is None:
            continue
        name = "to_xml()" if target == "xml" else "to_jsonld()"
        checked = _validate_text(text, schema=True, lint=False, schemas=resolved, strict=strict)
        for finding in checked:
            if finding.code == "EPCIS_BARE_EVENT":
                continue
            if finding.code == "EPCIS_XSD_INVALID":
                finding = dataclasses.replace(finding, line=None)
            findings.append(
                dataclasses.replace(finding, message=f"{name} output: {finding.message}")
            )
    return findings


def _serialise(obj: Any, target: Syntax) -> tuple[bytes | str | None, list[Finding]]:
    name = "XML" if target == "xml" else "JSON-LD"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            text: bytes | str = obj.to_xml() if target == "xml" else obj.to_jsonld()
    except ImportError:
        return None, []  # that codec is not installed: nothing to validate
    except EpcisError as err:
        return None, [_from_error(err, prefix=f"cannot be written as {name}: ")]
    except Exception as exc:  # a codec bug must not escape validate()
        return None, [
            Finding(
                "EPCIS_PARSE_FAILED",
                "error",
                f"the {name} writer failed with {type(exc).__name__}: {exc} (please report)",
            )
        ]
    notes = []
    for warning in caught:
        if issubclass(warning.category, LossyConversionWarning):
            message = str(warning.message)
            code = (
                "EPCIS_CERTINFO_LOSSY"
                if "certificationInfo" in message
                else "EPCIS_LOSSY_CONVERSION"
            )
            notes.append(Finding(code, "warning", f"writing {name}: {message}"))
    return text, notes


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[object] = set()
    out: list[Finding] = []
    for finding in findings:
        key: object = finding
        if finding.code == "EPCIS_SCHEMA_CONFLICT" and finding.path is not None:
            key = (finding.code, finding.path)
        if key in seen:
            continue
        seen.add(key)
        out.append(finding)
    return out


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`validate`.

    ``tracelib.epcis.validate`` names both this module and the function: once the module is
    imported, Python binds the package attribute to the module. Calling the module calls
    the function, so ``tracelib.epcis.validate(doc)`` works either way.
    """

    def __call__(self, data: bytes | str | Document | EpcisEvent, **options: Any) -> list[Finding]:
        return validate(data, **options)


sys.modules[__name__].__class__ = _CallableModule
