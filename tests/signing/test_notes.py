"""C2SP signed notes and checkpoints (AT-4)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import vectors
from tracelib.errors import MalformedInput, SignatureInvalid
from tracelib.signing.checkpoint import Checkpoint
from tracelib.signing.merkle import EMPTY_ROOT, leaf_hash, merkle_root
from tracelib.signing.notes import (
    MAX_SIGNATURES,
    Note,
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    NoteVerifying,
    key_name_for_actor,
    note_key_id,
)
from tracelib.signing.signers import SoftwareSigner

KATS = "signing/small-kats.json"


# --- AT-4: the vectors ----------------------------------------------------------------------


@pytest.mark.conformance
def test_at4_c2sp_example_verifies():
    case = vectors.load_json(KATS)["c2sp_signed_note_example"]
    verifier = NoteVerifier.from_vkey(case["vkey"])
    assert verifier.name == "example.com/foo"
    assert verifier.key_id.hex() == "530d903a"
    assert verifier.vkey() == case["vkey"]
    note = Note.open(case["note"], [verifier])
    assert note.text == "This is an example message.\n"
    assert note.to_text() == case["note"]
    assert note.verify([verifier]) == note.signatures
    assert Note.open(case["note"].encode(), [verifier]) == note


@pytest.mark.conformance
def test_at4_go_sumdb_note_reproduced_byte_for_byte():
    case = vectors.load_json(KATS)["go_sumdb_note"]
    signer = NoteSigner.from_skey(case["skey"])
    assert signer.skey() == case["skey"]
    assert signer.verifier().vkey() == case["vkey"]
    note = Note(case["text"]).sign(signer)
    assert note.to_text() == case["text"] + "\n" + case["signature_line"]
    assert note.signatures[0].line() == case["signature_line"]
    Note.open(note.to_bytes(), [NoteVerifier.from_vkey(case["vkey"])])


@pytest.fixture(scope="module")
def keys():
    return [NoteSigner.generate(f"witness{i}.example") for i in range(20)]


def test_at4_only_unknown_keys_is_rejected(keys):
    note = Note("hello\n").sign(keys[0]).sign(keys[1])
    with pytest.raises(SignatureInvalid) as caught:
        note.verify([keys[2].verifier()])
    assert caught.value.code == "NOTE_UNVERIFIED"
    with pytest.raises(SignatureInvalid):
        note.verify([])
    # same name, other key: an unknown key, ignored
    impostor = NoteSigner.generate(keys[0].name)
    with pytest.raises(SignatureInvalid) as caught:
        note.verify([impostor.verifier()])
    assert caught.value.code == "NOTE_UNVERIFIED"
    assert note.verify([impostor.verifier(), keys[1].verifier()]) == (note.signatures[1],)


def test_at4_a_failing_known_signature_rejects_the_note(keys):
    note = Note("hello\n").sign(keys[0]).sign(keys[1])
    bad = NoteSignature(keys[1].name, keys[1].key_id, bytes(64))
    forged = Note(note.text, (note.signatures[0], bad))
    with pytest.raises(SignatureInvalid) as caught:
        forged.verify([keys[0].verifier(), keys[1].verifier()])
    assert caught.value.code == "NOTE_SIGNATURE_INVALID"
    # the bad signature is from a key we do not know: ignored
    assert forged.verify([keys[0].verifier()]) == (note.signatures[0],)
    # the text changed under both signatures
    with pytest.raises(SignatureInvalid) as caught:
        Note.open(note.to_text().replace("hello", "hallo"), [keys[0].verifier()])
    assert caught.value.code == "NOTE_SIGNATURE_INVALID"


def test_at4_sixteen_signature_lines_are_accepted(keys):
    note = Note("origin.example\n1\n" + base64.b64encode(bytes(32)).decode() + "\n")
    for signer in keys[:16]:
        note = note.sign(signer)
    parsed = Note.parse(note.to_text())
    assert len(parsed.signatures) == 16
    assert len(parsed.verify([k.verifier() for k in keys[:16]])) == 16
    assert len(parsed.verify([keys[15].verifier()])) == 1
    # up to MAX_SIGNATURES, then refused
    line = parsed.signatures[0].line()
    many = parsed.text + "\n" + line * MAX_SIGNATURES
    assert len(Note.parse(many).signatures) == MAX_SIGNATURES
    with pytest.raises(MalformedInput, match="more than"):
        Note.parse(many + line)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("hello\n\n\u2014 n AAAAAQI=", 19),  # no final newline
        ("hello\x00\n\n\u2014 n AAAAAQI=\n", 5),  # NUL
        ("hello\r\n\n\u2014 n AAAAAQI=\n", 5),  # CR
        ("hel\tlo\n\n\u2014 n AAAAAQI=\n", 3),  # TAB
        ("hello\n\n\u2014 n AAAA\x1bAQI=\n", 15),  # ESC in a signature line
        ("hello\n\n- n AAAAAQI=\n", 7),  # hyphen, no em dash
        ("hello\n\n\u2013 n AAAAAQI=\n", 7),  # en dash
        ("hello\n\n\u2014n AAAAAQI=\n", 7),  # no space after the em dash
        ("hello\n\u2014 n AAAAAQI=\n", 0),  # no blank line
        ("hello\n\n\u2014 n+x AAAAAQI=\n", 9),  # '+' in the key name
        ("hello\n\n\u2014 n AAAAAQI\n", 18),  # base64 without padding
        ("hello\n\n\u2014 n AAAA-QI=\n", 15),  # URL alphabet
        ("hello\n\n\u2014 n AAAA\n", 7),  # key ID only
        ("hello\n\n\u2014 n  AAAAAQI=\n", 7),  # two spaces
        ("hello\n\n", 7),  # no signature
        ("hello\n\n\u2014 n AAAAAQI=\n\n", 21),  # trailing blank line: empty signature line
    ],
)
def test_at4_malformed_notes_are_rejected(text, position):
    with pytest.raises(MalformedInput) as caught:
        Note.parse(text)
    assert caught.value.code == "NOTE_MALFORMED"
    assert caught.value.position == position


def test_positions_are_byte_offsets_for_bytes():
    text = "ph\u1edf\n\n\u2014 n AAAAAQI=\x01\n"
    with pytest.raises(MalformedInput) as as_text:
        Note.parse(text)
    with pytest.raises(MalformedInput) as as_bytes:
        Note.parse(text.encode())
    assert as_text.value.position == 17
    assert as_bytes.value.position == 21
    with pytest.raises(MalformedInput) as caught:
        Note.parse(b"\xffhello\n\n\xe2\x80\x94 n AAAAAQI=\n")
    assert (caught.value.code, caught.value.position) == ("NOTE_MALFORMED", 0)


def test_the_last_blank_line_separates_the_signatures(keys):
    note = Note("para one\n\npara two\n").sign(keys[0])
    parsed = Note.parse(note.to_text())
    assert parsed.text == "para one\n\npara two\n"
    parsed.verify([keys[0].verifier()])


def test_note_text_rules_when_building():
    for bad in ("no newline", "bad\x07\n", "\ud800\n", 5):
        with pytest.raises(MalformedInput):
            Note(bad)  # type: ignore[arg-type]


# --- keys -----------------------------------------------------------------------------------


def test_key_ids_names_and_key_strings():
    signer = NoteSigner.generate("example.com/log")
    assert signer.key_id == note_key_id("example.com/log", 0x01, signer.public_key)
    assert isinstance(signer.verifier(), NoteVerifying)
    again = NoteSigner.from_skey(signer.skey())
    assert again.public_key == signer.public_key
    assert NoteVerifier.from_vkey(signer.verifier().vkey()) == signer.verifier()
    for name in ("", "a b", "a+b", "a\u00a0b", "a\nb"):
        with pytest.raises(MalformedInput):
            NoteSigner.generate(name)
    vkey = signer.verifier().vkey()
    name, hexid, key = vkey.split("+", 2)
    for bad in (
        f"{name}+{'0' * 8}+{key}",  # wrong key ID
        f"{name}+{hexid}",  # missing key
        f"{name}+{hexid[:7]}+{key}",  # short hex
        f"{name}+{hexid}+" + base64.b64encode(b"\x02" + bytes(32)).decode(),  # other type
        f"{name}+{hexid}+" + base64.b64encode(b"\x01" + bytes(31)).decode(),  # short key
        f"{name}+{hexid}+not base64",
        None,
    ):
        with pytest.raises(MalformedInput) as caught:
            NoteVerifier.from_vkey(bad)  # type: ignore[arg-type]
        assert caught.value.code == "NOTE_KEY_INVALID"
    for bad in ("PRIVATE+KEY", vkey, "PRIVATE+KEY+" + vkey):
        with pytest.raises(MalformedInput):
            NoteSigner.from_skey(bad)


def test_note_signer_from_a_tracelib_signer():
    farm = SoftwareSigner.generate(actor="https://id.gs1.org/417/8930000000019")
    note_signer = NoteSigner.from_signer(farm)
    assert note_signer.name == "id.gs1.org/417/8930000000019"
    assert note_signer.public_key == farm.public_key.raw()
    note = Checkpoint("trace.example.vn/lot/1", 1, leaf_hash(b"r0")).sign(note_signer)
    Note.open(note.to_text(), [NoteVerifier(note_signer.name, farm.public_key.raw())])
    assert NoteSigner.from_signer(farm, name="farm.example").name == "farm.example"
    with pytest.raises(MalformedInput):
        note_signer.skey()
    with pytest.raises(MalformedInput):
        NoteSigner.from_signer(SoftwareSigner.generate(actor="urn:x", alg="ES256"))
    assert key_name_for_actor("urn:epc:id:sgln:893000.00001.0") == "urn:epc:id:sgln:893000.00001.0"
    with pytest.raises(MalformedInput):
        key_name_for_actor("https://a b")


# --- checkpoints ----------------------------------------------------------------------------


def test_checkpoint_round_trip_and_open(keys):
    leaves = [leaf_hash(bytes([i])) for i in range(5)]
    head = Checkpoint("trace.example.vn/lot/08930000000012/LOT1", 5, merkle_root(leaves))
    text = head.text()
    assert text == f"{head.origin}\n5\n{base64.b64encode(head.root).decode()}\n"
    assert Checkpoint.parse_text(text) == head
    note = head.sign(keys[0], keys[1])
    assert Checkpoint.open(note.to_bytes(), [keys[1].verifier()]) == head
    with pytest.raises(SignatureInvalid):
        Checkpoint.open(note.to_bytes(), [keys[2].verifier()])
    empty = Checkpoint("o", 0, EMPTY_ROOT)
    assert empty.text().splitlines()[1] == "0"
    with_ext = Checkpoint.parse_text(empty.text() + "ext one\next two\n")
    assert with_ext.extensions == ("ext one", "ext two")
    assert with_ext.text() == empty.text() + "ext one\next two\n"


ROOT = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    ("text", "position"),
    [
        (f"o\n05\n{ROOT}\n", 2),
        (f"o\n-1\n{ROOT}\n", 2),
        (f"o\n+1\n{ROOT}\n", 2),
        (f"o\n1 \n{ROOT}\n", 2),
        (f"o\n\u0661\n{ROOT}\n", 2),  # Arabic-Indic digit one
        (f"o\n18446744073709551616\n{ROOT}\n", 2),  # 2^64
        (f"o\n1\n{ROOT[:-1]}\n", 4),
        (f"o\n1\n{ROOT.replace('A', '-', 1)}\n", 4),
        ("o\n1\n" + base64.b64encode(bytes(31)).decode() + "\n", 4),
        ("o\n1\n" + base64.b64encode(bytes(33)).decode() + "\n", 4),
        (f"\n1\n{ROOT}\n", 0),
        (f"o\n1\n{ROOT}\n\n", 49),  # an empty extension line
        (f"o\n1\n{ROOT}", 0),
        ("o\n1\n", 3),
        (f"o\r\n1\n{ROOT}\n", 0),
    ],
)
def test_checkpoint_body_rules(text, position):
    with pytest.raises(MalformedInput) as caught:
        Checkpoint.parse_text(text)
    assert (caught.value.code, caught.value.position) == ("CHECKPOINT_MALFORMED", position)


def test_checkpoint_values_are_checked():
    for args in (
        ("", 1, bytes(32)),
        ("o", -1, bytes(32)),
        ("o", 1, bytes(31)),
        ("o", True, bytes(32)),
        ("o", 2**64, bytes(32)),
        ("a\nb", 1, bytes(32)),
    ):
        with pytest.raises(MalformedInput):
            Checkpoint(*args)  # type: ignore[arg-type]
    assert Checkpoint("o", 2**64 - 1, bytes(32)).text().split("\n")[1] == "18446744073709551615"


# --- junk -----------------------------------------------------------------------------------

_NOTE_ALPHABET = "ab +/=\n\u2014\x00\r" + "ABCDEFGHIJ0123456789"


def _error(parse, data):
    """The MalformedInput ``parse(data)`` raises, or None; any other exception escapes."""
    try:
        parse(data)
    except MalformedInput as exc:
        return exc
    return None


@given(st.text(alphabet=_NOTE_ALPHABET, max_size=80) | st.binary(max_size=80))
def test_note_parsing_junk_raises_only_malformed_input(data):
    error = _error(Note.parse, data)
    assert error is None or error.code == "NOTE_MALFORMED"


@given(st.text(alphabet="o0123456789\nAB=+/-\r ", max_size=70))
def test_checkpoint_parsing_junk_raises_only_malformed_input(text):
    error = _error(Checkpoint.parse_text, text)
    assert error is None or error.code == "CHECKPOINT_MALFORMED"


@given(st.text(max_size=80))
def test_vkey_parsing_junk_raises_only_malformed_input(text):
    error = _error(NoteVerifier.from_vkey, text)
    assert error is None or error.code == "NOTE_KEY_INVALID"
