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
_SEGMENT_RE = re.compile(r"[,;:]|\s[-–—]\s|(?<=[a-z])(?:--|[–—])(?=[a-z\s])")

#: What a venue string may be other than a main conference, journal or preprint server,
#: checked on the whole string before any look-up ("side" of :class:`VenueMatch`):
#: workshops ("CVPR Workshops", "W/S", DBLP's "BlackboxNLP@EMNLP") and other side tracks
#: (companion volumes, doctoral consortia, student abstracts, demos, AAAI's spring and
#: fall symposia) are not the conference they are attached to; tutorials are talks, not
#: papers; newsletters and magazines ("SIGKDD Explor. Newsl.", "AI Magazine") are not the
#: journal or conference of their society; books and theses are not venues.
_SIDE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("workshop", re.compile(
        r"\bworkshops?\b|\bw/s\b|\bwksp\b|\bwkshp\b|[\w)]\s*@\s*[a-z]|\bcompanion\b|\bdoctoral consortium\b"
        r"|\bstudent abstracts?\b|\bstudent research\b|\bsystem demonstrations?\b|\bdemos?\b|\bdemo track\b"
        r"|\b(?:spring|fall) symposi(?:um|a)\b|\blate[- ]breaking\b|\bshared tasks?\b")),
    ("tutorial", re.compile(r"\btutorials?\b")),
    ("newsletter", re.compile(r"\bnewsl(?:etters?)?\b|\bsig\w*\s+explor(?:ations)?\b|\bmagazine\b|\bmag\b"
                              r"|\bsig[a-z]*\s+(?:bulletin|record|forum)\b")),
    ("book", re.compile(r"\bhandbook\b|\btextbook\b|\bencyclop(?:a)?edia\b|\bbook\b|\bmonograph\b")),
    ("thesis", re.compile(r"\bthesis\b|\bdissertation\b|\bph\.?\s?d\.?\b|\bmaster'?s\b")),
)
_SIDE_EVENTS = frozenset({"workshop", "tutorial"})  # stored as Publication.is_workshop: not the main event
_PREPRINT_RE = re.compile(r"\barxiv\b|\bcorr\b|\bcomputing research repository\b")
_OTHER_PREPRINT_RE = re.compile(r"\b(?:bio|med|chem|psy|soc|edu|eng)rxiv\b|\bssrn\b|\bpreprints?\b|\bresearch square\b")
_FINDINGS_RE = re.compile(r"\bfindings\b")
#: Words that say a string names a conference (so it is no journal) or a journal (so no conference).
_CONFERENCE_WORDS_RE = re.compile(r"\b(?:conference|conf|symposium|symp|meeting|congress|proceedings|proc)\b")
_JOURNAL_WORDS_RE = re.compile(r"\b(?:journal|transactions|trans|letters|lett|review|reviews)\b")

#: Acronym-like tokens that are also ordinary words: never recognised by the token scan
#: (they still match when the whole string or a segment is exactly the acronym).
_TOKEN_STOPWORDS = frozenset({
    "sat", "sec", "health", "networking", "middleware", "models", "performance", "cloud",
    "group", "dis", "iss", "ics", "cf", "fm", "re", "cp", "fc", "vi", "pg", "kr", "sac",
    "isc", "pam", "log", "pets", "spm", "smi", "ase", "cav", "tase", "sas", "rv", "mm",
    "bigdata", "ijcb", "chi", "tip", "tog", "nn", "pr", "aij", "alt", "colt", "findings",
})

