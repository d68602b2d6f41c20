"""SQLite storage of the loopback EPCIS server: events as JSON-LD objects, queries, subscriptions.

One connection (WAL journal) guarded by a lock serves every handler thread; parsed events
are cached by sequence number, since stored events never change.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["EventStore", "StoredEvent"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    record_time TEXT NOT NULL,
    context TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS queries (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY,
    query_name TEXT NOT NULL,
    body TEXT NOT NULL
);
"""

StoredEvent = tuple[int, dict[str, Any], dict[str, str]]
"""``(sequence number, event object, prefixes of its document's @context)``."""


class EventStore:
    """Events, named queries and subscriptions in one SQLite file.

    Args:
        path: The database file (created if missing).
        durable: ``synchronous=NORMAL`` (survives a crash of the machine) instead of ``OFF``
            (survives a crash of the process only, and skips the fsyncs a test does not need).

    Examples:
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     store = EventStore(pathlib.Path(tmp) / "epcis.sqlite")
        ...     added = store.add([({"eventID": "urn:uuid:1", "type": "ObjectEvent"}, {})],
        ...                       record_time="2024-07-15T00:00:00.000Z")
        ...     [event["eventID"] for _, event, _ in store.scan()]
        ...     store.close()
        ['urn:uuid:1']
    """

    def __init__(self, path: str | Path, *, durable: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute(f"PRAGMA synchronous={'NORMAL' if durable else 'OFF'}")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(f"BEGIN;{_SCHEMA}COMMIT;")
        self._cache: dict[int, StoredEvent] = {}

    def close(self) -> None:
        """Close the database connection.

        Examples:
            >>> import tempfile, pathlib
            >>> with tempfile.TemporaryDirectory() as tmp:
            ...     EventStore(pathlib.Path(tmp) / "e.sqlite").close()
        """
        with self._lock:
            self._db.close()

    @property
    def journal_mode(self) -> str:
        """The SQLite journal mode (``wal``)."""
        with self._lock:
            row = self._db.execute("PRAGMA journal_mode").fetchone()
        return str(row[0])

    # ---- events -----------------------------------------------------------------------------

    def add(
        self, events: Iterable[tuple[dict[str, Any], dict[str, str]]], *, record_time: str
    ) -> int:
        """Insert events (all or none); each needs an ``eventID``.

        Args:
            events: ``(event object, context prefixes)`` pairs; ``recordTime`` is set on each.
            record_time: The record time to store.

        Returns:
            How many were inserted.

        Raises:
            sqlite3.IntegrityError: A duplicate ``eventID`` (nothing is inserted then).
        """
        rows = []
        for event, prefixes in events:
            event["recordTime"] = record_time
            rows.append(
                (
                    str(event["eventID"]),
                    str(event.get("type", "")),
                    record_time,
                    json.dumps(prefixes, ensure_ascii=False),
                    json.dumps(event, ensure_ascii=False),
                )
            )
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT INTO events (event_id, type, record_time, context, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
            except sqlite3.Error:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return len(rows)

    def has_event(self, event_id: str) -> bool:
        """Whether an event with this ID is stored.

        Args:
            event_id: The event ID.

        Returns:
            ``True`` or ``False``.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM events WHERE event_id = ?", (event_id,)
            ).fetchone()
        return row is not None

    def count(self) -> int:
        """How many events are stored.

        Returns:
            The count.
        """
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM events").fetchone()
        return int(row[0])

    def _decode(self, seq: int, context: str, body: str) -> StoredEvent:
        cached = self._cache.get(seq)
        if cached is None:
            cached = (seq, json.loads(body), json.loads(context))
            self._cache[seq] = cached
        return cached

    def scan(self, *, after: int = 0, batch: int = 500) -> Iterator[StoredEvent]:
        """Stored events in capture order, from sequence number ``after`` (exclusive).

        Args:
            after: Last sequence number already seen.
            batch: Rows fetched per SQL query.

        Yields:
            ``(seq, event, prefixes)``; treat the objects as read-only.
        """
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT seq, context, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                    (after, batch),
                ).fetchall()
                decoded = [self._decode(seq, ctx, body) for seq, ctx, body in rows]
            yield from decoded
            if len(rows) < batch:
                return
            after = rows[-1][0]

    def get_event(self, event_id: str) -> StoredEvent | None:
        """One event by ID.

        Args:
            event_id: The event ID.

        Returns:
            The stored event or ``None``.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT seq, context, body FROM events WHERE event_id = ?", (event_id,)
            ).fetchone()
            return None if row is None else self._decode(*row)

    # ---- named queries and subscriptions ------------------------------------------------------

    def put_query(self, name: str, body: dict[str, Any]) -> bool:
        """Store a named query.

        Args:
            name: The name.
            body: ``{name, query}``.

        Returns:
            ``False`` when the name exists already.
        """
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO queries (name, body) VALUES (?, ?)", (name, json.dumps(body))
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def get_query(self, name: str) -> dict[str, Any] | None:
        """A named query.

        Args:
            name: The name.

        Returns:
            ``{name, query}`` or ``None``.
        """
        with self._lock:
            row = self._db.execute("SELECT body FROM queries WHERE name = ?", (name,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def list_queries(self) -> list[dict[str, Any]]:
        """Every named query, by name.

        Returns:
            The bodies.
        """
        with self._lock:
            rows = self._db.execute("SELECT body FROM queries ORDER BY name").fetchall()
        return [dict(json.loads(r[0])) for r in rows]

    def delete_query(self, name: str) -> bool:
        """Delete a named query and its subscriptions.

        Args:
            name: The name.

        Returns:
            ``False`` when there was none.
        """
        with self._lock:
            cur = self._db.execute("DELETE FROM queries WHERE name = ?", (name,))
            self._db.execute("DELETE FROM subscriptions WHERE query_name = ?", (name,))
        return cur.rowcount > 0

    def put_subscription(self, sub_id: str, query_name: str, body: dict[str, Any]) -> None:
        """Store (or replace) a subscription.

        Args:
            sub_id: The subscription ID.
            query_name: Its query.
            body: The subscription state (secret included).
        """
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO subscriptions (id, query_name, body) VALUES (?, ?, ?)",
                (sub_id, query_name, json.dumps(body)),
            )

    def subscriptions(self, query_name: str | None = None) -> list[dict[str, Any]]:
        """Subscriptions, of one query or all.

        Args:
            query_name: The query, or ``None`` for all.

        Returns:
            The stored bodies, in creation order.
        """
        with self._lock:
            if query_name is None:
                rows = self._db.execute("SELECT body FROM subscriptions ORDER BY rowid").fetchall()
            else:
                rows = self._db.execute(
                    "SELECT body FROM subscriptions WHERE query_name = ? ORDER BY rowid",
                    (query_name,),
                ).fetchall()
        return [dict(json.loads(r[0])) for r in rows]

    def delete_subscription(self, query_name: str, sub_id: str) -> bool:
        """Delete a subscription.

        Args:
            query_name: Its query.
            sub_id: The subscription ID.

        Returns:
            ``False`` when there was none.
        """
        with self._lock:
            cur = self._db.execute(
                "DELETE FROM subscriptions WHERE id = ? AND query_name = ?", (sub_id, query_name)
            )
        return cur.rowcount > 0
