"""Venue recognition: map a venue string as written (``"ICML (1)"``, ``"NIPS"``,
``"Proceedings of the 36th International Conference on Machine Learning"``) to a
canonical :class:`~talent.models.Venue` and its tier.

* :func:`normalise_venue` is the one normal form of a venue string; ``VenueAlias.alias``
  is stored in it and every look-up goes through it.
* :func:`venue_tier` is the one home of the tier rule (see its docstring).
* :class:`VenueIndex` loads venues and aliases from the database in two queries and then
  recognises strings in memory (a dict look-up per string, results cached), so importing
  the 28k-row proceedings file costs two queries, not 28k.
* :func:`recognise_venue` uses a process-wide index; :func:`venue_index_reset` drops it
  (``reference_data_load`` calls it after loading).

Rules (issue 3 item 2): a workshop is not the main conference, a preprint (arXiv/CoRR)
is not a publication at a venue, an unknown venue is returned unmatched so that the
caller keeps the text verbatim and counts it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

# --- the tier rule -------------------------------------------------------------------

TIER_TOP = 1
TIER_STRONG = 2
TIER_RANKED = 3
TIER_UNRANKED = 0


def venue_tier(ccf_rank: str, core_rank: str, *, is_preprint: bool = False) -> int:
    """Return the tier of a venue from its CCF and CORE ranks.

    Rule (design.md, "Venue"; the same numbers as ``Venue.Tier``):

    * 1 (top): CORE A* or CCF A;
    * 2 (strong): CORE A or CCF B;
    * 3 (ranked): any other rank (CORE B/C, CCF C);
    * 0 (unranked): no rank ("", "N"), and always for a preprint server.

    The best of the two rankings wins (ICRA: CCF B, CORE A* gives tier 1).
    """
    if is_preprint:
        return TIER_UNRANKED
    ccf = (ccf_rank or "").strip().upper()
    core = (core_rank or "").strip().upper()
    if core == "A*" or ccf == "A":
        return TIER_TOP
    if core == "A" or ccf == "B":
        return TIER_STRONG
    if core in {"B", "C"} or ccf == "C":
        return TIER_RANKED
    return TIER_UNRANKED


def research_paper_q(prefix: str = "publication__") -> Q:
    """Return the filter for papers that count toward research strength.

    A paper counts when it is at a ranked venue (tier 1-3, see :func:`venue_tier`) and is
    neither a workshop paper nor a preprint. ``prefix`` is the path from the queried model
    to ``Publication`` (``"publication__"`` from ``Authorship``, ``""`` on ``Publication``).
    The research profile (tier counts) and fit scoring (research points) both use it.
    """
    return Q(**{f"{prefix}venue__tier__gt": TIER_UNRANKED, f"{prefix}is_workshop": False,
                f"{prefix}is_preprint": False})


def top_tier_paper_q(prefix: str = "publication__") -> Q:
    """Return the filter for top-tier papers: a research paper (:func:`research_paper_q`) at a tier-1 venue."""
    return research_paper_q(prefix) & Q(**{f"{prefix}venue__tier": TIER_TOP})


def tier_paper_q(tier: int, prefix: str = "publication__") -> Q:
    """Return the filter for research papers at venues of ``tier`` (1 top, 2 strong, 3 ranked)."""
    return research_paper_q(prefix) & Q(**{f"{prefix}venue__tier": tier})


# --- normal form -----------------------------------------------------------------------

_SPELLED_ORDINAL = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]?)?"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth)"
    r"|twentieth|thirtieth|fortieth|fiftieth|sixtieth"
)
_LATEX_CMD_RE = re.compile(r"\\[a-zA-Z]+\s*")
_PARENS_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_PROCEEDINGS_RE = re.compile(r"\b(?:in\s+)?(?:proceedings|proc\.?)(?:\s+of)?(?:\s+the)?\b")
_ORDINAL_RE = re.compile(rf"\b(?:\d+(?:st|nd|rd|th)|{_SPELLED_ORDINAL})\b")
_VOLUME_RE = re.compile(r"\b(?:volume|vol\.?)\s*\d+\b")
_SHORT_YEAR_RE = re.compile(r"['’`](\d{2})\b")
_NON_WORD_RE = re.compile(r"[^\w]+", re.UNICODE)
_NUMBER_RE = re.compile(r"\b\d+\b")
_FILLER_RE = re.compile(r"^(?:the\s+)+|\bannual\b")
_TRAILING_ROMAN_RE = re.compile(r"(?<=\w)\s+[ivxl]{1,5}$")
_SPACE_RE = re.compile(r"\s+")
_SEGMENT_RE = re.compile(r"[,;:]|\s[-–—]\s")

#: Not the main conference: workshops ("CVPR Workshops", "W/S", DBLP's "BlackboxNLP@EMNLP")
#: and other side tracks (companion volumes, doctoral consortia, student abstracts).
_WORKSHOP_RE = re.compile(
    r"\bworkshops?\b|\bw/s\b|\bwksp\b|[\w)]\s*@\s*[a-z]|\bcompanion\b|\bdoctoral consortium\b|\bstudent abstracts?\b"
)
_PREPRINT_RE = re.compile(r"\barxiv\b|\bcorr\b|\bcomputing research repository\b")
_FINDINGS_RE = re.compile(r"\bfindings\b")

#: Acronym-like tokens that are also ordinary words: never recognised by the token scan
#: (they still match when the whole string or a segment is exactly the acronym).
_TOKEN_STOPWORDS = frozenset({
    "sat", "sec", "health", "networking", "middleware", "models", "performance", "cloud",
    "group", "dis", "iss", "ics", "cf", "fm", "re", "cp", "fc", "vi", "pg", "kr", "sac",
    "isc", "pam", "log", "pets", "spm", "smi", "ase", "cav", "tase", "sas", "rv", "mm",
    "bigdata", "ijcb", "chi", "tip", "tog", "nn", "pr", "aij",
})


def _clean(text: str) -> str:
    """Lower-case ``text``, NFKC-fold it and drop LaTeX braces and commands."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\\&", "&").replace("{", "").replace("}", "")
    text = _LATEX_CMD_RE.sub(" ", text)
    return text.lower()