#: Abbreviations expanded in the core form (ISO 4 / DBLP journal abbreviations and common
#: shorthand), so that "J. Mach. Learn. Res." and "Empirical Methods in NLP" meet their
#: full names.
_ABBREVIATIONS = {
    "nlp": "natural language processing", "ai": "artificial intelligence", "ml": "machine learning",
    "cv": "computer vision", "conf": "conference", "intl": "international", "int": "international",
    "symp": "symposium", "trans": "transactions", "j": "journal", "mach": "machine", "learn": "learning",
    "res": "research", "artif": "artificial", "intell": "intelligence", "ling": "linguistics",
    "linguist": "linguistics", "assoc": "association", "lang": "language", "process": "processing",
    "syst": "systems", "inf": "information", "inform": "information", "vis": "vision", "recognit": "recognition",
    "anal": "analysis", "robot": "robotics", "auton": "autonomous", "stat": "statistics", "knowl": "knowledge",
    "eng": "engineering", "comput": "computer", "neur": "neural", "netw": "networks", "lett": "letters",
    "adv": "advances", "recog": "recognition", "eur": "european", "annu": "annual", "meet": "meeting",
    "empir": "empirical", "nat": "natural", "comp": "computer", "pattern": "pattern",
}
#: Words dropped from the core form: publishers and sponsors, "international", and the
#: function words, so "IEEE/CVF Computer Vision & Pattern Recognition" meets "Conference on
#: Computer Vision and Pattern Recognition" at the second level.
_QUALIFIERS = frozenset({
    "ieee", "cvf", "acm", "pmlr", "siam", "usenix", "springer", "elsevier", "lncs", "lnai", "lnbi", "ccis", "ceur",
    "international", "annual", "proceedings", "of", "the", "on", "and", "in", "for", "at", "a", "an", "to",
    "track", "main", "papers", "paper", "long", "short", "edition", "series", "part", "virtual", "event", "online",
})
_GATHERING_WORDS = frozenset({"conference", "symposium", "meeting", "congress", "joint"})
#: Words that may stand beside an acronym without changing which venue it is ("In ICML",
#: "ICML Conference", "Proc. IEEE CVPR", "ICML main track").
_ACRONYM_COMPANIONS = _QUALIFIERS | _GATHERING_WORDS | {"oral", "poster", "spotlight", "accepted", "appear",
                                                         "camera", "ready", "submitted", "vol", "volume", "no"}
_MONTHS_RE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b")


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


def venue_core(key: str) -> str:
    """Return the core of a normal form (:func:`normalise_venue`): abbreviations expanded,
    publishers, "international" and function words dropped (``"ieee cvf computer vision and
    pattern recognition"`` -> ``"computer vision pattern recognition"``)."""
    words: list[str] = []
    for word in key.split():
        for part in _ABBREVIATIONS.get(word, word).split():
            if part not in _QUALIFIERS:
                words.append(part)
    return " ".join(words)


def venue_bare(core: str) -> str:
    """Return a core without its gathering words ("conference", "symposium"...), or ``""``
    when fewer than three words remain (``"conference artificial intelligence statistics"``
    -> ``"artificial intelligence statistics"``; ``"conference computer vision"`` -> ``""``)."""
    words = [w for w in core.split() if w not in _GATHERING_WORDS]
    return " ".join(words) if len(words) >= 3 and len(words) < len(core.split()) else ""


# --- recognition -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VenueMatch:
    """What a venue string was recognised as.

    ``venue_id``/``acronym`` are ``None`` when the string is unknown, a side event or not
    a venue (the caller keeps ``raw`` verbatim in ``Publication.venue_raw``); a preprint
    on arXiv has the arXiv venue's id. ``tier`` is 0 for all of those. ``side`` says what
    a string is when it is not a main venue: ``"workshop"``, ``"tutorial"`` (both
    ``is_workshop``: not the main event), ``"newsletter"``, ``"book"``, ``"thesis"``;
    ``""`` for a venue, a preprint or an unknown string.
    """

    raw: str
    venue_id: int | None
    acronym: str | None
    tier: int
    is_workshop: bool
    is_preprint: bool
    side: str = ""

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
    is_journal: bool
    area: str = ""


def venue_key(match: VenueMatch | None, raw: str) -> str:
    """Return the key that tells one venue from another for ``Publication.venue_key``.

    A recognised venue gives ``"v:<acronym>"`` (lower case); any other non-empty string
    ``"raw:<normal form>"`` (workshops, unknown venues); no venue ``""``. One title in one
    year is one publication per venue key (talent/importers/README.md).
    """
    if match is not None and match.acronym:
        return f"v:{match.acronym.lower()}"[:300]
    form = normalise_venue(raw) if raw else ""
    if not form and raw and raw.strip():
        form = _clean(raw).strip()
    return f"raw:{form}"[:300] if form else ""


