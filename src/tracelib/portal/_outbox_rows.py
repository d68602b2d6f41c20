"""Values of the outbox (rows, states, claims, mapping entries) and its SQLite plumbing."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, cast

from ..errors import InputError
from .transport import DEPENDENCY_ORDER, EntityType, Item, Outcome

__all__ = [
    "OPEN_STATES",
    "STATES",
    "Claim",
    "MappingEntry",
    "Row",
    "State",
    "natural_key_of",
]

State = Literal["PENDING", "SENT", "CREATED", "CONFIRMED", "RETRYING", "FAILED"]
"""The state of an outbox row (design §6)."""

STATES: tuple[State, ...] = ("PENDING", "SENT", "CREATED", "CONFIRMED", "RETRYING", "FAILED")
"""Every state, in lifecycle order."""

OPEN_STATES: tuple[State, ...] = ("PENDING", "RETRYING", "SENT", "CREATED")
"""States that still need work (``CONFIRMED`` and ``FAILED`` are final)."""

_RANK = {name: i for i, name in enumerate(DEPENDENCY_ORDER)}
_SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    id TEXT NOT NULL,
    rank INTEGER NOT NULL,
    lane TEXT NOT NULL,
    body BLOB NOT NULL,
    depends_on TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0,
    uncertain INTEGER NOT NULL DEFAULT 0,
    remote_id TEXT,
    job TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (target, entity_type, id)
);
CREATE INDEX IF NOT EXISTS rows_open ON rows (target, rank, seq)
    WHERE state IN ('PENDING', 'RETRYING', 'SENT', 'CREATED');
CREATE INDEX IF NOT EXISTS rows_failed ON rows (target, rank, lane, seq) WHERE state = 'FAILED';
CREATE INDEX IF NOT EXISTS rows_busy ON rows (target, state, next_at)
    WHERE state IN ('SENT', 'CREATED');
DROP INDEX IF EXISTS rows_state;
CREATE TABLE IF NOT EXISTS mapping (
    target TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    internal_id TEXT NOT NULL,
    portal_id TEXT,
    natural_key TEXT,
    updated_at REAL NOT NULL,
    PRIMARY KEY (target, entity_type, internal_id)
);
CREATE INDEX IF NOT EXISTS mapping_natural ON mapping (target, entity_type, natural_key);
"""
_OPEN_SQL = "state IN ('PENDING', 'RETRYING', 'SENT', 'CREATED')"
_BUSY_SQL = "state IN ('SENT', 'CREATED')"
_COLUMNS = (
    "seq, target, entity_type, id, lane, body, depends_on, state, attempts, next_at, "
    "uncertain, remote_id, job, duplicate, error, updated_at"
)
_NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "organization": ("tax_code", "gln"),
    "product": ("gtin",),
    "location": ("location_trace_code", "gln"),
    "chain": ("trace_code", "production_order_ref", "chain_ref"),
    "certificate": ("number",),
    "media": ("sha256", "url"),
}


def natural_key_of(entity_type: str, body: bytes) -> str | None:
    """The natural key (GTIN, GLN, tax code, certificate number...) found in a record's JSON.

    Args:
        entity_type: The entity type.
        body: The canonical JSON bytes (English keys).

    Returns:
        The key, or ``None`` (events, or bodies without one, or bodies that are not JSON).

    Examples:
        >>> natural_key_of("product", b'{"gtin": "08930000000019", "name": "Cam"}')
        '08930000000019'
        >>> natural_key_of("event", b"{}") is None
        True
    """
    names = _NATURAL_KEYS.get(entity_type)
    if not names:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    for name in names:
        value = data.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


