"""Identity resolution: one person, one candidate (issue 3, item 3).

A record found in a file (a name, perhaps an e-mail, ids, affiliations, co-authors) is
matched against the candidates already known, in this order:

1. **E-mail**, normalised (trimmed, case-insensitive): certain. Then the e-mail with its
   plus-tag stripped (``wang+neurips@x.org`` is ``wang@x.org``): certain.
2. **Person ids**: DBLP pid, ORCID, OpenReview id, Google Scholar id, LinkedIn URL:
   certain. A record whose id *differs* from a candidate's id of the same kind is never
   that candidate.
3. **Name plus evidence**, for records without a matching id. Candidates are *blocked*
   by :func:`~talent.services.names.name_key` (same name up to case, accents and
   spacing) and by :func:`~talent.services.names.name_ends_key` (same first and last
   word), and compared only within their blocks, so an import costs O(rows x block
   size), not O(rows x candidates). The score (0-100) is:

   * name similarity: 100 when the name keys are equal, else the better of rapidfuzz
     ``ratio`` and ``token_sort_ratio - 15`` of the folded names (a dropped middle
     initial costs little; swapped word order, "Li Shen" / "Shen Li", costs 15);
   * kept as is when the affiliation agrees (a common canonical organisation, or
     ``fuzz.ratio`` >= ``IMPORT_ORG_SIMILARITY``) or a co-author is shared;
   * minus ``IMPORT_PENALTY_NO_EVIDENCE`` (default 15) when either side has no
     affiliation to compare and no co-author is shared;
   * minus ``IMPORT_PENALTY_ORG_DIFFERS`` (default 20) when both have affiliations and
     they differ;
   * in those two cases plus ``IMPORT_BONUS_IDENTICAL_NAME`` (default 5) when the names
     are identical as written (not merely equal up to case or accents).

   A score >= ``IMPORT_MATCH_THRESHOLD`` (default 90) is the same person; a score >=
   ``IMPORT_FLAG_THRESHOLD`` (default 70) is a *possible* duplicate: the record becomes
   a new candidate and a :class:`~talent.models.PossibleDuplicate` is recorded for a
   recruiter, never merged automatically. So ``"JASON Weston"`` at Facebook matches
   ``"Jason Weston"`` at Facebook (100); ``"Dacheng Tao"`` without an affiliation
   matches ``"Dacheng Tao"`` (100 - 15 + 5 = 90); two ``"Wei Wang"`` at different
   universities without a shared co-author (85) are flagged, not merged.

The thresholds are settings; their defaults and reasoning are in :mod:`talent.conf`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from talent.conf import setting
from talent.models import Authorship, Candidate, PossibleDuplicate, normalise_email

from .names import comparable_name, name_ends_key, name_key

ID_FIELDS: tuple[str, ...] = ("dblp_pid", "orcid", "openreview_id", "google_scholar_id", "linkedin_url")
CHUNK = 900  # IN-list size: below SQLite's historic 999-variable limit


def strip_plus_tag(email: str | None) -> str | None:
    """Return the normalised e-mail without its plus-tag (``a+b@x.org`` -> ``a@x.org``)."""
    email = normalise_email(email)
    if not email or "@" not in email:
        return email
    local, _, domain = email.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


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
    ``orgs`` are normalised organisation names; ``coauthors`` are co-authors' name keys.
    """

    candidate: Candidate
    is_new: bool = False
    orgs: set[str] = field(default_factory=set)
    coauthors: set[str] = field(default_factory=set)
    publication_keys: set[tuple[str, int]] = field(default_factory=set)
    changed_fields: set[str] = field(default_factory=set)
    created_by_row: int | None = None

    @property
    def key(self) -> int:
        return id(self)


