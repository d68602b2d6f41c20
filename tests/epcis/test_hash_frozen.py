"""Old and new event hash give the same pre-hashes (design section 12: speed, identical output).

Two speed-ups of the event hash are checked against what they replaced:

* the pre-hash tokens of a readPoint, bizLocation or ilmd are memoised by the identity of
  the (shared, frozen) model: :class:`_FrozenPrehasher` is the pre-hasher as it was before
  (``tokens`` and ``_place`` copied unchanged; the other methods did not change);
* text is read without recording the prefixes of each event unless ``namespaces="source"``
  asks for them (``sources=False``): the same models and the same ``ignoreFields``.

Every XML and JSON-LD file of the conformance folder is compared under every option set
below, and so are generated documents whose events share parts (and hypothesis documents).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests import vectors
from tests.epcis import strategies
from tracelib.epcis import hashing, jsonld
from tracelib.epcis._hash_ids import epc_tokens
from tracelib.epcis._hash_input import events_and_ignores
from tracelib.epcis._hash_legacy import promote
from tracelib.epcis._hash_prehash import _EPCS, _JOIN, _VALUE, Prehasher, clear_caches
from tracelib.epcis._hash_values import Canon
from tracelib.errors import EpcisError

_Tokens = list[str]


class _FrozenPrehasher(Prehasher):
    """The pre-hasher before the memo of shared parts (``tokens`` and ``_place`` verbatim)."""

    def tokens(self, event: Any) -> _Tokens:
        cls = type(event)
        plan = self._plans.get(cls) or self._plan(cls)
        d = event.__dict__
        for node in d["extensions"]:
            if node[0] is None:
                event = promote(event)
                d = event.__dict__
                break
        c = self._canon
        uri = c.uri
        out: _Tokens = [
            "eventType=" + d["type"],
            "eventTime=" + c.time(d["event_time"]),
            "eventTimeZoneOffset=" + d["event_time_zone_offset"],
        ]
        append = out.append
        certs = d["certification_info"]
        if certs:
            out.extend(sorted(["certificationInfo=" + uri(x) for x in certs]))
        for kind, name, label, table in plan:
            value = d[name]
            if not value:
                continue
            if kind == _VALUE:
                token = table.get(value)
                append(self._value(label, value) if token is None else token)
            elif kind == _EPCS:
                append(label)
                out.extend(epc_tokens(value, uri))
            else:
                self._quantities(out, label, value)
        value = d["biz_step"]
        if value:
            token = self._biz_steps.get(value)
            append(self._value("bizStep=", value) if token is None else token)
        value = d["disposition"]
        if value:
            token = self._dispositions.get(value)
            append(self._value("disposition=", value) if token is None else token)
        if d["persistent_disposition"]:
            self._persistent(out, d["persistent_disposition"])
        if d["read_point"]:
            self._place(out, "readPoint", d["read_point"])
        if d["biz_location"]:
            self._place(out, "bizLocation", d["biz_location"])
        sensors = d["sensor_element_list"]
        ilmd = d.get("ilmd")
        if self._cbv21:
            self._fixed_tail(out, event, ilmd)
            tail: list[_Tokens] = []
        else:
            stray: _Tokens = []
            if sensors:
                self._sensors(out, sensors, stray)
            lists = d["biz_transaction_list"] or d["source_list"] or d["destination_list"]
            tail = self._lists(event) if lists else []
            if ilmd is not None:
                tail.append(["ilmd", *self._sorted_extensions(ilmd.extensions)])
            if stray:
                tail.append(stray)
        leaves = self._leaves.get
        for node in d["extensions"]:
            namespace, name, _, text, children, attributes, _, json_type, _ = node
            if children or attributes:
                member = self._extension(node)
                if member is not None:
                    tail.append(member)
                continue
            key = (namespace, name, text, json_type)
            token = leaves(key)
            if token is None:
                token = self._leaf(key)
            if token:
                tail.append([token])
        if tail:
            if len(tail) > 1:
                tail.sort(key=_JOIN)
            for member in tail:
                out.extend(member)
        return out

    def _place(self, out: _Tokens, label: str, place: Any) -> None:
        d = place.__dict__
        out.append(label)
        ident = d["id"]
        token = self._ids.get(ident)
        out.append(self._value("id=", ident) if token is None else token)
        if d["extensions"]:
            out.extend(self._sorted_extensions(d["extensions"]))


_OPTION_SETS = [
    hashing.HashOptions(),
    hashing.HashOptions(cbv_version="2.1"),
    hashing.HashOptions(gs1_voc="https://ref.gs1.org/voc/", subsecond="keep"),
    hashing.HashOptions(cbv_version="2.1", gs1_voc="https://ref.gs1.org/voc/"),
    hashing.HashOptions(document_ignore_fields=False, unify_cbvmda=True),
    hashing.HashOptions(
        cbv_version="2.1",
        unify_cbvmda=True,
        ignore_fields=(
            "{urn:epcglobal:cbv:mda:}lotNumber",
            "{urn:epcglobal:cbv:mda}lotNumber",
            "{https://ns.example.com/epcis/}myField1",
        ),
    ),
    hashing.HashOptions(subsecond="keep", document_ignore_fields=False),
]
_NAMESPACES: list[Any] = [None, "source", {"ex": "https://ns.example.com/ex/"}]


def _frozen_prehashes(data: Any, options: hashing.HashOptions, namespaces: Any) -> list[str]:
    """The pre-hashes as computed before: the reader's full path, the frozen pre-hasher."""
    return _frozen_of(events_and_ignores(data, sources=True), options, namespaces)