class VenueIndex:
    """In-memory venue recogniser built from the ``Venue`` and ``VenueAlias`` tables.

    Keys, in order of precedence: the aliases (``talent/data/venue_aliases.csv`` plus any
    added in the admin), then each venue's acronym, then its full name, all in
    :func:`normalise_venue` form; then the same in :func:`venue_core` form and in
    :func:`venue_bare` form. When two venues claim one key, an alias beats an acronym or
    a name; two venues claiming a derived (core or bare) key leave it out, so a
    derived form never picks one of two venues. Building costs two queries
    (:meth:`load`); recognising is pure Python, cached per ``(raw, year)``.
    """

    def __init__(self, venues: Iterable[tuple], aliases: Iterable[tuple[str, int]]):
        """Build from ``venues`` as ``(id, acronym, name, tier, is_preprint[, kind[, area]])``
        and ``aliases`` as ``(alias, venue_id)`` (alias in any form: it is normalised again
        here). ``kind`` is a ``Venue.Kind`` value (``"journal"`` matters: a journal is not
        what a conference string names); it defaults to ``"conference"``. ``area`` is the
        CCF field code (``"AI"``)."""
        self._venues: dict[int, _VenueRow] = {}
        names: list[tuple[str, int]] = []
        for venue_id, acronym, name, tier, is_preprint, *rest in venues:
            kind = rest[0] if rest else "conference"
            area = rest[1] if len(rest) > 1 else ""
            self._venues[venue_id] = _VenueRow(venue_id, acronym, tier, is_preprint, kind == "journal", area or "")
            names.append((name, venue_id))
        sources = [list(aliases), [(row.acronym, vid) for vid, row in self._venues.items()], names]
        self._keys: dict[str, int] = {}
        for source in sources:
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
        self._core: dict[str, int] = self._derived(venue_core)
        self._bare: dict[str, int] = self._derived(lambda key: venue_bare(venue_core(key)), conferences_only=True)
        self._words: dict[int, set[str]] = {}
        for key, vid in self._keys.items():
            self._words.setdefault(vid, set()).update(key.split())
        self._acronyms: dict[str, int] = {
            normalise_venue(row.acronym): vid for vid, row in self._venues.items() if normalise_venue(row.acronym)
        }
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

    def _derived(self, form, *, conferences_only: bool = False) -> dict[str, int]:
        """Keys in a derived form; a derived key two venues share is left out."""
        found: dict[str, int] = {}
        clashes: set[str] = set()
        for key, vid in self._keys.items():
            if conferences_only and self._venues[vid].is_journal:
                continue
            derived = form(key)
            if not derived or derived in self._keys and self._keys[derived] != vid:
                continue
            if found.get(derived, vid) != vid:
                clashes.add(derived)
            found[derived] = vid
        for key in clashes:
            found.pop(key, None)
        return found

    @classmethod
    def load(cls) -> VenueIndex:
        """Build the index from the database: one query for venues, one for aliases."""
        from .models import Venue, VenueAlias

        venues = [
            (vid, acronym, name, tier, kind == Venue.Kind.PREPRINT, kind, area)
            for vid, acronym, name, tier, kind, area in Venue.objects.values_list(
                "id", "acronym", "name", "tier", "kind", "area")
        ]
        aliases = list(VenueAlias.objects.values_list("alias", "venue_id"))
        return cls(venues, aliases)

    def __len__(self) -> int:
        return len(self._keys)

    def area_of(self, venue_id: int | None) -> str:
        """The CCF field code of a venue (``"AI"``), ``""`` when unknown or none."""
        row = self._venues.get(venue_id) if venue_id is not None else None
        return row.area if row is not None else ""

    def recognise(self, raw: str, year: int | None = None) -> VenueMatch:
        """Recognise one venue string, as a whole.

        Args:
            raw: the venue as written (booktitle, journal, proceedings' Conference column).
            year: the paper's year, if known; a two-digit year written with an apostrophe
                ("NeurIPS '18") is dropped like a four-digit one either way.

        Returns:
            A :class:`VenueMatch`. Rules, in order (talent/importers/README.md, "Venues"):

            1. arXiv/CoRR gives the preprint venue; other preprint servers are preprints
               without a venue;
            2. a side event or non-venue (workshop, tutorial, newsletter, book, thesis:
               see ``_SIDE_PATTERNS``) is never its host conference nor a same-named
               journal: ``venue_id=None``, tier 0, ``side`` set (unless the venue's own
               alias says "workshop", e.g. HotNets);
            3. "Findings" gives the Findings venue (never the main *ACL conference);
            4. the whole string is looked up: its normal form, its core (publishers,
               "international", function words dropped, abbreviations expanded:
               "IEEE/CVF Computer Vision & Pattern Recognition"), its bare core
               ("Artificial Intelligence and Statistics");
            5. a parenthesised acronym ("Pattern Recognition (ICPR), 23rd International
               Conference on") names the venue;
            6. comma/colon segments (DBLP's "Advances in Neural Information Processing
               Systems 32: Annual Conference ..., NeurIPS 2019, Vancouver") when one
               venue is named and the other parts are places, dates, numbers, or the same
               venue; a journal only when the rest is volume and page numbers ("Neural
               Networks: Tricks of the Trade" is a book named after the field);
            7. a known acronym standing beside nothing but words like "in", "proc.",
               "conference" ("In ICML"); beside another venue's name it is a publisher
               ("ACL Empirical Methods in NLP" is EMNLP); beside other words naming a
               gathering it is another conference, unknown ("AAAI Portuguese Conference
               on AI"); beside topic words it is a workshop at that host ("ICML
               Invertible Neural Networks and Normalizing Flows").

            A journal is never matched by a string that names a conference, nor a
            conference by one that names a journal ("Pattern Recognition (ICPR), 23rd
            International Conference on" is not the journal Pattern Recognition).
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
        if _OTHER_PREPRINT_RE.search(low):
            return VenueMatch(raw, None, None, TIER_UNRANKED, False, True)
        side = next((name for name, pattern in _SIDE_PATTERNS if pattern.search(low)), "")
        if side:
            venue_id, via = self._whole(raw, low)
            if side == "workshop" and venue_id is not None and via and _SIDE_PATTERNS[0][1].search(via):
                return self._match(raw, venue_id)  # a venue whose own name says workshop (HotNets)
            return self._side(raw, side)
        if _FINDINGS_RE.search(low) and self._findings_id is not None:
            return self._match(raw, self._findings_id)
        venue_id, verdict = self._lookup(raw, low)
        if verdict:
            return self._side(raw, verdict)
        if venue_id is None:
            return VenueMatch(raw, None, None, TIER_UNRANKED, False, False)
        return self._match(raw, venue_id)

    def _side(self, raw: str, side: str) -> VenueMatch:
        return VenueMatch(raw, None, None, TIER_UNRANKED, side in _SIDE_EVENTS, False, side)

    def _kind_fits(self, venue_id: int, low: str) -> bool:
        """A journal is not what a conference string names, nor a conference what a journal string names."""
        low = _PARENS_RE.sub(" ", low)  # "(under review)", "(Oral)"
        if self._venues[venue_id].is_journal:
            return not _CONFERENCE_WORDS_RE.search(low)
        return not _JOURNAL_WORDS_RE.search(low)

    def _find(self, text: str) -> tuple[int | None, str | None]:
        """Look ``text`` up as a whole: normal form, core, bare core."""
        form = normalise_venue(text)
        if not form:
            return None, None
        if form in self._keys:
            return self._keys[form], form
        core = venue_core(form)
        if core in self._core:
            return self._core[core], core
        bare = venue_bare(core) or (core if core.split() and not set(core.split()) & _GATHERING_WORDS else "")
        if bare in self._bare:
            return self._bare[bare], bare
        return None, None

    def _whole(self, raw: str, low: str) -> tuple[int | None, str | None]:
        venue_id, via = self._find(raw)
        if venue_id is not None and self._kind_fits(venue_id, low):
            return venue_id, via
        return None, None

    def _lookup(self, raw: str, low: str) -> tuple[int | None, str]:
        """Return ``(venue_id, "")``, ``(None, side)`` for a host's workshop, or ``(None, "")``."""
        venue_id, _via = self._whole(raw, low)
        if venue_id is not None:
            return venue_id, ""
        # a joint meeting: "... Annual Meeting of the ACL and the 11th International Joint Conference on NLP"
        joint = re.split(r"\band the\b", _PARENS_RE.sub(" ", low), maxsplit=1)
        if len(joint) == 2 and all(_CONFERENCE_WORDS_RE.search(part) for part in joint):
            venue_id, _via = self._whole(joint[0], low)
            if venue_id is not None:
                return venue_id, ""
        # a parenthesised acronym: "Pattern Recognition (ICPR), 23rd International Conference on"
        for inner in re.findall(r"\(([^()]{2,40})\)", low):
            vid = self._acronyms.get(normalise_venue(inner)) or self._keys.get(normalise_venue(inner))
            if vid is not None and self._kind_fits(vid, low):
                return vid, ""
        segments = [seg for seg in _SEGMENT_RE.split(_PARENS_RE.sub(" ", low)) if seg.strip()]
        if len(segments) > 1:
            venue_id = self._from_segments(segments, low)
            if venue_id is not None:
                return venue_id, ""
            if self._names_a_journal_then_more(segments):
                return None, "book"
        return self._from_acronym(low)

    def _from_segments(self, segments: list[str], low: str) -> int | None:
        found: list[tuple[int, int]] = []  # (segment index, venue id)
        for i, segment in enumerate(segments):
            vid, _via = self._find(segment)
            if vid is None:
                vid = self._acronym_alone(segment)
            if vid is not None:
                found.append((i, vid))
        if not found:
            return None
        venue_id = found[0][1]
        if any(vid != venue_id for _i, vid in found) or not self._kind_fits(venue_id, low):
            return None
        named = {i for i, _vid in found}
        first = found[0][0]
        for i, segment in enumerate(segments):
            if i in named:
                continue
            if self._venues[venue_id].is_journal:
                if not _is_numbers(segment):
                    return None
            elif set(normalise_venue(segment).split()) <= self._words.get(venue_id, set()) | _QUALIFIERS:
                continue  # the venue restated: "14th European Conference" beside "ECCV 2018"
            elif i > first:
                if not _is_tail(segment):
                    return None
            elif not _is_title_part(segment):
                return None
        return venue_id

    def _names_a_journal_then_more(self, segments: list[str]) -> bool:
        """"Neural Networks: Tricks of the Trade": a journal's name, then a title (a book named after the field)."""
        vid, _via = self._find(segments[0])
        rest = " ".join(segments[1:])
        return (vid is not None and self._venues[vid].is_journal and not all(_is_numbers(s) for s in segments[1:])
                and not _CONFERENCE_WORDS_RE.search(rest) and not re.search(r"\btrack\b", rest))

    def _acronym_alone(self, text: str) -> int | None:
        """The venue of a known acronym standing with nothing but companion words (and years)."""
        words = venue_core(normalise_venue(text)).split() or normalise_venue(text).split()
        form_words = normalise_venue(text).split()
        acronyms = [w for w in form_words if w in self._acronyms]
        if len(acronyms) != 1:
            return None
        rest = [w for w in form_words if w != acronyms[0] and w not in _ACRONYM_COMPANIONS]
        return self._acronyms[acronyms[0]] if not rest and words else None

    def _from_acronym(self, low: str) -> tuple[int | None, str]:
        """Rule 7 of :meth:`recognise`: a known acronym and the words beside it."""
        if self._token_re is None:
            return None, ""
        text = normalise_venue(low)
        m = self._token_re.search(text)
        if not m:
            return None, ""
        acronym_vid = self._keys[m.group(1)]
        rest = (text[:m.start()] + " " + text[m.end():]).split()
        content = [w for w in rest if w not in _ACRONYM_COMPANIONS]
        if not content:
            return (acronym_vid, "") if self._kind_fits(acronym_vid, low) else (None, "")
        other, _via = self._find(" ".join(rest))
        if other is not None and other != acronym_vid and self._kind_fits(other, low):
            return other, ""  # "ACL Empirical Methods in NLP": the publisher's acronym, then the venue
        if other == acronym_vid:
            return acronym_vid, ""
        if _CONFERENCE_WORDS_RE.search(" ".join(rest)) or _JOURNAL_WORDS_RE.search(" ".join(rest)):
            return None, ""  # another gathering or journal named with the acronym: unknown
        if self._venues[acronym_vid].is_journal or self._venues[acronym_vid].is_preprint:
            return None, ""
        return None, "workshop"  # "ICML Invertible Neural Networks and Normalizing Flows"

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


