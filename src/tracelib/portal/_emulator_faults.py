"""Fault injection and the request log of the portal emulator.

Network faults (``http_500``, ``http_503``, ``http_429``, ``reset``, ``lost``, ``slow``) are
drawn at random with a seeded ``fail_rate`` or scripted; portal faults (``token_expired``,
``org_not_activated``, ``image_unfetchable``, ``gtin_rejected``, ``duplicate``,
``err_sys_dev``) are scripted only. ``lost`` is the nasty one: the request is processed and
committed, then the connection closes without an answer.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from .errors import TransientError

__all__ = [
    "FAULT_KINDS",
    "NETWORK_FAULTS",
    "ConnectionDropped",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "LoggedRequest",
    "RequestLog",
]

FaultKind = Literal[
    "http_500",
    "http_503",
    "http_429",
    "reset",
    "lost",
    "slow",
    "token_expired",
    "org_not_activated",
    "image_unfetchable",
    "gtin_rejected",
    "duplicate",
    "err_sys_dev",
]
"""What an injected fault does (see the module docstring)."""

FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
NETWORK_FAULTS: tuple[FaultKind, ...] = (
    "http_500",
    "http_503",
    "http_429",
    "reset",
    "lost",
    "slow",
)
"""The kinds a random draw (``fail_rate``) picks from, uniformly."""

#: Operations a portal fault applies to (``None``: any request of the nbc-v5 face).
FAULT_SCOPE: dict[str, frozenset[str] | None] = {
    "token_expired": None,
    "org_not_activated": frozenset({"create_product", "update_product"}),
    "image_unfetchable": frozenset(
        {"create_product", "update_product", "create_media", "create_certificate"}
    ),
    "gtin_rejected": frozenset({"create_product", "update_product"}),
    "duplicate": frozenset(
        {
            "create_product",
            "create_location",
            "create_growing_area",
            "create_order",
            "create_event",
            "create_media",
            "create_certificate",
            "epcis_post_event",
        }
    ),
    "err_sys_dev": None,
}


class ConnectionDropped(TransientError, ConnectionResetError):  # noqa: N818 - like ConnectionResetError
    """The in-process face of a dropped connection (``reset`` or ``lost`` faults).

    :meth:`~tracelib.portal.emulator.PortalEmulator.handle` raises it where a socket would
    have been closed; it is a :class:`ConnectionResetError` too, so channels that map
    ``OSError`` to a transient failure treat it like the real thing.

    Examples:
        >>> err = ConnectionDropped("lost", endpoint="POST /epcis/capture")
        >>> isinstance(err, ConnectionError), err.retryable, err.code
        (True, True, 'PORTAL_CONNECTION_DROPPED')
    """

    default_code = "PORTAL_CONNECTION_DROPPED"


@dataclass(frozen=True, slots=True)
class Fault:
    """A scripted fault for the next matching requests.

    Attributes:
        kind: What it does.
        times: How many matching requests it hits.
        path: Only paths starting with this (``/epcis/capture``, ``/tochuc/v5/SuKien``).
        method: Only this method.
        retry_after: ``Retry-After`` seconds of ``http_429``/``http_503``.
        delay_ms: Extra milliseconds of a ``slow`` answer.

    Examples:
        >>> Fault("http_503", path="/epcis").matches("POST", "/epcis/capture", "epcis_capture")
        True
        >>> Fault("gtin_rejected").matches("POST", "/tochuc/v5/SuKien", "create_event")
        False
    """

    kind: FaultKind
    times: int = 1
    path: str | None = None
    method: str | None = None
    retry_after: float = 1.0
    delay_ms: int = 200

    def matches(self, method: str, path: str, op: str | None) -> bool:
        """Whether this fault applies to a request.

        Args:
            method: The HTTP method.
            path: The request path.
            op: The operation the request is (``create_product``, ``epcis_capture``...).

        Returns:
            ``True`` when it applies.

        Examples:
            >>> Fault("reset", method="GET").matches("POST", "/x", None)
            False
        """
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is not None and not path.startswith(self.path):
            return False
        scope = FAULT_SCOPE.get(self.kind)
        if scope is not None and op not in scope:
            return False
        if self.kind in ("token_expired", "err_sys_dev") and self.path is None:
            return op is not None and not op.startswith("epcis_") and op != "token"
        return True

    def to_json(self) -> dict[str, Any]:
        """The fault as a JSON object (admin API).

        Returns:
            The members.

        Examples:
            >>> Fault("slow").to_json()["kind"]
            'slow'
        """
        return asdict(self)


class FaultPlan:
    """Scripted faults (consumed in order) and seeded random ones.

    Args:
        fail_rate: Share of requests that get a random network fault.
        seed: Seed of the draws (the same seed and request order give the same faults).
        kinds: The kinds drawn from.

    Examples:
        >>> plan = FaultPlan(fail_rate=1.0, seed=3)
        >>> plan.take("GET", "/epcis/events", "epcis_query").kind in NETWORK_FAULTS
        True
        >>> plan = FaultPlan()
        >>> _ = plan.inject(Fault("http_500", times=1))
        >>> plan.take("GET", "/x", None).kind, plan.take("GET", "/x", None)
        ('http_500', None)
    """

    def __init__(
        self,
        *,
        fail_rate: float = 0.0,
        seed: int = 0,
        kinds: tuple[FaultKind, ...] = NETWORK_FAULTS,
        retry_after: float = 1.0,
        slow_ms: int = 200,
    ) -> None:
        self.fail_rate = fail_rate
        self.kinds = kinds
        self.retry_after = retry_after
        self.slow_ms = slow_ms
        self._random = random.Random(seed)  # noqa: S311 - fault injection, not cryptography
        self._scripted: list[list[Any]] = []
        self.drawn: dict[str, int] = {}

    def reseed(self, seed: int) -> None:
        """Restart the random draws from a seed.

        Args:
            seed: The seed.
        """
        self._random = random.Random(seed)  # noqa: S311 - fault injection, not cryptography

    def inject(self, fault: Fault) -> Fault:
        """Add a scripted fault.

        Args:
            fault: The fault.

        Returns:
            The fault.
        """
        self._scripted.append([fault, fault.times])
        return fault

    def clear(self) -> None:
        """Drop every scripted fault not used yet."""
        self._scripted.clear()

    @property
    def pending(self) -> list[tuple[Fault, int]]:
        """Scripted faults and how many hits each has left."""
        return [(f, n) for f, n in self._scripted if n > 0]

    def take(self, method: str, path: str, op: str | None) -> Fault | None:
        """The fault for this request, if any (a scripted one first, then a random draw).

        Args:
            method: The HTTP method.
            path: The request path.
            op: The operation.

        Returns:
            The fault or ``None``.
        """
        for entry in self._scripted:
            fault, left = entry
            if left > 0 and fault.matches(method, path, op):
                entry[1] = left - 1
                return fault  # type: ignore[no-any-return]
        if self.fail_rate > 0 and self._random.random() < self.fail_rate:
            kind = self.kinds[self._random.randrange(len(self.kinds))]
            self.drawn[kind] = self.drawn.get(kind, 0) + 1
            return Fault(kind, retry_after=self.retry_after, delay_ms=self.slow_ms)
        return None

    def uses_op(self, kind: FaultKind) -> bool:
        """Whether a fault kind is tied to portal operations (not a network fault).

        Args:
            kind: The kind.

        Returns:
            ``True`` for portal faults.
        """
        return kind in FAULT_SCOPE


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the emulator answered (for assertions; secrets never kept).

    Attributes:
        seq: Its number, from 1.
        method: The method.
        path: The path.
        query: The raw query string.
        face: ``"nbc"``, ``"epcis"``, ``"admin"`` or ``"unknown"``.
        op: The operation (``create_product``, ``epcis_capture``...), if known.
        status: The status answered (``0`` when the connection was dropped).
        fault: The fault applied, if any.
        body: The request body (empty for the token endpoint and bodies over 64 KiB).
        size: The body's length.

    Examples:
        >>> LoggedRequest(1, "GET", "/epcis/events", "", "epcis", "epcis_query", 200).ok
        True
    """

    seq: int
    method: str
    path: str
    query: str
    face: str
    op: str | None
    status: int
    fault: str | None = None
    body: bytes = b""
    size: int = 0

    @property
    def ok(self) -> bool:
        """The answer was 2xx."""
        return 200 <= self.status < 300

    def to_json(self) -> dict[str, Any]:
        """The entry as a JSON object (body left out).

        Returns:
            The members.
        """
        return {
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "face": self.face,
            "op": self.op,
            "status": self.status,
            "fault": self.fault,
            "size": self.size,
        }


