"""The CBV event hash ID (``ni:///sha-256;…?ver=CBV2.0``) and its audit pre-hash string.

CBV 2.0 section 8.9 identifies an EPCIS event by hashing a canonical *pre-hash* string of its
fields: the same event gives the same ID whatever its syntax (XML or JSON-LD), field order,
namespace prefixes, time zone, number precision or identifier spelling (EPC URN or GS1
Digital Link). tracelib computes it from the typed models, so an event read from XML and its
JSON-LD twin hash alike by construction.

The pre-hash follows the reference generator's vectors (RalphTro/epcis-event-hash-generator
at 5d2f1c3): ``key=value`` pairs without separators in a fixed order, list members sorted by
code point, timestamps in UTC with exactly milliseconds (rounded half-up), numbers without
trailing zeros, CBV values as ``https://ref.gs1.org/cbv/…`` Web URIs, ``gs1:`` terms under
``https://gs1.org/voc/``, identifiers as constrained GS1 Digital Links, and user extensions
as ``{namespace}localName=value``. recordTime, eventID, errorDeclaration and comments are
left out. ``docs/epcis/hashing.md`` lists the rules and every deviation.

Examples:
    >>> from tracelib.epcis.models import ObjectEvent
    >>> ev = ObjectEvent.create("2005-04-03T20:33:31.116-06:00", action="OBSERVE",
    ...     epcs=["urn:epc:id:sgtin:0614141.107346.2017"], biz_step="shipping")
    >>> print(prehash(ev).replace("epcList", " epcList").replace("action", " action"))
    eventType=ObjectEventeventTime=2005-04-04T02:33:31.116ZeventTimeZoneOffset=-06:00
     epcListepc=https://id.gs1.org/01/10614141073464/21/2017
     action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shipping
    >>> hash_id(ev)
    'ni:///sha-256;08535ec95a4a4bd6d7f9c6508b5756a09ffc888144ef789084420e976c9f6aa7?ver=CBV2.0'
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from ..errors import EpcisError
from ._gc import PausedGc
from ._hash_diff import PrehashDiff, diff_tokens, tokenize
from ._hash_input import events_and_ignores
from ._hash_prehash import Prehasher
from ._hash_values import Canon

if TYPE_CHECKING:
    from .models import EpcisEvent

__all__ = [
    "ALGORITHMS",
    "HashOptions",
    "PrehashDiff",
    "diff_prehashes",
    "event_hashes",
    "event_prehashes",
    "hash_id",
    "prehash",
]

Algorithm = Literal["sha-256", "sha3-256", "sha-384", "sha-512"]
CbvVersion = Literal["2.0", "2.1"]
Gs1Voc = Literal["https://gs1.org/voc/", "https://ref.gs1.org/voc/"]
Subsecond = Literal["round", "keep"]
Namespaces = Mapping[str, str] | Literal["source"] | None

ALGORITHMS: Mapping[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha3-256": hashlib.sha3_256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
"""The RFC 6920 algorithm names accepted by :func:`hash_id`, with their hashlib functions."""
_GS1_VOCS = ("https://gs1.org/voc/", "https://ref.gs1.org/voc/")


@dataclass(frozen=True, slots=True)
class HashOptions:
    """Every option of the event hash, in one frozen value (keyword arguments build one too).

    Attributes:
        cbv_version: ``"2.0"`` (default; the reference vectors) or ``"2.1"`` (fixed order of
            bizTransactionList, sourceList, destinationList, sensorElementList and ilmd; a
            sensorReport's ``bizRules`` inside the report; ``ver=CBV2.1``).
        gs1_voc: Expansion of ``gs1:`` CURIEs and bare measurement or alert types:
            ``https://gs1.org/voc/`` (the EPCIS 2.0 context) or ``https://ref.gs1.org/voc/``
            (the EPCIS 2.1 direction). Full IRIs are never rewritten.
        algorithm: ``sha-256`` (default), ``sha3-256``, ``sha-384`` or ``sha-512``.
        subsecond: ``"round"`` to milliseconds, half-up (default); ``"keep"`` keeps
            microseconds when they are not a whole millisecond (the upcoming MDAF branch
            of the reference, CBV 2.0 mode).
        ignore_fields: Clark names (``{namespace}localName``) of extension members to leave
            out, e.g. a repository's own bookkeeping fields.
        document_ignore_fields: Honour a document-level ``ignoreFields`` extension (any
            namespace) listing such members, as the reference vectors do.
        unify_cbvmda: Hash ILMD members of the XML namespace ``urn:epcglobal:cbv:mda`` (the
            CBV's XML declaration) under the JSON-LD ``cbvmda`` IRI ``urn:epcglobal:cbv:mda:``,
            so that XML and JSON-LD twins agree. Off by default: the CBV 2.0 vectors hash
            namespaces as written.

    Examples:
        >>> opts = HashOptions(cbv_version="2.1", algorithm="sha-512")
        >>> opts.version_tag
        'CBV2.1'
        >>> try:
        ...     HashOptions(algorithm="md5")
        ... except ValueError as err:
        ...     print(err.code)
        EPCIS_HASH_OPTION
    """

    cbv_version: CbvVersion = "2.0"
    gs1_voc: Gs1Voc = "https://gs1.org/voc/"
    algorithm: Algorithm = "sha-256"
    subsecond: Subsecond = "round"
    ignore_fields: tuple[str, ...] = ()
    document_ignore_fields: bool = True
    unify_cbvmda: bool = False
    _prehasher: Prehasher | None = field(default=None, init=False, repr=False, compare=False)
    _ni: tuple[Callable[[bytes], Any], str, str] = field(
        default=(hashlib.sha256, "ni:///sha-256;", "?ver=CBV2.0"),
        init=False,
        repr=False,
        compare=False,
    )

    def __post_init__(self) -> None:
        _check("cbv_version", self.cbv_version, ("2.0", "2.1"))
        _check("gs1_voc", self.gs1_voc, _GS1_VOCS)
        _check("algorithm", self.algorithm, ALGORITHMS)
        _check("subsecond", self.subsecond, ("round", "keep"))
        ignore: Any = self.ignore_fields
        if isinstance(ignore, str) or not all(isinstance(x, str) for x in ignore):
            raise EpcisError(
                "ignore_fields must be a tuple of Clark names like '{urn:x:}field'",
                code="EPCIS_HASH_OPTION",
            )
        object.__setattr__(self, "ignore_fields", tuple(ignore))
        for flag in ("document_ignore_fields", "unify_cbvmda"):
            if not isinstance(getattr(self, flag), bool):
                raise EpcisError(f"{flag} must be a bool", code="EPCIS_HASH_OPTION")
        object.__setattr__(self, "_prehasher", self._build(None, ()))
        # What every ID is made of: the digest function, "ni:///{algorithm};" and "?ver=…".
        ni = (ALGORITHMS[self.algorithm], f"ni:///{self.algorithm};", "?ver=" + self.version_tag)
        object.__setattr__(self, "_ni", ni)

    @property
    def version_tag(self) -> str:
        """The ``ver=`` value of the IDs: ``CBV2.0`` or ``CBV2.1``."""
        return "CBV" + self.cbv_version

    def _build(self, prefixes: Mapping[str, str] | None, ignore: tuple[str, ...]) -> Prehasher:
        canon = Canon(self.gs1_voc, prefixes, keep_micro=self.subsecond == "keep")
        return Prehasher(
            canon,
            cbv21=self.cbv_version == "2.1",
            ignore=frozenset(self.ignore_fields) | frozenset(ignore),
            unify_cbvmda=self.unify_cbvmda,
        )

    def _builder(
        self, prefixes: Mapping[str, str] | None = None, ignore: tuple[str, ...] = ()
    ) -> Prehasher:
        # The pre-hash builder for these options (shared when nothing is added).
        if prefixes is None and not ignore and self._prehasher is not None:
            return self._prehasher
        return self._build(prefixes, ignore)


def _check(name: str, value: object, allowed: Iterable[str]) -> None:
    if not (isinstance(value, str) and value in allowed):
        raise EpcisError(
            f"{name}={value!r} is not one of {', '.join(allowed)}", code="EPCIS_HASH_OPTION"
        )


_DEFAULT = HashOptions()


_VARIANTS: dict[tuple[HashOptions, tuple[tuple[str, Any], ...]], HashOptions] = {}
_MAX_VARIANTS = 256


def _options(options: HashOptions | None, overrides: dict[str, Any]) -> HashOptions:
    given = {k: v for k, v in overrides.items() if v is not None}
    base = _DEFAULT if options is None else options
    if not isinstance(base, HashOptions):
        raise EpcisError("options must be a HashOptions", code="EPCIS_HASH_OPTION")
    if not given:
        return base
    # hash_id(event, algorithm="sha-384") event after event: build those options (and their
    # warm pre-hash builder) once.
    key = (base, tuple(given.items()))
    try:
        known = _VARIANTS.get(key)
    except TypeError:  # an unhashable option value: the constructor says what is wrong
        return replace(base, **given)
    if known is None:
        if all(getattr(base, k) == v for k, v in given.items()):
            known = base
        else:
            known = replace(base, **given)
        if len(_VARIANTS) >= _MAX_VARIANTS:
            _VARIANTS.clear()
        _VARIANTS[key] = known
    return known


def _prefixes(event: Any, namespaces: Namespaces) -> Mapping[str, str] | None:
    if namespaces is None:
        return None
    if isinstance(namespaces, str):
        if namespaces != "source":
            raise EpcisError(
                "namespaces must be a mapping, 'source' or None", code="EPCIS_HASH_OPTION"
            )
        from ._source import source_namespaces

        return source_namespaces(event)
    if not isinstance(namespaces, Mapping):
        raise EpcisError("namespaces must be a mapping, 'source' or None", code="EPCIS_HASH_OPTION")
    return namespaces


@functools.cache
def _event_class() -> type:
    from ._models_events import EpcisEvent

    return EpcisEvent


def _check_event(event: Any) -> None:
    if not isinstance(event, _event_class()):
        raise EpcisError(
            f"expected an EPCIS event, not {type(event).__name__}", code="EPCIS_HASH_INPUT"
        )


def _digest(text: str, opts: HashOptions) -> str:
    digest, head, tail = opts._ni
    return f"{head}{digest(text.encode()).hexdigest()}{tail}"


def prehash(
    event: EpcisEvent,
    *,
    cbv_version: CbvVersion | None = None,
    gs1_voc: Gs1Voc | None = None,
    namespaces: Namespaces = None,
    options: HashOptions | None = None,
) -> str:
    """The canonical pre-hash string of one event (what :func:`hash_id` hashes).

    Args:
        event: An event model.
        cbv_version: ``"2.0"`` (default) or ``"2.1"``.
        gs1_voc: Stem of ``gs1:`` terms (default ``https://gs1.org/voc/``).
        namespaces: Prefixes to expand in CURIE-like *values* besides ``cbv:`` and ``gs1:``:
            a ``{prefix: IRI}`` mapping, or ``"source"`` for those the codec found in scope
            where the event was read. ``None`` (default) expands only ``cbv:`` and ``gs1:``,
            as the CBV 2.0 vectors require (``type="example:x"`` stays as written).
        options: A :class:`HashOptions` (the keyword arguments override it).

    Returns:
        The pre-hash string.

    Raises:
        EpcisError: ``EPCIS_HASH_INPUT`` when ``event`` is not an event,
            ``EPCIS_HASH_OPTION`` for a bad option, ``EPCIS_INVALID_TIMESTAMP`` for a time
            that cannot be expressed in UTC (year 0001 with a positive offset).

    Examples:
        >>> from tracelib.epcis.models import AssociationEvent
        >>> ev = AssociationEvent.create("2024-05-03T06:00:00+07:00", action="ADD",
        ...     parent_id="urn:epc:id:grai:8935049.00001.CRATE9")
        >>> prehash(ev)
        'eventType=AssociationEventeventTime=2024-05-02T23:00:00.000ZeventTimeZoneOffset=+07:00parentID=https://id.gs1.org/8003/08935049000013CRATE9action=ADD'
    """
    _check_event(event)
    opts = _options(options, {"cbv_version": cbv_version, "gs1_voc": gs1_voc})
    return "".join(opts._builder(_prefixes(event, namespaces)).tokens(event))


def hash_id(
    event: EpcisEvent,
    *,
    cbv_version: CbvVersion | None = None,
    gs1_voc: Gs1Voc | None = None,
    algorithm: Algorithm | None = None,
    namespaces: Namespaces = None,
    options: HashOptions | None = None,
) -> str:
    """The CBV event hash ID of one event: ``ni:///{algorithm};{hex}?ver=CBV2.0``.

    Args:
        event: An event model.
        cbv_version: ``"2.0"`` (default) or ``"2.1"``; also the ``ver=`` suffix.
        gs1_voc: Stem of ``gs1:`` terms (default ``https://gs1.org/voc/``).
        algorithm: ``sha-256`` (default), ``sha3-256``, ``sha-384`` or ``sha-512``.
        namespaces: As for :func:`prehash`.
        options: A :class:`HashOptions` (the keyword arguments override it).

    Returns:
        The RFC 6920 ``ni`` URI.

    Raises:
        EpcisError: As :func:`prehash`.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> ev = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD")
        >>> hash_id(ev, algorithm="sha-384", cbv_version="2.1")[:22]
        'ni:///sha-384;fe43a422'
        >>> hash_id(ev)[-11:]
        '?ver=CBV2.0'
    """
    _check_event(event)
    opts = _options(
        options, {"cbv_version": cbv_version, "gs1_voc": gs1_voc, "algorithm": algorithm}
    )
    return _digest("".join(opts._builder(_prefixes(event, namespaces)).tokens(event)), opts)


def event_prehashes(
    data: Any,
    *,
    cbv_version: CbvVersion | None = None,
    gs1_voc: Gs1Voc | None = None,
    namespaces: Namespaces = None,
    options: HashOptions | None = None,
) -> list[str]:
    """The pre-hash strings of every event of a document, in document order.

    Args:
        data: XML or JSON-LD text (``bytes`` or ``str``: a capture or query document, or a
            bare event), a document or event model, or an iterable of events.
        cbv_version: ``"2.0"`` (default) or ``"2.1"``.
        gs1_voc: Stem of ``gs1:`` terms.
        namespaces: As for :func:`prehash`.
        options: A :class:`HashOptions`.

    Returns:
        One pre-hash per event.

    Raises:
        EpcisError: The parser's errors (with ``line`` or ``path``), ``EPCIS_HASH_INPUT``
            for data that holds no events, and those of :func:`prehash`.

    Examples:
        >>> doc = '''{"type": "ObjectEvent", "action": "OBSERVE", "eventTimeZoneOffset": "+01:00",
        ...   "eventTime": "2020-03-04T11:00:30.999+01:00", "bizStep": "departing"}'''
        >>> event_prehashes(doc)
        ['eventType=ObjectEventeventTime=2020-03-04T10:00:30.999ZeventTimeZoneOffset=+01:00action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departing']
    """
    opts = _options(options, {"cbv_version": cbv_version, "gs1_voc": gs1_voc})
    return _prehash_texts(data, opts, namespaces)


def event_hashes(
    data: Any,
    *,
    cbv_version: CbvVersion | None = None,
    gs1_voc: Gs1Voc | None = None,
    algorithm: Algorithm | None = None,
    namespaces: Namespaces = None,
    options: HashOptions | None = None,
) -> list[str]:
    """The hash IDs of every event of a document, in document order.

    Args:
        data: As for :func:`event_prehashes`.
        cbv_version: ``"2.0"`` (default) or ``"2.1"``.
        gs1_voc: Stem of ``gs1:`` terms.
        algorithm: ``sha-256`` (default), ``sha3-256``, ``sha-384`` or ``sha-512``.
        namespaces: As for :func:`prehash`.
        options: A :class:`HashOptions`.

    Returns:
        One ``ni:///`` ID per event.

    Raises:
        EpcisError: As :func:`event_prehashes`.

    Examples:
        >>> doc = b'''{"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        ...   "type": "EPCISDocument", "schemaVersion": "2.0",
        ...   "creationDate": "2024-05-02T09:00:00Z",
        ...   "epcisBody": {"eventList": [{"type": "ObjectEvent", "action": "ADD",
        ...     "eventTime": "2024-05-01T08:30:00+07:00", "eventTimeZoneOffset": "+07:00"}]}}'''
        >>> event_hashes(doc, algorithm="sha3-256")[0][:23]
        'ni:///sha3-256;5b17a069'
    """
    opts = _options(
        options, {"cbv_version": cbv_version, "gs1_voc": gs1_voc, "algorithm": algorithm}
    )
    digest, head, tail = opts._ni
    return [
        f"{head}{digest(text.encode()).hexdigest()}{tail}"
        for text in _prehash_texts(data, opts, namespaces)
    ]


def _prehash_texts(data: Any, opts: HashOptions, namespaces: Namespaces) -> list[str]:
    with PausedGc():  # reading and hashing: many small objects, no cycles
        return _texts(data, opts, namespaces)


def _texts(data: Any, opts: HashOptions, namespaces: Namespaces) -> list[str]:
    events, ignore = events_and_ignores(
        data, honour=opts.document_ignore_fields, sources=isinstance(namespaces, str)
    )
    join = "".join
    if namespaces is None:
        tokens = opts._builder(None, ignore).tokens
        return [join(tokens(event)) for event in events]
    # One builder per prefix mapping (the readers share one mapping per document); the
    # mapping is kept with its builder, so that its id() cannot be reused meanwhile.
    builders: dict[int, tuple[Mapping[str, str] | None, Prehasher]] = {}
    out: list[str] = []
    for event in events:
        prefixes = _prefixes(event, namespaces)
        known = builders.get(id(prefixes))
        if known is None:
            known = builders[id(prefixes)] = (prefixes, opts._builder(prefixes, ignore))
        out.append(join(known[1].tokens(event)))
    return out


def diff_prehashes(
    a: str | EpcisEvent,
    b: str | EpcisEvent,
    *,
    options: HashOptions | None = None,
    namespaces: Namespaces = None,
) -> PrehashDiff | None:
    """Why two events hash differently: the first pre-hash token that differs.

    Pass two events for exact tokens; when either side is a pre-hash string, both are split
    at the names of the pre-hash (a value that itself contains such a name may then be split
    too).

    Args:
        a: A pre-hash string or an event.
        b: A pre-hash string or an event.
        options: The :class:`HashOptions` for events.
        namespaces: As for :func:`prehash`, for events.

    Returns:
        ``None`` when the pre-hashes are equal, else a :class:`PrehashDiff`.

    Raises:
        EpcisError: ``EPCIS_HASH_INPUT`` for something that is neither, and those of
            :func:`prehash`.

    Examples:
        >>> from tracelib.epcis.models import ObjectEvent
        >>> a = ObjectEvent.create("2024-05-01T08:30:00+07:00", action="ADD")
        >>> b = ObjectEvent.create("2024-05-01T01:30:00Z", action="ADD",
        ...                        event_time_zone_offset="+00:00")
        >>> print(diff_prehashes(a, b).explanation)
        eventTimeZoneOffset differs: +07:00 vs +00:00
        >>> diff_prehashes(a, a) is None
        True
    """
    opts = _options(options, {})
    tokens_a = _tokens_of(a, opts, namespaces)
    tokens_b = _tokens_of(b, opts, namespaces)
    if isinstance(a, str) or isinstance(b, str):
        # One side is text: split both the same way, so that boundaries agree.
        tokens_a, tokens_b = tokenize("".join(tokens_a)), tokenize("".join(tokens_b))
    return diff_tokens(tokens_a, tokens_b)


def _tokens_of(value: Any, opts: HashOptions, namespaces: Namespaces) -> list[str]:
    if isinstance(value, str):
        return [value]
    _check_event(value)
    return opts._builder(_prefixes(value, namespaces)).tokens(value)
