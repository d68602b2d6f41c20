"""The emulator's ``nbc-v5`` face, part 1: routing, tokens, organisations, products, locations.

Every path and wire name comes from the :class:`~tracelib.portal.profile.NbcProfile`; the
code only knows canonical names (``self.w("product", "gtin")`` is ``gtinCode`` with the
default profile). Error bodies imitate the observed ones: ``error`` + ``message``, and a
``debugMessage`` only for server exceptions (the .NET ``NullReferenceException`` of an
organisation that is not activated, ``ERR_SYS_DEV``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from ..errors import TracelibError
from ..gs1 import gln as gs1_gln
from ..gs1 import gtin as gs1_gtin
from ._emulator_faults import Fault
from ._emulator_media import FetchError, MediaFetcher
from ._emulator_store import Record, RecordStore
from .profile import NbcProfile

__all__ = ["Answer", "NbcBase", "json_answer"]

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer of the emulator, before the HTTP layer writes it.

    Attributes:
        status: The status (``0`` with ``drop``).
        headers: The headers.
        body: The body.
        delay: Seconds to wait before answering.
        drop: ``"reset"`` or ``"lost"``: close the connection instead of answering.
        fault: The fault applied, for the request log.
    """

    status: int
    headers: Headers = ()
    body: bytes = b""
    delay: float = 0.0
    drop: str | None = None
    fault: str | None = None


def json_answer(status: int, obj: Any, headers: Headers = ()) -> Answer:
    """A JSON answer.

    Args:
        status: The status.
        obj: The body value.
        headers: More headers.

    Returns:
        The answer.

    Examples:
        >>> json_answer(200, {"a": 1}).body
        b'{"a":1}'
    """
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Answer(status, (("Content-Type", "application/json; charset=utf-8"), *headers), body)


