"""Image fetching of the emulator: the portal pulls product and evidence images by URL.

Only ``http``/``https`` URLs on the loopback interface (or hosts explicitly allowed) are
fetched; files stored in the emulator itself (``/_admin/files/{name}``) are answered without
a socket (URLs on its own ports, or under the in-process host ``http://emulator``). The
body must be a JPG or PNG image (by its magic bytes), as the portal requires.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from ..epcis._testing_http import is_loopback
from ._emulator_store import RecordStore

__all__ = ["FILES_PREFIX", "INPROCESS_HOST", "FetchError", "MediaFetcher", "image_type"]

FILES_PREFIX = "/_admin/files/"
"""Path prefix of the files the emulator serves itself."""

INPROCESS_HOST = "emulator"
"""The host name of in-process URLs (``http://emulator/...``): the emulator's own files."""

_MAX_BYTES = 10 * 1024 * 1024
#: No proxies: a loopback fetch must never leave the machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class FetchError(Exception):
    """An image could not be fetched (the reason is the message)."""


def image_type(content: bytes) -> str | None:
    """The image media type by magic bytes (JPG or PNG only), or ``None``.

    Args:
        content: The bytes.

    Returns:
        ``image/png``, ``image/jpeg`` or ``None``.

    Examples:
        >>> image_type(b"\\x89PNG\\r\\n\\x1a\\n...."), image_type(b"GIF89a")
        ('image/png', None)
    """
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


class MediaFetcher:
    """Fetches image URLs for the emulator.

    Args:
        store: The emulator's store (its files are served without a socket).
        allow_hosts: Host names fetched besides loopback ones.
        timeout: Seconds per fetch.

    Examples:
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     store = RecordStore(pathlib.Path(tmp) / "e.sqlite")
        ...     store.put_file("a.png", b"\\x89PNG\\r\\n\\x1a\\nxx", "image/png")
        ...     len(MediaFetcher(store).fetch("http://emulator/_admin/files/a.png"))
        ...     store.close()
        10
    """

    def __init__(
        self, store: RecordStore, *, allow_hosts: Iterable[str] = (), timeout: float = 5.0
    ) -> None:
        self.store = store
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self.timeout = timeout
        #: Ports the emulator itself listens on: its own files are read without a socket.
        self.own_ports: set[int] = set()

    def fetch(self, url: object) -> bytes:
        """Download an image.

        Args:
            url: The URL.

        Returns:
            The image bytes.

        Raises:
            FetchError: Not a fetchable URL, the download failed, or not a JPG/PNG.
        """
        if not isinstance(url, str) or not url:
            raise FetchError(f"{url!r} is not a URL")
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise FetchError(f"{url} is not an http(s) URL")
        own = host == INPROCESS_HOST or (is_loopback(host) and parts.port in self.own_ports)
        if not (own or is_loopback(host) or host in self.allow_hosts):
            raise FetchError(f"{url} is not reachable from the emulator (not loopback)")
        if own and parts.path.startswith(FILES_PREFIX):
            stored = self.store.get_file(unquote(parts.path[len(FILES_PREFIX) :]))
            if stored is None:
                raise FetchError(f"{url}: 404 Not Found")
            content = stored[0]
        elif own:
            raise FetchError(f"{url}: 404 Not Found")
        else:
            content = self._download(url)
        if image_type(content) is None:
            raise FetchError(f"{url} is not a JPG or PNG image")
        return content

    def _download(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"Accept": "image/png, image/jpeg"})  # noqa: S310
        try:
            with _OPENER.open(request, timeout=self.timeout) as answer:
                return bytes(answer.read(_MAX_BYTES + 1))[:_MAX_BYTES]
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url}: {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise FetchError(f"{url}: {exc}") from exc
