"""The emulator's admin endpoints under ``/_admin/`` (English JSON; never faulted or logged
with bodies).

========================  =========================================================
``GET /_admin/health``    ``{"ok": true}``
``GET /_admin/counts``    events, duplicates, records per entity, requests
``GET /_admin/events``    the EPCIS events stored (``{"events": [...]}``)
``GET /_admin/records/E`` the portal records of entity ``E`` (``product``...)
``GET /_admin/requests``  the request log (bodies left out)
``POST /_admin/organizations``  register ``{tax_code, gln, name, active}``
``POST /_admin/activate``       ``{tax_code | gln}`` (registers when missing)
``POST /_admin/deactivate``     ``{tax_code | gln}``
``GET|POST|DELETE /_admin/faults``  list, inject ``{kind, times, path, method}``, clear
``PUT /_admin/config``          ``{fail_rate, latency_ms, seed}``
``POST /_admin/expire-tokens``  invalidate every issued token
``PUT|GET /_admin/files/N``     store / serve a file (image URLs for the portal to fetch)
========================  =========================================================
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..errors import InputError
from ._emulator_nbc import Answer, json_answer

if TYPE_CHECKING:
    from .emulator import PortalEmulator

__all__ = ["admin_answer"]


def _object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            "the admin API takes a JSON object", code="PORTAL_EMULATOR_BAD_ADMIN"
        ) from exc
    if not isinstance(value, dict):
        raise InputError("the admin API takes a JSON object", code="PORTAL_EMULATOR_BAD_ADMIN")
    return value


def _only(data: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            f"unknown members {unknown}; allowed: {sorted(allowed)}",
            code="PORTAL_EMULATOR_BAD_ADMIN",
            path=f"$.{unknown[0]}",
        )
    return dict(data)


_FAULT_KEYS = frozenset({"kind", "times", "path", "method", "retry_after", "delay_ms"})
_CONFIG_KEYS = frozenset({"fail_rate", "latency_ms", "seed"})


def _org_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("tax_code", "gln", "name") if data.get(k) is not None}


def admin_answer(
    emulator: PortalEmulator,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
) -> Answer:
    """Answer one admin request.

    Args:
        emulator: The emulator.
        method: The method.
        path: The path (``/_admin/...``).
        headers: The headers (lower-case names).
        body: The body.

    Returns:
        The answer (400 with ``{"error", "code"}`` for bad input).
    """
    segments = [unquote(s) for s in path.split("/") if s][1:]
    head = segments[0] if segments else ""
    try:
        if head == "health" and method == "GET":
            return json_answer(200, {"ok": True})
        if head == "counts" and method == "GET":
            return json_answer(200, emulator.counts())
        if head == "events" and method == "GET":
            return json_answer(200, {"events": emulator.events()})
        if head == "records" and len(segments) == 2 and method == "GET":
            return json_answer(200, {"records": emulator.records(segments[1])})
        if head == "requests" and method == "GET":
            return json_answer(200, {"requests": [r.to_json() for r in emulator.requests]})
        if head == "organizations" and method == "POST":
            data = _object(body)
            org = emulator.register_organization(
                active=bool(data.get("active", False)), **_org_keys(data)
            )
            return json_answer(201, org)
        if head in ("activate", "deactivate") and method == "POST":
            data = _object(body)
            keys = _org_keys(data)
            if head == "activate":
                return json_answer(200, emulator.activate(**keys))
            return json_answer(200, emulator.deactivate(**keys))
        if head == "faults" and len(segments) == 1:
            if method == "GET":
                return json_answer(
                    200,
                    {"faults": [dict(f.to_json(), left=n) for f, n in emulator.faults]},
                )
            if method == "POST":
                data = _only(_object(body), _FAULT_KEYS)
                kind = data.pop("kind", None)
                fault = emulator.inject(kind, **data)
                return json_answer(201, fault.to_json())
            if method == "DELETE":
                emulator.clear_faults()
                return Answer(204)
        if head == "config" and method == "PUT":
            data = _only(_object(body), _CONFIG_KEYS)
            emulator.configure(**data)
            return json_answer(200, emulator.config())
        if head == "expire-tokens" and method == "POST":
            emulator.expire_tokens()
            return Answer(204)
        if head == "files" and len(segments) == 2:
            if method == "PUT":
                kind = headers.get("content-type") or "application/octet-stream"
                emulator.add_file(segments[1], body, kind)
                return json_answer(201, {"path": path})
            if method in ("GET", "HEAD"):
                stored = emulator.get_file(segments[1])
                if stored is None:
                    return json_answer(404, {"error": "no such file", "code": "NOT_FOUND"})
                content, media_type = stored
                return Answer(200, (("Content-Type", media_type),), content)
    except InputError as exc:
        return json_answer(400, {"error": exc.message, "code": exc.code})
    return json_answer(404, {"error": f"no admin route {method} {path}", "code": "NOT_FOUND"})
