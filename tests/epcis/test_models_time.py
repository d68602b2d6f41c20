"""Event times and offsets: text kept as written, calendar and offset rules, aware datetimes."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest

from tracelib.epcis.models import DateTime, ObjectEvent, Timestamp, event_from_dict
from tracelib.errors import EpcisError

ICT = timezone(timedelta(hours=7))
T0 = "2024-05-01T08:30:00.000+07:00"


def error(call, *args, **kwargs) -> EpcisError:
    with pytest.raises(EpcisError) as err:
        call(*args, **kwargs)
    return err.value


def test_offsets_come_from_the_event_time():
    assert ObjectEvent.create("2024-05-01T08:30:00-03:30").event_time_zone_offset == "-03:30"
    utc = ObjectEvent.create(datetime(2024, 5, 1, tzinfo=timezone.utc))
    assert (utc.event_time, utc.event_time_zone_offset) == (
        "2024-05-01T00:00:00.000+00:00",
        "+00:00",
    )
    micro = ObjectEvent.create(datetime(2024, 5, 1, 0, 0, 0, 123456, tzinfo=ICT))
    assert micro.event_time == "2024-05-01T00:00:00.123456+07:00"
    given = ObjectEvent.create("2024-05-01T01:30:00Z", event_time_zone_offset="+07:00")
    assert given.event_time_zone_offset == "+07:00"


def test_naive_datetimes_are_refused():
    err = error(ObjectEvent.create, datetime(2024, 5, 1, 8, 30))
    assert err.code == "EPCIS_NAIVE_DATETIME"
    assert "ZoneInfo" in err.message
    assert (
        error(ObjectEvent.create, T0, record_time=datetime(2024, 5, 1)).code
        == "EPCIS_NAIVE_DATETIME"
    )
    lmt = timezone(timedelta(hours=7, minutes=6, seconds=40))
    assert error(ObjectEvent.create, datetime(1900, 1, 1, tzinfo=lmt)).code in (
        "EPCIS_INVALID_TIMESTAMP",
        "EPCIS_INVALID_OFFSET",
    )


@pytest.mark.parametrize(
    "offset", ["+07:00", "-06:00", "+14:00", "-14:00", "+00:00", "-00:00", "+13:59"]
)
def test_valid_offsets(offset):
    assert (
        event_from_dict(
            {"type": "ObjectEvent", "action": "ADD", "eventTime": T0, "eventTimeZoneOffset": offset}
        ).event_time_zone_offset
        == offset
    )


@pytest.mark.parametrize(
    "offset", ["+14:01", "+15:00", "07:00", "+7:00", "Z", "+07:00:00", "+0700", ""]
)
def test_invalid_offsets(offset):
    err = error(
        event_from_dict,
        {"type": "ObjectEvent", "action": "ADD", "eventTime": T0, "eventTimeZoneOffset": offset},
    )
    assert (err.code, err.path) == ("EPCIS_INVALID_OFFSET", "$.eventTimeZoneOffset")


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2005-04-03T20:33:31.116000-06:00",
        "2005-04-03T20:33:31.1164999999+14:00",
        "0001-01-01T00:00:00Z",
        "2024-12-31T23:59:59-14:00",
    ],
)
def test_valid_timestamps_keep_their_text(text):
    ts = Timestamp(text)
    assert str(ts) == text
    assert (
        event_from_dict(
            {
                "type": "ObjectEvent",
                "action": "ADD",
                "eventTime": text,
                "eventTimeZoneOffset": "+07:00",
            }
        ).event_time
        == text
    )


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T08:60:00Z",
        "2024-05-01T08:30:00",
        "2024-05-01T08:30:00+14:30",
        "2024-05-01 08:30:00Z",
        "2024-05-01T08:30:00.Z",
        "2024-05-01T08:30:00z",
        "22-07-2026",
        " 2024-05-01T08:30:00Z",
    ],
)
def test_invalid_timestamps(text):
    assert error(Timestamp, text).code == "EPCIS_INVALID_TIMESTAMP"
    err = error(
        event_from_dict,
        {
            "type": "ObjectEvent",
            "action": "ADD",
            "eventTime": text,
            "eventTimeZoneOffset": "+07:00",
        },
    )
    assert (err.code, err.path) == ("EPCIS_INVALID_TIMESTAMP", "$.eventTime")


def test_timestamp_accessors():
    ts = Timestamp("2005-04-03T20:33:31.1164999-06:00")
    assert (ts.offset, ts.fraction, ts.utc_offset) == ("-06:00", "1164999", timedelta(hours=-6))
    dt = ts.as_datetime()
    assert (dt.microsecond, dt.utcoffset()) == (116499, timedelta(hours=-6))
    assert Timestamp("2005-04-03T20:33:31Z").as_datetime().tzinfo is timezone.utc
    assert Timestamp("2005-04-05T02:33:31.116Z") != Timestamp("2005-04-04T20:33:31.116-06:00")
    assert (
        Timestamp("2005-04-05T02:33:31.116Z").as_datetime()
        == Timestamp("2005-04-04T20:33:31.116-06:00").as_datetime()
    )
    assert repr(ts) == "Timestamp('2005-04-03T20:33:31.1164999-06:00')"
    assert pickle.loads(pickle.dumps(ts)) == ts
    assert type(pickle.loads(pickle.dumps(ts))) is Timestamp
    local = DateTime("2005-07-11T11:30:47")
    assert (local.offset, local.utc_offset, local.as_datetime().tzinfo) == ("", None, None)
    assert error(Timestamp, 20240501).code == "EPCIS_INVALID_TIMESTAMP"
    assert error(Timestamp.from_datetime, "2024").code == "EPCIS_INVALID_TIMESTAMP"
