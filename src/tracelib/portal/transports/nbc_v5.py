"""The ``nbc-v5`` transport (EXPERIMENTAL): the national portal's observed external API.

No public specification exists (design §0/§1): every path, method and wire field name comes
from an :class:`~tracelib.portal.profile.NbcProfile` file, and nothing here hard-codes one,
so editing the profile changes the requests. Constructing the transport without
``experimental=True`` raises; constructing it logs a warning on ``tracelib.portal``.

What it sends, one request per record (no batch endpoint was observed):

* ``organization`` — ``get_organization`` by tax code or GLN: active → ``CONFIRMED``,
  missing or not active → :class:`~tracelib.portal.errors.OrganizationNotActivated`;
* ``product`` / ``location`` / ``media`` / ``certificate`` — ``create_*`` with the record's
  fields renamed by ``[fields.<entity>]`` and the item id as client reference
  (``[fields.common].client_ref``), so a duplicate (409) is reconciled, never resent;
* ``chain`` — ``create_order`` for the product the chain depends on; the first event
  creates the portal chain (the trace code);
* ``event`` — ``create_event`` (``CREATED``), then :meth:`NbcV5Transport.confirm` calls
  ``confirm_event`` (``CONFIRMED``);
* catalogues (*danh mục*) — ``catalogs()`` lists the profile's keys, ``catalog(key)``
  fetches one (see :mod:`~tracelib.portal.transports._catalog_ops`).

Per-record refusals (bad GTIN, unfetchable image...) are ``FAILED`` outcomes; failures of
the connection, the rate limit, the credentials or the organisation raise, and the outbox
retries or stops (creates carry the client reference, so a retry cannot duplicate).

Examples:
    >>> NbcV5Transport()
    Traceback (most recent call last):
    ...
    tracelib.portal.errors.PortalError: nbc-v5 is experimental (...): pass experimental=True
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from ...epcis.client import Auth, EpcisClientError, Request, RetryPolicy, send_flow
from ...epcis.client import Response as _Response
from ..errors import ConflictError, OrganizationNotActivated, PortalError, TransientError
from ..profile import NbcProfile
from ..transport import EntityType, Flow, Item, Outcome, OutcomeState
from ._catalog_ops import CatalogOperations
from ._errors import ErrorPatterns, compile_patterns, error_for_response, from_client_error

__all__ = ["NbcV5Transport"]

logger = logging.getLogger("tracelib.portal")

_NO_RETRY = RetryPolicy(max_retries=0)
_GROWING = frozenset({"vung_trong", "growing_area"})
_CREATE = {
    "product": "create_product",
    "location": "create_location",
    "media": "create_media",
    "certificate": "create_certificate",
    "chain": "create_order",
    "event": "create_event",
}
_FIND = {
    "product": "find_product",
    "media": "find_media",
    "certificate": "find_certificate",
    "chain": "find_order",
    "event": "find_event",
}
_STAGE_KEYS = ("txng:stage", "https://tracelib.dev/ns/portal#stage")


class NbcV5Transport(CatalogOperations):
    """Send records to the portal's observed ``nbc-v5`` API (experimental).

    Args:
        profile: A profile, a path to a profile file, or ``None`` for the bundled one.
        experimental: Must be ``True``: the interface is unofficial.
        base_url: The gateway (the profile's ``base_url`` by default; the emulator's URL in
            tests).
        auth: An auth provider; by default OAuth2 client credentials from the environment
            variables the profile names.
        org_tax_code: The organisation's tax code (MST), sent with products.
        max_batch: Records per :meth:`send` call the outbox should use.
        retry: Retries inside a flow (none by default: the outbox retries).
        clock: Current time.
        name: The target name stored in outbox rows.
        warn: Log the experimental warning (the emulator transport turns it off).

    Raises:
        PortalError: ``PORTAL_EXPERIMENTAL`` without ``experimental=True``.

    Examples:
        >>> import logging
        >>> logging.disable(logging.WARNING)
        >>> t = NbcV5Transport(experimental=True, base_url="http://127.0.0.1:9")
        >>> logging.disable(logging.NOTSET)
        >>> t.auth.health()  # client id/secret from External_CLIENT_ID/External_CLIENT_SECRET
        'NOT_CONFIGURED'
    """

    name: str
    max_batch: int

    def __init__(
        self,
        profile: NbcProfile | str | os.PathLike[str] | None = None,
        *,
        experimental: bool = False,
        base_url: str | None = None,
        auth: Auth | None = None,
        org_tax_code: str | None = None,
        max_batch: int = 50,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
        name: str = "nbc-v5",
        warn: bool = True,
    ) -> None:
        if experimental is not True:
            raise PortalError(
                "nbc-v5 is experimental (an observed, unofficial interface): "
                "pass experimental=True",
                code="PORTAL_EXPERIMENTAL",
                target=name,
            )
        self.profile = profile if isinstance(profile, NbcProfile) else NbcProfile.load(profile)
        self.base_url = (base_url or self.profile.base_url).rstrip("/")
        if auth is None:
            from ..auth import OAuth2ClientCredentials

            settings = self.profile.auth
            token_url = (
                self.profile.url("token", base_url=self.base_url)
                if base_url is not None or not settings.get("token_url")
                else str(settings["token_url"])
            )
            auth = OAuth2ClientCredentials.from_env(
                token_url,
                id_var=str(settings.get("client_id_env", "External_CLIENT_ID")),
                secret_var=str(settings.get("client_secret_env", "External_CLIENT_SECRET")),
            )
        self.auth = auth
        self.org_tax_code = org_tax_code
        self.max_batch = max_batch
        self.name = name
        self._retry = retry or _NO_RETRY
        self._clock = clock
        self._patterns: ErrorPatterns = compile_patterns(self.profile.errors)
        self._remote: dict[tuple[str, str], str] = {}
        self._trace: dict[str, str] = {}
        if warn:
            logger.warning(
                "EXPERIMENTAL: the nbc-v5 transport (profile %s %s, %s) follows observed, "
                "unofficial portal behaviour; requests may be refused or change meaning",
                self.profile.name,
                self.profile.version,
                self.base_url,
            )

    def __repr__(self) -> str:
        return f"NbcV5Transport({self.profile.name!r}, base_url={self.base_url!r})"

    # ---- plumbing ----------------------------------------------------------------------

    def _w(self, entity: str, name: str) -> str:
        return self.profile.wire(entity, name)

    def _request(
        self,
        op: str,
        *,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, str] | None = None,
        **params: str,
    ) -> Request:
        method, _ = self.profile.endpoint(op)
        url = self.profile.url(op, base_url=self.base_url, **params)
        if query:
            url += "?" + urlencode(sorted(query.items()))
        headers: list[tuple[str, str]] = [("Accept", "application/json")]
        content = None
        if body is not None:
            headers.append(("Content-Type", "application/json"))
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return Request(method, url, tuple(headers), content)

    def _call(self, request: Request) -> Flow[Any]:
        """Send with auth (one refresh on 401), map errors; the parsed JSON body."""
        try:
            response = yield from send_flow(
                request,
                auth=self.auth,
                retry=self._retry,
                clock=self._clock,
                rand=lambda: 0.5,
                ok=(),
            )
        except EpcisClientError as exc:
            raise self._error(exc) from None
        return _json(response)

    def _error(self, exc: EpcisClientError) -> PortalError:
        response = getattr(exc, "response", None)
        if isinstance(response, _Response):
            from ._errors import endpoint_of

            return error_for_response(
                response,
                target=self.name,
                endpoint=endpoint_of(exc.request),
                patterns=self._patterns,
            )
        return from_client_error(exc, target=self.name, patterns=self._patterns)

    def _wire_body(self, entity: str, record: Mapping[str, Any], item: Item) -> dict[str, Any]:
        names = self.profile.fields.get(entity, {})
        out: dict[str, Any] = {}
        for key, value in record.items():
            if key in names and key not in ("id", "status"):
                out[names[key]] = _wire_value(value)
        out[self._w("common", "client_ref")] = item.id
        return out

    def _depends(self, item: Item, entity: str) -> str | None:
        for kind, dep in item.depends_on:
            if kind == entity and (entity, dep) in self._remote:
                return self._remote[(entity, dep)]
        return None

    # ---- entity requests ---------------------------------------------------------------

    def _organization(self, item: Item, record: Mapping[str, Any]) -> Flow[Outcome]:
        query = {}
        if record.get("tax_code"):
            query[self._w("organization", "tax_code")] = str(record["tax_code"])
        elif record.get("gln"):
            query[self._w("organization", "gln")] = str(record["gln"])
        else:
            return Outcome(item.id, "FAILED", error="PORTAL_BAD_ITEM: no tax code or GLN")
        try:
            found = yield from self._call(self._request("get_organization", query=query))
        except PortalError as exc:
            if exc.http_status == 404:
                raise OrganizationNotActivated(
                    "the organisation profile is not registered on the portal",
                    target=self.name,
                    endpoint=exc.endpoint,
                    http_status=404,
                    raw=exc.raw,
                ) from None
            raise
        if isinstance(found, list):
            found = found[0] if found else {}
        status = found.get(self._w("organization", "status")) if isinstance(found, dict) else None
        if str(status) != "1":
            raise OrganizationNotActivated(
                "the organisation profile is not activated by the portal administrator",
                target=self.name,
                raw=found,
            )
        remote = str(found.get(self._w("organization", "id")) or "")
        self._remote[("organization", item.id)] = remote
        return Outcome(item.id, "CONFIRMED", remote_id=remote or None)

    def _create_body(self, entity: EntityType, item: Item, record: Mapping[str, Any]) -> Any:
        if entity == "product":
            body = self._wire_body("product", record, item)
            if self.org_tax_code:
                body[self._w("product", "org_tax_code")] = self.org_tax_code
            return body, "create_product"
        if entity == "location":
            body = self._wire_body("location", record, item)
            gln = str(record.get("location_trace_code") or "")[-13:]
            body[self._w("location", "gln")] = gln
            kind = str(record.get("location_type") or "")
            return body, "create_growing_area" if kind in _GROWING else "create_location"
        if entity == "media":
            return self._wire_body("media", record, item), "create_media"
        if entity == "certificate":
            return self._wire_body("certificate", record, item), "create_certificate"
        if entity == "chain":
            product = self._depends(item, "product")
            if product is None:
                return None, "PORTAL_DEPENDENCY: the chain's product has no portal id here"
            body = {
                self._w("order", "product_id"): product,
                self._w("common", "client_ref"): item.id,
            }
            return body, "create_order"
        return None, f"PORTAL_UNSUPPORTED: {entity}"

    def _event_body(self, item: Item, event: Mapping[str, Any]) -> tuple[Any, str]:
        stage = next((event[k] for k in _STAGE_KEYS if isinstance(event.get(k), str)), None)
        if stage is None:
            return None, "PORTAL_BAD_ITEM: the event names no stage (txng:stage)"
        try:
            kind = self.profile.event_type(stage)
        except ValueError as exc:
            return None, f"PORTAL_UNSUPPORTED: {exc}"
        order = self._depends(item, "chain")
        if order is None:
            return None, "PORTAL_DEPENDENCY: the event's chain has no production order here"
        body: dict[str, Any] = {
            self._w("event", "entity_type"): kind,
            self._w("event", "order_id"): order,
            self._w("event", "event_time"): event.get("eventTime"),
            self._w("common", "client_ref"): item.id,
        }
        where = event.get("bizLocation") or event.get("readPoint")
        if isinstance(where, Mapping) and isinstance(where.get("id"), str):
            gln = _gln(where["id"])
            if gln:
                body[self._w("event", "location_gln")] = gln
        if order in self._trace:
            body[self._w("event", "trace_code")] = self._trace[order]
        return body, "create_event"

    def _reconcile(self, entity: EntityType, item: Item, exc: ConflictError) -> Flow[Outcome]:
        data = exc.raw.get("data") if isinstance(exc.raw, dict) else None
        if not isinstance(data, dict):
            found = yield from self._find(entity, item)
            data = found
        if not isinstance(data, dict):
            return Outcome(item.id, "FAILED", error=f"{exc.code}: {exc.message}")
        return self._created(entity, item, data, duplicate=True)

    def _created(
        self, entity: EntityType, item: Item, reply: Mapping[str, Any], *, duplicate: bool = False
    ) -> Outcome:
        key = {"chain": ("order", "id"), "event": ("event", "id")}.get(entity, (entity, "id"))
        remote = reply.get(self._w(*key)) or reply.get(self._w("common", "id"))
        if entity == "product":
            remote = reply.get(self._w("product", "created_id")) or remote
        remote_id = str(remote) if remote is not None else None
        if remote_id:
            self._remote[(entity, item.id)] = remote_id
        status = reply.get(self._w("common", "status"))
        if entity == "event":
            code = reply.get(self._w("event", "trace_code"))
            order = reply.get(self._w("event", "order_id"))
            if isinstance(code, str) and isinstance(order, str):
                self._trace[order] = code
            state: OutcomeState = "CONFIRMED" if status == "CONFIRMED" else "CREATED"
            return Outcome(
                item.id,
                state,
                remote_id=remote_id,
                job=remote_id,
                duplicate=duplicate,
                data={"trace_code": code} if isinstance(code, str) else {},
            )
        if entity == "certificate" and status != "CONFIRMED":
            return Outcome(
                item.id, "CREATED", remote_id=remote_id, job=remote_id, duplicate=duplicate
            )
        return Outcome(item.id, "CONFIRMED", remote_id=remote_id, duplicate=duplicate)

    def _find(self, entity: EntityType, item: Item) -> Flow[dict[str, Any] | None]:
        op = _FIND.get(entity)
        query = {self._w("common", "client_ref"): item.id}
        record = _record(item) or {}
        if entity == "location":
            op = "location_by_gln"
            query = {self._w("location", "gln"): str(record.get("location_trace_code", ""))[-13:]}
        if op is None:
            return None
        if entity == "product" and record.get("gtin"):
            query = {self._w("product", "gtin"): str(record["gtin"])}
        try:
            found = yield from self._call(self._request(op, query=query))
        except PortalError as exc:
            if exc.http_status == 404:
                return None
            raise
        if isinstance(found, list):
            found = found[0] if found else None
        return found if isinstance(found, dict) else None

    # ---- Transport --------------------------------------------------------------------

    def send(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[list[Outcome]]:
        """Create the records, one request each (see the module docs).

        Args:
            entity_type: The entity type.
            items: The items (canonical JSON; events: EPCIS JSON-LD).

        Returns:
            One outcome per item: ``CONFIRMED`` (organisations, products, locations, media,
            orders), ``CREATED`` (events and certificates: confirm next), or ``FAILED``.

        Raises:
            OrganizationNotActivated: The organisation is not active (stop everything).
            TransientError: A retryable failure (the outbox retries; creates reconcile).
            AuthError: The credentials were refused after one refresh.

        Examples:
            >>> import logging
            >>> logging.disable(logging.WARNING)
            >>> from tracelib.portal.auth import NoAuth
            >>> t = NbcV5Transport(experimental=True, base_url="http://h", auth=NoAuth())
            >>> logging.disable(logging.NOTSET)
            >>> item = Item("product", "p1", b'{"name":"Cam","gtin":"08935049500568"}')
            >>> req = next(t.send("product", [item]))
            >>> req.method, req.url, json.loads(req.content)["gtinCode"]
            ('POST', 'http://h/tochuc/v5/ToChuc_SanPham', '08935049500568')
        """
        outcomes: list[Outcome] = []
        for item in items:
            record = _record(item)
            if record is None:
                outcomes.append(
                    Outcome(item.id, "FAILED", error="PORTAL_BAD_ITEM: not a JSON object")
                )
                continue
            if entity_type == "organization":
                outcomes.append((yield from self._organization(item, record)))
                continue
            if entity_type == "event":
                body, op = self._event_body(item, record)
            else:
                body, op = self._create_body(entity_type, item, record)
            if body is None:
                outcomes.append(Outcome(item.id, "FAILED", error=op))
                continue
            try:
                reply = yield from self._call(self._request(op, body=body))
            except ConflictError as exc:
                outcomes.append((yield from self._reconcile(entity_type, item, exc)))
                continue
            except (TransientError, OrganizationNotActivated):
                raise
            except PortalError as exc:
                if exc.code in ("PORTAL_AUTH", "PORTAL_FORBIDDEN", "PORTAL_AUTH_TOKEN"):
                    raise
                if exc.code == "PORTAL_AUTH_NOT_CONFIGURED":
                    raise
                outcomes.append(
                    Outcome(
                        item.id,
                        "FAILED",
                        error=f"{exc.code}: {exc.message}",
                        data={"http_status": exc.http_status, "raw": exc.raw},
                    )
                )
                continue
            outcomes.append(
                self._created(entity_type, item, reply if isinstance(reply, dict) else {})
            )
        return outcomes

    def confirm(self, entity_type: EntityType, outcomes: Sequence[Outcome]) -> Flow[list[Outcome]]:
        """Confirm ``CREATED`` events and certificates (``confirm_event``/``confirm_certificate``).

        Args:
            entity_type: The entity type.
            outcomes: Outcomes from :meth:`send`.

        Returns:
            The outcomes, ``CONFIRMED`` where the portal confirmed them.

        Raises:
            PortalError: A typed error (retryable ones are retried by the outbox).

        Examples:
            >>> import logging
            >>> logging.disable(logging.WARNING)
            >>> from tracelib.portal.auth import NoAuth
            >>> t = NbcV5Transport(experimental=True, base_url="http://h", auth=NoAuth())
            >>> logging.disable(logging.NOTSET)
            >>> next(t.confirm("event", [Outcome("e1", "CREATED", remote_id="42", job="42")])).url
            'http://h/tochuc/v5/SuKien/42/XacNhan'
        """
        op = {"event": "confirm_event", "certificate": "confirm_certificate"}.get(entity_type)
        out: list[Outcome] = []
        for outcome in outcomes:
            target = outcome.remote_id or outcome.job
            if outcome.done or op is None or not target:
                out.append(outcome)
                continue
            try:
                reply = yield from self._call(self._request(op, id=target))
            except PortalError as exc:
                if exc.retryable or exc.code.startswith("PORTAL_AUTH"):
                    raise
                out.append(
                    Outcome(
                        outcome.id, "FAILED", remote_id=target, error=f"{exc.code}: {exc.message}"
                    )
                )
                continue
            status = reply.get(self._w("common", "status")) if isinstance(reply, dict) else None
            done: OutcomeState = "CONFIRMED" if status in (None, "CONFIRMED") else "CREATED"
            out.append(
                Outcome(outcome.id, done, remote_id=target, job=outcome.job, data=outcome.data)
            )
        return out

    def lookup(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[dict[str, Outcome]]:
        """Which records the portal holds already (by client reference or natural key).

        Args:
            entity_type: The entity type.
            items: The items.

        Returns:
            ``{id: outcome}`` for the records found.

        Raises:
            PortalError: A typed error.

        Examples:
            >>> import logging
            >>> logging.disable(logging.WARNING)
            >>> from tracelib.portal.auth import NoAuth
            >>> t = NbcV5Transport(experimental=True, base_url="http://h", auth=NoAuth())
            >>> logging.disable(logging.NOTSET)
            >>> next(t.lookup("event", [Item("event", "e1", b"{}")])).url
            'http://h/tochuc/v5/SuKien?maThamChieu=e1'
        """
        found: dict[str, Outcome] = {}
        for item in items:
            if entity_type == "organization":
                continue
            record = yield from self._find(entity_type, item)
            if record is not None:
                found[item.id] = self._created(entity_type, item, record)
        return found


def _record(item: Item) -> dict[str, Any] | None:
    try:
        value = json.loads(item.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _json(response: _Response) -> Any:
    if not response.content:
        return {}
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return {}


def _wire_value(value: Any) -> Any:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        urls = [v.get("url") for v in value]
        if all(isinstance(u, str) for u in urls):
            return urls
    if isinstance(value, dict) and "value" in value and len(value) <= 3:
        return value["value"]
    return value


def _gln(location: str) -> str | None:
    if "/414/" in location:
        return location.split("/414/", 1)[1].split("/", 1)[0][:13]
    if location.startswith("urn:epc:id:sgln:"):
        try:
            from ...gs1 import epc

            text = epc.from_urn(location).as_digital_link()
        except ValueError:
            return None
        return _gln(text)
    return None
