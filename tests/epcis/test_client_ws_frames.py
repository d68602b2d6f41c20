"""RFC 6455 framing, connection state machine and handshake, sans I/O (no sockets)."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracelib.epcis._client_ws_conn import Closed, Message, Ping, Pong, WsConnection
from tracelib.epcis._client_ws_frames import (
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    Frame,
    FrameDecoder,
    encode_close,
    encode_frame,
    is_valid_close_code,
    mask_bytes,
    parse_close,
)
from tracelib.epcis._client_ws_handshake import (
    ResponseReader,
    accept_key,
    check_upgrade,
    encode_request,
    handshake_request,
    is_valid_key,
    new_key,
    page_from_message,
    subscription_query,
)
from tracelib.epcis.client import (
    EpcisBadRequestError,
    EpcisCore,
    EpcisNotFoundError,
    EpcisProtocolError,
    EpcisWebSocketError,
    EpcisWsClosedError,
    EpcisWsHandshakeError,
    EpcisWsMessageTooLargeError,
    EpcisWsProtocolError,
    Response,
    Schedule,
)
from tracelib.errors import EpcisError, TracelibError

KEY = st.binary(min_size=4, max_size=4)
# payload sizes around the 7/16/64-bit length boundaries, plus anything small
SIZES = st.one_of(
    st.integers(0, 300),
    st.integers(65530, 65540),
    st.sampled_from([125, 126, 127, 65535, 65536, 70000]),
)


def payload_of(size: int, seed: int) -> bytes:
    return bytes((seed + i * 7) % 256 for i in range(size)) if size < 1000 else bytes([seed]) * size


@st.composite
def frames(draw: st.DrawFn) -> Frame:
    opcode = draw(
        st.sampled_from([OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_PING, OP_PONG, OP_CLOSE])
    )
    if opcode >= 0x8:
        return Frame(opcode, draw(st.binary(max_size=125)), True)
    return Frame(opcode, payload_of(draw(SIZES), draw(st.integers(0, 255))), draw(st.booleans()))


def decode_all(data: bytes, *, masked: bool, max_size: int = 1 << 20) -> list[Frame]:
    decoder = FrameDecoder(expect_masked=masked, max_size=max_size)
    decoder.feed(data)
    out = []
    while (frame := decoder.next_frame()) is not None:
        out.append(frame)
    assert decoder.buffered == 0
    return out


# ---- frames ----------------------------------------------------------------------------------


@given(frame=frames(), key=st.one_of(st.none(), KEY))
def test_frame_round_trip_any_size_and_opcode(frame: Frame, key: bytes | None) -> None:
    wire = encode_frame(frame, mask_key=key)
    assert bool(wire[1] & 0x80) == (key is not None)
    assert decode_all(wire, masked=key is not None) == [frame]


@pytest.mark.parametrize(
    ("size", "header_len", "marker"),
    [(0, 2, 0), (125, 2, 125), (126, 4, 126), (65535, 4, 126), (65536, 10, 127)],
)
def test_shortest_length_form(size: int, header_len: int, marker: int) -> None:
    wire = encode_frame(Frame(OP_BINARY, bytes(size)))
    assert wire[1] & 0x7F == marker
    assert len(wire) == header_len + size
    if marker == 126:
        assert struct.unpack("!H", wire[2:4])[0] == size
    if marker == 127:
        assert struct.unpack("!Q", wire[2:10])[0] == size


@given(
    many=st.lists(frames(), min_size=1, max_size=5),
    cuts=st.lists(st.integers(0, 10**6), max_size=8),
    key=KEY,
)
def test_frames_fed_in_any_chunks(many: list[Frame], cuts: list[int], key: bytes) -> None:
    wire = b"".join(encode_frame(f, mask_key=key) for f in many)
    points = sorted({c % (len(wire) + 1) for c in cuts})
    decoder = FrameDecoder(expect_masked=True, max_size=1 << 20)
    got: list[Frame] = []
    last = 0
    for point in [*points, len(wire)]:
        decoder.feed(wire[last:point])
        last = point
        while (frame := decoder.next_frame()) is not None:
            got.append(frame)
    assert got == many


@given(data=st.binary(max_size=2000), key=KEY)
def test_masking_is_an_involution_and_matches_the_rfc_rule(data: bytes, key: bytes) -> None:
    masked = mask_bytes(data, key)
    assert mask_bytes(masked, key) == data
    assert masked == bytes(b ^ key[i % 4] for i, b in enumerate(data))


def test_rfc_examples() -> None:
    # RFC 6455 5.7: a single-frame unmasked and masked text message "Hello"
    assert encode_frame(Frame(OP_TEXT, b"Hello")) == bytes.fromhex("810548656c6c6f")
    masked = encode_frame(Frame(OP_TEXT, b"Hello"), mask_key=bytes.fromhex("37fa213d"))
    assert masked == bytes.fromhex("818537fa213d7f9f4d5158")
    # 5.7: fragmented unmasked text message "Hel" + "lo"
    wire = bytes.fromhex("010348656c") + bytes.fromhex("80026c6f")
    client = WsConnection("client")
    assert client.receive_data(wire) == [Message(b"Hello", True)]


def test_client_frames_are_always_masked_with_fresh_keys() -> None:
    keys = iter([b"\x01\x02\x03\x04", b"\x05\x06\x07\x08"])
    client = WsConnection("client", random_bytes=lambda n: next(keys))
    first, second = client.send_message("ab"), client.send_message("ab")
    assert first[1] & 0x80
    assert second[1] & 0x80
    assert first[2:6] == b"\x01\x02\x03\x04"
    assert second[2:6] == b"\x05\x06\x07\x08"
    assert first != second


@pytest.mark.parametrize(
    ("masked_role", "wire"),
    [
        ("server", encode_frame(Frame(OP_TEXT, b"x"))),  # server needs masked frames
        ("client", encode_frame(Frame(OP_TEXT, b"x"), mask_key=b"abcd")),  # client: unmasked
    ],
)
def test_mask_direction_is_enforced(masked_role: str, wire: bytes) -> None:
    conn = WsConnection(masked_role)  # type: ignore[arg-type]
    with pytest.raises(EpcisWsProtocolError) as info:
        conn.receive_data(wire)
    assert info.value.close_code == 1002
    assert conn.state == "closed"


def test_encode_refuses_bad_frames() -> None:
    for bad in (Frame(3, b""), Frame(OP_PING, bytes(126)), Frame(OP_PONG, b"", fin=False)):
        with pytest.raises(EpcisError) as info:
            encode_frame(bad)
        assert info.value.code == "EPCIS_WS_BAD_FRAME"
    with pytest.raises(EpcisError):
        mask_bytes(b"x", b"abc")


# ---- messages and the state machine ----------------------------------------------------------


@given(
    text=st.text(max_size=400),
    size=st.integers(1, 50),
)
def test_fragmented_text_reassembles_even_inside_a_utf8_sequence(text: str, size: int) -> None:
    server, client = WsConnection("server"), WsConnection("client")
    wire = server.send_message(text, fragment_size=size)
    frames_sent = decode_all(wire, masked=False)
    assert len(frames_sent) == max(1, -(-len(text.encode()) // size))
    assert [f.fin for f in frames_sent][-1]
    assert not any(f.fin for f in frames_sent[:-1])
    assert client.receive_data(wire) == [Message(text.encode(), True)]


@given(data=st.binary(min_size=2, max_size=300), ping=st.binary(max_size=125))
def test_control_frames_between_fragments(data: bytes, ping: bytes) -> None:
    half = len(data) // 2
    wire = (
        encode_frame(Frame(OP_BINARY, data[:half], fin=False))
        + encode_frame(Frame(OP_PING, ping))
        + encode_frame(Frame(OP_CONTINUATION, data[half:]))
    )
    client = WsConnection("client")
    assert client.receive_data(wire) == [Ping(ping), Message(data, False)]
    pong = decode_all(client.data_to_send(), masked=True)
    assert pong == [Frame(OP_PONG, ping)]


@pytest.mark.parametrize(
    ("wire", "close_code"),
    [
        (bytes([0x81 | 0x40, 0]), 1002),  # RSV1 without an extension
        (bytes([0x83, 0]), 1002),  # reserved data opcode
        (bytes([0x8B, 0]), 1002),  # reserved control opcode
        (bytes([0x09, 0]), 1002),  # fragmented ping
        (bytes([0x89, 126, 0, 126]) + bytes(126), 1002),  # ping over 125 bytes
        (bytes([0x80, 1]) + b"x", 1002),  # continuation without a message
        (bytes([0x01, 1]) + b"a" + bytes([0x81, 1]) + b"b", 1002),  # new message mid-fragment
        (bytes([0x81, 2]) + b"\xc3\x28", 1007),  # invalid UTF-8 text
        (bytes([0x88, 1, 3]), 1002),  # close payload of one byte
        (bytes([0x88, 2]) + struct.pack("!H", 1005), 1002),  # close code that may not be sent
        (bytes([0x88, 2]) + struct.pack("!H", 2000), 1002),
        (bytes([0x88, 4]) + struct.pack("!H", 1000) + b"\xff\xfe", 1007),  # reason not UTF-8
        (bytes([0x82, 127]) + struct.pack("!Q", 1 << 63), 1002),  # 64-bit length top bit
    ],
)
def test_protocol_violations_fail_the_connection(wire: bytes, close_code: int) -> None:
    client = WsConnection("client")
    with pytest.raises(EpcisWsProtocolError) as info:
        client.receive_data(wire)
    assert info.value.code == "EPCIS_WS_PROTOCOL"
    assert info.value.close_code == close_code
    sent = decode_all(client.data_to_send(), masked=True)
    assert [f.opcode for f in sent] == [OP_CLOSE]
    assert parse_close(sent[0].payload)[0] == close_code
    assert client.state == "closed"
    assert client.receive_data(b"\x81\x00") == []  # nothing after a failure


def test_message_too_large_is_refused_before_the_payload_arrives() -> None:
    client = WsConnection("client", max_message_size=100)
    header = bytes([0x82, 127]) + struct.pack("!Q", 10**9)  # 1 GB announced, never sent
    with pytest.raises(EpcisWsMessageTooLargeError) as info:
        client.receive_data(header)
    assert (info.value.code, info.value.close_code) == ("EPCIS_WS_MESSAGE_TOO_LARGE", 1009)
    assert info.value.size == 10**9
    assert info.value.limit == 100
    assert parse_close(decode_all(client.data_to_send(), masked=True)[0].payload)[0] == 1009


def test_message_too_large_across_fragments() -> None:
    server, client = WsConnection("server"), WsConnection("client", max_message_size=100)
    with pytest.raises(EpcisWsMessageTooLargeError):
        client.receive_data(server.send_message(bytes(101), fragment_size=60))
    exact = WsConnection("client", max_message_size=100)
    assert exact.receive_data(server.send_message(bytes(100), fragment_size=60)) == [
        Message(bytes(100), False)
    ]


def test_closing_handshake_both_ways() -> None:
    server, client = WsConnection("server"), WsConnection("client")
    assert server.receive_data(client.send_close(4001, "tạm biệt")) == [Closed(4001, "tạm biệt")]
    echo = server.data_to_send()
    assert parse_close(decode_all(echo, masked=False)[0].payload) == (4001, "")
    assert client.state == "closing"
    assert client.receive_data(echo) == [Closed(4001, "")]
    assert client.state == "closed"
    assert client.data_to_send() == b""
    with pytest.raises(EpcisWsClosedError):
        client.send_message("late")
    dropped = WsConnection("client")
    assert dropped.receive_data(b"") == [Closed(1006, "", clean=False)]
    assert dropped.close_code == 1006


def test_empty_close_reports_1005_and_echoes_empty() -> None:
    client = WsConnection("client")
    assert client.receive_data(bytes([0x88, 0])) == [Closed(1005, "")]
    assert decode_all(client.data_to_send(), masked=True) == [Frame(OP_CLOSE, b"")]


def test_ping_is_answered_and_pong_reported() -> None:
    server, client = WsConnection("server"), WsConnection("client")
    assert client.receive_data(server.send_ping(b"p1")) == [Ping(b"p1")]
    assert server.receive_data(client.data_to_send()) == [Pong(b"p1")]
    assert server.receive_data(client.send_pong(b"u")) == [Pong(b"u")]


def test_close_codes() -> None:
    assert [c for c in range(990, 1020) if is_valid_close_code(c)] == [
        1000,
        1001,
        1002,
        1003,
        *range(1007, 1015),
    ]
    assert is_valid_close_code(3000)
    assert is_valid_close_code(4999)
    assert not is_valid_close_code(5000)
    with pytest.raises(EpcisError):
        encode_close(1006)
    with pytest.raises(EpcisError):
        encode_close(1000, "x" * 124)
    assert parse_close(encode_close(1000, "ok")) == (1000, "ok")


@given(junk=st.binary(max_size=400), masked=st.booleans())
def test_junk_never_raises_a_foreign_exception(junk: bytes, masked: bool) -> None:
    conn = WsConnection("server" if masked else "client", max_message_size=1000)
    code = None
    try:
        events = conn.receive_data(junk)
    except EpcisWebSocketError as exc:  # the only kind of error allowed out
        code, events = exc.code, []
    assert code in (None, "EPCIS_WS_PROTOCOL", "EPCIS_WS_MESSAGE_TOO_LARGE")
    assert all(isinstance(event, (Message, Ping, Pong, Closed)) for event in events)


# ---- handshake -------------------------------------------------------------------------------


def test_accept_key_is_sha1_base64_of_key_and_guid() -> None:
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 4.2.2
    key = new_key()
    digest = hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
    assert accept_key(key) == base64.b64encode(digest).decode()
    assert is_valid_key(key)
    assert len(base64.b64decode(key)) == 16
    assert new_key() != new_key()
    assert not is_valid_key("not base64!")
    assert not is_valid_key(base64.b64encode(b"x" * 15).decode())


def test_handshake_request_and_its_bytes() -> None:
    core = EpcisCore("http://127.0.0.1:8080/epcis", headers={"X-Tenant": "ha-tinh"}.items())
    query = subscription_query(schedule=Schedule(minute="5", hour="1"), report_if_empty=True)
    request = handshake_request(core, "lô hàng", query=query, key="k" * 24, endpoint="events")
    assert request.url == (
        "http://127.0.0.1:8080/epcis/queries/l%C3%B4%20h%C3%A0ng/events"
        "?minute=5&hour=1&reportIfEmpty=true"
    )
    wire = encode_request(request).decode("latin-1")
    lines = wire.split("\r\n")
    assert lines[0] == (
        "GET /epcis/queries/l%C3%B4%20h%C3%A0ng/events?minute=5&hour=1&reportIfEmpty=true HTTP/1.1"
    )
    assert lines[1] == "Host: 127.0.0.1:8080"
    for expected in (
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Version: 13",
        f"Sec-WebSocket-Key: {'k' * 24}",
        "X-Tenant: ha-tinh",
    ):
        assert expected in lines
    assert wire.endswith("\r\n\r\n")
    sub = handshake_request(core, "q", query="stream=true", key="k", endpoint="subscriptions")
    assert sub.url.endswith("/queries/q/subscriptions?stream=true")
    with pytest.raises(EpcisError):
        handshake_request(core, "q", query="", key="k", endpoint="nope")  # type: ignore[arg-type]
    with pytest.raises(EpcisError):
        encode_request(request.with_headers([("X-Evil", "a\r\nInjected: 1")]))


def test_subscription_query_controls() -> None:
    assert subscription_query(stream=True) == "stream=true"
    for bad in ({}, {"stream": True, "schedule": Schedule(hour="1")}):
        with pytest.raises(EpcisError) as info:
            subscription_query(**bad)  # type: ignore[arg-type]
        assert info.value.code == "EPCIS_BAD_SUBSCRIPTION"
    with pytest.raises(EpcisError):
        subscription_query(stream=True, initial_record_time="yesterday")


def ok_response(key: str, **extra: str) -> Response:
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Accept": accept_key(key),
    }
    headers.update(extra)
    return Response(101, tuple(headers.items()))


def test_check_upgrade() -> None:
    key = new_key()
    check_upgrade(ok_response(key), key)
    check_upgrade(ok_response(key, Connection="keep-alive, Upgrade", Upgrade="WebSocket"), key)
    bad = [
        ok_response(key, **{"Sec-WebSocket-Accept": accept_key(new_key())}),
        ok_response(key, Upgrade="h2c"),
        ok_response(key, Connection="close"),
        ok_response(key, **{"Sec-WebSocket-Extensions": "permessage-deflate"}),
        ok_response(key, **{"Sec-WebSocket-Protocol": "chat"}),
        Response(200, content=b"{}"),
        Response(302, (("Location", "/elsewhere"),)),
    ]
    for response in bad:
        with pytest.raises(EpcisWsHandshakeError) as info:
            check_upgrade(response, key)
        assert info.value.code == "EPCIS_WS_HANDSHAKE_FAILED"
        assert info.value.response is response
    problem = b'{"type": "epcisException:NoSuchNameException", "title": "No such query"}'
    with pytest.raises(EpcisNotFoundError):
        check_upgrade(Response(404, content=problem), key)


@given(cuts=st.lists(st.integers(0, 400), max_size=6))
def test_response_reader_any_chunks(cuts: list[int]) -> None:
    head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    wire = head + b"\x81\x02hi"
    reader = ResponseReader("http://h/q")
    last, done = 0, False
    for point in [*sorted({c % len(wire) for c in cuts if c % len(wire)}), len(wire)]:
        done = reader.feed(wire[last:point])  # never b"": that means the end of the stream
        last = point
    assert done
    assert reader.response is not None
    assert reader.response.status == 101
    assert reader.leftover == b"\x81\x02hi"


def test_response_reader_refusal_body_and_limits() -> None:
    reader = ResponseReader("http://h/q")
    body = b'{"title": "Invalid", "status": 400}'
    head = f"HTTP/1.1 400 Bad Request\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    assert not reader.feed(head)
    assert reader.feed(body)
    assert reader.response is not None
    assert reader.response.content == body
    until_eof = ResponseReader("http://h/q")
    assert not until_eof.feed(b"HTTP/1.1 500 Oops\r\n\r\npartial")
    assert until_eof.feed(b"")
    assert until_eof.response is not None
    assert until_eof.response.content == b"partial"
    with pytest.raises(EpcisWsHandshakeError):
        ResponseReader("http://h/q", max_head=100).feed(b"HTTP/1.1 101 OK\r\nX: " + b"a" * 200)
    with pytest.raises(EpcisWsHandshakeError):
        ResponseReader("http://h/q").feed(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(EpcisWsHandshakeError):
        ResponseReader("http://h/q").feed(b"")


def test_page_from_message() -> None:
    doc = (
        b'{"type": "EPCISQueryDocument", "epcisBody": {"queryResults": {"queryName": "q", '
        b'"subscriptionID": "s1", "resultsBody": {"eventList": [{"type": "ObjectEvent"}]}}}}'
    )
    page = page_from_message(Message(doc, True), "ws://h/q")
    assert (page.query_name, page.subscription_id, len(page)) == ("q", "s1", 1)
    problem = b'{"type": "epcisException:QueryParameterException", "title": "x", "status": 400}'
    with pytest.raises(EpcisBadRequestError):
        page_from_message(Message(problem, True), "ws://h/q")
    for junk in (b"not json", b"[1, 2]"):
        with pytest.raises(EpcisProtocolError) as info:
            page_from_message(Message(junk, True), "ws://h/q")
        assert info.value.code == "EPCIS_WS_BAD_MESSAGE"
        assert isinstance(info.value, TracelibError)
