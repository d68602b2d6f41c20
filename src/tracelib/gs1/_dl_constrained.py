"""Which AIs make up a Digital Link path, and the CBV 2.0 constrained form.

:class:`KeyTables` holds the Syntax Dictionary's ``dlpkey`` rules as the parser and the
generator use them: every primary key, every valid key-qualifier path (each sequence with
any qualifiers left out, order kept), and the engine's order of candidate sequences.
:func:`select` splits AI data into path and query the way the Syntax Engine generates a
URI.

An EPCIS event names objects, classes, locations and parties with GS1 Digital Link URIs in
a constrained form (GS1 Core Business Vocabulary 2.0): the canonical ``https://id.gs1.org``
stem, no query string, a 14-digit GTIN, no alphabetic short names, and only the most
fine-grained key that an EPC (TDS) scheme stands for:

=============  ==========================================  ===================
Primary key    Constrained path                            EPC scheme
=============  ==========================================  ===================
00             ``/00/{sscc}``                              SSCC
01             ``/01/{gtin}/21/{serial}``                  SGTIN (instance)
01             ``/01/{gtin}/235/{tpx}``                    TPX (instance)
01             ``/01/{gtin}/10/{lot}``                     LGTIN (class)
01             ``/01/{gtin}``                              GTIN (class)
253, 255       ``/253/{gdti}``, ``/255/{gcn}``             GDTI, SGCN
401, 402       ``/401/{ginc}``, ``/402/{gsin}``            GINC, GSIN
414            ``/414/{gln}`` or ``/414/{gln}/254/{ext}``  SGLN
417            ``/417/{gln}``                              PGLN
8003, 8004     ``/8003/{grai}``, ``/8004/{giai}``          GRAI, GIAI
8006           ``/8006/{itip}`` with ``/21/`` or ``/10/``  ITIP
8010           ``/8010/{cpid}`` or with ``/8011/{serial}`` CPI
8017, 8018     ``/8017/{gsrnp}``, ``/8018/{gsrn}``         GSRNP, GSRN
=============  ==========================================  ===================

A serial number wins over a lot (``/01/…/10/L/21/S`` becomes ``/01/…/21/S``); other
qualifiers (AI 22, AI 7040, AI 8019) and every data attribute are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Gs1Error
from . import ai as _ai
from .codes import Gs1Code

__all__ = [
    "CONSTRAINED_KEYS",
    "CONVENIENCE_ALPHAS",
    "KeyTables",
    "Plan",
    "belonging",
    "belongs_in_path",
    "constrained_path",
    "plan",
    "plausible_unknown",
    "select",
    "tables",
]

#: The withdrawn alphabetic short names (URI syntax before 1.3) and the AIs they stand
#: for. Accepted in a path only with ``permit_convenience_alphas``; never generated.
CONVENIENCE_ALPHAS: dict[str, str] = {
    "cpid": "8010",
    "cpsn": "8011",
    "cpv": "22",
    "gcn": "255",
    "gdti": "253",
    "giai": "8004",
    "ginc": "401",
    "gln": "414",
    "glnx": "254",
    "gmn": "8013",
    "grai": "8003",
    "gsin": "402",
    "gsrn": "8018",
    "gsrnp": "8017",
    "gtin": "01",
    "itip": "8006",
    "lot": "10",
    "party": "417",
    "refno": "8020",
    "ser": "21",
    "srin": "8019",
    "sscc": "00",
}


class KeyTables:
    """Digital Link views of the AI dictionary, built on first use.

    Attributes:
        keys: The primary-key AIs.
        valid: Every valid path AI sequence, key first.
        prefixes: Every prefix of a valid path AI sequence.
        candidates: Per key, its qualifier sequences (any qualifiers left out, order kept)
            in the engine's order of trial.
        qualifiers: Per key, every AI that can qualify it.
        attributes: The AIs allowed as data attributes (flag ``?``).
        predefined: The AIs with a predefined length (flag ``*``).
        segments: Path segment -> AI: every AI of the dictionary.
        segments_alpha: The same with the convenience alphas added.
        belongs: Cache of :func:`belongs_in_path` sets per path.
    """

    __slots__ = (
        "attributes",
        "belongs",
        "candidates",
        "keys",
        "predefined",
        "prefixes",
        "qualifiers",
        "segments",
        "segments_alpha",
        "valid",
    )

    def __init__(self) -> None:
        valid: set[tuple[str, ...]] = set()
        candidates: dict[str, tuple[tuple[str, ...], ...]] = {}
        qualifiers: dict[str, frozenset[str]] = {}
        every = _ai.entries()
        self.attributes = frozenset(e.ai for e in every if e.dl_data_attribute)
        self.predefined = frozenset(e.ai for e in every if e.predefined_length)
        self.segments = {e.ai: e.ai for e in every}
        self.segments_alpha = {**self.segments, **CONVENIENCE_ALPHAS}
        self.belongs: dict[tuple[str, ...], frozenset[str]] = {}
        for entry in every:
            if not entry.dl_primary_key:
                continue
            subsets: set[tuple[str, ...]] = {()}
            for sequence in entry.dl_qualifiers:
                for mask in range(1, 1 << len(sequence)):
                    subsets.add(tuple(q for i, q in enumerate(sequence) if mask >> i & 1))
            valid.update((entry.ai, *s) for s in subsets)
            # The engine's order: the sequences as space-separated text, sorted.
            ordered = sorted(subsets - {()}, key=" ".join)
            candidates[entry.ai] = tuple(ordered)
            qualifiers[entry.ai] = frozenset(q for s in entry.dl_qualifiers for q in s)
        self.keys = frozenset(candidates)
        self.valid = frozenset(valid)
        self.prefixes = frozenset(v[:n] for v in valid for n in range(1, len(v) + 1))
        self.candidates = candidates
        self.qualifiers = qualifiers


_tables_cache: list[KeyTables] = []
_in_path_cache: dict[tuple[tuple[str, ...], str], bool] = {}


def tables() -> KeyTables:
    """The :class:`KeyTables`, built on first use."""
    if not _tables_cache:
        _tables_cache.append(KeyTables())
    return _tables_cache[0]


def plausible_unknown(ai: str) -> bool:
    """Whether an AI absent from the dictionary could be one (as the engine vivifies it)."""
    if not (2 <= len(ai) <= 4 and ai.isdigit()):
        return False
    size = _ai.ai_length(ai)
    if size is not None and size != len(ai):
        return False
    return not any(_ai.is_known(ai[:n]) for n in range(2, len(ai)))


def belonging(path: tuple[str, ...]) -> frozenset[str]:
    """The AIs that :func:`belongs_in_path` puts in the path after ``path`` (cached)."""
    kt = tables()
    hit = kt.belongs.get(path)
    if hit is None:
        hit = frozenset(q for q in kt.qualifiers.get(path[0], ()) if belongs_in_path(path, q))
        if len(kt.belongs) < 4096:
            kt.belongs[path] = hit
    return hit


def belongs_in_path(path: tuple[str, ...], ai: str) -> bool:
    """Whether inserting ``ai`` after the key (at any place) still gives a valid path."""
    key = (path, ai)
    hit = _in_path_cache.get(key)
    if hit is None:
        valid = tables().valid
        hit = any((*path[:j], ai, *path[j:]) in valid for j in range(1, len(path) + 1))
        if len(_in_path_cache) < 4096:
            _in_path_cache[key] = hit
    return hit


#: Primary key -> the qualifiers a constrained URI may keep, most fine-grained first.
CONSTRAINED_KEYS: dict[str, tuple[str, ...]] = {
    "00": (),
    "01": ("21", "235", "10"),
    "253": (),
    "255": (),
    "401": (),
    "402": (),
    "414": ("254",),
    "417": (),
    "8003": (),
    "8004": (),
    "8006": ("21", "10"),
    "8010": ("8011",),
    "8017": (),
    "8018": (),
}


def constrained_path(
    primary: tuple[str, str], qualifiers: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """The ``(ai, value)`` path elements of the constrained form.

    Args:
        primary: The primary key ``(ai, value)``.
        qualifiers: The key qualifiers of the URI, in path order.

    Returns:
        The primary key and at most one qualifier.

    Raises:
        Gs1Error: ``GS1_NOT_CONVERTIBLE`` when the key has no CBV 2.0 constrained form
            (for example a GMN, AI 8013).

    Examples:
        >>> constrained_path(("01", "09520123456788"), (("10", "L1"), ("21", "S1")))
        (('01', '09520123456788'), ('21', 'S1'))
        >>> constrained_path(("414", "9520123456788"), ())
        (('414', '9520123456788'),)
    """
    keep = CONSTRAINED_KEYS.get(primary[0])
    if keep is None:
        raise Gs1Error(
            f"AI ({primary[0]}) has no CBV 2.0 constrained Digital Link form (no EPC scheme)",
            code=Gs1Code.GS1_NOT_CONVERTIBLE,
            ai=primary[0],
        )
    present = dict(qualifiers)
    for ai in keep:
        value = present.get(ai)
        if value is not None:
            return (primary, (ai, value))
    return (primary,)


_best_cache: dict[tuple[str, object], tuple[str, ...]] = {}


def _best_sequence(key: str, counts: dict[str, int]) -> tuple[str, ...]:
    """The engine's pick: the first candidate sequence matching the most data AIs."""
    kt = tables()
    memo = (key, tuple(sorted(counts.items())))
    best = _best_cache.get(memo)
    if best is None:
        best, most = (), 0
        for candidate in kt.candidates[key]:
            n = sum(counts.get(q, 0) for q in candidate)
            if n > most:
                best, most = candidate, n
        if len(_best_cache) < 4096:
            _best_cache[memo] = best
    return best


