"""Test helpers: the portal emulator as a context manager and as a pytest fixture.

:func:`emulator` starts a :class:`~tracelib.portal.emulator.PortalEmulator` (served over
HTTP on ``127.0.0.1`` unless ``serve=False``), optionally with organisations already
activated and image files in place, and closes everything on exit.
:func:`emulator_fixture` makes a pytest fixture of it for your ``conftest.py``::

    from tracelib.portal.testing import emulator_fixture

    portal = emulator_fixture(activate=["2900325526"], fail_rate=0.1, seed=1)

    def test_push(portal):
        ...  # portal.url, portal.epcis_url, portal.inject("http_429"), portal.event_count()

Examples:
    >>> import httpx
    >>> with emulator(activate=["2900325526"]) as portal:
    ...     answer = httpx.get(portal.url + "/tochuc/v5/ToChuc", params={"maSoThue": "2900325526"})
    >>> answer.json()["trangThai"]
    1
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .emulator import EmulatorServer, PortalEmulator

__all__ = ["PNG_PIXEL", "LiveEmulator", "emulator", "emulator_fixture"]

PNG_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
"""A 1×1 transparent PNG, for product images in tests."""


class LiveEmulator:
    """A running emulator: the core, its HTTP server (if any) and shortcuts.

    Attribute access falls through to the :class:`~tracelib.portal.emulator.PortalEmulator`
    (``portal.inject(...)``, ``portal.event_count()``, ``portal.records("product")``).

    Args:
        emulator: The emulator.
        server: Its HTTP server, or ``None`` for in-process use only.

    Examples:
        >>> with emulator(serve=False) as portal:
        ...     portal.url
        'http://emulator'
    """

    def __init__(self, emulator: PortalEmulator, server: EmulatorServer | None) -> None:
        self.emulator = emulator
        self.server = server

    @property
    def url(self) -> str:
        """The base URL of the nbc-v5 face (``http://emulator`` without a server: the host
        is ignored by :meth:`PortalEmulator.handle`)."""
        return self.server.url if self.server is not None else "http://emulator"

    @property
    def epcis_url(self) -> str:
        """The EPCIS face's root URL."""
        return self.url + "/epcis"

    def file_url(self, name: str) -> str:
        """The URL of a file added with ``add_file`` (fetchable by the emulator).

        Args:
            name: The file name.

        Returns:
            The URL.

        Examples:
            >>> with emulator(serve=False, files={"cam.png": PNG_PIXEL}) as portal:
            ...     portal.file_url("cam.png")
            'http://emulator/_admin/files/cam.png'
        """
        origin = self.server.origin if self.server is not None else "http://127.0.0.1"
        url = self.emulator.file_url(name, origin=origin)
        return url if self.server is not None else url.replace("127.0.0.1", "emulator", 1)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.emulator, name)

    def __repr__(self) -> str:
        return f"LiveEmulator({self.url})"


@contextmanager
def emulator(
    *,
    serve: bool = True,
    db: str | os.PathLike[str] = ":memory:",
    activate: Iterable[str] = (),
    files: Mapping[str, bytes] | None = None,
    port: int = 0,
    **options: Any,
) -> Iterator[LiveEmulator]:
    """Run a portal emulator for the duration of a ``with`` block.

    Args:
        serve: Also serve it over HTTP on ``127.0.0.1``.
        db: The SQLite file (``":memory:"``: a temporary one).
        activate: Tax codes (MST) of organisations to register and activate; a 13-digit
            value is taken as a GLN.
        files: Files to store (``{name: bytes}``), served at ``/_admin/files/{name}``.
        port: The port (0 picks a free one).
        **options: :class:`~tracelib.portal.emulator.PortalEmulator` options
            (``fail_rate``, ``seed``, ``latency_ms``, ``clients``, ``profile``...).

    Yields:
        The running emulator.

    Raises:
        InputError: A bad option.

    Examples:
        >>> with emulator(serve=False, activate=["8930000000026"]) as portal:
        ...     [org["glnCode"] for org in portal.records("organization")]
        ['8930000000026']
    """
    with PortalEmulator(db, **options) as core:
        for key in activate:
            if len(key) == 13 and key.isdigit():
                core.activate(gln=key)
            else:
                core.activate(key)
        for name, content in (files or {}).items():
            core.add_file(name, content, "image/png" if content[:4] == b"\x89PNG" else "image/jpeg")
        if not serve:
            yield LiveEmulator(core, None)
            return
        with core.serve(port=port) as server:
            yield LiveEmulator(core, server)


def emulator_fixture(
    *, scope: str = "function", name: str | None = None, **options: Any
) -> Callable[..., Any]:
    """A pytest fixture yielding a :class:`LiveEmulator` (assign it in ``conftest.py``).

    Args:
        scope: The pytest fixture scope.
        name: The fixture name (default: the variable it is assigned to).
        **options: Arguments of :func:`emulator`.

    Returns:
        The fixture function.

    Raises:
        MissingDependencyError: pytest is not installed.

    Examples:
        >>> fixture = emulator_fixture(activate=["2900325526"])
        >>> callable(fixture)
        True
    """
    try:
        import pytest
    except ImportError as exc:  # pragma: no cover - pytest is there when fixtures are used
        from ..errors import MissingDependencyError

        raise MissingDependencyError(
            feature="emulator_fixture", extra="test", package="pytest"
        ) from exc

    def _portal_emulator() -> Iterator[LiveEmulator]:
        with emulator(**options) as running:
            yield running

    return pytest.fixture(scope=scope, name=name)(_portal_emulator)  # type: ignore[call-overload,no-any-return]
