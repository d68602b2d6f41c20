"""Portal catalogues (*danh mục*): typed, immutable values read from the wire.

The portal keeps reference lists — industries (``nganhHang``), growing areas
(``vungTrong``...), packaging (``quyCachDongGoi``), market groups, HS codes, provinces and
wards — that other records point to by id or code [OBS]. A catalogue is **flat** (each entry
names its parent by ``parent_id``) or a **tree** (each entry nests its ``children``); a
:class:`Catalog` holds either form as it was received and gives both:
:meth:`Catalog.roots` (the tree, built from parent ids for a flat reply) and
:meth:`Catalog.flat` (every entry, depth first, without children).

Entries carry English field names; the wire names come only from the profile's
``[fields.catalogue]`` table (``code = "ma"``, ``name = "ten"``, ``parent_id = "idCha"``,
``children = "con"`` by default), see :func:`parse_catalog`. Wire members the profile does
not map are kept in :attr:`CatalogEntry.extra`, never dropped.

Examples:
    >>> cat = Catalog("nganhHang", (
    ...     CatalogEntry("NONG_SAN", "Nông sản", id="1"),
    ...     CatalogEntry("TRAI_CAY", "Trái cây", id="11", parent_id="1"),
    ... ))
    >>> [e.code for e in cat.roots()[0].children]
    ['TRAI_CAY']
    >>> cat.label("TRAI_CAY")
    'Nông sản > Trái cây'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ...errors import InputError
from ..errors import PortalBug
from ..profile import NbcProfile

__all__ = ["Catalog", "CatalogEntry", "parse_catalog"]

_CANONICAL = ("id", "code", "name", "parent_id", "children")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One catalogue entry.

    Attributes:
        code: The entry's code (``NONG_SAN``, an HS code, a province code...).
        name: Its name (Vietnamese, as the portal gives it).
        id: The portal's id of the entry, if it has one (parents are named by it).
        parent_id: The parent's id (or code, for entries without ids); ``None`` at the top.
        children: The nested entries (tree form; empty in the flat form).
        extra: Wire members the profile does not map (canonical names where it does).

    Examples:
        >>> CatalogEntry("40", "Nghệ An", id="p-40").ref
        'p-40'
        >>> CatalogEntry("40", "Nghệ An") == CatalogEntry("40", "Nghệ An", extra={})
        True
    """

    code: str
    name: str
    id: str | None = None
    parent_id: str | None = None
    children: tuple[CatalogEntry, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    @property
    def ref(self) -> str:
        """What children name this entry by: its id, or its code when it has none."""
        return self.id if self.id is not None else self.code

    def walk(self) -> Iterator[CatalogEntry]:
        """This entry and its descendants, depth first.

        Returns:
            An iterator of entries (with their children).

        Examples:
            >>> leaf = CatalogEntry("B", "b", parent_id="A")
            >>> [e.code for e in CatalogEntry("A", "a", children=(leaf,)).walk()]
            ['A', 'B']
        """
        yield self
        for child in self.children:
            yield from child.walk()

    def dump(self) -> dict[str, Any]:
        """The entry as a JSON-ready dict with English keys (``None`` and empty members
        omitted; children nested).

        Returns:
            The dict.

        Examples:
            >>> CatalogEntry("TOM", "Tôm", id="21", parent_id="2").dump()
            {'code': 'TOM', 'name': 'Tôm', 'id': '21', 'parent_id': '2'}
        """
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.id is not None:
            out["id"] = self.id
        if self.parent_id is not None:
            out["parent_id"] = self.parent_id
        if self.children:
            out["children"] = [child.dump() for child in self.children]
        if self.extra:
            out["extra"] = dict(self.extra)
        return out


@dataclass(frozen=True, slots=True)
class Catalog:
    """A catalogue as received: a flat list, or the top entries of a tree.

    Construction checks that entry refs (:attr:`CatalogEntry.ref`) are unique and that
    parent links have no cycle. An entry whose parent is not in the catalogue stays a top
    entry of :meth:`roots` (its ``parent_id`` kept).

    Attributes:
        key: The catalogue key (``nganhHang``, ``provinces``...).
        entries: The entries as received (top entries with children for a tree).
        tree: Whether the reply was nested.

    Raises:
        InputError: ``PORTAL_CATALOG_DUPLICATE`` (two entries with one ref) or
            ``PORTAL_CATALOG_CYCLE`` (parent links that loop), with the entry's path.

    Examples:
        >>> cat = Catalog("x", (CatalogEntry("A", "a"), CatalogEntry("B", "b", parent_id="A")))
        >>> len(cat), "B" in cat, cat.tree
        (2, True, False)
        >>> Catalog("x", (CatalogEntry("A", "a", parent_id="B"),
        ...               CatalogEntry("B", "b", parent_id="A")))
        Traceback (most recent call last):
        ...
        tracelib.errors.InputError: catalogue x: parent links loop at entry A
    """

    key: str
    entries: tuple[CatalogEntry, ...]
    tree: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(self.entries))
        refs: dict[str, CatalogEntry] = {}
        for path, entry in _paths(self.entries):
            if entry.ref in refs:
                raise InputError(
                    f"catalogue {self.key}: two entries with ref {entry.ref!r}",
                    code="PORTAL_CATALOG_DUPLICATE",
                    path=path,
                )
            refs[entry.ref] = entry
        for path, entry in _paths(self.entries):
            seen = {entry.ref}
            parent = refs.get(entry.parent_id) if entry.parent_id is not None else None
            while parent is not None:
                if parent.ref in seen:
                    raise InputError(
                        f"catalogue {self.key}: parent links loop at entry {entry.code}",
                        code="PORTAL_CATALOG_CYCLE",
                        path=path,
                    )
                seen.add(parent.ref)
                parent = refs.get(parent.parent_id) if parent.parent_id is not None else None

    def __repr__(self) -> str:
        form = "tree" if self.tree else "flat"
        return f"Catalog({self.key!r}, {len(self)} entries, {form})"

    def __len__(self) -> int:
        return sum(1 for _ in self._all())

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.flat())

    def __contains__(self, code: object) -> bool:
        return any(entry.code == code for entry in self._all())

    def _all(self) -> Iterator[CatalogEntry]:
        for entry in self.entries:
            yield from entry.walk()

    def flat(self) -> tuple[CatalogEntry, ...]:
        """Every entry, depth first (tree order; a flat reply's order), without children.

        Returns:
            The entries (``parent_id`` set on each one below the top).

        Examples:
            >>> child = CatalogEntry("B", "b", parent_id="A")
            >>> [e.code for e in Catalog("x", (CatalogEntry("A", "a", children=(child,)),),
            ...                          tree=True).flat()]
            ['A', 'B']
        """
        return tuple(
            replace(entry, children=()) if entry.children else entry for entry in self._all()
        )

    def roots(self) -> tuple[CatalogEntry, ...]:
        """The tree: the top entries with their children nested (built from parent ids
        for a flat reply; a tree reply as received).

        Returns:
            The top entries.

        Examples:
            >>> cat = Catalog("x", (CatalogEntry("A", "a"), CatalogEntry("B", "b", parent_id="A")))
            >>> [(e.code, [c.code for c in e.children]) for e in cat.roots()]
            [('A', ['B'])]
        """
        entries = self.flat()
        refs = {entry.ref for entry in entries}
        below: dict[str, list[CatalogEntry]] = {}
        for entry in entries:
            if entry.parent_id is not None and entry.parent_id in refs:
                below.setdefault(entry.parent_id, []).append(entry)

        def build(entry: CatalogEntry) -> CatalogEntry:
            children = tuple(build(child) for child in below.get(entry.ref, ()))
            return replace(entry, children=children) if children else entry

        return tuple(
            build(entry)
            for entry in entries
            if entry.parent_id is None or entry.parent_id not in refs
        )

    def get(self, code: str) -> CatalogEntry:
        """The entry with this code (with its children).

        Args:
            code: The code.

        Returns:
            The entry.

        Raises:
            InputError: ``PORTAL_CATALOG_UNKNOWN_CODE``.

        Examples:
            >>> cat = Catalog("x", (CatalogEntry("A", "a"), CatalogEntry("B", "b", parent_id="A")))
            >>> [c.code for c in cat.get("A").children]
            ['B']
            >>> cat.get("Z")
            Traceback (most recent call last):
            ...
            tracelib.errors.InputError: catalogue x has no entry with code 'Z'
        """
        return self.path(code)[-1]

    def path(self, code: str) -> tuple[CatalogEntry, ...]:
        """The entries from the top down to the one with this code.

        Args:
            code: The code.

        Returns:
            The chain of entries, the top one first.

        Raises:
            InputError: ``PORTAL_CATALOG_UNKNOWN_CODE``.

        Examples:
            >>> cat = Catalog("x", (CatalogEntry("A", "a"), CatalogEntry("B", "b", parent_id="A")))
            >>> [e.code for e in cat.path("B")]
            ['A', 'B']
        """

        def search(entry: CatalogEntry) -> tuple[CatalogEntry, ...] | None:
            if entry.code == code:
                return (entry,)
            for child in entry.children:
                found = search(child)
                if found is not None:
                    return (entry, *found)
            return None

        for top in self.roots():
            found = search(top)
            if found is not None:
                return found
        raise InputError(
            f"catalogue {self.key} has no entry with code {code!r}",
            code="PORTAL_CATALOG_UNKNOWN_CODE",
            position=0,
        )

    def label(self, code: str, *, sep: str = " > ") -> str:
        """The entry's name under its ancestors' names (``Cha > Con``, as vendors show the
        portal's hierarchical "công việc").

        Args:
            code: The code.
            sep: The separator.

        Returns:
            The label.

        Raises:
            InputError: ``PORTAL_CATALOG_UNKNOWN_CODE``.

        Examples:
            >>> Catalog("x", (CatalogEntry("A", "a"),)).label("A")
            'a'
        """
        return sep.join(entry.name for entry in self.path(code))

    def dump(self) -> dict[str, Any]:
        """The catalogue as a JSON-ready dict (English keys; entries as received).

        Returns:
            ``{"key", "tree", "entries"}``.

        Examples:
            >>> Catalog("x", (CatalogEntry("A", "a"),)).dump()
            {'key': 'x', 'tree': False, 'entries': [{'code': 'A', 'name': 'a'}]}
        """
        return {
            "key": self.key,
            "tree": self.tree,
            "entries": [entry.dump() for entry in self.entries],
        }