def select(
    pairs: Sequence[tuple[str, str]], validate_dl_attributes: bool = True
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Split validated AI data into path and query as the Syntax Engine's ``generateDLuri``.

    The first primary key becomes the path key; of its qualifier sequences, the first in
    the engine's order that matches the most AIs of the data gives the qualifiers; every
    other AI, once each, is a data attribute.

    Args:
        pairs: Validated ``(ai, value)`` pairs.
        validate_dl_attributes: Reject AIs that are not in the dictionary as attributes.

    Returns:
        ``(path, attributes)``: the key and qualifiers in path order, then the other AIs
        in data order.

    Raises:
        Gs1Error: ``GS1_DL_NO_PRIMARY_KEY`` (no key AI) or ``GS1_DL_NOT_ATTRIBUTE`` (an AI
            that is neither a qualifier of the key nor a data attribute).

    Examples:
        >>> select([("21", "S"), ("01", "09520123456788"), ("17", "261231")])
        ([('01', '09520123456788'), ('21', 'S')], [('17', '261231')])
    """
    path, query = plan(tuple([ai for ai, _ in pairs]), validate_dl_attributes)
    return [pairs[i] for i in path], [pairs[i] for i in sorted(query)]


#: Where the path and the query of a URI come from: indices into the data's AIs.
Plan = tuple[tuple[int, ...], tuple[int, ...]]
_plans: dict[tuple[tuple[str, ...], bool], Plan] = {}


def plan(ais: tuple[str, ...], validate_dl_attributes: bool = True) -> Plan:
    """:func:`select` as indices: ``(path, query)`` positions in ``ais`` (cached per AIs).

    ``path`` lists the key and its qualifiers in path order; ``query`` the attributes in
    the engine's query order: predefined-length AIs first, each group in data order.

    Raises:
        Gs1Error: As :func:`select`.
    """
    memo = (ais, validate_dl_attributes)
    found = _plans.get(memo)
    if found is None:
        found = _plan(ais, validate_dl_attributes)
        if len(_plans) >= 4096:
            _plans.clear()
        _plans[memo] = found
    return found


def _plan(ais: tuple[str, ...], validate_dl_attributes: bool) -> Plan:
    kt = tables()
    keys = kt.keys
    first: dict[str, int] = {}
    key = None
    repeated = False
    for i, ai in enumerate(ais):
        if ai in first:
            repeated = True
        else:
            first[ai] = i
            if key is None and ai in keys:
                key = ai
    if key is None:
        raise Gs1Error(
            "the data holds no GS1 Digital Link primary key (GTIN, SSCC, GLN, ...)",
            code=Gs1Code.GS1_DL_NO_PRIMARY_KEY,
        )
    present = kt.qualifiers[key].intersection(first)
    best: tuple[str, ...] = ()
    if present:
        counts = dict.fromkeys(present, 0 if repeated else 1)
        if repeated:
            for ai in ais:
                if ai in counts:
                    counts[ai] += 1
        best = _best_sequence(key, counts)
    path = (first[key], *(first[q] for q in best if q in first))
    attributes = [(ai, i) for ai, i in first.items() if ai != key and ai not in best]
    fixed = kt.predefined
    if any(ai not in kt.attributes for ai, _ in attributes):
        for group in (True, False):
            for ai, _ in attributes:
                if (ai in fixed) is group and ai not in kt.attributes:
                    _not_attribute(ai, key, validate_dl_attributes)
    query = (
        *(i for ai, i in attributes if ai in fixed),
        *(i for ai, i in attributes if ai not in fixed),
    )
    return path, query


def _not_attribute(ai: str, key: str, validate_dl_attributes: bool) -> None:
    """Raise for an AI that can go neither in the path nor in the query (unless permitted)."""
    if _ai.is_known(ai):
        raise Gs1Error(
            f"AI ({ai}) cannot be a Digital Link data attribute, and it is not a "
            f"qualifier of the key AI ({key}) in this data",
            code=Gs1Code.GS1_DL_NOT_ATTRIBUTE,
            ai=ai,
        )
    if validate_dl_attributes:
        raise Gs1Error(
            f"AI ({ai}) is not in the dictionary, so it cannot be a Digital Link "
            "data attribute (set validate_dl_attributes=False to allow it)",
            code=Gs1Code.GS1_DL_NOT_ATTRIBUTE,
            ai=ai,
        )
