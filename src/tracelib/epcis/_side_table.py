"""A table of values kept beside objects, keyed by identity, that forgets dead objects.

The readers attach findings and source namespaces to the models they return without making
them fields (frozen models, equality must not see them). ``weakref.finalize`` per model
costs microseconds per event; this table stores ``(weakref, value)`` under ``id(obj)``,
checks on lookup that the weak reference still points at the same object (an ``id`` can be
reused once an object is gone), and sweeps dead entries whenever the table has doubled.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from itertools import repeat
from typing import Any

__all__ = ["SideTable"]

_MIN_SWEEP = 1024


class SideTable:
    """Values beside objects: ``set(obj, value)``, ``get(obj, default)``.

    Examples:
        >>> class Box:
        ...     pass
        >>> table = SideTable()
        >>> a = Box()
        >>> table.set(a, 1)
        >>> table.get(a), table.get(Box(), 0)
        (1, 0)
    """

    __slots__ = ("_entries", "_limit", "_lock")

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[Any], Any]] = {}
        self._limit = _MIN_SWEEP
        self._lock = threading.Lock()

    def set(self, obj: object, value: Any) -> None:
        """Attach ``value`` to ``obj`` (replacing what was attached)."""
        entries = self._entries
        entries[id(obj)] = (weakref.ref(obj), value)  # one atomic store under the GIL
        if len(entries) > self._limit and self._lock.acquire(blocking=False):
            try:
                self._sweep()
            finally:
                self._lock.release()

    def set_many(self, objs: Sequence[object], value: Any) -> None:
        """Attach one ``value`` to each of ``objs`` (a sequence: it is read twice).

        Examples:
            >>> class Box:
            ...     pass
            >>> table, boxes = SideTable(), [Box(), Box()]
            >>> table.set_many(boxes, "x")
            >>> [table.get(box) for box in boxes]
            ['x', 'x']
        """
        entries = self._entries
        # The loops run in C: no Python frame per object.
        refs = zip(map(weakref.ref, objs), repeat(value), strict=False)  # repeat: endless
        entries.update(zip(map(id, objs), refs, strict=True))
        if len(entries) > self._limit and self._lock.acquire(blocking=False):
            try:
                self._sweep()
            finally:
                self._lock.release()

    def get(self, obj: object, default: Any = None) -> Any:
        """The value attached to ``obj``, else ``default``."""
        entry = self._entries.get(id(obj))
        if entry is not None and entry[0]() is obj:
            return entry[1]
        return default

    def _sweep(self) -> None:
        entries = self._entries
        for key, entry in list(entries.items()):
            if entry[0]() is None and entries.get(key) is entry:
                del entries[key]
        self._limit = max(_MIN_SWEEP, 2 * len(entries))

    def __len__(self) -> int:
        return len(self._entries)