class _RefusedError(Exception):
    """Raised inside a handler to answer with an error (caught by the dispatcher)."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def _template_regex(path: str) -> re.Pattern[str]:
    out, last = [], 0
    for match in re.finditer(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", path):
        out.append(re.escape(path[last : match.start()]))
        out.append(f"(?P<{match.group(1)}>[^/]+)")
        last = match.end()
    out.append(re.escape(path[last:]))
    return re.compile("".join(out) + "/?")


class NbcBase:
    """Routing, helpers, tokens, organisations, products and locations.

    Args:
        profile: The profile giving paths and wire names.
        store: The record store.
        fetcher: The image fetcher.
        clock: The time source.
        token_ttl: Seconds an issued token lives.
        clients: ``{client_id: secret}`` the token endpoint accepts; ``None`` accepts any
            client and does not require a token (a token that was issued and expired is
            still refused).
    """

    def __init__(
        self,
        profile: NbcProfile,
        store: RecordStore,
        fetcher: MediaFetcher,
        *,
        clock: Callable[[], float],
        token_ttl: float,
        clients: Mapping[str, str] | None,
    ) -> None:
        self.profile = profile
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.token_ttl = token_ttl
        self.clients = dict(clients) if clients is not None else None
        self.tokens: dict[str, float] = {}
        self.token_requests = 0
        routes = [
            (_template_regex(ep.path), ep.method, op, len(ep.placeholders))
            for op, ep in profile.endpoints.items()
        ]
        # literal paths before templated ones, so /SuKien does not shadow /SuKien/{id}
        self.routes = sorted(routes, key=lambda r: r[3])

    # ---- helpers ----------------------------------------------------------------------

    def w(self, entity: str, name: str) -> str:
        """The wire name of a canonical field."""
        return self.profile.wire(entity, name)

    def error(self, status: int, error: str, message: str, *, debug: str | None = None) -> Answer:
        """An error answer in the observed shape (``error``, ``message``, ``debugMessage``)."""
        body: dict[str, Any] = {
            self.w("common", "error"): error,
            self.w("common", "message"): message,
        }
        if debug is not None:
            body[self.w("common", "debug_message")] = debug
        return json_answer(status, body)

    def refuse(self, status: int, error: str, message: str, *, debug: str | None = None) -> None:
        """Stop the handler with an error answer."""
        raise _RefusedError(self.error(status, error, message, debug=debug))

    def not_found(self, what: str, key: str) -> None:
        """Stop the handler with a 404."""
        self.refuse(404, "NOT_FOUND", f"Không tìm thấy {what} {key} (not found)")

    def duplicate(self, what: str, key: str, existing: Mapping[str, Any] | None = None) -> None:
        """Stop the handler with a 409 in the portal-duplicate shape."""
        answer = self.error(409, "DUPLICATE", f"{what} {key} đã tồn tại (already exists)")
        if existing is not None:
            body = json.loads(answer.body)
            body["data"] = dict(existing)
            answer = json_answer(409, body)
        raise _RefusedError(answer)

    @staticmethod
    def new_id() -> str:
        """A fresh portal id (a GUID, like the .NET backend's)."""
        return str(uuid.uuid4())

    def parse_object(self, body: bytes) -> dict[str, Any]:
        """The request body as a JSON object, or a 400."""
        try:
            value = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            value = None
        if not isinstance(value, dict):
            self.refuse(400, "INVALID_REQUEST", "Nội dung yêu cầu phải là một đối tượng JSON")
        return value  # type: ignore[no-any-return]

    def text(
        self, body: Mapping[str, Any], entity: str, name: str, *, required: bool
    ) -> str | None:
        """A string member of the body, by canonical name (400 when required and absent)."""
        wire = self.w(entity, name)
        value = body.get(wire)
        if value is None or value == "":
            if required:
                self.refuse(400, "ERR_VALIDATION", f"{wire} là bắt buộc ({wire} is required)")
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self.refuse(400, "ERR_VALIDATION", f"{wire} phải là chuỗi ({wire} must be a string)")
        return str(value)

    def client_ref(self, body: Mapping[str, Any]) -> str | None:
        """The client's reference (``maThamChieu`` with the default profile)."""
        return self.text(body, "common", "client_ref", required=False)

    def check_client_ref(self, entity: str, ref: str | None) -> None:
        """409 when a record of this kind already carries the client reference."""
        if ref is None:
            return
        found = self.store.find(entity, client_ref=ref)
        if found:
            self.duplicate(self.w("common", "client_ref"), ref, found[0].body)

    def fetch_image(self, url: object, fault: Fault | None) -> bytes:
        """Fetch an image or answer the observed ``UploadFile`` failure."""
        try:
            if fault is not None and fault.kind == "image_unfetchable":
                raise FetchError(f"{url}: injected fault")
            return self.fetcher.fetch(url)
        except FetchError as exc:
            self.refuse(
                400,
                "ERR_UPLOAD_FILE",
                f"UploadFile thất bại: không tải được ảnh ({exc}); ảnh phải là URL công khai "
                "JPG/PNG",
            )
            raise  # pragma: no cover - refuse() always raises

    def lookup_answer(
        self, entity: str, query: Mapping[str, str], keys: Mapping[str, str]
    ) -> Answer:
        """``GET`` a list of records by the first query key present (``{wire: column}``)."""
        for wire, column in keys.items():
            value = query.get(wire)
            if value is None:
                continue
            if column == "natural_key":
                found = self.store.find(entity, natural_key=value)
            elif column == "client_ref":
                found = self.store.find(entity, client_ref=value)
            else:
                found = self.store.find(entity, parent=value)
            return json_answer(200, [r.body for r in found])
        return json_answer(200, [r.body for r in self.store.find(entity)])

    # ---- routing ------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """The operation and path parameters of a request, or ``None``.

        Args:
            method: The method.
            path: The path.

        Returns:
            ``(operation, parameters)``.
        """
        for regex, route_method, op, _ in self.routes:
            found = regex.fullmatch(path)
            if found is not None and route_method == method:
                return op, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def path_known(self, path: str) -> bool:
        """Whether some operation has this path (with another method: 405)."""
        return any(regex.fullmatch(path) for regex, _, _, _ in self.routes)

    def handle(
        self,
        op: str,
        params: Mapping[str, str],
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        fault: Fault | None,
    ) -> Answer:
        """Answer one request of the portal face.

        Args:
            op: The operation.
            params: The path parameters.
            query: The raw query string.
            headers: The headers (lower-case names).
            body: The body.
            fault: A portal fault to apply (``org_not_activated``...), if any.

        Returns:
            The answer.
        """
        try:
            if op == "token":
                return self.token(headers, body)
            self.authorise(headers)
            if fault is not None and fault.kind == "duplicate" and op.startswith("create_"):
                self.refuse(409, "DUPLICATE", "Bản ghi đã tồn tại (duplicate, injected)")
            handler = getattr(self, "op_" + op, None)
            if handler is None:
                return self.error(501, "NOT_IMPLEMENTED", f"{op} is not emulated")
            q = dict(parse_qsl(query, keep_blank_values=True))
            return handler(params=params, query=q, body=body, fault=fault)  # type: ignore[no-any-return]
        except _RefusedError as refused:
            return refused.answer

    # ---- auth ---------------------------------------------------------------------------

    def unauthorised(self) -> Answer:
        """The observed 401 ``Unauthorized``."""
        answer = self.error(401, "Unauthorized", "Unauthorized")
        return Answer(401, (*answer.headers, ("WWW-Authenticate", "Bearer")), answer.body)

    def authorise(self, headers: Mapping[str, str]) -> None:
        """401 for an expired or unknown token (a token is required when clients are set)."""
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            expires = self.tokens.get(token)
            if expires is not None:
                if self.clock() < expires:
                    return
                raise _RefusedError(self.unauthorised())
            if self.clients is None:
                return
            raise _RefusedError(self.unauthorised())
        if self.clients is not None:
            raise _RefusedError(self.unauthorised())

    def expire_tokens(self) -> None:
        """Invalidate every issued token (kept as expired, so it still gets 401)."""
        self.tokens = dict.fromkeys(self.tokens, float("-inf"))

    def token(self, headers: Mapping[str, str], body: bytes) -> Answer:
        """OAuth2 client credentials (form, JSON or Basic)."""
        self.token_requests += 1
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        form: dict[str, Any]
        if kind == "application/json":
            try:
                parsed = json.loads(body or b"{}")
            except (ValueError, UnicodeDecodeError):
                parsed = None
            form = parsed if isinstance(parsed, dict) else {}
        else:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id, secret = str(form.get("client_id", "")), str(form.get("client_secret", ""))
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                client_id, _, secret = (
                    base64.b64decode(credential, validate=True).decode().partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                client_id, secret = "", ""
        if form.get("grant_type") != "client_credentials":
            return json_answer(400, {"error": "unsupported_grant_type"})
        if self.clients is None:
            known = secret if client_id else None
        else:
            known = self.clients.get(client_id)
        if known is None or not secrets.compare_digest(known.encode(), secret.encode()):
            return json_answer(401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.clock() + self.token_ttl
        return json_answer(
            200,
            {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_ttl)},
            (("Cache-Control", "no-store"),),
        )

    # ---- organisations ------------------------------------------------------------------

    def find_org(
        self, *, org_id: str | None = None, tax_code: str | None = None, gln: str | None = None
    ) -> Record | None:
        """An organisation by id, tax code or GLN."""
        for record in self.store.scan("organization"):
            body = record.body
            if (
                (org_id is not None and record.id == org_id)
                or (
                    tax_code is not None
                    and body.get(self.w("organization", "tax_code")) == tax_code
                )
                or (gln is not None and body.get(self.w("organization", "gln")) == gln)
            ):
                return record
        return None

    def op_get_organization(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        tax = query.get(self.w("organization", "tax_code"))
        gln = query.get(self.w("organization", "gln"))
        org_id = query.get(self.w("organization", "id"))
        if tax is None and gln is None and org_id is None:
            return json_answer(200, [r.body for r in self.store.scan("organization")])
        record = self.find_org(org_id=org_id, tax_code=tax, gln=gln)
        if record is None:
            self.not_found("tổ chức", str(tax or gln or org_id))
        assert record is not None
        return json_answer(200, record.body)

    # ---- products -----------------------------------------------------------------------

    def not_activated(self, method: str = "DoBusinessInsertAsync") -> None:
        """The observed .NET failure of a product push for an org that is not activated."""
        self.refuse(
            500,
            "Object reference not set to an instance of an object.",
            "Object reference not set to an instance of an object.",
            debug=(
                "System.NullReferenceException: Object reference not set to an instance of an "
                f"object.\n   at ToChuc_SanPhamService.{method}(ToChuc_SanPhamDto input)"
            ),
        )

    def product_org(self, body: Mapping[str, Any], fault: Fault | None, method: str) -> Record:
        """The activated organisation a product belongs to, or the observed failure."""
        if fault is not None and fault.kind == "org_not_activated":
            self.not_activated(method)
        org_id = self.text(body, "product", "org_id", required=False)
        tax = self.text(body, "product", "org_tax_code", required=False)
        org = None
        if org_id is not None or tax is not None:
            org = self.find_org(org_id=org_id, tax_code=tax)
        else:
            orgs = list(self.store.scan("organization"))
            org = orgs[0] if len(orgs) == 1 else None
        if org is None or org.status != "1":
            self.not_activated(method)
        assert org is not None
        return org

    def check_gtin(self, value: str, fault: Fault | None) -> str:
        """The GTIN-14, or the observed ``CheckDigit``/``maBarcode`` rejection."""
        wire = self.w("product", "gtin")
        if fault is not None and fault.kind == "gtin_rejected":
            self.refuse(
                400,
                "ERR_VALIDATION",
                f"{wire} {value} không hợp lệ: sai CheckDigit (maBarcode, injected)",
            )
        try:
            return gs1_gtin.to_gtin14(gs1_gtin.validate(value))
        except (TracelibError, ValueError) as exc:
            self.refuse(
                400,
                "ERR_VALIDATION",
                f"{wire} {value} không hợp lệ: sai CheckDigit hoặc độ dài (maBarcode): {exc}",
            )
            raise  # pragma: no cover - refuse() always raises

    def product_images(self, body: dict[str, Any], fault: Fault | None) -> None:
        """Fetch every image URL of a product (``UploadFile`` failure otherwise)."""
        images = body.get(self.w("product", "images"))
        urls = [images] if isinstance(images, str) else images
        if urls is None:
            return
        if not isinstance(urls, list):
            self.refuse(400, "ERR_VALIDATION", f"{self.w('product', 'images')} is a list of URLs")
        for url in urls:
            self.fetch_image(url, fault)

    def op_create_product(self, *, body: bytes, fault: Fault | None, **_: Any) -> Answer:
        data = self.parse_object(body)
        org = self.product_org(data, fault, "DoBusinessInsertAsync")
        self.text(data, "product", "name", required=True)
        gtin = self.check_gtin(str(self.text(data, "product", "gtin", required=True)), fault)
        existing = self.store.find("product", natural_key=gtin)
        if existing:
            self.duplicate(self.w("product", "gtin"), gtin, existing[0].body)
        ref = self.client_ref(data)
        self.check_client_ref("product", ref)
        self.product_images(data, fault)
        record_id = self.new_id()
        stored = dict(data)
        stored.update(
            {
                self.w("product", "id"): record_id,
                self.w("product", "gtin"): gtin,
                self.w("product", "status"): 1,
                self.w("product", "org_id"): org.id,
                self.w("product", "org_name"): org.body.get(self.w("organization", "name")),
                self.w("product", "org_profile_id"): org.body.get(
                    self.w("organization", "profile_id")
                ),
            }
        )
        self.store.insert(Record("product", record_id, gtin, ref, org.id, "1", stored))
        reply = dict(stored)
        reply[self.w("product", "created_id")] = record_id
        return json_answer(200, reply)

    def op_update_product(self, *, body: bytes, fault: Fault | None, **_: Any) -> Answer:
        data = self.parse_object(body)
        self.product_org(data, fault, "DoBusinessUpdateAsync")
        record_id = self.text(data, "product", "id", required=False)
        record = None
        if record_id is not None:
            record = self.store.get("product", record_id)
        else:
            gtin = self.check_gtin(str(self.text(data, "product", "gtin", required=True)), fault)
            found = self.store.find("product", natural_key=gtin)
            record = found[0] if found else None
        if record is None:
            self.not_found("sản phẩm", str(record_id or data.get(self.w("product", "gtin"))))
        assert record is not None
        given = data.get(self.w("product", "gtin"))
        if given is not None:
            gtin = self.check_gtin(str(given), fault)
            if gtin != record.natural_key:
                self.refuse(400, "ERR_VALIDATION", f"{self.w('product', 'gtin')} cannot change")
        self.product_images(data, fault)
        body_now = {**record.body, **data, self.w("product", "id"): record.id}
        body_now[self.w("product", "gtin")] = record.natural_key
        record.body = body_now
        self.store.update(record)
        return json_answer(200, body_now)

    def op_get_product(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        record = self.store.get("product", params["id"])
        if record is None:
            self.not_found("sản phẩm", params["id"])
        assert record is not None
        return json_answer(200, record.body)

    def op_find_product(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        gtin = query.get(self.w("product", "gtin"))
        if gtin is not None:
            normal = gs1_gtin.to_gtin14(gtin) if gs1_gtin.is_valid(gtin) else gtin
            found = self.store.find("product", natural_key=normal)
            return json_answer(200, [r.body for r in found])
        return self.lookup_answer("product", query, {self.w("common", "client_ref"): "client_ref"})

    # ---- locations ----------------------------------------------------------------------

    def check_gln(self, value: str) -> str:
        """The GLN, or a ``CheckDigit`` rejection."""
        try:
            return gs1_gln.validate(value)
        except (TracelibError, ValueError) as exc:
            wire = self.w("location", "gln")
            self.refuse(
                400, "ERR_VALIDATION", f"{wire} {value} không hợp lệ: sai CheckDigit: {exc}"
            )
            raise  # pragma: no cover - refuse() always raises

    def create_location(self, body: bytes, *, growing_area: bool) -> Answer:
        data = self.parse_object(body)
        gln = self.check_gln(str(self.text(data, "location", "gln", required=True)))
        self.text(data, "location", "name", required=True)
        existing = self.store.find("location", natural_key=gln)
        if existing:
            self.duplicate(self.w("location", "gln"), gln, existing[0].body)
        ref = self.client_ref(data)
        self.check_client_ref("location", ref)
        record_id = self.new_id()
        stored = {**data, self.w("location", "id"): record_id, self.w("location", "gln"): gln}
        if growing_area:
            stored[self.w("location", "planting_area_id")] = record_id
            stored.setdefault(self.w("location", "location_type"), "VUNG_TRONG")
        self.store.insert(Record("location", record_id, gln, ref, None, "CONFIRMED", stored))
        return json_answer(200, stored)

    def op_create_location(self, *, body: bytes, **_: Any) -> Answer:
        return self.create_location(body, growing_area=False)

    def op_create_growing_area(self, *, body: bytes, **_: Any) -> Answer:
        return self.create_location(body, growing_area=True)

    def op_get_location(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        record = self.store.get("location", params["id"])
        if record is None:
            self.not_found("địa điểm", params["id"])
        assert record is not None
        return json_answer(200, record.body)

    def op_location_by_gln(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        wire = self.w("location", "gln")
        gln = query.get(wire)
        if gln is None:
            self.refuse(400, "ERR_VALIDATION", f"{wire} là bắt buộc ({wire} is required)")
        found = self.store.find("location", natural_key=str(gln))
        if not found:
            self.not_found("địa điểm", str(gln))
        return json_answer(200, found[0].body)
