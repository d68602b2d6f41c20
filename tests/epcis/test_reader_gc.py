"""The readers pause the cyclic garbage collector while they read, and restore its state.

Reading makes many small objects and no cycles: instead of many collections during the read,
one (of generation 0, over the new objects) follows it. Each reader must leave the collector
as it found it (enabled or not), also when it raises.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tracelib.epcis import event_hashes, parse
from tracelib.errors import EpcisError

_EVENT = (
    '{"type": "ObjectEvent", "eventTime": "2024-05-01T08:30:00+07:00", '
    '"eventTimeZoneOffset": "+07:00", "action": "OBSERVE", '
    '"epcList": ["urn:epc:id:sgtin:893012345.0012.%d"]}'
)
_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def _jsonld(n: int) -> bytes:
    events = ", ".join(_EVENT % i for i in range(n))
    return (
        f'{{"@context": "{_CONTEXT}", "type": "EPCISDocument", "schemaVersion": "2.0", '
        f'"creationDate": "2024-05-02T09:00:00+07:00", "epcisBody": {{"eventList": [{events}]}}}}'
    ).encode()


def _xml(n: int) -> bytes:
    event = (
        "<ObjectEvent><eventTime>2024-05-01T08:30:00+07:00</eventTime>"
        "<eventTimeZoneOffset>+07:00</eventTimeZoneOffset><epcList>"
        "<epc>urn:epc:id:sgtin:893012345.0012.%d</epc></epcList><action>OBSERVE</action>"
        "</ObjectEvent>"
    )
    return (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" '
        'creationDate="2024-05-02T09:00:00+07:00"><EPCISBody><EventList>'
        + "".join(event % i for i in range(n))
        + "</EventList></EPCISBody></epcis:EPCISDocument>"
    ).encode()


@pytest.fixture
def collections() -> Iterator[list[Any]]:
    """The generation of every collection that starts while the test runs."""
    seen: list[Any] = []

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


_READS: dict[str, Callable[[bytes], Any]] = {"parse": parse, "event_hashes": event_hashes}


def test_the_callback_sees_collections(collections: list[Any]) -> None:
    # The control: as many new containers as a read makes start several collections.
    kept = [{"n": i} for i in range(100_000)]
    assert len(collections) > 5
    assert len(kept) == 100_000


@pytest.mark.parametrize("read", sorted(_READS))
@pytest.mark.parametrize("syntax", ["jsonld", "xml"])
def test_no_collection_while_reading(read: str, syntax: str, collections: list[Any]) -> None:
    data = (_jsonld if syntax == "jsonld" else _xml)(3_000)
    gc.collect()
    collections.clear()
    assert gc.isenabled()
    result = _READS[read](data)
    assert gc.isenabled()
    # At most the one collection of generation 0 that the first new container after the
    # read starts (inside event_hashes, which builds its list of IDs after reading).
    assert collections in ([], [0])
    assert len(result if read == "event_hashes" else result.events) == 3_000


@pytest.mark.parametrize("syntax", ["jsonld", "xml"])
def test_the_collector_state_is_restored(syntax: str) -> None:
    good = (_jsonld if syntax == "jsonld" else _xml)(3)
    bad = good.replace(b"OBSERVE", b"WATCH")
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            parse(good)
            assert gc.isenabled() is enabled
            with pytest.raises(EpcisError):
                parse(bad)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