@dataclass(frozen=True, slots=True)
class Row:
    """One outbox row: an :class:`~tracelib.portal.transport.Item` and where it stands.

    Attributes:
        seq: The enqueue order (FIFO key).
        target: The transport name it is for.
        entity_type: The entity type.
        id: The internal id.
        body: The canonical JSON bytes.
        lane: The ordering lane (``""``: master data, no ordering).
        depends_on: ``(entity_type, id)`` pairs that must be ``CONFIRMED`` first.
        state: The state.
        attempts: Failed attempts so far.
        next_at: When it may be tried again (epoch seconds; ``RETRYING``/``CREATED`` rows).
        uncertain: The last attempt may have reached the target: look it up before resending.
        remote_id: The target's id, once known.
        job: The confirmation handle (capture job), for ``CREATED`` rows.
        duplicate: The target said it held the record already.
        error: The last error (``CODE: message``), for ``RETRYING``/``FAILED`` rows.
        updated_at: When the state last changed.

    Examples:
        >>> row = Row(1, "emulator", "product", "p1", b"{}", "", (), "PENDING")
        >>> row.item()
        Item(entity_type='product', id='p1', body=b'{}', lane='', depends_on=())
    """

    seq: int
    target: str
    entity_type: EntityType
    id: str
    body: bytes
    lane: str
    depends_on: tuple[tuple[EntityType, str], ...]
    state: State
    attempts: int = 0
    next_at: float = 0.0
    uncertain: bool = False
    remote_id: str | None = None
    job: str | None = None
    duplicate: bool = False
    error: str | None = None
    updated_at: float = 0.0

    def item(self) -> Item:
        """The row as the item a transport sends.

        Returns:
            The item.

        Examples:
            >>> Row(1, "t", "event", "e1", b"{}", "lot-1", (), "PENDING").item().lane
            'lot-1'
        """
        return Item(self.entity_type, self.id, self.body, self.lane, self.depends_on)

    def outcome(self) -> Outcome:
        """The row's last known outcome (for ``CREATED`` rows: what to confirm).

        Returns:
            The outcome.

        Examples:
            >>> Row(1, "t", "event", "e1", b"{}", "", (), "CREATED", job="j/1").outcome().job
            'j/1'
        """
        state: Literal["CREATED", "CONFIRMED", "FAILED"] = "CREATED"
        if self.state == "CONFIRMED" or self.state == "FAILED":
            state = self.state
        return Outcome(
            self.id,
            state,
            remote_id=self.remote_id,
            job=self.job,
            duplicate=self.duplicate,
            error=self.error,
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """What :meth:`Outbox.claim` handed out.

    Attributes:
        entity_type: The entity type of every row (one type per batch), or ``None``.
        rows: The rows, now ``SENT``, in send order.
        wake_at: The earliest time a row that is waiting (backoff) becomes due, or ``None``.
        held: Rows waiting for a dependency or for an earlier row of their lane.

    Examples:
        >>> Claim(None, ()).rows
        ()
    """

    entity_type: EntityType | None
    rows: tuple[Row, ...]
    wake_at: float | None = None
    held: int = 0


@dataclass(frozen=True, slots=True)
class MappingEntry:
    """One entry of the mapping store.

    Attributes:
        target: The target name.
        entity_type: The entity type.
        internal_id: tracelib's deterministic id.
        portal_id: The target's id (``None`` when the target has no ids of its own).
        natural_key: GTIN, GLN, tax code, lot... (``None`` when there is none).

    Examples:
        >>> MappingEntry("nbc-v5", "product", "u1", "123", "08930000000019").portal_id
        '123'
    """

    target: str
    entity_type: str
    internal_id: str
    portal_id: str | None
    natural_key: str | None = None


def _bad(message: str, code: str, *, position: int = 0) -> InputError:
    return InputError(message, code=code, position=position)


def _check_target(target: object) -> str:
    if not isinstance(target, str) or not target:
        raise _bad(f"target is a non-empty string, not {target!r}", "PORTAL_OUTBOX_BAD_TARGET")
    return target


def _check_type(entity_type: object) -> EntityType:
    if not isinstance(entity_type, str) or entity_type not in _RANK:
        raise _bad(
            f"entity_type is one of {', '.join(DEPENDENCY_ORDER)}, not {entity_type!r}",
            "PORTAL_OUTBOX_BAD_ENTITY",
        )
    return entity_type


class _Base:
    """The connection, lock and clock shared by the outbox's parts."""

    _db: sqlite3.Connection
    _lock: threading.RLock
    _confirmed_deps: set[tuple[str, str, str]]
    clock: Callable[[], float]

    def _query_one(self, sql: str, params: Sequence[Any]) -> Any:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    def _transaction(self) -> _Transaction:
        return _Transaction(self)

    def _put_mapping(
        self,
        db: sqlite3.Connection,
        target: str,
        entity_type: str,
        internal_id: str,
        portal_id: str | None,
        natural_key: str | None,
    ) -> None:
        db.execute(
            "INSERT INTO mapping (target, entity_type, internal_id, portal_id, natural_key, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (target, entity_type, internal_id) DO UPDATE SET "
            "portal_id = COALESCE(excluded.portal_id, mapping.portal_id), "
            "natural_key = COALESCE(excluded.natural_key, mapping.natural_key), "
            "updated_at = excluded.updated_at",
            (target, entity_type, internal_id, portal_id, natural_key, self.clock()),
        )


class _Transaction:
    """``with outbox._transaction() as db:`` — BEGIN IMMEDIATE ... COMMIT (or ROLLBACK)."""

    def __init__(self, outbox: _Base) -> None:
        self._outbox = outbox

    def __enter__(self) -> sqlite3.Connection:
        self._outbox._lock.acquire()
        try:
            self._outbox._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._outbox._lock.release()
            raise
        return self._outbox._db

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._outbox._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        finally:
            self._outbox._lock.release()


def _item_params(item: object, index: int, target: str, now: float) -> tuple[Any, ...]:
    if not isinstance(item, Item):
        raise _bad(
            f"item {index} is not an Item: {type(item).__name__}",
            "PORTAL_OUTBOX_BAD_ITEM",
            position=index,
        )
    if not isinstance(item.entity_type, str) or item.entity_type not in _RANK:
        raise _bad(
            f"item {index}: unknown entity_type {item.entity_type!r}",
            "PORTAL_OUTBOX_BAD_ITEM",
            position=index,
        )
    if not isinstance(item.id, str) or not item.id:
        raise _bad(
            f"item {index}: id is a non-empty string", "PORTAL_OUTBOX_BAD_ITEM", position=index
        )
    if not isinstance(item.body, (bytes, bytearray)):
        raise _bad(f"item {index}: body is bytes", "PORTAL_OUTBOX_BAD_ITEM", position=index)
    if not isinstance(item.lane, str):
        raise _bad(f"item {index}: lane is a string", "PORTAL_OUTBOX_BAD_ITEM", position=index)
    rank = _RANK[item.entity_type]
    deps: list[list[str]] = []
    for dep in item.depends_on:
        ok = (
            isinstance(dep, tuple)
            and len(dep) == 2
            and isinstance(dep[0], str)
            and dep[0] in _RANK
            and isinstance(dep[1], str)
            and bool(dep[1])
        )
        if not ok:
            raise _bad(
                f"item {index}: depends_on holds (entity_type, id) pairs, not {dep!r}",
                "PORTAL_OUTBOX_BAD_ITEM",
                position=index,
            )
        if _RANK[dep[0]] > rank:
            raise _bad(
                f"item {index}: a {item.entity_type} cannot wait for a {dep[0]} "
                "(later in the dependency order)",
                "PORTAL_OUTBOX_BAD_DEPENDENCY",
                position=index,
            )
        deps.append([dep[0], dep[1]])
    depends = json.dumps(deps, separators=(",", ":")) if deps else ""
    return (target, item.entity_type, item.id, rank, item.lane, bytes(item.body), depends, now, now)


def _filters(
    state: State | Iterable[State] | None, target: str | None, entity_type: str | None
) -> tuple[str, list[Any]]:
    where = ""
    params: list[Any] = []
    if state is not None:
        states = [state] if isinstance(state, str) else list(state)
        for value in states:
            if value not in STATES:
                raise _bad(f"unknown state {value!r}", "PORTAL_OUTBOX_BAD_STATE")
        where += f" AND state IN ({', '.join('?' for _ in states)})"
        params.extend(states)
        if set(states) <= {"SENT", "CREATED"}:
            where += f" AND {_BUSY_SQL}"  # lets SQLite use the partial index of busy rows
        elif set(states) <= set(OPEN_STATES):
            where += f" AND {_OPEN_SQL}"  # lets SQLite use the partial index of open rows
        elif set(states) == {"FAILED"}:
            where += " AND state = 'FAILED'"
    if target is not None:
        where += " AND target = ?"
        params.append(target)
    if entity_type is not None:
        where += " AND entity_type = ?"
        params.append(entity_type)
    return where, params


def _update_by_seq(
    db: sqlite3.Connection, assignments: str, changes: Iterable[tuple[tuple[Any, ...], int]]
) -> None:
    """``UPDATE rows SET <assignments> WHERE seq IN (...)``: one statement per set of values.

    A batch's rows mostly get the same values (state, job, time), so grouping them turns a
    thousand single-row updates into two or three statements over runs of ``seq``.

    Args:
        db: The connection (inside a transaction).
        assignments: The ``SET`` clause, with ``?`` for the values.
        changes: ``(values, seq)`` pairs.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for values, seq in changes:
        groups.setdefault(values, []).append(seq)
    for values, seqs in groups.items():
        if len(seqs) == 1:
            db.execute(f"UPDATE rows SET {assignments} WHERE seq = ?", (*values, seqs[0]))  # noqa: S608
            continue
        for start in range(0, len(seqs), 500):
            chunk = seqs[start : start + 500]
            db.execute(
                f"UPDATE rows SET {assignments} WHERE seq IN ({','.join('?' * len(chunk))})",  # noqa: S608
                (*values, *chunk),
            )


def _fetch(db: sqlite3.Connection, seqs: Sequence[int]) -> list[Row]:
    out: list[Row] = []
    for start in range(0, len(seqs), 500):
        chunk = list(seqs[start : start + 500])
        found = db.execute(
            f"SELECT {_COLUMNS} FROM rows WHERE seq IN ({', '.join('?' for _ in chunk)}) "  # noqa: S608
            "ORDER BY seq",
            chunk,
        ).fetchall()
        out.extend(_row(r) for r in found)
    return out


def _row(raw: Sequence[Any]) -> Row:
    (
        seq,
        target,
        entity_type,
        item_id,
        lane,
        body,
        depends_on,
        state,
        attempts,
        next_at,
        uncertain,
        remote_id,
        job,
        duplicate,
        error,
        updated_at,
    ) = raw
    deps = tuple((str(t), str(i)) for t, i in json.loads(depends_on)) if depends_on else ()
    return Row(
        int(seq),
        str(target),
        cast("EntityType", entity_type),
        str(item_id),
        bytes(body),
        str(lane),
        cast("tuple[tuple[EntityType, str], ...]", deps),
        cast("State", state),
        int(attempts),
        float(next_at),
        bool(uncertain),
        remote_id,
        job,
        bool(duplicate),
        error,
        float(updated_at),
    )