def _paths(
    entries: Sequence[CatalogEntry], prefix: str = "$"
) -> Iterator[tuple[str, CatalogEntry]]:
    for i, entry in enumerate(entries):
        path = f"{prefix}[{i}]"
        yield path, entry
        yield from _paths(entry.children, f"{path}.children")


# ---- from the wire ------------------------------------------------------------------------


class _Reader:
    """Reads wire entries with the profile's ``[fields.catalogue]`` names."""

    def __init__(self, key: str, profile: NbcProfile, endpoint: str | None, raw: Any) -> None:
        self.key = key
        self.profile = profile
        self.endpoint = endpoint
        self.raw = raw
        self.wire = {name: profile.wire("catalogue", name) for name in _CANONICAL}
        self.nested = False

    def fail(self, message: str, path: str, code: str = "PORTAL_CATALOG_BAD_REPLY") -> PortalBug:
        return PortalBug(
            f"catalogue {self.key}: {message} at {path}",
            code=code,
            endpoint=self.endpoint,
            raw=self.raw,
        )

    def text(self, obj: Mapping[str, Any], name: str, path: str) -> str | None:
        wire = self.wire[name]
        value = obj.get(wire)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.fail(f"member {wire!r} ({name}) is not a string", f"{path}.{wire}")
        return str(value)

    def required(self, obj: Mapping[str, Any], name: str, path: str) -> str:
        value = self.text(obj, name, path)
        if value is None:
            wire = self.wire[name]
            raise self.fail(f"member {wire!r} ({name}) is missing", f"{path}.{wire}")
        return value

    def entries(self, value: Any, path: str, parent: str | None) -> tuple[CatalogEntry, ...]:
        if not isinstance(value, list):
            raise self.fail("expected a list of entries", path)
        return tuple(self.entry(obj, f"{path}[{i}]", parent) for i, obj in enumerate(value))

    def entry(self, obj: Any, path: str, parent: str | None) -> CatalogEntry:
        if not isinstance(obj, Mapping):
            raise self.fail("an entry is not a JSON object", path)
        code = self.required(obj, "code", path)
        name = self.required(obj, "name", path)
        entry_id = self.text(obj, "id", path)
        parent_id = self.text(obj, "parent_id", path)
        if parent is not None:
            if parent_id is not None and parent_id != parent:
                raise self.fail(
                    f"nested under {parent!r} but names parent {parent_id!r}",
                    f"{path}.{self.wire['parent_id']}",
                    "PORTAL_CATALOG_BAD_TREE",
                )
            parent_id = parent
        ref = entry_id if entry_id is not None else code
        children: tuple[CatalogEntry, ...] = ()
        wire_children = self.wire["children"]
        if wire_children in obj:
            self.nested = True
            below = obj[wire_children]
            children = () if below is None else self.entries(below, f"{path}.{wire_children}", ref)
        known = {self.wire[name] for name in _CANONICAL}
        extra = {
            (self.profile.canonical("catalogue", k) or k): v
            for k, v in obj.items()
            if k not in known
        }
        return CatalogEntry(code, name, entry_id, parent_id, children, extra)


