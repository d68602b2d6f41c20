"""The JSON side of validation: loading, JSON Schema findings with JSON paths.

The GS1 JSON Schema (draft-07) runs with jsonschema's format checker. Where the JSON Schema
and the XSD are known to disagree, the JSON Schema's error becomes an
``EPCIS_SCHEMA_CONFLICT`` warning at the member concerned:

* ``persistentDisposition`` on an Aggregation, Transaction or AssociationEvent: the XSD allows
  it on every event, the JSON Schema (and the standard's table, gs1/EPCIS#447) only on
  Object and TransformationEvents;
* a measurement type outside the JSON Schema enum written as a GS1 Web Vocabulary term
  (``EffectiveDoseRate``, ``gs1:Molar_concentration``): the XSD takes any URI;
* a ``sensorReport`` without ``type`` (an alarm report, say): optional in the XSD, required
  by the JSON Schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .findings import Finding

__all__ = ["event_index_of", "json_path", "json_schema_findings", "load_json"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GS1_VOC_TERM = re.compile(r"(?:gs1:|https://gs1\.org/voc/)?[A-Za-z][A-Za-z0-9_]*")
_NO_PERSISTENT = frozenset({"AggregationEvent", "TransactionEvent", "AssociationEvent"})
_MAX_MESSAGE = 300


def json_path(parts: Iterable[str | int]) -> str:
    """``$.epcisBody.eventList[3].bizStep`` from the parts of a path.

    Examples:
        >>> json_path(["epcisBody", "eventList", 3, "@context"])
        "$.epcisBody.eventList[3]['@context']"
    """
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENT.fullmatch(part):
            out.append(f".{part}")
        else:
            out.append(f"[{part!r}]")
    return "".join(out)


def event_index_of(parts: Sequence[str | int]) -> int | None:
    """The event index in a path through an ``eventList`` (``None`` outside one)."""
    for position, part in enumerate(parts[:-1]):
        if part == "eventList":
            following = parts[position + 1]
            return following if isinstance(following, int) else None
    return None


def load_json(data: bytes | str) -> tuple[Any, list[Finding]]:
    """``json.loads`` with its failures as ``EPCIS_INVALID_JSON`` findings (with the line)."""
    try:
        if isinstance(data, str):
            return json.loads(data.removeprefix("\ufeff")), []
        return json.loads(data), []
    except json.JSONDecodeError as exc:
        return None, [
            Finding("EPCIS_INVALID_JSON", "error", f"not JSON: {exc.msg}", line=exc.lineno)
        ]
    except UnicodeDecodeError as exc:
        return None, [
            Finding("EPCIS_INVALID_JSON", "error", f"not JSON text (UTF-8 expected): {exc}")
        ]
    except RecursionError:
        return None, [Finding("EPCIS_INVALID_JSON", "error", "JSON nested too deeply")]
    except ValueError as exc:  # e.g. an integer too long to convert
        return None, [Finding("EPCIS_INVALID_JSON", "error", f"not JSON: {exc}")]


def _at(document: Any, parts: Sequence[str | int]) -> Any:
    node = document
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _conflict(error: Any, document: Any, parts: list[str | int]) -> tuple[str, str] | None:
    """``(path, message)`` when the error is one of the known XSD/JSON Schema disagreements."""
    instance = error.instance
    if (
        instance == "persistentDisposition"
        and "propertyNames" in error.schema_path
        and isinstance(event := _at(document, parts), dict)
        and event.get("type") in _NO_PERSISTENT
    ):
        return json_path([*parts, "persistentDisposition"]), (
            f"persistentDisposition on an {event['type']}: the JSON Schema allows it only on "
            "ObjectEvent and TransformationEvent (as does the standard's table, gs1/EPCIS#447), "
            "the XSD on every event; write it as epcis:persistentDisposition or drop it"
        )
    if (
        len(parts) >= 3
        and parts[-1] == "type"
        and parts[-3] == "sensorReport"
        and error.validator == "anyOf"
        and isinstance(instance, str)
        and _GS1_VOC_TERM.fullmatch(instance)
    ):
        return json_path(parts), (
            f"measurement type {instance!r} is not in the JSON Schema enum (the CBV 2.0 list of "
            "GS1 measurement types); the XSD accepts it"
        )
    if (
        len(parts) >= 2
        and parts[-2] == "sensorReport"
        and error.validator == "required"
        and isinstance(instance, dict)
        and "type" not in instance
        and list(error.validator_value) == ["type"]
    ):
        return json_path(parts), (
            "sensorReport without type: the JSON Schema requires it, the XSD does not "
            "(reports that carry only an exception, say)"
        )
    return None


def _message(error: Any) -> str:
    if error.validator in ("anyOf", "oneOf") and error.context:
        reasons: list[str] = []
        for sub in error.context:
            text = _short(sub.message)
            if text not in reasons:
                reasons.append(text)
        text = "not valid under any of the given schemas: " + "; ".join(reasons)
    elif isinstance(error.instance, (dict, list)):
        text = _short(error.message)
    else:
        text = error.message
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _short(message: str) -> str:
    # jsonschema prints whole objects and enums: keep the gist.
    if len(message) > 120 and message.startswith(("{", "[")):
        for marker in (" is not valid under", " is not of type", " does not match"):
            at = message.find(marker)
            if at > 0:
                return "value" + message[at:]
    return message if len(message) <= 160 else message[:159] + "…"


def json_schema_findings(document: Any, validator: Any) -> list[Finding]:
    """JSON Schema errors as findings; known disagreements as ``EPCIS_SCHEMA_CONFLICT``."""
    findings: list[Finding] = []
    try:
        errors = list(validator.iter_errors(document))
    except RecursionError:
        return [Finding("EPCIS_JSONSCHEMA_INVALID", "error", "JSON nested too deeply", path="$")]
    for error in errors:
        parts: list[str | int] = list(error.absolute_path)
        index = event_index_of(parts)
        conflict = _conflict(error, document, parts)
        if conflict is not None:
            path, message = conflict
            findings.append(
                Finding("EPCIS_SCHEMA_CONFLICT", "warning", message, path=path, event_index=index)
            )
            continue
        path = json_path(parts)
        findings.append(
            Finding(
                "EPCIS_JSONSCHEMA_INVALID",
                "error",
                f"{path}: {_message(error)}",
                path=path,
                event_index=index,
            )
        )
    return findings
