"""Documents -> JSON-LD member dicts (the events are written by :mod:`._jsonld_write`)."""

from __future__ import annotations

from typing import Any

from ._context import DEFAULT_NAMESPACES
from ._jsonld_context import EMPTY
from ._jsonld_out import Prefixer
from ._jsonld_write import Writer

__all__ = ["capture_job", "document"]


def document(doc: Any, writer: Writer) -> dict[str, Any]:
    """An EPCISDocument, EPCISQueryDocument or EPCISMasterDataDocument as members.

    The ``@context`` member comes first; its value is set by the caller once every prefix
    is known.
    """
    out: dict[str, Any] = {"@context": None}
    if getattr(doc, "id", None) is not None:
        out["id"] = doc.id
    out["type"] = doc.type
    if doc.schema_version is not None:
        out["schemaVersion"] = doc.schema_version
    if doc.creation_date is not None:
        out["creationDate"] = doc.creation_date
    kind = doc.type
    if kind == "EPCISDocument":
        pseudo_sbdh = {
            "sender": doc.sender,
            "receiver": doc.receiver,
            "instanceIdentifier": doc.instance_identifier,
        }
        out.update((key, value) for key, value in pseudo_sbdh.items() if value is not None)
    if doc.epcis_header is not None:
        header = writer.header(doc.epcis_header, query=kind == "EPCISQueryDocument")
        if header is not None:
            out["epcisHeader"] = header
    body = doc.epcis_body
    if kind == "EPCISDocument":
        members: dict[str, Any] = {"eventList": _events(writer, doc.events, "$.epcisBody")}
    elif kind == "EPCISQueryDocument":
        members = {"queryResults": _query_results(writer, body.query_results)}
    else:
        members = {"vocabularyList": writer.vocabularies(body.vocabulary_list)}
    writer.extensions_of(members, body)
    out["epcisBody"] = members
    writer.extensions_of(out, doc)
    return out


def _events(writer: Writer, events: Any, path: str) -> list[dict[str, Any]]:
    base = f"{path}.eventList"
    return [writer.event(event, f"{base}[{index}]") for index, event in enumerate(events)]


def _query_results(writer: Writer, results: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"queryName": results.query_name}
    if results.subscription_id is not None:
        out["subscriptionID"] = results.subscription_id
    body = results.results_body
    path = "$.epcisBody.queryResults.resultsBody"
    members: dict[str, Any] = {}
    if body.event_list is not None:
        members["eventList"] = _events(writer, body.event_list, path)
    if body.vocabulary_list is not None:
        members["vocabularyList"] = writer.vocabularies(body.vocabulary_list)
    writer.extensions_of(members, body)
    out["resultsBody"] = members
    writer.extensions_of(out, results)
    return out


def capture_job(job: Any) -> dict[str, Any]:
    """A capture job as the plain JSON of the REST binding (no ``@context``, no ``type``).

    Extension members keep their prefix hints (plain JSON declares no prefixes).
    """
    writer = Writer(Prefixer(DEFAULT_NAMESPACES, {}), EMPTY)
    out: dict[str, Any] = {}
    for name, key in _JOB_FIELDS:
        value = getattr(job, name)
        if value is None:
            continue
        if name == "errors":
            value = [_problem(writer, problem) for problem in value]
        out[key] = value
    writer.extensions_of(out, job)
    return out


_JOB_FIELDS = (
    ("capture_id", "captureID"),
    ("created_at", "createdAt"),
    ("finished_at", "finishedAt"),
    ("running", "running"),
    ("success", "success"),
    ("capture_error_behaviour", "captureErrorBehaviour"),
    ("errors", "errors"),
    ("error_file", "errorFile"),
)


def _problem(writer: Writer, problem: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("type", "title", "status", "detail", "instance"):
        value = getattr(problem, name)
        if value is not None:
            out[name] = value
    writer.extensions_of(out, problem)
    return out
