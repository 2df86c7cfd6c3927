"""Identity resolution: one person, one candidate; never two people in one (issue 3, item 3; issue 13).

A record found in a file (a name, perhaps an e-mail, ids, affiliations, co-authors, the
topics of its paper) is matched against the candidates already known, in this order:

1. **E-mail**, compared by mailbox (:func:`talent.services.mailbox.mailbox_key`: Gmail
   dots and plus tags, plus tags of providers that document them): certain. Addresses
   are stored as written; the key only compares.
2. **Person ids**: DBLP pid, ORCID, OpenReview id, Google Scholar id, LinkedIn URL:
   certain. A record whose id *differs* from a candidate's id of the same kind is never
   that candidate.
3. **Name plus a second kind of evidence**, for records without a matching id. Candidates
   are *blocked* by :func:`~talent.services.names.name_key` (same name up to case,
   accents, spacing and punctuation: ``"Diederik P Kingma"`` / ``"Diederik P. Kingma"``,
   ``"Rémi Munos"`` / ``"Remi Munos"``, ``"Hado Van Hasselt"`` / ``"Hado van Hasselt"``) and
   by :func:`~talent.services.names.name_ends_key` (same first and last word), and
   compared only within their blocks, so an import costs O(rows x block size), never all
   pairs. Name similarity is 100 when the name keys are equal, 95 when one name is the
   other with middle names or initials left out ("Ananda Suresh" / "Ananda Theertha
   Suresh", :func:`~talent.services.names.names_differ_by_middle_names`), else the better
   of rapidfuzz ``ratio`` and ``token_sort_ratio - 15`` of the folded names (swapped word
   order, "Li Shen" / "Shen Li", costs 15). The evidence that can join a name:

   * a **shared co-author**;
   * an **overlapping affiliation**: a common canonical organisation, ``fuzz.ratio`` >=
     ``IMPORT_ORG_SIMILARITY``, or one name's words inside the other's with a word that
     is not generic (``"Swiss AI Lab"`` in ``"NNAISENSE, Swiss AI Lab IDSIA"``);
   * a **distinctive name with a shared topic**: :func:`~talent.services.names.name_is_distinctive`
     (no frequent surname, not an initial...) and a topic in common (the venue's CCF
     area, the venue itself, a root specialty inferred from the titles, or the same
     file: a reference list or a proceedings volume is about one field), when exactly
     one candidate of the block carries the name.

   A name similarity >= ``IMPORT_MATCH_THRESHOLD`` (default 90) *with* evidence is the
   same person. Without evidence the score is the similarity minus
   ``IMPORT_PENALTY_NO_EVIDENCE`` (nothing to compare) or ``IMPORT_PENALTY_ORG_DIFFERS``
   (both have affiliations and they differ), plus ``IMPORT_BONUS_IDENTICAL_NAME`` when
   the names are identical as written; a score >= ``IMPORT_FLAG_THRESHOLD`` (default 70)
   is a *possible* duplicate: the record becomes a new candidate and a
   :class:`~talent.models.PossibleDuplicate` is recorded for a recruiter. **A name alone,
   however identical, never joins two records**: ``"Xi Chen"`` on LinkedIn at a fashion
   retailer is flagged against ``"Xi Chen"`` of an ICML paper, not merged.
4. **Different e-mails** (different mailboxes) never join on a name either: such a pair,
   even at the same employer, is flagged for a recruiter, never kept apart silently.

The thresholds are settings; their defaults and reasoning are in :mod:`talent.conf`.
These functions are what a batched or streaming writer calls per record:
:meth:`IdentityIndex.load` for a batch's blocks, then :meth:`IdentityIndex.match` and
:meth:`IdentityIndex.add` per record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from talent.conf import setting
from talent.models import Authorship, Candidate, PossibleDuplicate, ResearchProfile, normalise_email

from .mailbox import mailbox_key
from .names import comparable_name, name_ends_key, name_is_distinctive, name_key, names_differ_by_middle_names

ID_FIELDS: tuple[str, ...] = ("dblp_pid", "orcid", "openreview_id", "google_scholar_id", "linkedin_url")
CHUNK = 900  # IN-list size: below SQLite's historic 999-variable limit


def strip_plus_tag(email: str | None) -> str | None:
    """Return the normalised e-mail without any plus-tag (``a+b@x.org`` -> ``a@x.org``), whatever the domain.

    A broad form for recognising an address again (erasure tombstones). Identity
    resolution does not merge on it: it compares :func:`talent.services.mailbox.mailbox_key`,
    which strips plus tags only for the providers that document them.
    """
    email = normalise_email(email)
    if not email or "@" not in email:
        return email
    local, _, domain = email.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


#: Organisation words too common to tell two organisations apart on their own.
GENERIC_ORG_WORDS = frozenset({
    "university", "universite", "universitat", "universidad", "universita", "universiteit", "college", "institute",
    "institut", "instituto", "school", "department", "faculty", "lab", "labs", "laboratory", "laboratories",
    "research", "center", "centre", "national", "state", "technology", "technologies", "technical", "science",
    "sciences", "of", "the", "and", "for", "de", "la", "du", "di", "der", "fur", "inc", "ltd", "corp", "company",
    "group", "ai", "artificial", "intelligence", "computer", "computing", "engineering", "tech", "academy", "chinese",
    "china", "us", "usa", "international", "foundation", "systems", "global", "team", "key", "joint", "graduate",
})


def normalise_id(kind: str, value: str | None) -> str:
    """Return a person id in its comparable form (trimmed; URLs and ORCIDs lower-cased)."""
    value = (value or "").strip()
    if kind == "linkedin_url":
        return value.lower().rstrip("/").replace("http://", "https://").replace("://linkedin.com", "://www.linkedin.com")
    if kind == "orcid":
        return value.upper().removeprefix("HTTPS://ORCID.ORG/")
    return value


def _org_form(org: str) -> str:
    from talent.affiliations import normalise_org

    return normalise_org(org)


@dataclass
class Person:
    """An identity known to the index: a stored candidate or one an import will create.

    ``candidate`` is the model instance (unsaved while ``is_new`` and not yet written);
    ``orgs`` are normalised organisation names; ``coauthors`` are co-authors' keys
    (:func:`coauthor_keys`).
    """

    candidate: Candidate
    is_new: bool = False
    orgs: set[str] = field(default_factory=set)
    coauthors: set[str] = field(default_factory=set)
    publication_keys: set[tuple[str, int]] = field(default_factory=set)
    changed_fields: set[str] = field(default_factory=set)
    created_by_row: int | None = None
    #: Topic tokens (``"area:AI"``, ``"venue:v:neurips"``, ``"spec:machine-learning"``).
    topics: set[str] = field(default_factory=set)
    #: Values rows of the current file gave this person: ``{field: (value, row)}``.
    row_values: dict[str, tuple[Any, int]] = field(default_factory=dict)

    @property
    def key(self) -> int:
        return id(self)


@dataclass
class Match:
    """The best candidate for a record: ``person`` None when nobody is close enough.

    ``score`` 0-100; ``is_certain`` when the record is that person; ``how`` is
    ``"email"`` (same address), ``"email_mailbox"`` (same mailbox, another spelling), an id
    field name, ``"name"`` or ``""``; ``is_exact_name`` when the names are equal as written;
    ``evidence`` names what joined a name (``"coauthor"``, ``"affiliation"``,
    ``"distinctive_name_topic"``); ``reason`` explains the score in words.
    """

    person: Person | None = None
    score: float = 0.0
    is_certain: bool = False
    how: str = ""
    is_exact_name: bool = False
    reason: str = ""
    evidence: str = ""

    @property
    def is_possible(self) -> bool:
        return self.person is not None and not self.is_certain


def _thresholds() -> tuple[float, float, float, float, float, float]:
    return tuple(float(setting(name)) for name in (  # type: ignore[return-value]
        "IMPORT_MATCH_THRESHOLD", "IMPORT_FLAG_THRESHOLD", "IMPORT_ORG_SIMILARITY",
        "IMPORT_PENALTY_NO_EVIDENCE", "IMPORT_PENALTY_ORG_DIFFERS", "IMPORT_BONUS_IDENTICAL_NAME",
    ))


def _chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class IdentityIndex:
    """In-memory index of candidates for one import: by e-mail, id and name block.

    Build it with :meth:`load` (a bounded number of queries: one per 900 keys), then call
    :meth:`match` per record and :meth:`add` for each candidate the import plans, so
    that later rows of the same file find earlier ones.
    """

    def __init__(self) -> None:
        self.by_mailbox: dict[str, Person] = {}
        self.by_id: dict[tuple[str, str], Person] = {}
        self.by_name_key: dict[str, list[Person]] = defaultdict(list)
        self.by_ends_key: dict[str, list[Person]] = defaultdict(list)
        self.by_candidate_id: dict[int, Person] = {}
        self._org_cache: dict[str, str] = {}
        self._org_words: dict[str, frozenset[str]] = {}
        self._specialty_roots: dict[str, str] | None = None
        (self.match_threshold, self.flag_threshold, self.org_similarity,
         self.penalty_no_evidence, self.penalty_org_differs, self.bonus_identical) = _thresholds()
        self.word_order_penalty = 15.0
        # "Ananda Suresh" / "Ananda Theertha Suresh": one name with middle names left out
        self.middle_names_score = 95.0

    # -- building --------------------------------------------------------------------

    @classmethod
    def load(
        cls, *, name_keys: Iterable[str] = (), ends_keys: Iterable[str] = (), emails: Iterable[str] = (),
        ids: Iterable[tuple[str, str]] = (), candidate_ids: Iterable[int] = (),
    ) -> IdentityIndex:
        """Load the candidates a file may refer to, with their affiliations and co-authors.

        Args:
            name_keys / ends_keys: blocking keys of the names in the file.
            emails: e-mails in the file (compared by mailbox).
            ids: ``(id field, value)`` pairs in the file.
            candidate_ids: candidates to load regardless (e.g. authors of known papers).
        """
        index = cls()
        found: dict[int, Candidate] = {}
        query_sets: list[tuple[str, set[str]]] = [("name_key__in", set(filter(None, name_keys))),
                                                  ("name_ends_key__in", set(filter(None, ends_keys)))]
        mailboxes = {mailbox_key(e) for e in emails if e}
        query_sets.append(("email_key__in", set(filter(None, mailboxes))))
        for lookup, values in query_sets:
            for batch in _chunks(sorted(values)):
                for candidate in Candidate.objects.filter(**{lookup: batch}):
                    found[candidate.id] = candidate
        by_kind: dict[str, set[str]] = defaultdict(set)
        for kind, value in ids:
            if value:
                by_kind[kind].add(value)
        for kind, values in by_kind.items():
            for batch in _chunks(sorted(values)):
                for candidate in Candidate.objects.filter(**{f"{kind}__in": batch}):
                    found[candidate.id] = candidate
        missing = set(candidate_ids) - set(found)
        for batch in _chunks(sorted(missing)):
            for candidate in Candidate.objects.filter(id__in=batch):
                found[candidate.id] = candidate
        people = {cid: Person(candidate=c) for cid, c in found.items()}
        index._load_evidence(people)
        for person in people.values():
            index.add(person)
        return index

    def _load_evidence(self, people: dict[int, Person]) -> None:
        """Fill ``orgs``, ``coauthors`` and ``topics`` of stored candidates (4 queries per 900)."""
        from talent.affiliations import resolve_affiliations

        pubs_of: dict[int, set[int]] = defaultdict(set)
        for batch in _chunks(sorted(people)):
            rows = Authorship.objects.filter(candidate_id__in=batch).values_list(
                "candidate_id", "publication_id", "affiliation_raw", "publication__title_key", "publication__year",
                "publication__venue__area", "publication__venue_key")
            for cid, pid, affiliation, tkey, year, area, vkey in rows:
                pubs_of[cid].add(pid)
                people[cid].publication_keys.add((tkey, year))
                people[cid].topics |= paper_topics(area, vkey)
                for org in resolve_affiliations(affiliation or ""):
                    people[cid].orgs.add(self.org_form(org))
            for cid, inferred in ResearchProfile.objects.filter(candidate_id__in=batch).values_list(
                    "candidate_id", "inferred_specialties"):
                slugs = [item.get("slug", "") for item in inferred or [] if isinstance(item, dict)]
                people[cid].topics |= self.specialty_topics(slugs)
        for person in people.values():
            if person.candidate.current_employer:
                person.orgs.add(self.org_form(person.candidate.current_employer))
        all_pubs = {p for pubs in pubs_of.values() for p in pubs}
        authors_of: dict[int, set[str]] = defaultdict(set)
        for batch in _chunks(sorted(all_pubs)):
            for pid, key, ends in Authorship.objects.filter(publication_id__in=batch).values_list(
                    "publication_id", "candidate__name_key", "candidate__name_ends_key"):
                authors_of[pid] |= coauthor_keys(key, ends)
        for cid, pubs in pubs_of.items():
            candidate = people[cid].candidate
            own = coauthor_keys(candidate.name_key, candidate.name_ends_key)
            for pid in pubs:
                people[cid].coauthors |= authors_of[pid] - own

    def org_form(self, org: str) -> str:
        """Return the comparable form of an organisation name (cached)."""
        form = self._org_cache.get(org)
        if form is None:
            form = self._org_cache[org] = _org_form(org)
        return form

    def add(self, person: Person) -> None:
        """Index ``person`` under its e-mail, ids and name blocks (again after a change)."""
        candidate = person.candidate
        if candidate.id is not None:
            self.by_candidate_id[candidate.id] = person
        mailbox = mailbox_key(candidate.email)
        if mailbox:
            self.by_mailbox.setdefault(mailbox, person)
        for kind in ID_FIELDS:
            value = normalise_id(kind, getattr(candidate, kind, ""))
            if value:
                self.by_id.setdefault((kind, value), person)
        keys = (name_key(candidate.full_name), name_key(candidate.native_name) if candidate.native_name else "")
        for key in filter(None, keys):
            if person not in self.by_name_key[key]:
                self.by_name_key[key].append(person)
        ends = name_ends_key(candidate.full_name)
        if ends and person not in self.by_ends_key[ends]:
            self.by_ends_key[ends].append(person)

    def people(self) -> Iterator[Person]:
        """Yield every person in the index once."""
        seen: set[int] = set()
        for bucket in self.by_name_key.values():
            for person in bucket:
                if person.key not in seen:
                    seen.add(person.key)
                    yield person

    # -- matching --------------------------------------------------------------------

    def specialty_topics(self, slugs: Iterable[str]) -> set[str]:
        """Topic tokens of specialties: each slug's root in the taxonomy (``"spec:machine-learning"``).

        The taxonomy is read once per index (one query), on first use.
        """
        slugs = [s for s in slugs if s]
        if not slugs:
            return set()
        if self._specialty_roots is None:
            from talent.models import Specialty

            parent = dict(Specialty.objects.values_list("slug", "parent__slug"))
            roots: dict[str, str] = {}
            for slug in parent:
                seen, node = set(), slug
                while parent.get(node) and node not in seen:
                    seen.add(node)
                    node = parent[node]
                roots[slug] = node
            self._specialty_roots = roots
        return {f"spec:{self._specialty_roots.get(s, s)}" for s in slugs}

    def owner_of_email(self, email: str) -> Person | None:
        """The person whose e-mail reaches the same mailbox as ``email``, if any."""
        return self.by_mailbox.get(mailbox_key(email)) if email else None

    def match(
        self, *, full_name: str, native_name: str = "", email: str = "", ids: dict[str, str] | None = None,
        orgs: Iterable[str] = (), coauthors: Iterable[str] = (), exclude: Iterable[int] = (),
        topics: Iterable[str] | Callable[[], Iterable[str]] = (),
    ) -> Match:
        """Return the best :class:`Match` for a record (see the module docstring for the rule).

        Args:
            orgs: the record's organisations (canonical names, any form).
            coauthors: keys of the record's co-authors (:func:`coauthor_keys`).
            exclude: ``Person.key`` values that cannot be this record (the other authors
                of the same paper).
            topics: the record's topic tokens (:func:`paper_topics`), or a function that
                returns them (called only when a distinctive name needs them).
        """
        excluded = set(exclude)
        email_n = normalise_email(email)
        if email_n:
            person = self.by_mailbox.get(mailbox_key(email_n))
            if person and person.key not in excluded:
                same = normalise_email(person.candidate.email) == email_n
                return Match(person, 100.0, True, "email" if same else "email_mailbox",
                             person.candidate.full_name == full_name,
                             _("same e-mail") if same else _("same mailbox (e-mail written differently)"))
        record_ids = {k: normalise_id(k, v) for k, v in (ids or {}).items() if v}
        for kind, value in record_ids.items():
            person = self.by_id.get((kind, value))
            if person and person.key not in excluded:
                return Match(person, 100.0, True, kind, person.candidate.full_name == full_name, _("same %(id)s") % {"id": kind})
        return self._match_name(full_name, native_name, record_ids, email_n, orgs, coauthors, excluded, topics)

    def _match_name(self, full_name, native_name, record_ids, email_n, orgs, coauthors, excluded, topics) -> Match:
        key = name_key(full_name)
        native_key = name_key(native_name) if native_name else ""
        block: list[Person] = []
        for bucket in (self.by_name_key.get(key, []), self.by_name_key.get(native_key, []) if native_key else [],
                       self.by_ends_key.get(name_ends_key(full_name), [])):
            for person in bucket:
                if person.key not in excluded and person not in block:
                    block.append(person)
        if not block:
            return Match()
        org_forms = {self.org_form(o) for o in orgs if o}
        coauthor_set = set(coauthors)
        mailbox = mailbox_key(email_n) if email_n else ""
        folded = comparable_name(full_name)
        scored: list[tuple[Person, float, bool]] = []  # (person, name score, e-mails differ)
        for person in block:
            candidate = person.candidate
            if any(getattr(candidate, kind, "") and normalise_id(kind, getattr(candidate, kind)) != value
                   for kind, value in record_ids.items()):
                continue  # a different id of the same kind: a different person
            if key and candidate.name_key == key or native_key and name_key(candidate.native_name) == native_key:
                name_score = 100.0
            elif names_differ_by_middle_names(full_name, candidate.full_name):
                name_score = self.middle_names_score
            else:
                other = comparable_name(candidate.full_name)
                # word order matters a little: "Li Shen" and "Shen Li" are often two people
                name_score = float(max(fuzz.ratio(folded, other),
                                       fuzz.token_sort_ratio(folded, other) - self.word_order_penalty))
            emails_differ = bool(mailbox and candidate.email and mailbox_key(candidate.email) != mailbox)
            scored.append((person, name_score, emails_differ))
        close = [p for p, score, differ in scored if score >= self.match_threshold and not differ]
        distinctive = len(close) == 1 and name_is_distinctive(full_name)
        record_topics: set[str] | None = None
        best = Match()
        for person, name_score, emails_differ in scored:
            candidate = person.candidate
            exact = candidate.full_name == full_name
            evidence, why = "", ""
            if coauthor_set & person.coauthors:
                evidence, why = "coauthor", _("same co-author")
            elif self._orgs_agree(org_forms, person.orgs):
                evidence, why = "affiliation", _("same affiliation")
            elif distinctive and person is close[0] and person.topics:
                if record_topics is None:
                    record_topics = set(topics() if callable(topics) else topics)
                if record_topics & person.topics:
                    evidence, why = "distinctive_name_topic", _("distinctive name, same field")
            if emails_differ:
                score = name_score - (0 if evidence else self.penalty_no_evidence)
                why = (why + "; " if why else "") + _("different e-mails")
                certain = False
            elif evidence:
                score, certain = name_score, name_score >= self.match_threshold
            elif not org_forms or not person.orgs:
                score = name_score - self.penalty_no_evidence + (self.bonus_identical if exact else 0)
                why, certain = _("no second evidence (affiliation, co-author, shared field)"), False
            else:
                score = name_score - self.penalty_org_differs + (self.bonus_identical if exact else 0)
                why, certain = _("different affiliations, no shared co-author"), False
            if not certain:
                score = min(score, self.match_threshold - 0.01) if evidence else score
            if (certain, score) > (best.is_certain, best.score):
                name_part = _("name identical") if exact else _("name similarity %(score).0f") % {"score": name_score}
                best = Match(person, score, certain, "name", exact, f"{name_part}; {why}", evidence if certain else "")
        if best.person is not None and not best.is_certain and best.score < self.flag_threshold:
            return Match()
        return best

    def _orgs_agree(self, ours: set[str], theirs: set[str]) -> bool:
        """Tell whether two sets of organisation forms share one organisation.

        Equal forms, ``fuzz.ratio`` >= ``IMPORT_ORG_SIMILARITY``, or the words of one inside
        the other's with at least one word that is not generic (:data:`GENERIC_ORG_WORDS`):
        "swiss ai lab" / "swiss ai lab idsia", "google" / "google brain", but not
        "university" / "university of toronto".
        """
        if not ours or not theirs:
            return False
        if ours & theirs:
            return True
        for a in ours:
            words_a = self._words_of(a)
            for b in theirs:
                if fuzz.ratio(a, b) >= self.org_similarity:
                    return True
                words_b = self._words_of(b)
                small, large = (words_a, words_b) if len(words_a) <= len(words_b) else (words_b, words_a)
                if small and small <= large and small - GENERIC_ORG_WORDS:
                    return True
        return False

    def _words_of(self, form: str) -> frozenset[str]:
        words = self._org_words.get(form)
        if words is None:
            words = self._org_words[form] = frozenset(w for w in form.split() if len(w) > 1)
        return words


def coauthor_keys(name_key_value: str, ends_key_value: str) -> set[str]:
    """The keys a co-author is known by: the name key and, marked ``"e:"``, the first-and-last-word key.

    So a co-author written ``"Diederik P. Kingma"`` in one file and ``"Diederik Kingma"`` in
    another is one shared co-author (``"e:diederik|kingma"``).
    """
    keys = {name_key_value} if name_key_value else set()
    if ends_key_value and "|" in ends_key_value:
        keys.add(f"e:{ends_key_value}")
    return keys


def paper_topics(area: str | None, venue_key: str | None) -> set[str]:
    """Topic tokens of a paper from its venue: its CCF area (``"area:AI"``) and the venue itself.

    ``venue_key`` is ``Publication.venue_key`` (:func:`talent.venues.venue_key`); a
    preprint server (``"v:arxiv"``) says nothing about the field and gives no token.
    """
    tokens = set()
    if area:
        tokens.add(f"area:{area}")
    if venue_key and venue_key != "v:arxiv":
        tokens.add(f"venue:{venue_key}")
    return tokens


def possible_duplicate_pair(a_id: int, b_id: int, score: float, reason: str, import_run=None) -> PossibleDuplicate:
    """Return an unsaved :class:`PossibleDuplicate` for two candidate ids, ordered low-high.

    ``score`` is rounded to two decimals and clamped to 0-100.
    """
    low, high = sorted((a_id, b_id))
    value = Decimal(str(round(min(max(score, 0.0), 100.0), 2)))
    return PossibleDuplicate(candidate_a_id=low, candidate_b_id=high, score=value, reason=reason[:500],
                             import_run=import_run)
