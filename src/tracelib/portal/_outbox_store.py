"""The SQLite store of the outbox: rows, their states, and the mapping of remote ids.

Every write is one transaction committed with ``synchronous=FULL`` in WAL mode, so a write
that returned survives ``kill -9`` and a power cut; a transaction torn by a crash is rolled
back by SQLite when the file is opened again. :class:`Outbox` is the public face (see
:mod:`tracelib.portal.outbox`); the submitter drives its transitions.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from ._outbox_claim import _Transitions
from ._outbox_rows import (
    _COLUMNS,
    _SCHEMA,
    _SCHEMA_VERSION,
    STATES,
    MappingEntry,
    Row,
    State,
    _bad,
    _check_target,
    _check_type,
    _filters,
    _item_params,
    _row,
)
from .transport import Item

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["MappingStore", "Outbox"]


class MappingStore:
    """The mapping ``(target, entity_type, internal_id) → portal_id`` (+ natural key).

    It makes upserts idempotent against targets without idempotency keys: a record already
    mapped is not created again. Use it through :attr:`Outbox.mapping`.

    Examples:
        >>> with Outbox(":memory:") as box:
        ...     box.mapping.put("nbc-v5", "product", "u1", "p-77", natural_key="08930000000019")
        ...     box.mapping.get("nbc-v5", "product", "u1")
        'p-77'
    """

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def get(self, target: str, entity_type: str, internal_id: str) -> str | None:
        """The target's id for a record, or ``None`` when unmapped (or mapped without one).

        Args:
            target: The target name.
            entity_type: The entity type.
            internal_id: tracelib's id.

        Returns:
            The portal id or ``None``.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     box.mapping.get("emulator", "product", "nope") is None
            True
        """
        entry = self.entry(target, entity_type, internal_id)
        return entry.portal_id if entry is not None else None

    def entry(self, target: str, entity_type: str, internal_id: str) -> MappingEntry | None:
        """The whole mapping entry for a record, or ``None``.

        Args:
            target: The target name.
            entity_type: The entity type.
            internal_id: tracelib's id.

        Returns:
            The entry or ``None``.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     box.mapping.put("emulator", "location", "l1", None, natural_key="8930000000017")
            ...     box.mapping.entry("emulator", "location", "l1").natural_key
            '8930000000017'
        """
        row = self._outbox._query_one(
            "SELECT portal_id, natural_key FROM mapping "
            "WHERE target = ? AND entity_type = ? AND internal_id = ?",
            (target, entity_type, internal_id),
        )
        if row is None:
            return None
        return MappingEntry(target, entity_type, internal_id, row[0], row[1])

    def find(self, target: str, entity_type: str, natural_key: str) -> MappingEntry | None:
        """The most recent entry with a natural key (GTIN, GLN...), or ``None``.

        Args:
            target: The target name.
            entity_type: The entity type.
            natural_key: The key.

        Returns:
            The entry or ``None``.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     box.mapping.put("emulator", "product", "u1", "9", natural_key="08930000000019")
            ...     box.mapping.find("emulator", "product", "08930000000019").internal_id
            'u1'
        """
        row = self._outbox._query_one(
            "SELECT internal_id, portal_id FROM mapping "
            "WHERE target = ? AND entity_type = ? AND natural_key = ? "
            "ORDER BY updated_at DESC LIMIT 1",
            (target, entity_type, natural_key),
        )
        if row is None:
            return None
        return MappingEntry(target, entity_type, row[0], row[1], natural_key)

    def put(
        self,
        target: str,
        entity_type: str,
        internal_id: str,
        portal_id: str | None,
        *,
        natural_key: str | None = None,
    ) -> None:
        """Record (or replace) a mapping; one committed transaction.

        Args:
            target: The target name.
            entity_type: The entity type.
            internal_id: tracelib's id.
            portal_id: The target's id, or ``None``.
            natural_key: GTIN, GLN, tax code... if any.

        Raises:
            InputError: ``PORTAL_OUTBOX_BAD_TARGET``/``PORTAL_OUTBOX_BAD_ENTITY``.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     box.mapping.put("emulator", "product", "u1", "1")
            ...     box.mapping.put("emulator", "product", "u1", "2")
            ...     box.mapping.get("emulator", "product", "u1")
            '2'
        """
        _check_target(target)
        _check_type(entity_type)
        with self._outbox._transaction() as db:
            self._outbox._put_mapping(db, target, entity_type, internal_id, portal_id, natural_key)


class Outbox(_Transitions):
    """A durable outbox in one SQLite file (WAL, ``synchronous=FULL``).

    Rows are enqueued before anything is sent; enqueueing is idempotent on
    ``(target, entity_type, id)``. States: ``PENDING → SENT → CREATED → CONFIRMED``, with
    ``RETRYING`` (transient failure, next attempt scheduled) and ``FAILED`` (permanent,
    needs a human). Each transition of a batch is one transaction.

    Args:
        path: The SQLite file (``":memory:"`` for a throw-away outbox).
        clock: The clock (epoch seconds) for timestamps and backoff.

    Raises:
        InputError: ``PORTAL_OUTBOX_BAD_PATH`` when the file cannot be opened as an outbox.

    Examples:
        >>> with Outbox(":memory:") as box:
        ...     box.enqueue([Item("product", "p1", b'{"gtin": "08930000000019"}')], "emulator")
        ...     box.enqueue([Item("product", "p1", b'{"gtin": "08930000000019"}')], "emulator")
        ...     box.stats()["PENDING"]
        1
        0
        1
    """

    def __init__(
        self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = str(path) if not isinstance(path, str) else path
        self.clock = clock
        self._lock = threading.RLock()
        self._confirmed_deps: set[tuple[str, str, str]] = set()
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except sqlite3.Error as exc:
            raise _bad(
                f"cannot open the outbox {self.path}: {exc}", "PORTAL_OUTBOX_BAD_PATH"
            ) from exc
        try:
            self._setup()
        except sqlite3.Error as exc:
            self._db.close()
            raise _bad(
                f"{self.path} is not a usable outbox: {exc}", "PORTAL_OUTBOX_BAD_PATH"
            ) from exc
        self.mapping = MappingStore(self)

    def _setup(self) -> None:
        db = self._db
        if self.path != ":memory:":
            db.execute("PRAGMA journal_mode=WAL").fetchone()
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (_SCHEMA_VERSION,))
            elif row[0] != _SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"outbox schema {row[0]}, expected {_SCHEMA_VERSION}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # ---- plumbing -----------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Outbox({self.path!r})"

    def close(self) -> None:
        """Close the database (a checkpoint folds the WAL into the file).

        Examples:
            >>> Outbox(":memory:").close()
        """
        with self._lock:
            self._db.close()

    @property
    def journal_mode(self) -> str:
        """The SQLite journal mode (``wal`` for a file, ``memory`` for ``":memory:"``)."""
        row = self._query_one("PRAGMA journal_mode", ())
        return str(row[0]) if row else ""

    # ---- enqueue and read ---------------------------------------------------------------------

    def enqueue(self, items: Iterable[Item], target: str) -> int:
        """Record items to send to a target: one committed transaction, before any request.

        Idempotent on ``(target, entity_type, id)``: an item already in the outbox (in any
        state) is not added again.

        Args:
            items: The items (any iterable; streamed).
            target: The transport name.

        Returns:
            How many rows were added.

        Raises:
            InputError: ``PORTAL_OUTBOX_BAD_ITEM`` (``position`` = the item's index) for
                something that is not a valid :class:`Item`, ``PORTAL_OUTBOX_BAD_DEPENDENCY``
                for a dependency of a later rank (it could never be met); nothing is added.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     box.enqueue([Item("event", "e1", b"{}", lane="lot-1"),
            ...                  Item("event", "e2", b"{}", lane="lot-1")], "epcis")
            2
        """
        _check_target(target)
        now = self.clock()

        def params() -> Iterator[tuple[Any, ...]]:
            for index, item in enumerate(items):
                yield _item_params(item, index, target, now)

        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO rows (target, entity_type, id, rank, lane, body, "
                "depends_on, state, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)",
                params(),
            )
            return db.total_changes - before

    def get(self, target: str, entity_type: str, item_id: str) -> Row | None:
        """One row, or ``None``.

        Args:
            target: The target name.
            entity_type: The entity type.
            item_id: The internal id.

        Returns:
            The row or ``None``.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b"{}")], "emulator")
            ...     box.get("emulator", "product", "p1").state
            'PENDING'
        """
        row = self._query_one(
            f"SELECT {_COLUMNS} FROM rows WHERE target = ? AND entity_type = ? AND id = ?",  # noqa: S608
            (target, entity_type, item_id),
        )
        return _row(row) if row is not None else None

    def rows(
        self,
        state: State | Iterable[State] | None = None,
        *,
        target: str | None = None,
        entity_type: str | None = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Rows in enqueue order, filtered by state, target and entity type.

        Args:
            state: One state, several, or ``None`` for all.
            target: Only this target.
            entity_type: Only this entity type.
            limit: At most this many.

        Returns:
            The rows.

        Raises:
            InputError: ``PORTAL_OUTBOX_BAD_STATE`` for an unknown state.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b"{}")], "emulator")
            ...     [r.id for r in box.rows("PENDING")], box.rows("FAILED")
            (['p1'], [])
        """
        return list(self.iter_rows(state, target=target, entity_type=entity_type, limit=limit))

    def iter_rows(
        self,
        state: State | Iterable[State] | None = None,
        *,
        target: str | None = None,
        entity_type: str | None = None,
        limit: int | None = None,
        page: int = 1000,
    ) -> Iterator[Row]:
        """Like :meth:`rows`, but streamed in pages (memory stays flat on big outboxes).

        Args:
            state: One state, several, or ``None`` for all.
            target: Only this target.
            entity_type: Only this entity type.
            limit: At most this many.
            page: Rows read per query.

        Yields:
            The rows in enqueue order.

        Raises:
            InputError: ``PORTAL_OUTBOX_BAD_STATE`` for an unknown state.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("event", f"e{i}", b"{}") for i in range(5)], "epcis")
            ...     [r.id for r in box.iter_rows(page=2)]
            ['e0', 'e1', 'e2', 'e3', 'e4']
        """
        where, params = _filters(state, target, entity_type)
        after, left = 0, limit
        while left is None or left > 0:
            size = page if left is None else min(page, left)
            with self._lock:
                found = self._db.execute(
                    f"SELECT {_COLUMNS} FROM rows WHERE seq > ?{where} ORDER BY seq LIMIT ?",  # noqa: S608
                    (after, *params, size),
                ).fetchall()
            if not found:
                return
            for raw in found:
                yield _row(raw)
            after = found[-1][0]
            if left is not None:
                left -= len(found)

    def stats(self, target: str | None = None) -> dict[State, int]:
        """How many rows are in each state.

        Args:
            target: Only this target (all when ``None``).

        Returns:
            ``{state: count}`` with every state present.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     box.stats()["CONFIRMED"]
            0
        """
        sql = "SELECT state, COUNT(*) FROM rows"
        params: tuple[Any, ...] = ()
        if target is not None:
            sql += " WHERE target = ?"
            params = (target,)
        with self._lock:
            found = self._db.execute(sql + " GROUP BY state", params).fetchall()
        out: dict[State, int] = dict.fromkeys(STATES, 0)
        for state, count in found:
            out[cast("State", state)] = int(count)
        return out

    def targets(self) -> list[str]:
        """The targets that have rows.

        Returns:
            The names, sorted.

        Examples:
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b"{}")], "emulator")
            ...     box.targets()
            ['emulator']
        """
        with self._lock:
            found = self._db.execute("SELECT DISTINCT target FROM rows ORDER BY target").fetchall()
        return [str(r[0]) for r in found]

    # ---- transitions (each one transaction) -------------------------------------------------