def normalise_venue(text: str) -> str:
    """Return the normal form of a venue string, used for aliases and look-ups.

    Lower case, LaTeX braces removed, "&" read as "and", parenthesised and bracketed
    parts removed (track markers "(1)", "(Poster)", "(Oral)", "(Volume 1: Long Papers)"),
    "Proceedings of the", ordinals ("36th", "Thirty-Third"), "Volume 2", the word
    "annual", a leading "the", years and other bare numbers, and a trailing Roman numeral
    ("Robotics: Science and Systems XV") removed, punctuation turned into single spaces. ``"Proceedings of the 36th International Conference on Machine
    Learning (ICML 2019)"`` gives ``"international conference on machine learning"``.
    Markers that change the meaning (workshop, findings, arXiv) are detected by
    :meth:`VenueIndex.recognise` on the raw text before this normal form drops them.
    """
    text = _clean(text).replace("&", " and ")
    text = _SHORT_YEAR_RE.sub(" ", text)
    text = _PARENS_RE.sub(" ", text)
    text = _PROCEEDINGS_RE.sub(" ", text)
    text = _ORDINAL_RE.sub(" ", text)
    text = _VOLUME_RE.sub(" ", text)
    text = _NON_WORD_RE.sub(" ", text).replace("_", " ")
    text = _NUMBER_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    text = _FILLER_RE.sub(" ", text)
    text = _TRAILING_ROMAN_RE.sub("", text.strip())
    return _SPACE_RE.sub(" ", text).strip()


# --- recognition -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VenueMatch:
    """What a venue string was recognised as.

    ``venue_id``/``acronym`` are ``None`` when the string is unknown or a workshop (the
    caller keeps ``raw`` verbatim in ``Publication.venue_raw``); a preprint has the
    arXiv venue's id. ``tier`` is 0 for workshops, preprints and unknown venues.
    """

    raw: str
    venue_id: int | None
    acronym: str | None
    tier: int
    is_workshop: bool
    is_preprint: bool

    @property
    def is_recognised(self) -> bool:
        """True when the string maps to a venue (the arXiv venue included)."""
        return self.venue_id is not None


@dataclass(frozen=True, slots=True)
class _VenueRow:
    id: int
    acronym: str
    tier: int
    is_preprint: bool


