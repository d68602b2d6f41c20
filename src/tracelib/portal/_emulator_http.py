"""The emulator's HTTP layer: a stdlib ``ThreadingHTTPServer`` on the loopback interface.

Dropped connections are real: a ``reset`` fault closes the socket with ``SO_LINGER`` 0 (the
client sees a TCP reset), a ``lost`` fault closes it after the request was committed.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time
from typing import TYPE_CHECKING, cast

from ..epcis._client_http import Request
from ..epcis._testing_http import AppHandler, LoopbackServer, _Server

if TYPE_CHECKING:
    from .emulator import PortalEmulator

__all__ = ["EmulatorServer"]


class _EmulatorHandler(AppHandler):
    """Feeds HTTP requests to the owning server's emulator."""

    def _dispatch(self) -> None:
        owner = cast("EmulatorServer", cast(_Server, self.server).owner)
        body = self.read_body()
        request = Request(self.command, owner.origin + self.path, tuple(self.headers.items()), body)
        answer = owner.emulator.dispatch(request)
        if answer.delay > 0:
            time.sleep(answer.delay)
        if answer.drop is not None:
            if answer.drop == "reset":
                with contextlib.suppress(OSError):
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
            self.close_connection = True
            return
        self.write(answer.status, answer.headers, answer.body)


class EmulatorServer(LoopbackServer):
    """A running emulator on ``127.0.0.1`` (context manager; ``.url``, ``.close()``).

    Made by :meth:`PortalEmulator.serve <tracelib.portal.emulator.PortalEmulator.serve>`;
    closing the server does not close the emulator.

    Args:
        emulator: The emulator to serve.
        host: A loopback address.
        port: The port (0 picks a free one).

    Raises:
        InputError: ``EPCIS_TESTING_NOT_LOOPBACK`` for a host that is not loopback.
    """

    def __init__(self, emulator: PortalEmulator, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(_EmulatorHandler, host=host, port=port)
        self.emulator = emulator

    @property
    def url(self) -> str:
        """The emulator's root URL (the nbc-v5 face's base URL)."""
        return self.origin

    @property
    def epcis_url(self) -> str:
        """The EPCIS face's root URL (``…/epcis``)."""
        return self.origin + "/epcis"

    def file_url(self, name: str) -> str:
        """The URL of a file stored with :meth:`PortalEmulator.add_file`.

        Args:
            name: The file name.

        Returns:
            The URL.
        """
        return self.emulator.file_url(name, origin=self.origin)

    def __repr__(self) -> str:
        return f"EmulatorServer({self.url})"
