"""The emulator's ``nbc-v5`` face, part 2: production orders, chains, stage events, media,
certificates and catalogues.

Observed flow (design §1): a production order (``LenhSanXuat``) gets an id; the first stage
event of the order creates the chain (``ChuoiSanXuat``) whose id is the trace code; later
events carry the order id and the trace code; events are created, then confirmed (or
deleted). A chain is ``IN_PROGRESS`` until an event of the last stage (the store) is
confirmed, then ``COMPLETE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._emulator_data import CATALOGUES, PROVINCES, WARDS
from ._emulator_faults import Fault
from ._emulator_nbc import Answer, NbcBase, json_answer
from ._emulator_store import Record

__all__ = ["NbcFace"]

_TRUE = frozenset({"true", "1", "yes"})


class NbcFace(NbcBase):
    """The whole ``nbc-v5`` face (see :class:`~tracelib.portal._emulator_nbc.NbcBase`)."""

    # ---- production orders ------------------------------------------------------------

    def op_create_order(self, *, body: bytes, **_: Any) -> Answer:
        data = self.parse_object(body)
        product_id = str(self.text(data, "order", "product_id", required=True))
        if self.store.get("product", product_id) is None:
            self.not_found("sản phẩm", product_id)
        ref = self.client_ref(data)
        self.check_client_ref("order", ref)
        record_id = self.new_id()
        stored = {**data, self.w("order", "id"): record_id, self.w("common", "status"): "CREATED"}
        self.store.insert(Record("order", record_id, None, ref, product_id, "CREATED", stored))
        return json_answer(200, stored)

    def op_get_order(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        return json_answer(200, self.required("order", params["id"], "lệnh sản xuất").body)

    def op_find_order(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        return self.lookup_answer(
            "order",
            query,
            {
                self.w("common", "client_ref"): "client_ref",
                self.w("order", "product_id"): "parent",
            },
        )

    def required(self, entity: str, record_id: str, what: str) -> Record:
        """A record that must exist (404 otherwise)."""
        record = self.store.get(entity, record_id)
        if record is None:
            self.not_found(what, record_id)
        assert record is not None
        return record

    # ---- chains -------------------------------------------------------------------------

    def chain_of_order(self, order_id: str) -> Record | None:
        """The chain an order's first event created, if any."""
        found = self.store.find("chain", parent=order_id)
        return found[0] if found else None

    def new_chain(self, order: Record) -> Record:
        """Create the chain of an order; its id is the new trace code."""
        code = f"TV{self.store.count('chain') + 1:010d}"
        body = {
            self.w("chain", "id"): code,
            self.w("chain", "trace_code"): code,
            self.w("chain", "order_id"): order.id,
            self.w("chain", "status"): "IN_PROGRESS",
        }
        return Record("chain", code, code, None, order.id, "IN_PROGRESS", body)

    def op_get_chain(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        chain = self.required("chain", params["id"], "chuỗi sản xuất")
        events = self.store.find("event", natural_key=chain.id)
        return json_answer(200, {**chain.body, self.w("chain", "events"): [e.body for e in events]})

    # ---- stage events -------------------------------------------------------------------

    def op_create_event(self, *, body: bytes, **_: Any) -> Answer:
        data = self.parse_object(body)
        kind = str(self.text(data, "event", "entity_type", required=True))
        if kind not in set(self.profile.stages.values()):
            allowed = ", ".join(sorted(set(self.profile.stages.values())))
            self.refuse(
                400,
                "ERR_VALIDATION",
                f"{self.w('event', 'entity_type')} {kind} không hợp lệ (one of {allowed})",
            )
        order = self.required(
            "order", str(self.text(data, "event", "order_id", required=True)), "lệnh sản xuất"
        )
        gln = self.text(data, "event", "location_gln", required=False)
        if gln is not None and not self.store.find("location", natural_key=gln):
            self.not_found("địa điểm", gln)
        ref = self.client_ref(data)
        self.check_client_ref("event", ref)
        chain = self.chain_of_order(order.id)
        given = self.text(data, "event", "trace_code", required=False)
        created: list[Record] = []
        if chain is None:
            if given is not None:
                self.not_found("mã truy vết", given)
            chain = self.new_chain(order)
            created.append(chain)
        elif given is not None and given != chain.id:
            self.refuse(
                400,
                "ERR_VALIDATION",
                f"{self.w('event', 'trace_code')} {given} không thuộc lệnh sản xuất {order.id}",
            )
        record_id = self.new_id()
        stored = {
            **data,
            self.w("event", "id"): record_id,
            self.w("event", "trace_code"): chain.id,
            self.w("chain", "id"): chain.id,
            self.w("event", "status"): "CREATED",
        }
        created.append(Record("event", record_id, chain.id, ref, order.id, "CREATED", stored))
        self.store.insert(*created)
        return json_answer(200, stored)

    def op_get_event(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        return json_answer(200, self.required("event", params["id"], "sự kiện").body)

    def op_find_event(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        return self.lookup_answer(
            "event",
            query,
            {
                self.w("common", "client_ref"): "client_ref",
                self.w("event", "trace_code"): "natural_key",
                self.w("event", "order_id"): "parent",
            },
        )

    def op_confirm_event(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        event = self.required("event", params["id"], "sự kiện")
        if event.status != "CONFIRMED":
            event.status = "CONFIRMED"
            event.body[self.w("event", "status")] = "CONFIRMED"
            self.store.update(event)
            last = self.profile.stages.get("cua_hang")
            chain = self.store.get("chain", str(event.natural_key))
            kind = event.body.get(self.w("event", "entity_type"))
            if chain is not None and last is not None and kind == last:
                chain.status = "COMPLETE"
                chain.body[self.w("chain", "status")] = "COMPLETE"
                self.store.update(chain)
        return json_answer(200, event.body)

    def op_delete_event(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        self.required("event", params["id"], "sự kiện")
        self.store.delete("event", params["id"])
        return Answer(204)

    # ---- media --------------------------------------------------------------------------

    def op_create_media(self, *, body: bytes, fault: Fault | None, **_: Any) -> Answer:
        data = self.parse_object(body)
        url = self.text(data, "media", "url", required=True)
        ref = self.client_ref(data)
        self.check_client_ref("media", ref)
        self.fetch_image(url, fault)
        record_id = self.new_id()
        target = self.text(data, "media", "target_id", required=False)
        stored = {**data, self.w("media", "id"): record_id, self.w("media", "status"): "CONFIRMED"}
        self.store.insert(Record("media", record_id, url, ref, target, "CONFIRMED", stored))
        return json_answer(200, stored)

    def op_find_media(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        return self.lookup_answer(
            "media",
            query,
            {
                self.w("common", "client_ref"): "client_ref",
                self.w("media", "target_id"): "parent",
            },
        )

    # ---- certificates -------------------------------------------------------------------

    def op_create_certificate(self, *, body: bytes, fault: Fault | None, **_: Any) -> Answer:
        data = self.parse_object(body)
        kind = str(self.text(data, "certificate", "type", required=True))
        number = str(self.text(data, "certificate", "number", required=True))
        key = f"{kind}|{number}"
        existing = self.store.find("certificate", natural_key=key)
        if existing:
            self.duplicate(self.w("certificate", "number"), number, existing[0].body)
        ref = self.client_ref(data)
        self.check_client_ref("certificate", ref)
        code = self.text(data, "certificate", "trace_code", required=False)
        if code is not None and self.store.get("chain", code) is None:
            self.not_found("mã truy vết", code)
        file_url = data.get(self.w("certificate", "file"))
        if file_url is not None:
            self.fetch_image(file_url, fault)
        record_id = self.new_id()
        stored = {
            **data,
            self.w("certificate", "id"): record_id,
            self.w("certificate", "status"): "CREATED",
        }
        self.store.insert(Record("certificate", record_id, key, ref, code, "CREATED", stored))
        return json_answer(200, stored)

    def op_get_certificate(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        return json_answer(200, self.required("certificate", params["id"], "chứng nhận").body)

    def op_find_certificate(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        return self.lookup_answer(
            "certificate",
            query,
            {
                self.w("common", "client_ref"): "client_ref",
                self.w("certificate", "trace_code"): "parent",
            },
        )

    def op_confirm_certificate(self, *, params: Mapping[str, str], **_: Any) -> Answer:
        record = self.required("certificate", params["id"], "chứng nhận")
        record.status = "CONFIRMED"
        record.body[self.w("certificate", "status")] = "CONFIRMED"
        self.store.update(record)
        return json_answer(200, record.body)

    # ---- catalogues ---------------------------------------------------------------------

    def entry(self, item: tuple[str, str, str, str | None]) -> dict[str, Any]:
        """A catalogue entry in wire names."""
        entry_id, code, name, parent = item
        return {
            self.w("catalogue", "id"): entry_id,
            self.w("catalogue", "code"): code,
            self.w("catalogue", "name"): name,
            self.w("catalogue", "parent_id"): parent,
        }

    def tree(self, items: tuple[tuple[str, str, str, str | None], ...]) -> list[dict[str, Any]]:
        """Entries nested under their parents (``children``)."""
        nodes = {
            item[0]: {**self.entry(item), self.w("catalogue", "children"): []} for item in items
        }
        roots: list[dict[str, Any]] = []
        for item in items:
            node = nodes[item[0]]
            parent = nodes.get(item[3]) if item[3] is not None else None
            (parent[self.w("catalogue", "children")] if parent is not None else roots).append(node)
        return roots

    def op_catalogue(
        self, *, params: Mapping[str, str], query: Mapping[str, str], **_: Any
    ) -> Answer:
        key = params["key"]
        if key not in self.profile.catalogues:
            self.not_found("danh mục", key)
        items = CATALOGUES.get(key, ())
        if query.get(self.w("catalogue", "tree"), "").lower() in _TRUE:
            return json_answer(200, self.tree(items))
        return json_answer(200, [self.entry(item) for item in items])

    def op_provinces(self, **_: Any) -> Answer:
        return json_answer(200, [self.entry(item) for item in PROVINCES])

    def op_wards(self, *, query: Mapping[str, str], **_: Any) -> Answer:
        root = query.get(self.w("catalogue", "province_root"))
        wards = [
            self.entry(item)
            for item in WARDS
            if root is None or root in (item[3], item[3] and item[3].removeprefix("p-"))
        ]
        return json_answer(200, wards)