def _frozen_of(
    read: tuple[list[Any], tuple[str, ...]], options: hashing.HashOptions, namespaces: Any
) -> list[str]:
    events, ignore = read
    if not options.document_ignore_fields:
        ignore = ()
    out = []
    for event in events:
        prefixes = hashing._prefixes(event, namespaces)
        prehasher = _FrozenPrehasher(
            Canon(options.gs1_voc, prefixes, keep_micro=options.subsecond == "keep"),
            cbv21=options.cbv_version == "2.1",
            ignore=frozenset(options.ignore_fields) | frozenset(ignore),
            unify_cbvmda=options.unify_cbvmda,
        )
        out.append("".join(prehasher.tokens(event)))
    return out


def _same_everywhere(data: Any) -> None:
    for options in _OPTION_SETS:
        for namespaces in _NAMESPACES:
            clear_caches()
            expected = _frozen_prehashes(data, options, namespaces)
            assert hashing.event_prehashes(data, options=options, namespaces=namespaces) == (
                expected
            ), (options, namespaces)
            # warm memo tables (second pass) give the same again
            assert hashing.event_prehashes(data, options=options, namespaces=namespaces) == (
                expected
            )


def _corpus_files() -> Iterator[Path]:
    for folder in ("epcis", "epcis-hash", "openepcis-test-resources"):
        for path in sorted(vectors.path(folder).rglob("*")):
            if path.suffix in (".xml", ".jsonld", ".json") and path.is_file():
                yield path


@pytest.mark.conformance
@pytest.mark.filterwarnings("ignore::tracelib.errors.LossyConversionWarning")
def test_every_corpus_file_reads_the_same_without_sources() -> None:
    read = 0
    for path in _corpus_files():
        data = path.read_bytes()
        try:
            old: Any = events_and_ignores(data, sources=True)
        except EpcisError as exc:
            old = exc.code
        try:
            new: Any = events_and_ignores(data, sources=False)
        except EpcisError as exc:
            new = exc.code
        assert new == old, path
        read += not isinstance(old, str)
    assert read >= 290  # 300 files of the corpus are EPCIS text that the readers take


