"""The state transitions of the outbox: claim a batch, record outcomes, retry, fail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ._outbox_rows import (
    _BUSY_SQL,
    _COLUMNS,
    _OPEN_SQL,
    Claim,
    Row,
    _bad,
    _Base,
    _fetch,
    _row,
    _update_by_seq,
    natural_key_of,
)
from .transport import DEPENDENCY_ORDER, Outcome

__all__: list[str] = []


class _Transitions(_Base):
    """Claiming and recording (each call one transaction); mixed into ``Outbox``."""

    def claim(self, target: str, *, limit: int, now: float | None = None) -> Claim:
        """Hand out the next batch to send and mark it ``SENT`` (one transaction).

        The batch holds rows of one entity type: the lowest rank in
        :data:`~tracelib.portal.transport.DEPENDENCY_ORDER` that still has open rows (a rank
        waits until every lower one is ``CONFIRMED`` or ``FAILED``). Within a lane rows go in
        enqueue order and a lane stops at its first row that is in flight, waiting for its
        backoff, held by a dependency, or ``FAILED``. Rows whose ``depends_on`` are not
        ``CONFIRMED`` (here or in the mapping store) are held.

        Args:
            target: The target name.
            limit: The most rows to hand out (``transport.max_batch``).
            now: The current time (default: the outbox clock).

        Returns:
            The claim (empty when nothing is due).

        Raises:
            InputError: ``PORTAL_OUTBOX_BAD_LIMIT`` for a limit below 1.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("event", "e1", b"{}", depends_on=(("product", "p1"),)),
            ...                      Item("product", "p1", b"{}")], "emulator")
            ...     first = box.claim("emulator", limit=10)
            ...     box.claim("emulator", limit=10).rows
            ...     _ = box.record(first.rows, [Outcome("p1", "CONFIRMED")])
            ...     [r.id for r in box.claim("emulator", limit=10).rows]
            ()
            ['e1']
            >>> [r.id for r in first.rows]
            ['p1']
        """
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise _bad(f"limit must be >= 1, not {limit!r}", "PORTAL_OUTBOX_BAD_LIMIT")
        now = self.clock() if now is None else now
        with self._lock:
            rank_row = self._db.execute(
                f"SELECT MIN(rank) FROM rows WHERE target = ? AND {_OPEN_SQL}",  # noqa: S608
                (target,),
            ).fetchone()
            if rank_row is None or rank_row[0] is None:
                return Claim(None, ())
            rank = int(rank_row[0])
            picked, wake_at, held = self._pick(target, rank, limit, now)
            entity_type = DEPENDENCY_ORDER[rank]
            if not picked:
                return Claim(entity_type, (), wake_at, held)
            with self._transaction() as db:
                _update_by_seq(
                    db, "state = 'SENT', updated_at = ?", (((now,), r.seq) for r in picked)
                )
            rows = tuple(
                Row(
                    r.seq,
                    r.target,
                    r.entity_type,
                    r.id,
                    r.body,
                    r.lane,
                    r.depends_on,
                    "SENT",
                    r.attempts,
                    r.next_at,
                    r.uncertain,
                    r.remote_id,
                    r.job,
                    r.duplicate,
                    r.error,
                    now,
                )
                for r in picked
            )
            return Claim(entity_type, rows, wake_at, held)

    def _pick(
        self, target: str, rank: int, limit: int, now: float
    ) -> tuple[list[Row], float | None, int]:
        db = self._db
        failed = {
            str(lane): int(seq)
            for lane, seq in db.execute(
                "SELECT lane, MIN(seq) FROM rows WHERE target = ? AND rank = ? "
                "AND state = 'FAILED' AND lane != '' GROUP BY lane",
                (target, rank),
            )
        }
        blocked: set[str] = set()
        picked: list[Row] = []
        wake_at: float | None = None
        held = 0
        cursor = db.execute(
            f"SELECT {_COLUMNS} FROM rows "  # noqa: S608
            f"WHERE target = ? AND rank = ? AND {_OPEN_SQL} ORDER BY seq",
            (target, rank),
        )
        for raw in cursor:
            seq, lane, depends_on, state, next_at = raw[0], raw[4], raw[6], raw[7], raw[9]
            if lane and (lane in blocked or (lane in failed and failed[lane] < seq)):
                held += 1
                continue
            if state == "CREATED":
                continue
            block = False
            if state == "SENT":
                block = True
            elif state == "RETRYING" and next_at > now:
                wake_at = next_at if wake_at is None else min(wake_at, next_at)
                block = True
            elif depends_on and not self._deps_met(target, depends_on):
                held += 1
                block = True
            if block:
                if lane:
                    blocked.add(lane)
                continue
            picked.append(_row(raw))
            if len(picked) >= limit:
                break
        cursor.close()
        return picked, wake_at, held

    def _deps_met(self, target: str, depends_on: str) -> bool:
        for entity_type, dep_id in json.loads(depends_on):
            key = (target, entity_type, dep_id)
            if key in self._confirmed_deps:
                continue
            row = self._db.execute(
                "SELECT state FROM rows WHERE target = ? AND entity_type = ? AND id = ?", key
            ).fetchone()
            if row is not None and row[0] == "CONFIRMED":
                self._confirmed_deps.add(key)
                continue
            if row is None:
                mapped = self._db.execute(
                    "SELECT 1 FROM mapping WHERE target = ? AND entity_type = ? "
                    "AND internal_id = ?",
                    key,
                ).fetchone()
                if mapped is not None:
                    self._confirmed_deps.add(key)
                    continue
            return False
        return True

    def due_created(self, target: str, *, limit: int, now: float | None = None) -> list[Row]:
        """``CREATED`` rows whose confirmation is due, oldest first (all of one entity type).

        Args:
            target: The target name.
            limit: The most rows.
            now: The current time (default: the outbox clock).

        Returns:
            The rows.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     box.due_created("epcis", limit=10)
            []
        """
        now = self.clock() if now is None else now
        with self._lock:
            first = self._db.execute(
                "SELECT entity_type FROM rows WHERE target = ? AND state = 'CREATED' "  # noqa: S608
                f"AND {_BUSY_SQL} AND next_at <= ? ORDER BY rank, seq LIMIT 1",
                (target, now),
            ).fetchone()
            if first is None:
                return []
            found = self._db.execute(
                f"SELECT {_COLUMNS} FROM rows WHERE target = ? AND state = 'CREATED' "  # noqa: S608
                f"AND {_BUSY_SQL} AND entity_type = ? AND next_at <= ? ORDER BY seq LIMIT ?",
                (target, first[0], now, limit),
            ).fetchall()
        return [_row(r) for r in found]

    def next_poll(self, target: str) -> float | None:
        """When the next ``CREATED`` row is due for confirmation, or ``None``.

        Args:
            target: The target name.

        Returns:
            Epoch seconds or ``None``.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     box.next_poll("epcis") is None
            True
        """
        row = self._query_one(
            f"SELECT MIN(next_at) FROM rows WHERE target = ? AND state = 'CREATED' AND {_BUSY_SQL}",  # noqa: S608
            (target,),
        )
        return float(row[0]) if row is not None and row[0] is not None else None

    def record(
        self, rows: Sequence[Row], outcomes: Sequence[Outcome], *, next_at: float | None = None
    ) -> list[Row]:
        """Store what the target did with a batch (one transaction).

        ``CONFIRMED`` and ``FAILED`` are final; ``CREATED`` waits for confirmation at
        ``next_at``. A confirmed row with a remote id or a natural key is written to the
        mapping store in the same transaction. Rows without an outcome are left as they are.

        Args:
            rows: The rows of the batch.
            outcomes: The outcomes (matched to rows by id).
            next_at: When to poll ``CREATED`` rows (default: now).

        Returns:
            The rows as they are now (only those an outcome matched).

        Raises:
            InputError: ``PORTAL_OUTBOX_BAD_OUTCOME`` for an outcome state that is not
                ``CREATED``/``CONFIRMED``/``FAILED``.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b'{"gtin": "08930000000019"}')], "nbc")
            ...     claim = box.claim("nbc", limit=5)
            ...     [r.state for r in box.record(claim.rows, [Outcome("p1", "CONFIRMED",
            ...                                                        remote_id="77")])]
            ...     box.mapping.find("nbc", "product", "08930000000019").portal_id
            ['CONFIRMED']
            '77'
        """
        now = self.clock()
        poll_at = now if next_at is None else next_at
        by_id = {row.id: row for row in rows}
        updated: list[Row] = []
        mappings: list[tuple[Row, str | None, str | None]] = []
        for index, outcome in enumerate(outcomes):
            row = by_id.get(outcome.id)
            if row is None:
                continue
            if outcome.state not in ("CREATED", "CONFIRMED", "FAILED"):
                raise _bad(
                    f"outcome state {outcome.state!r} is not CREATED, CONFIRMED or FAILED",
                    "PORTAL_OUTBOX_BAD_OUTCOME",
                    position=index,
                )
            new = Row(
                row.seq,
                row.target,
                row.entity_type,
                row.id,
                row.body,
                row.lane,
                row.depends_on,
                outcome.state,
                row.attempts,
                poll_at if outcome.state == "CREATED" else 0.0,
                False,
                outcome.remote_id if outcome.remote_id is not None else row.remote_id,
                outcome.job if outcome.job is not None else row.job,
                outcome.duplicate or row.duplicate,
                outcome.error if outcome.state == "FAILED" else None,
                now,
            )
            updated.append(new)
            if outcome.state == "CONFIRMED":
                natural = outcome.data.get("natural_key") if outcome.data else None
                if not isinstance(natural, str):
                    natural = natural_key_of(row.entity_type, row.body)
                remote = new.remote_id
                if remote == row.id and row.entity_type == "event":
                    remote = None  # an EPCIS event's id is its eventID: nothing to map
                if remote is not None or natural is not None:
                    mappings.append((new, remote, natural))
        with self._transaction() as db:
            _update_by_seq(
                db,
                "state = ?, remote_id = CASE WHEN ? THEN id ELSE ? END, job = ?, duplicate = ?, "
                "error = ?, uncertain = 0, next_at = ?, updated_at = ?",
                (
                    (
                        (
                            r.state,
                            r.remote_id == r.id,
                            None if r.remote_id == r.id else r.remote_id,
                            r.job,
                            int(r.duplicate),
                            r.error,
                            r.next_at,
                            now,
                        ),
                        r.seq,
                    )
                    for r in updated
                ),
            )
            for row, remote, natural in mappings:
                self._put_mapping(db, row.target, row.entity_type, row.id, remote, natural)
        return updated

    def retry(
        self,
        rows: Sequence[Row],
        *,
        next_at: float,
        error: str,
        uncertain: bool,
        max_attempts: int | None = None,
    ) -> list[Row]:
        """Schedule another attempt for rows after a transient failure (one transaction).

        Args:
            rows: The rows.
            next_at: When they become due (epoch seconds).
            error: The error (``CODE: message``; never a secret).
            uncertain: Whether the request may have reached the target (then the rows are
                looked up before they are sent again).
            max_attempts: Rows that reach this many attempts become ``FAILED`` instead.

        Returns:
            The rows as they are now.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b"{}")], "nbc")
            ...     rows = box.claim("nbc", limit=1).rows
            ...     [(r.state, r.attempts, r.uncertain) for r in box.retry(
            ...         rows, next_at=5.0, error="PORTAL_TRANSIENT: 503", uncertain=True)]
            [('RETRYING', 1, True)]
        """
        now = self.clock()
        with self._transaction() as db:
            changes = []
            for row in rows:
                attempts = row.attempts + 1
                final = max_attempts is not None and attempts >= max_attempts
                values = (
                    "FAILED" if final else "RETRYING",
                    attempts,
                    next_at,
                    int(uncertain or row.uncertain),
                    error,
                    now,
                )
                changes.append((values, row.seq))
            _update_by_seq(
                db,
                "state = ?, attempts = ?, next_at = ?, uncertain = ?, error = ?, updated_at = ?",
                changes,
            )
            return _fetch(db, [row.seq for row in rows])

    def release(self, rows: Sequence[Row]) -> list[Row]:
        """Put rows back to ``PENDING`` (not sent, or looked up and absent: safe to send).

        Args:
            rows: The rows.

        Returns:
            The rows as they are now.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b"{}")], "nbc")
            ...     [r.state for r in box.release(box.claim("nbc", limit=1).rows)]
            ['PENDING']
        """
        now = self.clock()
        with self._transaction() as db:
            _update_by_seq(
                db,
                "state = 'PENDING', uncertain = 0, next_at = 0, updated_at = ?",
                (((now,), row.seq) for row in rows),
            )
            return _fetch(db, [row.seq for row in rows])

    def fail(self, rows: Sequence[Row], error: str) -> list[Row]:
        """Mark rows ``FAILED`` (permanent; one transaction).

        Args:
            rows: The rows.
            error: Why (``CODE: message``).

        Returns:
            The rows as they are now.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b"{}")], "nbc")
            ...     [r.error for r in box.fail(box.claim("nbc", limit=1).rows, "X: no")]
            ['X: no']
        """
        now = self.clock()
        with self._transaction() as db:
            _update_by_seq(
                db,
                "state = 'FAILED', error = ?, updated_at = ?",
                (((error, now), r.seq) for r in rows),
            )
            return _fetch(db, [row.seq for row in rows])

    def retry_failed(self, target: str | None = None) -> int:
        """Try ``FAILED`` rows again (after a human fixed the cause).

        They become ``RETRYING``, due now, and are looked up before they are sent again, as
        they may have reached the target.

        Args:
            target: Only this target.

        Returns:
            How many rows were reset.

        Examples:
            >>> from tracelib.portal.outbox import Outbox
            >>> from tracelib.portal.transport import Item
            >>> with Outbox(":memory:") as box:
            ...     _ = box.enqueue([Item("product", "p1", b"{}")], "nbc")
            ...     _ = box.fail(box.claim("nbc", limit=1).rows, "X: no")
            ...     box.retry_failed(), box.stats()["RETRYING"]
            (1, 1)
        """
        sql = (
            "UPDATE rows SET state = 'RETRYING', attempts = 0, next_at = 0, uncertain = 1, "
            "updated_at = ? WHERE state = 'FAILED'"
        )
        params: tuple[Any, ...] = (self.clock(),)
        if target is not None:
            sql += " AND target = ?"
            params += (target,)
        with self._transaction() as db:
            before = db.total_changes
            db.execute(sql, params)
            return db.total_changes - before
