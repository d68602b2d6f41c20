"""RFC 7807 problem details (``application/problem+json`` and ``+xml``) of EPCIS error answers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._client_http import Response

__all__ = ["Problem", "problem_of"]

_PROBLEM_MEMBERS = ("type", "title", "status", "detail", "instance")


@dataclass(frozen=True, slots=True)
class Problem:
    """An RFC 7807 problem detail (``application/problem+json``).

    Attributes:
        type: The problem type, e.g. ``epcisException:QueryParameterException``.
        title: A short summary.
        status: The HTTP status the server put in the body.
        detail: An explanation of this occurrence.
        instance: A URI of this occurrence.
        extensions: Any other members.

    Examples:
        >>> p = Problem.from_json({"type": "epcisException:QueryParameterException",
        ...                        "title": "Bad parameter", "status": 400, "param": "EQ_x"})
        >>> p.exception, p.extensions
        ('QueryParameterException', {'param': 'EQ_x'})
    """

    type: str = "about:blank"
    title: str = ""
    status: int | None = None
    detail: str | None = None
    instance: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def from_json(cls, obj: Any) -> Problem:
        """Read a problem from parsed JSON; odd member types become text, never an error.

        Args:
            obj: The parsed body.

        Returns:
            The problem (an empty one when ``obj`` is not an object).

        Examples:
            >>> Problem.from_json({"title": "Oops", "status": "500"}).status
            500
            >>> Problem.from_json([1, 2]).title
            ''
        """
        if not isinstance(obj, dict):
            return cls()
        status = obj.get("status")
        if isinstance(status, str) and status.lstrip("-").isdigit():
            status = int(status)
        return cls(
            type=str(obj.get("type") or "about:blank"),
            title=str(obj.get("title") or ""),
            status=status if isinstance(status, int) and not isinstance(status, bool) else None,
            detail=None if obj.get("detail") is None else str(obj["detail"]),
            instance=None if obj.get("instance") is None else str(obj["instance"]),
            extensions={k: v for k, v in obj.items() if k not in _PROBLEM_MEMBERS},
        )

    @property
    def exception(self) -> str | None:
        """The EPCIS exception name of an ``epcisException:…`` type, else ``None``."""
        prefix = "epcisException:"
        return self.type[len(prefix) :] if self.type.startswith(prefix) else None

    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON object (members that are ``None`` left out).

        Returns:
            The object.

        Examples:
            >>> Problem("epcisException:NoSuchNameException", "Not found", 404).to_json()
            {'type': 'epcisException:NoSuchNameException', 'title': 'Not found', 'status': 404}
        """
        out: dict[str, Any] = {"type": self.type, "title": self.title}
        for name in ("status", "detail", "instance"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out.update(self.extensions)
        return out


def problem_of(response: Response) -> Problem:
    """The RFC 7807 problem of an error response: JSON, XML (read safely) or plain text.

    Args:
        response: The response.

    Returns:
        The problem (the text of a body that is neither, as its title).

    Examples:
        >>> body = b'{"type": "epcisException:NoSuchNameException", "title": "No"}'
        >>> problem_of(Response(404, (("Content-Type", "application/problem+json"),), body)).title
        'No'
    """
    kind = response.content_type
    if response.content and (kind.endswith("json") or kind == ""):
        try:
            return Problem.from_json(json.loads(response.content))
        except (ValueError, UnicodeDecodeError):
            pass
    if response.content and kind.endswith("xml"):
        return _problem_from_xml(response.content, response.status)
    text = response.content.decode("utf-8", "replace").strip()[:500]
    return Problem(title=text, status=response.status)


def _problem_from_xml(content: bytes, status: int) -> Problem:
    """An ``application/problem+xml`` body, read with a safe parser; text on failure."""
    try:
        from lxml import etree

        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        root = etree.fromstring(content[:1_000_000], parser)
    except Exception:
        return Problem(title=content.decode("utf-8", "replace")[:500], status=status)
    members: dict[str, Any] = {}
    for child in root:
        if isinstance(child.tag, str):
            members[etree.QName(child).localname] = (child.text or "").strip()
    return Problem.from_json(members)
