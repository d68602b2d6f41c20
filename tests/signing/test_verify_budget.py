"""Budgets AT-23/AT-24 on a 2-core machine (thresholds about 3x the measured figures)."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.signing import strategies_chain as sc
from tracelib.signing.chain import Chain
from tracelib.signing.verify import verify

EVENT = b'{"type":"ObjectEvent","pad":"' + b"x" * 1500 + b'","i":%d}'


def _best(fn: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _build(n: int) -> Chain:
    lot = Chain.create("trace.example.vn/lot/09520123456788/BUDGET", signer=sc.FARM)
    for i in range(n):
        lot.append(EVENT % i, payload_type=sc.JSONLD, signer=sc.FARM, iat=sc.iat(i))
    return lot


def test_at23_append_1000_records_under_0_6_s() -> None:
    assert _best(lambda: _build(1000)) < 0.6


def test_at23_strict_verify_1000_records_under_1_s() -> None:
    lot = _build(1000)
    bundle, head = lot.bundle(), lot.head().compact()
    report = verify(bundle, trust=sc.TRUST, evidence=[head])
    assert report.verdict == "VALID"
    assert _best(lambda: verify(bundle, trust=sc.TRUST, evidence=[head])) < 1.0


def test_at24_head_and_50_records_under_50_ms() -> None:
    lot = _build(50)
    bundle = lot.bundle()
    url = lot.head().digital_link("https://id.gs1.org/01/09520123456788/10/BUDGET")
    assert verify(bundle, trust=sc.TRUST, evidence=[url]).codes() == []
    assert _best(lambda: verify(bundle, trust=sc.TRUST, evidence=[url]), rounds=5) < 0.05