class RequestLog:
    """The last ``maxlen`` requests (bounded, so memory stays flat on long runs).

    Args:
        maxlen: How many entries to keep.

    Examples:
        >>> log = RequestLog(maxlen=2)
        >>> for path in ("/a", "/b", "/c"):
        ...     _ = log.add("GET", path, "", "nbc", None, 200)
        >>> [r.path for r in log.entries()], log.total
        (['/b', '/c'], 3)
    """

    _MAX_BODY = 65536

    def __init__(self, *, maxlen: int = 10000) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=maxlen)
        self.total = 0

    def add(
        self,
        method: str,
        path: str,
        query: str,
        face: str,
        op: str | None,
        status: int,
        *,
        fault: str | None = None,
        body: bytes = b"",
        secret: bool = False,
    ) -> LoggedRequest:
        """Record a request.

        Args:
            method: The method.
            path: The path.
            query: The query string.
            face: The face.
            op: The operation.
            status: The status answered.
            fault: The fault applied.
            body: The request body.
            secret: The body holds credentials: keep only its size.

        Returns:
            The entry.
        """
        self.total += 1
        kept = b"" if secret or len(body) > self._MAX_BODY else body
        entry = LoggedRequest(
            self.total, method, path, query, face, op, status, fault, kept, len(body)
        )
        self._entries.append(entry)
        return entry

    def entries(self) -> list[LoggedRequest]:
        """The entries kept, oldest first.

        Returns:
            A copy.
        """
        return list(self._entries)

    def clear(self) -> None:
        """Forget every entry (the total keeps counting)."""
        self._entries.clear()