def parse_catalog(
    key: str, data: Any, profile: NbcProfile, *, endpoint: str | None = None
) -> Catalog:
    """Read a catalogue reply (a JSON list of entries, flat or nested) with the profile's
    ``[fields.catalogue]`` wire names.

    Args:
        key: The catalogue key.
        data: The parsed JSON reply.
        profile: The profile naming the wire fields.
        endpoint: ``"METHOD /path"`` of the request, kept on errors.

    Returns:
        The catalogue (``tree`` when some entry carries the children member).

    Raises:
        PortalBug: ``PORTAL_CATALOG_BAD_REPLY`` (not a list, an entry without code or
            name...), ``PORTAL_CATALOG_BAD_TREE``, ``PORTAL_CATALOG_DUPLICATE`` or
            ``PORTAL_CATALOG_CYCLE``; the message names the JSON path, ``raw`` keeps the
            reply.
        ProfileError: The profile does not name a catalogue field.

    Examples:
        >>> p = NbcProfile.load()
        >>> cat = parse_catalog("nganhHang", [{"id": "1", "ma": "NS", "ten": "Nông sản",
        ...     "con": [{"id": "11", "ma": "TC", "ten": "Trái cây", "idCha": "1", "con": []}]}], p)
        >>> cat, cat.flat()[1].parent_id
        (Catalog('nganhHang', 2 entries, tree), '1')
        >>> parse_catalog("nganhHang", [{"id": "1", "ten": "x"}], p)
        Traceback (most recent call last):
        ...
        tracelib.portal.errors.PortalBug: catalogue nganhHang: member 'ma' (code) is missing ...
    """
    reader = _Reader(key, profile, endpoint, data)
    entries = reader.entries(data, "$", None)
    try:
        return Catalog(key, entries, tree=reader.nested)
    except InputError as exc:
        raise PortalBug(
            f"{exc.message} at {exc.path}", code=exc.code, endpoint=endpoint, raw=data
        ) from None