@pytest.mark.conformance
@pytest.mark.filterwarnings("ignore::tracelib.errors.LossyConversionWarning")
def test_every_corpus_file_hashes_as_before_under_every_option_set() -> None:
    hashed = 0
    for path in _corpus_files():
        data = path.read_bytes()
        try:
            read = events_and_ignores(data, sources=True)
        except EpcisError:
            continue
        if not read[0]:
            continue
        for options in _OPTION_SETS:
            for namespaces in _NAMESPACES:
                expected = _frozen_of(read, options, namespaces)
                got = hashing.event_prehashes(data, options=options, namespaces=namespaces)
                assert got == expected, (path, options, namespaces)
        hashed += 1
    assert hashed > 250


def _document(n: int) -> bytes:
    """A JSON-LD document whose events repeat read points, locations and ILMD (shared)."""
    events: list[dict[str, Any]] = []
    for i in range(n):
        event: dict[str, Any] = {
            "type": "ObjectEvent",
            "eventTime": f"2024-05-01T0{i % 10}:30:00.{i % 1000:03d}+07:00",
            "eventTimeZoneOffset": "+07:00",
            "epcList": [f"urn:epc:id:sgtin:0614141.107346.{i}"],
            "action": "ADD" if i % 2 else "OBSERVE",
            "readPoint": {"id": f"urn:epc:id:sgln:0614141.00777.{i % 3}"},
            "bizLocation": {"id": "urn:epc:id:sgln:0614141.00888.0"},
        }
        if i % 2:
            event["ilmd"] = {"cbvmda:lotNumber": f"LOT-{i % 4}", "ex:grade": "A"}
        if i % 5 == 0:
            event["readPoint"] = {"id": "urn:epc:id:sgln:0614141.00777.0", "ex:gate": "G1"}
        events.append(event)
    return json.dumps(
        {
            "@context": [
                "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                {"ex": "https://ns.example.com/ex/", "cbvmda": "urn:epcglobal:cbv:mda:"},
            ],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-05-02T09:00:00+07:00",
            "epcisBody": {"eventList": events},
        }
    ).encode()


def test_shared_parts_hash_as_before() -> None:
    data = _document(40)
    doc = jsonld.from_jsonld(data)
    events: Any = doc.events  # type: ignore[union-attr]
    assert events[5].ilmd is events[9].ilmd  # the reader shares them: the memo is used
    assert events[6].read_point is events[9].read_point
    _same_everywhere(data)
    _same_everywhere(doc)
    _same_everywhere(list(reversed(events)))
    ids = hashing.event_hashes(data)
    assert len(set(ids)) == len(ids)


def test_a_shared_part_is_not_mistaken_for_an_equal_one_of_other_options() -> None:
    doc = jsonld.from_jsonld(_document(8))
    events: Any = doc.events  # type: ignore[union-attr]
    ignore = hashing.HashOptions(ignore_fields=("{urn:epcglobal:cbv:mda:}lotNumber",))
    plain = hashing.event_prehashes(events)
    without_lot = hashing.event_prehashes(events, options=ignore)
    assert "lotNumber" in plain[1]
    assert "lotNumber" not in without_lot[1]
    assert hashing.event_prehashes(events) == plain  # each option set has its own memo


def test_the_memo_of_shared_parts_is_bounded_and_cleared() -> None:
    clear_caches()
    prehasher = hashing._DEFAULT._builder()
    doc = jsonld.from_jsonld(_document(12))
    hashing.event_hashes(doc)
    assert prehasher._shared
    clear_caches()
    assert not prehasher._shared


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.epcis_documents(syntax="jsonld"))
def test_generated_documents_hash_as_before(document: Any) -> None:
    text = document.to_jsonld()
    for data in (document, text):
        for options in _OPTION_SETS[:4]:
            expected = _frozen_prehashes(data, options, "source")
            assert hashing.event_prehashes(data, options=options, namespaces="source") == (expected)
            expected = _frozen_prehashes(data, options, None)
            assert hashing.event_prehashes(data, options=options) == expected
