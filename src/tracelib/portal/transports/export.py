"""The ``export`` transport: a deterministic, re-importable bundle of files.

For manual upload through the portal's web forms, or for handing data to a regulator within
24 hours (FSMA 204's sortable spreadsheet). After every :meth:`ExportTransport.send` the
directory is a complete bundle::

    manifest.json            format, version, profile, counts, SHA-256 and size of every file
    epcis/events.jsonld      one EPCISDocument, events sorted by eventTime then eventID
    fsma204.csv              one row per KDE set, sorted (see below), UTF-8, "\\n" line ends
    master/<type>.jsonl      canonical JSON of each organisation/product/location/... record,
                             one per line, sorted by internal id
    media/<sha256>.<ext>     media files whose bytes were given (not only a URL)

Same records in, same bytes out, whatever the batch sizes or the order of the calls: the
bundle holds no timestamps. :meth:`ExportTransport.read` checks every hash of the manifest
and returns a :class:`~tracelib.portal.models.Dataset`. Writing is the only I/O (files are
written to a temporary name and renamed; the manifest last). A new transport on an existing
bundle continues it.

Examples:
    >>> import tempfile, json
    >>> from tracelib.portal.drivers import CallableChannel, run_sync
    >>> out = tempfile.mkdtemp()
    >>> transport = ExportTransport(out)
    >>> event = {"type": "ObjectEvent", "eventID": "urn:uuid:1", "action": "OBSERVE",
    ...          "eventTime": "2025-01-15T10:00:00+07:00", "eventTimeZoneOffset": "+07:00"}
    >>> item = Item("event", "urn:uuid:1", json.dumps(event).encode())
    >>> flow = transport.send("event", [item])
    >>> [o.state for o in run_sync(flow, CallableChannel(lambda r: None))]
    ['CONFIRMED']
    >>> sorted(ExportTransport.verify(out))
    ['epcis/events.jsonld', 'fsma204.csv']
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import PortalError
from ..transport import DEPENDENCY_ORDER, EntityType, Flow, Item, Outcome
from ._epcis_doc import EPCIS_CONTEXT
from ._export_csv import csv_bytes, rows_for

__all__ = ["EXPORT_FORMAT", "ExportTransport"]

EXPORT_FORMAT = "tracelib.portal.export"
"""The ``format`` member of ``manifest.json``."""

_VERSION = 1
_EXT = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "image/gif": "gif",
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _corrupt(message: str) -> PortalError:
    return PortalError(message, code="PORTAL_EXPORT_CORRUPT", target="export")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class ExportTransport:
    """Write records to a bundle directory (see the module docs for the layout).

    Args:
        out_dir: The bundle directory (created if needed; an existing bundle is continued).
        profile: The profile name recorded in the manifest (the spreadsheet is FSMA 204's).
        max_batch: Items per :meth:`send` call the outbox should use.
        name: The target name stored in outbox rows.

    Raises:
        PortalError: ``PORTAL_EXPORT_CORRUPT`` when an existing bundle fails its hashes.

    Examples:
        >>> import tempfile
        >>> ExportTransport(tempfile.mkdtemp()).name
        'export'
    """

    name: str
    max_batch: int

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        *,
        profile: str = "fsma204",
        max_batch: int = 5000,
        name: str = "export",
    ) -> None:
        self.out_dir = Path(out_dir)
        self.profile = profile
        self.max_batch = max_batch
        self.name = name
        self._events: dict[str, tuple[str, bytes, bytes, list[dict[str, str]]]] = {}
        self._records: dict[str, dict[str, bytes]] = {}
        self._media_files: dict[str, bytes] = {}
        if (self.out_dir / "manifest.json").exists():
            self._reload()

    def __repr__(self) -> str:
        return f"ExportTransport({os.fspath(self.out_dir)!r})"

    # ---- state -------------------------------------------------------------------------

    def _reload(self) -> None:
        self.verify(self.out_dir)
        doc_path = self.out_dir / "epcis" / "events.jsonld"
        if doc_path.exists():
            doc = json.loads(doc_path.read_bytes())
            shared = doc.get("@context", EPCIS_CONTEXT)
            for event in doc.get("epcisBody", {}).get("eventList", []):
                if isinstance(event, dict):
                    event.setdefault("@context", shared)
                    self._add_event(str(event.get("eventID")), _compact(event))
        for entity in DEPENDENCY_ORDER:
            path = self.out_dir / "master" / f"{entity}.jsonl"
            if path.exists():
                from ..models import load

                for line in path.read_bytes().splitlines():
                    if line.strip():
                        self._add_record(entity, load(entity, line).internal_id(), line)

    def _add_event(self, event_id: str, body: bytes) -> str | None:
        try:
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return "PORTAL_BAD_ITEM: the body is not JSON"
        if not isinstance(event, dict):
            return "PORTAL_BAD_ITEM: the body is not one JSON object"
        if event.get("eventID") is None:
            event["eventID"] = event_id
        elif event["eventID"] != event_id:
            return f"PORTAL_BAD_ITEM: eventID {event['eventID']!r} is not the item id"
        context = _compact(event.pop("@context", EPCIS_CONTEXT))
        piece = _compact(event)
        self._events[event_id] = (_utc(event.get("eventTime")), context, piece, rows_for(event))
        return None

    def _add_record(self, entity: str, record_id: str, body: bytes) -> str | None:
        try:
            record = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return "PORTAL_BAD_ITEM: the body is not JSON"
        if not isinstance(record, dict):
            return "PORTAL_BAD_ITEM: the body is not one JSON object"
        line = body.strip()
        if b"\n" in line:
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        self._records.setdefault(entity, {})[record_id] = line
        if entity == "media":
            content = record.get("content")
            if isinstance(content, str) and content:
                try:
                    data = base64.b64decode(content, validate=True)
                except (binascii.Error, ValueError):
                    return "PORTAL_BAD_ITEM: media content is not base64"
                ext = _EXT.get(str(record.get("media_type") or ""), "bin")
                self._media_files[f"media/{_sha256(data)}.{ext}"] = data
        return None

    # ---- writing -----------------------------------------------------------------------

    def _files(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        if self._events:
            ordered = sorted(self._events.items(), key=lambda kv: (kv[1][0], kv[0]))
            contexts = {context for _, (_, context, _, _) in ordered}
            shared = contexts.pop() if len(contexts) == 1 else _compact(EPCIS_CONTEXT)
            pieces = [
                piece if context == shared else _with_context(context, piece)
                for _, (_, context, piece, _) in ordered
            ]
            head = (
                b'{"@context":' + shared + b',"type":"EPCISDocument","schemaVersion":"2.0",'
                b'"creationDate":"' + _latest(ordered).encode() + b'","epcisBody":{"eventList":['
            )
            files["epcis/events.jsonld"] = head + b",".join(pieces) + b"]}}\n"
            files["fsma204.csv"] = csv_bytes(row for _, (_, _, _, rows) in ordered for row in rows)
        for entity, records in sorted(self._records.items()):
            if records:
                lines = [records[k] for k in sorted(records)]
                files[f"master/{entity}.jsonl"] = b"\n".join(lines) + b"\n"
        files.update(self._media_files)
        return files

    def _flush(self) -> None:
        files = self._files()
        for rel, data in files.items():
            path = self.out_dir / rel
            if not path.exists() or path.read_bytes() != data:
                _write(path, data)
        counts = {"event": len(self._events)}
        counts.update({k: len(v) for k, v in self._records.items()})
        manifest = {
            "format": EXPORT_FORMAT,
            "version": _VERSION,
            "profile": self.profile,
            "counts": dict(sorted(counts.items())),
            "files": {
                rel: {"sha256": _sha256(data), "bytes": len(data)}
                for rel, data in sorted(files.items())
            },
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        _write(self.out_dir / "manifest.json", text.encode("utf-8"))

    # ---- Transport --------------------------------------------------------------------

    def send(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[list[Outcome]]:
        """Add records to the bundle and rewrite it (a flow that sends no request).

        Args:
            entity_type: Any entity type.
            items: The items (events: one event's JSON-LD; others: canonical JSON).

        Returns:
            ``CONFIRMED`` per item (``remote_id`` is the file it went to), or ``FAILED`` for
            a body that is not one JSON object.

        Raises:
            PortalError: ``PORTAL_EXPORT_WRITE`` when the files cannot be written.

        Examples:
            >>> import tempfile
            >>> t = ExportTransport(tempfile.mkdtemp())
            >>> flow = t.send("product", [Item("product", "p1", b"[]")])
            >>> try:
            ...     next(flow)
            ... except StopIteration as done:
            ...     print(done.value[0].state, done.value[0].error)
            FAILED PORTAL_BAD_ITEM: the body is not one JSON object
        """
        outcomes: list[Outcome] = []
        for item in items:
            if entity_type == "event":
                error = self._add_event(item.id, item.body)
                where = "epcis/events.jsonld"
            else:
                error = self._add_record(entity_type, item.id, item.body)
                where = f"master/{entity_type}.jsonl"
            if error is None:
                outcomes.append(Outcome(item.id, "CONFIRMED", remote_id=where))
            else:
                outcomes.append(Outcome(item.id, "FAILED", error=error))
        try:
            self._flush()
        except OSError as exc:
            raise PortalError(
                f"cannot write the export bundle: {exc.strerror or type(exc).__name__}",
                code="PORTAL_EXPORT_WRITE",
                target=self.name,
            ) from None
        yield from ()
        return outcomes

    def confirm(self, entity_type: EntityType, outcomes: Sequence[Outcome]) -> Flow[list[Outcome]]:
        """Nothing to confirm: every sent record is written.

        Args:
            entity_type: The entity type.
            outcomes: The outcomes.

        Returns:
            The outcomes unchanged.

        Examples:
            >>> import tempfile
            >>> flow = ExportTransport(tempfile.mkdtemp()).confirm("event", [])
            >>> next(flow, "done")
            'done'
        """
        yield from ()
        return list(outcomes)

    def lookup(self, entity_type: EntityType, items: Sequence[Item]) -> Flow[dict[str, Outcome]]:
        """Which items the bundle holds already.

        Args:
            entity_type: The entity type.
            items: The items.

        Returns:
            ``{id: CONFIRMED}`` for the items present.

        Examples:
            >>> import tempfile
            >>> items = [Item("event", "e", b"{}")]
            >>> next(ExportTransport(tempfile.mkdtemp()).lookup("event", items), "none")
            'none'
        """
        yield from ()
        if entity_type == "event":
            present = set(self._events)
            where = "epcis/events.jsonld"
        else:
            present = set(self._records.get(entity_type, {}))
            where = f"master/{entity_type}.jsonl"
        return {
            item.id: Outcome(item.id, "CONFIRMED", remote_id=where)
            for item in items
            if item.id in present
        }

    # ---- reading -----------------------------------------------------------------------

    @staticmethod
    def verify(out_dir: str | os.PathLike[str]) -> dict[str, str]:
        """Check every file of a bundle against its manifest.

        Args:
            out_dir: The bundle directory.

        Returns:
            ``{relative path: sha256}`` of the files listed.

        Raises:
            PortalError: ``PORTAL_EXPORT_CORRUPT`` for a missing or unreadable manifest, a
                missing file or a hash mismatch.

        Examples:
            >>> import tempfile
            >>> ExportTransport.verify(tempfile.mkdtemp())
            Traceback (most recent call last):
            ...
            tracelib.portal.errors.PortalError: no readable manifest.json in the bundle
        """
        root = Path(out_dir)
        try:
            manifest = json.loads((root / "manifest.json").read_bytes())
        except (OSError, ValueError, UnicodeDecodeError):
            raise _corrupt("no readable manifest.json in the bundle") from None
        if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
            raise _corrupt("manifest.json is not a tracelib export manifest")
        files = manifest.get("files")
        if not isinstance(files, dict):
            raise _corrupt("manifest.json lists no files")
        out: dict[str, str] = {}
        for rel, entry in files.items():
            expected = entry.get("sha256") if isinstance(entry, dict) else None
            path = root / str(rel)
            if ".." in Path(str(rel)).parts or not isinstance(expected, str):
                raise _corrupt(f"manifest entry {rel!r} is not usable")
            try:
                data = path.read_bytes()
            except OSError:
                raise _corrupt(f"{rel} is listed in the manifest but missing") from None
            if _sha256(data) != expected:
                raise _corrupt(f"{rel} does not match its SHA-256 in the manifest")
            out[str(rel)] = expected
        return out

    @staticmethod
    def read(out_dir: str | os.PathLike[str]) -> Any:
        """Re-import a bundle as a :class:`~tracelib.portal.models.Dataset` (hashes checked).

        Args:
            out_dir: The bundle directory.

        Returns:
            The dataset: master records from ``master/``, events (as trace events) from
            ``epcis/events.jsonld``.

        Raises:
            PortalError: ``PORTAL_EXPORT_CORRUPT`` (see :meth:`verify`).
            InputError: A record the models refuse (with its JSON path).

        Examples:
            >>> import tempfile
            >>> out = tempfile.mkdtemp()
            >>> _ = list(ExportTransport(out).send("event", []))
            >>> ExportTransport.read(out).events
            ()
        """
        from ...epcis import event_from_dict
        from ..models import Dataset, TraceEvent, load

        ExportTransport.verify(out_dir)
        root = Path(out_dir)
        fields: dict[str, list[Any]] = {}
        plural: dict[EntityType, str] = {
            "organization": "organizations",
            "product": "products",
            "location": "locations",
            "chain": "chains",
            "media": "media",
            "certificate": "certificates",
        }
        for entity, member in plural.items():
            path = root / "master" / f"{entity}.jsonl"
            if path.exists():
                fields[member] = [
                    load(entity, line) for line in path.read_bytes().splitlines() if line.strip()
                ]
        doc_path = root / "epcis" / "events.jsonld"
        if doc_path.exists():
            doc = json.loads(doc_path.read_bytes())
            shared = doc.get("@context", EPCIS_CONTEXT)
            events = doc.get("epcisBody", {}).get("eventList", [])
            fields["events"] = [
                TraceEvent.from_epcis(event_from_dict({"@context": shared, **e})) for e in events
            ]
        return Dataset.model_validate(fields)


def _utc(value: Any) -> str:
    """An event time as UTC text for sorting (the text itself when it does not parse)."""
    if not isinstance(value, str):
        return ""
    text = value.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return value
    if when.tzinfo is None:
        return value
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _with_context(context: bytes, piece: bytes) -> bytes:
    rest = piece[1:]
    return b'{"@context":' + context + (rest if rest == b"}" else b"," + rest)


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _latest(ordered: Sequence[tuple[str, tuple[str, bytes, bytes, Any]]]) -> str:
    """``creationDate``: the latest event time, UTC (deterministic, no wall clock)."""
    times = [t for _, (t, _, _, _) in ordered if t.endswith("Z")]
    return max(times) if times else "1970-01-01T00:00:00Z"
