"""Properties of the compliance checks (hypothesis).

* Adding a missing field never adds findings (for a fixed classification of the record:
  its stage, event type and high-risk flag are not "missing fields").
* Findings are deterministic, sorted, and independent of key order and of the key language.
* Arbitrary JSON-like records never raise anything but tracelib errors.
"""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.portal import fixtures
from tests.portal.test_compliance_data import EVENTS, KIND_OF, drop
from tracelib.errors import TracelibError
from tracelib.portal.compliance import PROFILES, Finding, check

_CLASSIFIERS = frozenset({"stage", "event_type", "high_risk"})
_RECORDS: list[tuple[str, dict[str, Any]]] = [
    *((kind, record) for kind, record in KIND_OF.items()),
    *(("event", event) for event in EVENTS.values()),
]
_VN_AND_FSMA = [name for name in PROFILES if name != "epcis2"]
_ALL_OPT_IN = {"INF", "passport"}


def _found(record: dict[str, Any], kind: str, profile: str) -> set[tuple[str, str]]:
    report = check(record, profile, kind=kind, opt_in=_ALL_OPT_IN)
    return {(f.rule, f.path) for f in report.findings}


@st.composite
def _dropped(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A complete record with some fields dropped, and the same with one of them back."""
    kind, record = draw(st.sampled_from(_RECORDS))
    fields = sorted(set(record) - _CLASSIFIERS)
    gone = draw(st.lists(st.sampled_from(fields), min_size=1, unique=True))
    back = draw(st.sampled_from(gone))
    less = drop(record, *gone)
    more = dict(less)
    more[back] = record[back]
    return kind, less, more


@given(_dropped(), st.sampled_from(_VN_AND_FSMA))
def test_adding_a_missing_field_never_adds_findings(
    case: tuple[str, dict[str, Any], dict[str, Any]], profile: str
) -> None:
    kind, less, more = case
    assert _found(more, kind, profile) <= _found(less, kind, profile)


@given(_dropped(), st.sampled_from(_VN_AND_FSMA), st.randoms(use_true_random=False))
def test_findings_are_deterministic_and_sorted(
    case: tuple[str, dict[str, Any], dict[str, Any]], profile: str, rnd: random.Random
) -> None:
    kind, less, _ = case
    first = check(less, profile, kind=kind, opt_in=_ALL_OPT_IN)
    assert list(first.findings) == sorted(first.findings, key=Finding.sort_key)
    assert len(set(first.findings)) == len(first.findings)
    keys = list(less)
    rnd.shuffle(keys)
    shuffled = {k: less[k] for k in keys}
    again = check(shuffled, profile, kind=kind, opt_in=_ALL_OPT_IN)
    assert again == first
    assert again.to_json() == first.to_json()


@settings(max_examples=25)
@given(fixtures.st_dataset(), st.sampled_from(_VN_AND_FSMA))
def test_key_language_does_not_matter(dataset: Any, profile: str) -> None:
    vi_keys = dataset.dump("vi")
    assume(vi_keys)  # an empty mapping is no record of any kind
    en = check(dataset, profile, opt_in=_ALL_OPT_IN)
    vi = check(vi_keys, profile, opt_in=_ALL_OPT_IN)
    assert vi.findings == en.findings
    assert json.loads(en.to_json())["ok"] == en.ok


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = sorted({key for _, record in _RECORDS for key in record} | {"serials", "extensions"})


@given(
    st.dictionaries(st.sampled_from(_FIELDS) | st.text(max_size=5), _json, max_size=8),
    st.sampled_from(["organization", "location", "product", "lot", "event", "certificate"]),
    st.sampled_from(_VN_AND_FSMA),
)
def test_junk_records_never_raise_foreign_exceptions(
    record: dict[str, Any], kind: str, profile: str
) -> None:
    try:
        report = check(record, profile, kind=kind, opt_in=_ALL_OPT_IN)
    except TracelibError:
        return
    assert all(f.path.startswith("$") for f in report.findings)