def _is_numbers(segment: str) -> bool:
    """A journal's volume, number and pages: "vol. 42", "21(140)", "pp. 1-67", "no. 2"."""
    words = re.sub(r"[^\w]+", " ", segment).split()
    return all(any(ch.isdigit() for ch in w) or w in {"vol", "volume", "no", "number", "pp", "pages", "issue", "art"}
               for w in words)


def _is_tail(segment: str) -> bool:
    """What follows a conference's name in DBLP and publisher strings: a place, a date,
    "Proceedings", "Part VI", a publisher. Short (at most three words) and no venue words."""
    text = segment.strip()
    if not text:
        return True
    if any(ch.isdigit() for ch in text) or _MONTHS_RE.search(text):
        return True
    words = normalise_venue(text).split()
    if not words:
        return True
    if _CONFERENCE_WORDS_RE.search(text) and not set(words) - _QUALIFIERS - _GATHERING_WORDS:
        return True  # "Proceedings", "Main Conference"
    if _CONFERENCE_WORDS_RE.search(text) or _JOURNAL_WORDS_RE.search(text):
        return False
    return len(text.split()) <= 3


def _is_title_part(segment: str) -> bool:
    """What may precede a conference's name: its field ("Computer Vision - ECCV 2018")."""
    return len(segment.split()) <= 4 and not _JOURNAL_WORDS_RE.search(segment)


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