class VenueIndex:
    """In-memory venue recogniser built from the ``Venue`` and ``VenueAlias`` tables.

    Keys, in order of precedence: the aliases (``talent/data/venue_aliases.csv`` plus any
    added in the admin), then each venue's acronym, then its full name, all in
    :func:`normalise_venue` form. When two venues claim one key, the earlier source wins,
    then the higher tier. Building costs two queries (:meth:`load`); recognising is pure
    Python, cached per ``(raw, year)``.
    """

    def __init__(self, venues: Iterable[tuple[int, str, str, int, bool]], aliases: Iterable[tuple[str, int]]):
        """Build from ``venues`` as ``(id, acronym, name, tier, is_preprint)`` and ``aliases``
        as ``(alias, venue_id)`` (alias in any form: it is normalised again here)."""
        self._venues: dict[int, _VenueRow] = {}
        names: list[tuple[str, int]] = []
        for venue_id, acronym, name, tier, is_preprint in venues:
            self._venues[venue_id] = _VenueRow(venue_id, acronym, tier, is_preprint)
            names.append((name, venue_id))
        self._keys: dict[str, int] = {}
        for source in (
            ((alias, vid) for alias, vid in aliases),
            ((row.acronym, vid) for vid, row in self._venues.items()),
            names,
        ):
            level: dict[str, int] = {}
            for text, vid in source:
                if vid not in self._venues:
                    continue
                key = normalise_venue(text)
                if not key or key in self._keys:
                    continue
                held = level.get(key)
                if held is None or self._venues[vid].tier and (
                    not self._venues[held].tier or self._venues[vid].tier < self._venues[held].tier
                ):
                    level[key] = vid
            self._keys.update(level)
        self._preprint_id = next((v.id for v in self._venues.values() if v.is_preprint), None)
        self._findings_id = self._keys.get("findings")
        tokens = sorted(
            (k for k in self._keys if " " not in k and len(k) >= 3 and k not in _TOKEN_STOPWORDS),
            key=len, reverse=True,
        )
        self._token_re = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(t) for t in tokens) + r")(?![\w])")
            if tokens else None
        )
        self._cache: dict[tuple[str, int | None], VenueMatch] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls) -> VenueIndex:
        """Build the index from the database: one query for venues, one for aliases."""
        from .models import Venue, VenueAlias

        venues = [
            (vid, acronym, name, tier, kind == Venue.Kind.PREPRINT)
            for vid, acronym, name, tier, kind in Venue.objects.values_list("id", "acronym", "name", "tier", "kind")
        ]
        aliases = list(VenueAlias.objects.values_list("alias", "venue_id"))
        return cls(venues, aliases)

    def __len__(self) -> int:
        return len(self._keys)

    def recognise(self, raw: str, year: int | None = None) -> VenueMatch:
        """Recognise one venue string.

        Args:
            raw: the venue as written (booktitle, journal, proceedings' Conference column).
            year: the paper's year, if known; a two-digit year written with an apostrophe
                ("NeurIPS '18") is dropped like a four-digit one either way.

        Returns:
            A :class:`VenueMatch`. Order of the rules: arXiv/CoRR gives the preprint
            venue; "Findings" gives the Findings venue (never the main *ACL conference);
            then the whole normalised string, then each comma/colon-separated segment,
            then a known acronym appearing as a word ("... {ACL} 2023, Toronto") are
            looked up; a string naming a workshop ("workshop", "W/S", DBLP's
            "RepL4NLP@ACL") or a side track (companion volume, doctoral consortium,
            student abstract) is not the conference it is attached to (unless the
            venue's own alias says "workshop", e.g. HotNets): ``is_workshop=True``,
            ``venue_id=None``, tier 0.
        """
        key = (raw, year)
        found = self._cache.get(key)
        if found is None:
            found = self._recognise(raw or "")
            with self._lock:
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache[key] = found
        return found

    def _recognise(self, raw: str) -> VenueMatch:
        low = _clean(raw)
        if _PREPRINT_RE.search(low):
            if self._preprint_id is not None:
                return self._match(raw, self._preprint_id)
            return VenueMatch(raw, None, None, TIER_UNRANKED, False, True)
        is_workshop = bool(_WORKSHOP_RE.search(low))
        if _FINDINGS_RE.search(low) and self._findings_id is not None and not is_workshop:
            return self._match(raw, self._findings_id)
        venue_id, via = self._lookup(raw, low)
        if is_workshop and not (via and _WORKSHOP_RE.search(via)):
            return VenueMatch(raw, None, None, TIER_UNRANKED, True, False)
        if venue_id is None:
            return VenueMatch(raw, None, None, TIER_UNRANKED, False, False)
        return self._match(raw, venue_id)

    def _lookup(self, raw: str, low: str) -> tuple[int | None, str | None]:
        """Return ``(venue_id, matched key)`` or ``(None, None)``."""
        whole = normalise_venue(raw)
        if whole in self._keys:
            return self._keys[whole], whole
        for segment in _SEGMENT_RE.split(_PARENS_RE.sub(" ", low)):
            seg = normalise_venue(segment)
            if seg in self._keys:
                return self._keys[seg], seg
        if self._token_re is not None:
            m = self._token_re.search(_NON_WORD_RE.sub(" ", low.replace("&", " and ")))
            if m:
                return self._keys[m.group(1)], m.group(1)
        return None, None

    def _match(self, raw: str, venue_id: int) -> VenueMatch:
        row = self._venues[venue_id]
        return VenueMatch(
            raw=raw,
            venue_id=row.id,
            acronym=row.acronym,
            tier=TIER_UNRANKED if row.is_preprint else row.tier,
            is_workshop=False,
            is_preprint=row.is_preprint,
        )


_index: VenueIndex | None = None
_index_lock = threading.Lock()


def venue_index() -> VenueIndex:
    """Return the process-wide :class:`VenueIndex`, loading it on first use."""
    global _index
    with _index_lock:
        if _index is None:
            _index = VenueIndex.load()
        return _index


def venue_index_reset() -> None:
    """Forget the process-wide index (after venues or aliases change; tests)."""
    global _index
    with _index_lock:
        _index = None


def recognise_venue(raw: str, year: int | None = None) -> VenueMatch:
    """Recognise ``raw`` with the process-wide index (see :meth:`VenueIndex.recognise`)."""
    return venue_index().recognise(raw, year)