@dataclass
class Match:
    """The best candidate for a record: ``person`` None when nobody is close enough.

    ``score`` 0-100; ``is_certain`` when at or above the match threshold; ``how`` is
    ``"email"``, ``"email_plus"``, an id field name, ``"name"`` or ``""``; ``is_exact_name``
    when the names are equal as written; ``reason`` explains the score in words.
    """

    person: Person | None = None
    score: float = 0.0
    is_certain: bool = False
    how: str = ""
    is_exact_name: bool = False
    reason: str = ""

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
        self.by_email: dict[str, Person] = {}
        self.by_email_stripped: dict[str, Person] = {}
        self.by_id: dict[tuple[str, str], Person] = {}
        self.by_name_key: dict[str, list[Person]] = defaultdict(list)
        self.by_ends_key: dict[str, list[Person]] = defaultdict(list)
        self.by_candidate_id: dict[int, Person] = {}
        self._org_cache: dict[str, str] = {}
        (self.match_threshold, self.flag_threshold, self.org_similarity,
         self.penalty_no_evidence, self.penalty_org_differs, self.bonus_identical) = _thresholds()
        self.word_order_penalty = 15.0

    # -- building --------------------------------------------------------------------

    @classmethod
    def load(
        cls, *, name_keys: Iterable[str] = (), ends_keys: Iterable[str] = (), emails: Iterable[str] = (),
        ids: Iterable[tuple[str, str]] = (), candidate_ids: Iterable[int] = (),
    ) -> IdentityIndex:
        """Load the candidates a file may refer to, with their affiliations and co-authors.

        Args:
            name_keys / ends_keys: blocking keys of the names in the file.
            emails: normalised e-mails in the file (plus-tags stripped too).
            ids: ``(id field, value)`` pairs in the file.
            candidate_ids: candidates to load regardless (e.g. authors of known papers).
        """
        index = cls()
        found: dict[int, Candidate] = {}
        query_sets: list[tuple[str, set[str]]] = [("name_key__in", set(filter(None, name_keys))),
                                                  ("name_ends_key__in", set(filter(None, ends_keys)))]
        email_set = set(filter(None, emails))
        stripped = {strip_plus_tag(e) for e in email_set}
        for lookup, values in query_sets:
            for batch in _chunks(sorted(values)):
                for candidate in Candidate.objects.filter(**{lookup: batch}):
                    found[candidate.id] = candidate
        for batch in _chunks(sorted(email_set | stripped)):
            for candidate in Candidate.objects.filter(email__in=batch):
                found[candidate.id] = candidate
        for batch in _chunks(sorted(e for e in stripped if e and "@" in e), 200):
            # candidates stored with a plus-tagged e-mail: same local part before "+", same domain
            plus_tagged = Q()
            for address in batch:
                local, _, domain = address.rpartition("@")
                plus_tagged |= Q(email__startswith=f"{local}+", email__endswith=f"@{domain}")
            for candidate in Candidate.objects.filter(plus_tagged):
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
        """Fill ``orgs`` and ``coauthors`` of stored candidates (3 queries per 900)."""
        from talent.affiliations import resolve_affiliations

        pubs_of: dict[int, set[int]] = defaultdict(set)
        for batch in _chunks(sorted(people)):
            rows = Authorship.objects.filter(candidate_id__in=batch).values_list(
                "candidate_id", "publication_id", "affiliation_raw", "publication__title_key", "publication__year")
            for cid, pid, affiliation, tkey, year in rows:
                pubs_of[cid].add(pid)
                people[cid].publication_keys.add((tkey, year))
                for org in resolve_affiliations(affiliation or ""):
                    people[cid].orgs.add(self.org_form(org))
        for person in people.values():
            if person.candidate.current_employer:
                person.orgs.add(self.org_form(person.candidate.current_employer))
        all_pubs = {p for pubs in pubs_of.values() for p in pubs}
        authors_of: dict[int, set[str]] = defaultdict(set)
        for batch in _chunks(sorted(all_pubs)):
            for pid, key in Authorship.objects.filter(publication_id__in=batch).values_list(
                    "publication_id", "candidate__name_key"):
                authors_of[pid].add(key)
        for cid, pubs in pubs_of.items():
            own = people[cid].candidate.name_key
            for pid in pubs:
                people[cid].coauthors |= authors_of[pid] - {own}

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
        email = normalise_email(candidate.email)
        if email:
            self.by_email.setdefault(email, person)
            self.by_email_stripped.setdefault(strip_plus_tag(email), person)
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

    def match(
        self, *, full_name: str, native_name: str = "", email: str = "", ids: dict[str, str] | None = None,
        orgs: Iterable[str] = (), coauthors: Iterable[str] = (), exclude: Iterable[int] = (),
    ) -> Match:
        """Return the best :class:`Match` for a record (see the module docstring for the rule).

        Args:
            orgs: the record's organisations (canonical names, any form).
            coauthors: name keys of the record's co-authors.
            exclude: ``Person.key`` values that cannot be this record (the other authors
                of the same paper).
        """
        excluded = set(exclude)
        email_n = normalise_email(email)
        if email_n:
            person = self.by_email.get(email_n)
            if person and person.key not in excluded:
                return Match(person, 100.0, True, "email", person.candidate.full_name == full_name,
                             _("same e-mail"))
            person = self.by_email_stripped.get(strip_plus_tag(email_n))
            if person and person.key not in excluded:
                return Match(person, 100.0, True, "email_plus", person.candidate.full_name == full_name,
                             _("same e-mail without its plus-tag"))
        record_ids = {k: normalise_id(k, v) for k, v in (ids or {}).items() if v}
        for kind, value in record_ids.items():
            person = self.by_id.get((kind, value))
            if person and person.key not in excluded:
                return Match(person, 100.0, True, kind, person.candidate.full_name == full_name, _("same %(id)s") % {"id": kind})
        return self._match_name(full_name, native_name, record_ids, email_n, orgs, coauthors, excluded)

    def _match_name(self, full_name, native_name, record_ids, email_n, orgs, coauthors, excluded) -> Match:
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
        best = Match()
        folded = comparable_name(full_name)
        for person in block:
            candidate = person.candidate
            if any(getattr(candidate, kind, "") and normalise_id(kind, getattr(candidate, kind)) != value
                   for kind, value in record_ids.items()):
                continue  # a different id of the same kind: a different person
            if email_n and candidate.email and strip_plus_tag(candidate.email) != strip_plus_tag(email_n):
                continue  # both have e-mails and they differ: not merged on a name alone
            if key and candidate.name_key == key or native_key and name_key(candidate.native_name) == native_key:
                name_score = 100.0
            else:
                other = comparable_name(candidate.full_name)
                # word order matters a little: "Li Shen" and "Shen Li" are often two people
                name_score = float(max(fuzz.ratio(folded, other),
                                       fuzz.token_sort_ratio(folded, other) - self.word_order_penalty))
            shared = coauthor_set & person.coauthors
            org_agrees = self._orgs_agree(org_forms, person.orgs)
            exact = candidate.full_name == full_name
            if shared or org_agrees:
                score = name_score
                why = _("same co-author") if shared else _("same affiliation")
            elif not org_forms or not person.orgs:
                score = name_score - self.penalty_no_evidence + (self.bonus_identical if exact else 0)
                why = _("no affiliation or co-author to compare")
            else:
                score = name_score - self.penalty_org_differs + (self.bonus_identical if exact else 0)
                why = _("different affiliations, no shared co-author")
            if score > best.score:
                name_part = _("name identical") if exact else _("name similarity %(score).0f") % {"score": name_score}
                reason = f"{name_part}; {why}"
                best = Match(person, score, score >= self.match_threshold, "name", exact, reason)
        if best.person is not None and best.score < self.flag_threshold:
            return Match()
        return best

    def _orgs_agree(self, ours: set[str], theirs: set[str]) -> bool:
        if not ours or not theirs:
            return False
        if ours & theirs:
            return True
        return any(fuzz.ratio(a, b) >= self.org_similarity for a in ours for b in theirs)


def possible_duplicate_pair(a_id: int, b_id: int, score: float, reason: str, import_run=None) -> PossibleDuplicate:
    """Return an unsaved :class:`PossibleDuplicate` for two candidate ids, ordered low-high.

    ``score`` is rounded to two decimals and clamped to 0-100.
    """
    low, high = sorted((a_id, b_id))
    value = Decimal(str(round(min(max(score, 0.0), 100.0), 2)))
    return PossibleDuplicate(candidate_a_id=low, candidate_b_id=high, score=value, reason=reason[:500],
                             import_run=import_run)
