"""SQLite storage of the portal emulator's ``nbc-v5`` face: one table of records.

Each record is one portal object (organisation, product, location, order, chain, event,
media, certificate) stored as the JSON body the emulator serves, with the columns a lookup
needs: the natural key (GTIN, GLN, tax code, trace code...) and the client reference. The
EPCIS face keeps its events in the same file (``tracelib.epcis.testing.EventStore``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

__all__ = ["ENTITIES", "Entity", "Record", "RecordStore"]

Entity = Literal[
    "organization", "product", "location", "order", "chain", "event", "media", "certificate"
]
"""The kinds of record the emulator's portal face keeps."""

ENTITIES: tuple[Entity, ...] = (
    "organization",
    "product",
    "location",
    "order",
    "chain",
    "event",
    "media",
    "certificate",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS portal_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    id TEXT NOT NULL,
    natural_key TEXT,
    client_ref TEXT,
    parent TEXT,
    status TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    UNIQUE (entity, id)
);
CREATE INDEX IF NOT EXISTS portal_records_key ON portal_records (entity, natural_key);
CREATE INDEX IF NOT EXISTS portal_records_ref ON portal_records (entity, client_ref);
CREATE INDEX IF NOT EXISTS portal_records_parent ON portal_records (entity, parent);
CREATE TABLE IF NOT EXISTS portal_files (
    name TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    content BLOB NOT NULL
);
"""


class Record:
    """One stored record: its id, keys, status and served body.

    Attributes:
        entity: The kind.
        id: The portal id.
        natural_key: GTIN, GLN, tax code, trace code... (``None`` when it has none).
        client_ref: The client's own reference, for reconciliation.
        parent: The id of the record it belongs to (order of an event...).
        status: The status (``CREATED``, ``CONFIRMED``, ``1``...).
        body: The JSON body served (wire names).
    """

    __slots__ = ("body", "client_ref", "entity", "id", "natural_key", "parent", "status")

    def __init__(
        self,
        entity: str,
        id: str,
        natural_key: str | None,
        client_ref: str | None,
        parent: str | None,
        status: str,
        body: dict[str, Any],
    ) -> None:
        self.entity = entity
        self.id = id
        self.natural_key = natural_key
        self.client_ref = client_ref
        self.parent = parent
        self.status = status
        self.body = body

    def __repr__(self) -> str:
        return f"Record({self.entity}, {self.id!r}, status={self.status!r})"


class RecordStore:
    """The records table in an SQLite file (WAL), one connection shared by all threads.

    Args:
        path: The database file.
        durable: ``synchronous=FULL`` instead of ``OFF`` (a test only needs to survive its
            own process).
    """

    def __init__(self, path: str | Path, *, durable: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'OFF'}")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(f"BEGIN;{_SCHEMA}COMMIT;")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    @property
    def lock(self) -> threading.RLock:
        """The lock guarding the connection (hold it across a read-check-write)."""
        return self._lock

    @staticmethod
    def _row(row: Sequence[Any]) -> Record:
        entity, id_, key, ref, parent, status, body = row
        return Record(entity, id_, key, ref, parent, status, json.loads(body))

    _COLUMNS = "entity, id, natural_key, client_ref, parent, status, body"

    def insert(self, *records: Record) -> None:
        """Insert records in one transaction.

        Args:
            *records: The records.

        Raises:
            sqlite3.IntegrityError: An ``(entity, id)`` exists (nothing is inserted then).
        """
        rows = [
            (
                r.entity,
                r.id,
                r.natural_key,
                r.client_ref,
                r.parent,
                r.status,
                json.dumps(r.body, ensure_ascii=False),
            )
            for r in records
        ]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    f"INSERT INTO portal_records ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant columns
                    rows,
                )
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def update(self, record: Record) -> None:
        """Replace a record's keys, status and body.

        Args:
            record: The record (matched by entity and id).
        """
        with self._lock:
            self._db.execute(
                "UPDATE portal_records SET natural_key = ?, client_ref = ?, parent = ?, "
                "status = ?, body = ? WHERE entity = ? AND id = ?",
                (
                    record.natural_key,
                    record.client_ref,
                    record.parent,
                    record.status,
                    json.dumps(record.body, ensure_ascii=False),
                    record.entity,
                    record.id,
                ),
            )

    def delete(self, entity: str, id: str) -> bool:
        """Delete a record.

        Args:
            entity: The kind.
            id: The id.

        Returns:
            ``False`` when there was none.
        """
        with self._lock:
            cur = self._db.execute(
                "DELETE FROM portal_records WHERE entity = ? AND id = ?", (entity, id)
            )
        return cur.rowcount > 0

    def get(self, entity: str, id: str) -> Record | None:
        """A record by id.

        Args:
            entity: The kind.
            id: The id.

        Returns:
            The record or ``None``.
        """
        with self._lock:
            row = self._db.execute(
                f"SELECT {self._COLUMNS} FROM portal_records WHERE entity = ? AND id = ?",  # noqa: S608 - constant columns
                (entity, id),
            ).fetchone()
        return None if row is None else self._row(row)

    def find(
        self,
        entity: str,
        *,
        natural_key: str | None = None,
        client_ref: str | None = None,
        parent: str | None = None,
    ) -> list[Record]:
        """Records of one kind matching every given key, in insertion order.

        Args:
            entity: The kind.
            natural_key: Only this natural key.
            client_ref: Only this client reference.
            parent: Only children of this record.

        Returns:
            The records.
        """
        where, args = ["entity = ?"], [entity]
        for column, value in (
            ("natural_key", natural_key),
            ("client_ref", client_ref),
            ("parent", parent),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        with self._lock:
            rows = self._db.execute(
                f"SELECT {self._COLUMNS} FROM portal_records WHERE {' AND '.join(where)} "  # noqa: S608 - fixed column names
                "ORDER BY seq",
                args,
            ).fetchall()
        return [self._row(r) for r in rows]

    def scan(self, entity: str) -> Iterator[Record]:
        """Every record of one kind, in insertion order.

        Args:
            entity: The kind.

        Yields:
            The records.
        """
        yield from self.find(entity)

    def count(self, entity: str | None = None) -> int:
        """How many records (of one kind, or all).

        Args:
            entity: The kind, or ``None`` for all.

        Returns:
            The count.
        """
        with self._lock:
            if entity is None:
                row = self._db.execute("SELECT COUNT(*) FROM portal_records").fetchone()
            else:
                row = self._db.execute(
                    "SELECT COUNT(*) FROM portal_records WHERE entity = ?", (entity,)
                ).fetchone()
        return int(row[0])

    # ---- files served for image fetches ---------------------------------------------------

    def put_file(self, name: str, content: bytes, media_type: str) -> None:
        """Store (or replace) a file.

        Args:
            name: The file name.
            content: The bytes.
            media_type: Its media type.
        """
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO portal_files (name, media_type, content) VALUES (?, ?, ?)",
                (name, media_type, content),
            )

    def get_file(self, name: str) -> tuple[bytes, str] | None:
        """A stored file.

        Args:
            name: The file name.

        Returns:
            ``(content, media type)`` or ``None``.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT content, media_type FROM portal_files WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else (bytes(row[0]), str(row[1]))
