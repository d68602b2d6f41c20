"""Query side of the loopback EPCIS server: events, paging, resources, named queries,
subscriptions and their webhook deliveries."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, quote

from ..errors import EpcisError, TracelibError
from ._client_grammar import parse_time
from ._client_http import parse_extensions_header
from ._client_query import EventQuery
from ._client_results import Schedule
from ._testing_base import (
    EPCIS_CONTEXT,
    AppResponse,
    AppState,
    Delivery,
    iso,
    json_body,
    json_response,
    problem_response,
)
from ._testing_match import CompiledQuery, QueryRefusedError, compile_query
from ._testing_store import StoredEvent

__all__ = ["QueryMixin"]

_EPOCH = datetime(1, 1, 1, tzinfo=timezone.utc)

Pairs = tuple[tuple[str, str], ...]
_PAGING = ("perPage", "nextPageToken")
_EPC_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_RESOURCE_PARAM = {
    "eventTypes": "eventType",
    "epcs": "MATCH_anyEPC",
    "bizSteps": "EQ_bizStep",
    "bizLocations": "EQ_bizLocation",
    "readPoints": "EQ_readPoint",
    "dispositions": "EQ_disposition",
}


def _problem(exc: QueryRefusedError) -> AppResponse:
    titles = {400: "Invalid query", 413: "Query result too large", 501: "Not implemented"}
    return problem_response(exc.status, exc.exception, titles.get(exc.status, "Error"), exc.detail)


def _translate(value: Any, form: str) -> Any:
    from .models import as_digital_link, as_epc_urn

    if not isinstance(value, str):
        return value
    try:
        if form == "Always_GS1_Digital_Link" and value.startswith("urn:epc:"):
            return as_digital_link(value)
        if form == "Always_EPC_URN" and value.startswith(("http://", "https://")):
            return as_epc_urn(value)
    except TracelibError:
        return value
    return value


def _epc_format(event: dict[str, Any], form: str | None) -> dict[str, Any]:
    if form not in ("Always_GS1_Digital_Link", "Always_EPC_URN"):
        return event
    out = dict(event)
    for name in _EPC_FIELDS:
        if isinstance(out.get(name), list):
            out[name] = [_translate(v, form) for v in out[name]]
    if "parentID" in out:
        out["parentID"] = _translate(out["parentID"], form)
    return out


def _query_document(
    events: list[StoredEvent],
    *,
    query_name: str,
    created: str,
    epc_format: str | None,
    subscription_id: str | None = None,
) -> dict[str, Any]:
    prefixes: dict[str, str] = {}
    for _, _, own in events:
        for key, value in own.items():
            prefixes.setdefault(key, value)
    context: list[Any] = [EPCIS_CONTEXT]
    if prefixes:
        context.append(prefixes)
    results: dict[str, Any] = {"queryName": query_name}
    if subscription_id is not None:
        results["subscriptionID"] = subscription_id
    results["resultsBody"] = {"eventList": [_epc_format(e, epc_format) for _, e, _ in events]}
    return {
        "@context": context,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": created,
        "epcisBody": {"queryResults": results},
    }


class QueryMixin(AppState):
    """``GET /events`` and friends, named queries, subscriptions."""

    __slots__ = ()

    # ---- events -----------------------------------------------------------------------------

    def _matching(
        self, compiled: CompiledQuery, *, after: int, limit: int | None
    ) -> tuple[list[StoredEvent], bool]:
        """Matches in capture order after a sequence number; (events, more exist)."""
        found: list[StoredEvent] = []
        for stored in self.store.scan(after=after):
            if compiled.matches(stored[1], stored[2]):
                found.append(stored)
                if limit is not None and len(found) > limit:
                    return found[:limit], True
        return found, False

    def _events_response(
        self,
        raw_path: str,
        query: str,
        headers: Mapping[str, str],
        *,
        origin: str,
        implicit: Pairs = (),
        query_name: str = "SimpleEventQuery",
        stored_query: Pairs | None = None,
    ) -> AppResponse:
        pairs = parse_qsl(query, keep_blank_values=True)
        names = [n for n, _ in pairs]
        if len(set(names)) != len(names):
            return problem_response(
                400, "QueryParameterException", "Invalid query", "a parameter is repeated"
            )
        paging = {n: v for n, v in pairs if n in _PAGING}
        filters = tuple((n, v) for n, v in pairs if n not in _PAGING)
        if stored_query is not None and filters:
            return problem_response(
                400,
                "QueryParameterException",
                "Invalid query",
                "a named query's events take only perPage and nextPageToken",
            )
        try:
            checked = EventQuery.from_params(filters)
        except EpcisError as exc:
            return problem_response(400, "QueryParameterException", "Invalid query", exc.message)
        given = set(checked.names())
        for name, _ in implicit:
            if name in given:
                return problem_response(
                    400, "QueryParameterException", "Invalid query", f"{name} is set by the path"
                )
        params = list(checked.params) + list(implicit) + list(stored_query or ())
        try:
            per_page = int(paging.get("perPage", self.per_page))
        except ValueError:
            per_page = 0
        if per_page < 1:
            return problem_response(400, "QueryParameterException", "Invalid query", "perPage >= 1")
        per_page = min(per_page, self.max_per_page)
        key = (raw_path, tuple(sorted(filters)))
        position = 0
        token = paging.get("nextPageToken")
        if token is not None:
            entry = self._tokens.get(token)
            if entry is None or entry[0] != key or entry[2] < self.clock():
                return problem_response(
                    400,
                    "QueryParameterException",
                    "Invalid query",
                    "unknown or expired nextPageToken",
                )
            position = entry[1]
        try:
            compiled = compile_query(
                params, namespaces=parse_extensions_header(headers.get("gs1-extensions"))
            )
        except QueryRefusedError as exc:
            return _problem(exc)
        ordered = (
            compiled.order_by is not None
            or compiled.event_count_limit is not None
            or compiled.max_event_count is not None
        )
        if ordered:
            everything, _ = self._matching(compiled, after=0, limit=None)
            if compiled.max_event_count is not None and len(everything) > compiled.max_event_count:
                return problem_response(
                    413,
                    "QueryTooLargeException",
                    "Query result too large",
                    f"{len(everything)} events > maxEventCount {compiled.max_event_count}",
                )
            if compiled.order_by is not None:
                everything.sort(key=lambda s: compiled.sort_key(s[1]), reverse=compiled.descending)
            if compiled.event_count_limit is not None:
                everything = everything[: compiled.event_count_limit]
            page = everything[position : position + per_page]
            more = position + per_page < len(everything)
            next_position = position + per_page
        else:
            page, more = self._matching(compiled, after=position, limit=per_page)
            next_position = page[-1][0] if page else position
        doc = _query_document(
            page,
            query_name=query_name,
            created=self.now_iso(),
            epc_format=headers.get("gs1-epc-format"),
        )
        out_headers: list[tuple[str, str]] = []
        if more:
            new_token = secrets.token_urlsafe(12)
            expires = self.clock() + self.token_ttl
            self._tokens[new_token] = (key, next_position, expires)
            kept = [*filters, ("perPage", str(per_page)), ("nextPageToken", new_token)]
            encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in kept)
            out_headers.append(
                ("Link", f'<{origin}{self.base_path}{raw_path}?{encoded}>; rel="next"')
            )
            out_headers.append(("GS1-Next-Page-Token-Expires", iso(expires)))
        return json_response(200, doc, headers=tuple(out_headers))

    def _get_event(self, event_id: str, headers: Mapping[str, str]) -> AppResponse:
        stored = self.store.get_event(event_id)
        if stored is None:
            return problem_response(404, "NoSuchResourceException", "No such event", event_id)
        doc = _query_document(
            [stored],
            query_name="SimpleEventQuery",
            created=self.now_iso(),
            epc_format=headers.get("gs1-epc-format"),
        )
        return json_response(200, doc)

    def _collection(self, members: list[str]) -> AppResponse:
        return json_response(
            200, {"@context": EPCIS_CONTEXT, "type": "Collection", "member": members}
        )

    def _resource_values(self, resource: str) -> AppResponse:
        values: dict[str, None] = {}
        for _, event, _ in self.store.scan():
            if resource == "eventTypes":
                found = [event.get("type")]
            elif resource == "epcs":
                found = [v for name in _EPC_FIELDS for v in event.get(name) or ()]
                found.append(event.get("parentID"))
            elif resource in ("bizSteps", "dispositions"):
                found = [event.get(resource[:-1])]
            else:
                member = event.get(resource[:-1])
                found = [member.get("id")] if isinstance(member, dict) else []
            for value in found:
                if isinstance(value, str):
                    values[value] = None
        return self._collection(list(values))

    def _release_token(self, token: str) -> AppResponse:
        if self._tokens.pop(token, None) is None:
            return problem_response(404, "NoSuchResourceException", "No such nextPageToken", token)
        return AppResponse(204)

    # ---- named queries ----------------------------------------------------------------------

    def _create_query(self, body: bytes) -> AppResponse:
        try:
            obj = json.loads(body)
            name = obj["name"]
            query = EventQuery.from_json(obj.get("query") or {})
            if not isinstance(name, str) or not name or "/" in name:
                raise ValueError("a query name is a non-empty string without '/'")
        except (ValueError, KeyError, TypeError, EpcisError) as exc:
            return problem_response(
                400, "QueryValidationException", "Invalid query definition", str(exc)
            )
        stored = {"name": name, "query": query.to_json()}
        if not self.store.put_query(name, stored):
            return problem_response(
                409, "ResourceAlreadyExistsException", "A query with this name exists", name
            )
        return AppResponse(201, (("Location", f"{self.base_path}/queries/{quote(name, safe='')}"),))

    def _named(self, name: str) -> dict[str, Any] | None:
        return self.store.get_query(name)

    def _get_query(self, name: str) -> AppResponse:
        stored = self._named(name)
        if stored is None:
            return problem_response(404, "NoSuchNameException", "No such query", name)
        return json_response(200, stored)

    def _delete_query(self, name: str) -> AppResponse:
        if not self.store.delete_query(name):
            return problem_response(404, "NoSuchNameException", "No such query", name)
        self._ws_query_deleted(name)
        return AppResponse(204)

    def _query_events(
        self, name: str, raw_path: str, query: str, headers: Mapping[str, str], origin: str
    ) -> AppResponse:
        stored = self._named(name)
        if stored is None:
            return problem_response(404, "NoSuchNameException", "No such query", name)
        params = EventQuery.from_json(stored["query"]).params
        return self._events_response(
            raw_path, query, headers, origin=origin, query_name=name, stored_query=params
        )

    # ---- subscriptions ------------------------------------------------------------------------

    @staticmethod
    def _public(sub: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in sub.items() if k not in ("signatureToken", "queryName", "_min")}

    def _subscribe(self, name: str, body: bytes) -> AppResponse:
        if self._named(name) is None:
            return problem_response(404, "NoSuchNameException", "No such query", name)
        try:
            obj = json.loads(body)
            if not isinstance(obj, dict):
                raise ValueError("a subscription is a JSON object")
            dest = obj.get("dest")
            if not isinstance(dest, str) or not dest.startswith(("http://", "https://")):
                raise ValueError("dest must be an http(s) URL")
            stream = obj.get("stream")
            schedule = obj.get("schedule")
            if (stream is True) == (schedule is not None) or stream not in (None, True):
                raise ValueError("give stream: true or a schedule")
            if schedule is not None:
                Schedule.from_json(schedule)
            token = obj.get("signatureToken")
            if token is not None and not isinstance(token, str):
                raise ValueError("signatureToken is a string")
            initial = obj.get("initialRecordTime")
            if initial is not None and (
                not isinstance(initial, str) or parse_time(initial) is None
            ):
                raise ValueError("initialRecordTime is an RFC 3339 date-time")
            report = obj.get("reportIfEmpty", False)
            if not isinstance(report, bool):
                raise ValueError("reportIfEmpty is a boolean")
        except (ValueError, EpcisError) as exc:
            return problem_response(
                400, "SubscriptionControlsException", "Subscription error", str(exc)
            )
        sub_id = str(uuid.uuid4())
        now = self.now_iso()
        sub: dict[str, Any] = {
            "subscriptionID": sub_id,
            "queryName": name,
            "dest": dest,
            "createdAt": now,
            "initialRecordTime": initial or now,
            "minRecordTime": initial or now,
            "reportIfEmpty": report,
        }
        if stream:
            sub["stream"] = True
        else:
            sub["schedule"] = schedule
        if token is not None:
            sub["signatureToken"] = token
        self.store.put_subscription(sub_id, name, sub)
        location = f"{self.base_path}/queries/{quote(name, safe='')}/subscriptions/{sub_id}"
        return json_response(201, self._public(sub), headers=(("Location", location),))

    def _list_subscriptions(self, name: str) -> AppResponse:
        if self._named(name) is None:
            return problem_response(404, "NoSuchNameException", "No such query", name)
        return json_response(200, [self._public(s) for s in self.store.subscriptions(name)])

    def _get_subscription(self, name: str, sub_id: str) -> AppResponse:
        for sub in self.store.subscriptions(name):
            if sub["subscriptionID"] == sub_id:
                return json_response(200, self._public(sub))
        return problem_response(404, "NoSuchResourceException", "No such subscription", sub_id)

    def _unsubscribe(self, name: str, sub_id: str) -> AppResponse:
        if not self.store.delete_subscription(name, sub_id):
            return problem_response(404, "NoSuchResourceException", "No such subscription", sub_id)
        return AppResponse(204)

    def _deliver(self, sub: dict[str, Any], events: list[StoredEvent]) -> Delivery:
        doc = _query_document(
            events,
            query_name=sub["queryName"],
            created=self.now_iso(),
            epc_format=None,
            subscription_id=sub["subscriptionID"],
        )
        body = json_body(doc)
        headers = {"Content-Type": "application/json", "GS1-EPCIS-Version": "2.0.0"}
        token = sub.get("signatureToken")
        signature = self.signature_scheme.sign(body, token) if token is not None else None
        if signature is not None:
            headers["GS1-Signature"] = signature
        try:
            status: int | None = self.deliver(sub["dest"], body, headers)
            error = None
        except (OSError, ValueError, TracelibError) as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        delivery = Delivery(
            sub["subscriptionID"], sub["dest"], body, signature, status, error, len(events)
        )
        self._deliveries.append(delivery)
        if delivery.ok:
            sub["lastNotifiedAt"] = self.now_iso()
            self.store.put_subscription(sub["subscriptionID"], sub["queryName"], sub)
        return delivery

    def _subscription_query(self, sub: dict[str, Any]) -> CompiledQuery | None:
        stored = self._named(sub["queryName"])
        if stored is None:
            return None
        return compile_query(list(EventQuery.from_json(stored["query"]).params))

    def _on_captured(self, events: list[tuple[dict[str, Any], dict[str, str]]]) -> None:
        for sub in self.store.subscriptions():
            if not sub.get("stream"):
                continue
            try:
                compiled = self._subscription_query(sub)
            except QueryRefusedError:
                continue
            if compiled is None:
                continue
            floor = parse_time(sub.get("initialRecordTime", ""))
            matched = [
                (0, event, prefixes)
                for event, prefixes in events
                if compiled.matches(event, prefixes)
                and (floor is None or (parse_time(event["recordTime"]) or floor) >= floor)
            ]
            if matched:
                self._deliver(sub, matched)
        self._ws_on_captured(events)

    def trigger_subscriptions(self) -> list[Delivery]:
        """Run every scheduled subscription now (the schedule itself is not kept by this fake).

        Each one gets the events recorded since its last run (``initialRecordTime`` first),
        or an empty document when ``reportIfEmpty`` is true. Scheduled WebSocket subscribers
        get the same as a message (not counted in the returned webhook deliveries).

        Returns:
            The deliveries made.
        """
        made: list[Delivery] = []
        with self._lock:
            for sub in self.store.subscriptions():
                if sub.get("stream"):
                    continue
                try:
                    compiled = self._subscription_query(sub)
                except QueryRefusedError:
                    continue
                if compiled is None:
                    continue
                floor = parse_time(sub.get("minRecordTime", "")) or _EPOCH
                run_at = self.now_iso()
                matched = [
                    s
                    for s in self.store.scan()
                    if compiled.matches(s[1], s[2])
                    and (parse_time(s[1].get("recordTime", "")) or floor) >= floor
                ]
                if matched or sub.get("reportIfEmpty"):
                    made.append(self._deliver(sub, matched))
                sub["minRecordTime"] = run_at
                self.store.put_subscription(sub["subscriptionID"], sub["queryName"], sub)
            self._ws_trigger()
        return made
