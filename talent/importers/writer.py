"""Resolve the identities of parsed rows and write them in bulk, in one transaction.

Two entry points, one per kind of format:

* :func:`import_paper_rows` for paper formats (proceedings, BibTeX, DBLP): one row per
  author per paper. Papers are matched by DOI, then by title and year *at a compatible
  venue* (:func:`paper_plan_key`, :func:`known_paper_pick`: one title in one year at two
  venues is two publications, each keeping its venue); authors through
  :class:`talent.services.dedup.IdentityIndex`. Corporate and group authors are kept on
  the publication (``group_authors``), never made candidates.
* :func:`import_person_rows` for person formats (spreadsheet, LinkedIn, JSON Resume):
  one row per person; a person found again gets only the *blank* fields filled
  (an import never overwrites what a recruiter typed). A row that gives a person of an
  earlier row of the same file a different value is reported as a conflict naming each
  field, both values and the row whose value was kept.

Both plan everything in memory first (a bounded number of queries: the index loads
900 keys per query), then write with ``bulk_create``/``bulk_update`` inside one
``transaction.atomic``. So a dry run is the same plan without the write, a row error
skips only that row (reported), and a failure while writing rolls the whole import back.
Research profiles of the candidates whose authorships changed are refreshed once, at
the end (:func:`talent.services.profile.research_profiles_refresh`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talent.models import (
    Authorship,
    Candidate,
    CareerEntry,
    ImportRun,
    PossibleDuplicate,
    Publication,
    Specialty,
    normalise_email,
)
from talent.services.dedup import (
    CHUNK,
    ID_FIELDS,
    IdentityIndex,
    Match,
    Person,
    coauthor_keys,
    normalise_id,
    paper_topics,
    possible_duplicate_pair,
)
from talent.services.mailbox import mailbox_key
from talent.services.names import clean_name, fold, name_ends_key, name_key
from talent.signals import candidates_imported

from .base import (
    AuthorRow,
    ImportFileError,
    ImportReport,
    Outcome,
    PaperRecord,
    PersonRecord,
    PersonRow,
    RowResult,
    title_key,
)

Progress = Callable[[int], None]

# Row reasons, translated when the import runs (they are stored with the run's report).
SKIP_DUPLICATE_ROW = gettext_lazy("duplicate row in the file")
SKIP_ALREADY_IMPORTED = gettext_lazy("already imported, nothing new")
SKIP_GROUP_AUTHOR = gettext_lazy("group author (kept on the publication, not a candidate)")
SKIP_ONLY_A_NAME = gettext_lazy("only a name, and a candidate of that name exists: nothing to add and nothing "
                                "to tell them apart, not created again")


@dataclass
class _PaperPlan:
    record: PaperRecord
    key: tuple[str, int, str]  # (title key, year, venue key)
    venue: Any = None  # talent.venues.VenueMatch or None
    publication_id: int | None = None
    publication: Publication | None = None
    db_authors: dict[str, int] = field(default_factory=dict)  # name key / ends key -> candidate id
    topics: set[str] = field(default_factory=set)
    group_authors: list[str] = field(default_factory=list)

    @property
    def target_id(self) -> int | None:
        return self.publication_id if self.publication_id is not None else getattr(self.publication, "id", None)


@contextmanager
def _all_or_nothing():
    """Write in one transaction; a constraint clash (a concurrent import) undoes all of it.

    Raises:
        ImportFileError: A unique constraint failed while writing; nothing was kept.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ImportFileError(
            _("Nothing was imported: the data changed while this import ran (another import at the same "
              "time?). Run it again. Detail: %(why)s") % {"why": exc}) from exc


def _chunks(values: list[Any], size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _outcome_for(match: Match) -> tuple[Outcome, str]:
    """``updated`` for the same e-mail, id, or name as written (with its evidence); ``merged`` for a variant."""
    if match.how in ("email", *ID_FIELDS):
        return Outcome.UPDATED, ""
    if match.how == "name" and match.is_exact_name:
        return Outcome.UPDATED, match.reason
    return Outcome.MERGED, match.reason


def paper_plan_key(title: str, year: int, venue_key: str) -> tuple[str, int, str]:
    """The identity of a paper within a file: ``(title key, year, venue key)``."""
    return (title_key(title), year, venue_key)


def known_paper_pick(record_venue_key: str, record_venue_raw: str,
                     known: list[tuple[int, str, str]]) -> int | None:
    """Pick the stored publication a paper record is, among those with its title and year.

    ``known`` holds ``(publication id, venue_key, venue_raw)``. The same venue key wins;
    a side without a venue is compatible with any venue; two venues written alike
    (same normal form, e.g. before an alias was added) are one venue. Otherwise ``None``:
    the same title at another venue is another publication (issue 13: both venues kept).
    """
    from talent.venues import normalise_venue

    for pid, vkey, _raw in known:
        if vkey == record_venue_key:
            return pid
    if not record_venue_key:
        return known[0][0] if known else None
    for pid, vkey, raw in known:
        if not vkey or (raw and normalise_venue(raw) == normalise_venue(record_venue_raw)):
            return pid
    return None


def _new_person(record: PersonRecord, source: str, row: int) -> Person:
    candidate = Candidate(full_name=record.full_name[:200], native_name=record.native_name[:200], source=source)
    for kind, value in record.ids.items():
        if kind in ID_FIELDS and value:
            setattr(candidate, kind, value)
    if record.email:
        candidate.email = normalise_email(record.email)
    for name, value in record.fields.items():
        setattr(candidate, name, value)
    candidate.set_name_keys()
    return Person(candidate=candidate, is_new=True, created_by_row=row)


def _record_values(record: PersonRecord) -> dict[str, Any]:
    """The candidate fields a record gives (ids, fields, native name, e-mail), blanks left out."""
    values: dict[str, Any] = {**{k: v for k, v in record.ids.items() if k in ID_FIELDS}, **record.fields}
    if record.native_name:
        values["native_name"] = record.native_name
    if record.email:
        values["email"] = normalise_email(record.email)
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def _same_value(name: str, a: Any, b: Any) -> bool:
    """Two values of one field say the same (case, spacing and URL/e-mail spelling aside)."""
    if name == "email":
        return mailbox_key(str(a)) == mailbox_key(str(b))
    if name in ID_FIELDS:
        return normalise_id(name, str(a)) == normalise_id(name, str(b))
    if isinstance(a, str) and isinstance(b, str):
        return fold(clean_name(a)) == fold(clean_name(b))
    return str(a) == str(b)


def _conflicts(person: Person, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields where ``values`` differ from what an earlier row of this file gave ``person``."""
    found = []
    for name, value in values.items():
        earlier = person.row_values.get(name)
        if earlier is not None and not _same_value(name, earlier[0], value):
            found.append({"field": name, "kept": str(earlier[0]), "kept_row": earlier[1], "dropped": str(value)})
    return found


def _remember(person: Person, values: dict[str, Any], row: int) -> None:
    """Note the values of ``row`` that the candidate now holds (filled by it, or the same)."""
    for name, value in values.items():
        if name not in person.row_values and _same_value(name, getattr(person.candidate, name, None) or "", value):
            person.row_values[name] = (value, row)


def _conflict_text(conflicts: list[dict[str, Any]]) -> str:
    return "; ".join(
        _("%(field)s “%(kept)s” (row %(row)d, kept) ≠ “%(dropped)s” (this row)")
        % {"field": c["field"], "kept": c["kept"], "row": c["kept_row"], "dropped": c["dropped"]} for c in conflicts)


def _fill_blanks(person: Person, record: PersonRecord, index: IdentityIndex, result: RowResult) -> list[str]:
    """Set the candidate's blank fields from ``record``; return the names of those changed.

    A value that differs from one an earlier row of the same file gave this person is
    not taken (the earlier row's is kept) and is listed in ``result.conflicts``.
    """
    candidate = person.candidate
    changed: list[str] = []
    values = _record_values(record)
    if "email" in values:
        owner = index.owner_of_email(values["email"])
        if owner is not None and owner is not person:
            result.field_errors["email"] = _("This e-mail belongs to another candidate.")
            values.pop("email")
    conflicts = _conflicts(person, values)
    result.conflicts.extend(conflicts)
    for name, value in values.items():
        current = getattr(candidate, name)
        if current in (None, "", []):
            setattr(candidate, name, value)
            changed.append(name)
    _remember(person, values, result.row)
    if changed:
        person.changed_fields.update(changed)
        index.add(person)
    return changed


def _write_run(report: ImportReport, actor) -> ImportRun:
    """Create the report's ImportRun, or update it when an earlier writer of this import made it."""
    if report.import_run_id is not None:
        ImportRun.objects.filter(id=report.import_run_id).update(summary=report.to_summary(), issues=report.issues())
        return ImportRun.objects.get(id=report.import_run_id)
    return ImportRun.objects.create(
        format=report.format, file_name=report.file_name[:300], encoding=report.encoding, is_dry_run=False,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        summary=report.to_summary(), issues=report.issues(), finished_at=timezone.now(),
    )


def _write_candidates(people: list[Person], index: IdentityIndex) -> None:
    new = [p.candidate for p in people if p.is_new]
    for candidate in new:
        candidate.set_name_keys()
    Candidate.objects.bulk_create(new, batch_size=1000)
    changed = [p for p in index.people() if not p.is_new and p.changed_fields]
    fields = {f for p in changed for f in p.changed_fields} | {"updated_at"}
    concrete = {f.name for f in Candidate._meta.concrete_fields}
    fields |= {f"{name}_currency" for name in fields if f"{name}_currency" in concrete}  # MoneyField pairs
    fields = sorted(fields)
    now = timezone.now()
    for person in changed:
        person.candidate.updated_at = now
    if changed:
        Candidate.objects.bulk_update([p.candidate for p in changed], fields, batch_size=500)


def _record_run(report: ImportReport, actor, flags: list, *, elapsed: float) -> ImportRun:
    """Inside the import's transaction: the ImportRun row and the possible-duplicate pairs it found.

    ``flags`` holds ``(new person, existing person, score, reason)``; ``elapsed`` is in seconds.
    """
    report.seconds = elapsed
    run = _write_run(report, actor)
    PossibleDuplicate.objects.bulk_create(
        [possible_duplicate_pair(a.candidate.id, b.candidate.id, score, reason, run) for a, b, score, reason in flags],
        batch_size=1000, ignore_conflicts=True)
    report.import_run_id = run.id
    return run


def _finish(report: ImportReport, pending: list, *, elapsed: Callable[[], float], dry_run: bool) -> ImportReport:
    """After the write: give each row its candidate id, the total time, and the run's summary."""
    if not dry_run:
        for result, person in pending:
            if person is not None:
                result.candidate_id = person.candidate.id
    report.seconds = elapsed()
    if not dry_run:
        ImportRun.objects.filter(id=report.import_run_id).update(summary=report.to_summary(), issues=report.issues())
    return report


def _announce(new_people: list[Person], index: IdentityIndex, also: set[int]) -> None:
    """Send ``candidates_imported`` with every candidate this import created or changed."""
    touched = also | {p.candidate.id for p in new_people}
    touched |= {p.candidate.id for p in index.people() if not p.is_new and p.changed_fields}
    if touched:
        candidates_imported.send(sender=ImportRun, candidate_ids=sorted(touched))


def _refresh_profiles(candidate_ids: set[int]) -> None:
    if not candidate_ids:
        return
    from talent.services.profile import research_profiles_refresh

    research_profiles_refresh(sorted(candidate_ids))


# --- paper formats ---------------------------------------------------------------------


def import_paper_rows(
    rows: list[AuthorRow], report: ImportReport, *, source: str, dry_run: bool = False, actor=None,
    progress: Progress | None = None,
) -> ImportReport:
    """Resolve and write author rows of papers; fill ``report`` and return it.

    Outcomes per row: ``created`` (new candidate), ``updated`` (known person, same name
    as written or same id/e-mail), ``merged`` (known person under a name variant),
    ``flagged`` (new candidate plus a PossibleDuplicate), ``skipped`` (duplicate row,
    already imported, a group author, or the parser's reason), ``error`` (the parser's
    reason). The author position of a row is its order among the paper's distinct
    person authors. A paper is one per ``(title, year, venue)``
    (:func:`paper_plan_key`): a row without a venue joins the file's or the database's
    paper of that title and year at whatever venue.
    """
    from talent.venues import VenueIndex, venue_key

    started = time.monotonic()
    seconds_before = report.seconds  # a report may gather several writers (DBLP: persons, then papers)
    venues = VenueIndex.load()  # fresh per import: two queries, then in memory
    venue_cache: dict[str, tuple[Any, str]] = {}

    def venue_of(paper: PaperRecord) -> tuple[Any, str]:
        found = venue_cache.get(paper.venue_raw)
        if found is None:
            match = venues.recognise(paper.venue_raw, paper.year) if paper.venue_raw else None
            found = venue_cache[paper.venue_raw] = (match, venue_key(match, paper.venue_raw))
        return found

    # One reference list, proceedings volume or DBLP page is about one field: within a file,
    # papers share a topic (a distinctive name there is one person, see dedup).
    file_topic = f"file:{id(report)}"
    groups: dict[tuple[str, int, str], list[AuthorRow]] = {}
    pending: list[tuple[RowResult, Person | None]] = []
    for row in rows:
        if row.error or row.paper is None or (row.skip and not row.is_group):
            outcome = Outcome.ERROR if row.error or not row.skip else Outcome.SKIPPED
            pending.append((RowResult(row.row, outcome, row.person.full_name, row.error or row.skip), None))
            continue
        groups.setdefault(paper_plan_key(row.paper.title, row.paper.year, venue_of(row.paper)[1]), []).append(row)
    # a row without a venue is the same paper as one of that title and year at a venue
    with_venue: dict[tuple[str, int], tuple[str, int, str]] = {}
    for key in groups:
        if key[2]:
            with_venue.setdefault(key[:2], key)
    for key in [k for k in groups if not k[2] and k[:2] in with_venue]:
        groups[with_venue[key[:2]]].extend(groups.pop(key))

    # Known papers: by DOI, then by title and year at a compatible venue.
    dois = sorted({r.paper.doi.lower() for g in groups.values() for r in g if r.paper.doi})
    by_doi: dict[str, int] = {}
    for batch in _chunks(dois):
        by_doi.update({d.lower(): pid for pid, d in Publication.objects.filter(doi__in=batch).values_list("id", "doi")})
    by_title: dict[tuple[str, int], list[tuple[int, str, str]]] = defaultdict(list)
    for batch in _chunks(sorted({k[0] for k in groups})):
        for pid, tkey, year, vkey, vraw in Publication.objects.filter(title_key__in=batch).order_by("id").values_list(
                "id", "title_key", "year", "venue_key", "venue_raw"):
            by_title[(tkey, year)].append((pid, vkey, vraw))
    plans: dict[tuple[str, int, str], _PaperPlan] = {}
    for key, group in groups.items():
        record = next((r.paper for r in group if r.paper.venue_raw), group[0].paper)
        match, vkey = venue_of(record)
        doi = next((r.paper.doi.lower() for r in group if r.paper.doi), "")
        plan = plans[key] = _PaperPlan(record, key, venue=match, publication_id=by_doi.get(doi) if doi else None)
        if plan.publication_id is None:
            plan.publication_id = known_paper_pick(vkey, record.venue_raw, by_title.get(key[:2], []))
        plan.group_authors = list(dict.fromkeys(name for r in group if r.is_group for name in [r.person.full_name]))
        plan.topics = paper_topics(venues.area_of(match.venue_id) if match is not None else "", vkey) | {file_topic}
    known_ids = sorted({p.publication_id for p in plans.values() if p.publication_id})
    author_ids: set[int] = set()
    db_authors: dict[int, dict[str, int]] = defaultdict(dict)
    for batch in _chunks(known_ids):
        for pid, cid, nkey, ekey in Authorship.objects.filter(publication_id__in=batch).values_list(
                "publication_id", "candidate_id", "candidate__name_key", "candidate__name_ends_key"):
            db_authors[pid][nkey] = cid
            db_authors[pid].setdefault(f"ends:{ekey}", cid)
            author_ids.add(cid)
    for plan in plans.values():
        if plan.publication_id:
            plan.db_authors = db_authors.get(plan.publication_id, {})

    records = [r.person for g in groups.values() for r in g if not r.is_group]
    index = IdentityIndex.load(
        name_keys={name_key(p.full_name) for p in records} | {name_key(p.native_name) for p in records if p.native_name},
        ends_keys={name_ends_key(p.full_name) for p in records},
        emails={p.email.lower() for p in records if p.email},
        ids={(k, v) for p in records for k, v in p.ids.items() if v},
        candidate_ids=author_ids,
    )
    matcher: list[Any] = []

    def title_topics(plan: _PaperPlan) -> set[str]:
        """Root specialties the title names, for papers whose venue gives no field (computed once)."""
        if not matcher:
            from talent.services.profile import SpecialtyMatcher

            matcher.append(SpecialtyMatcher.load())
        slugs = [slug for slug, _why in matcher[0].match(plan.record.title, getattr(plan.venue, "acronym", None))]
        return index.specialty_topics(slugs)

    new_people: list[Person] = []
    new_publications: list[Publication] = []
    authorships: list[tuple[Person, _PaperPlan, int, str]] = []
    flags: list[tuple[Person, Person, float, str]] = []
    latest_org: dict[int, tuple[int, str]] = {}
    for key, group in groups.items():
        plan = plans[key]
        paper = plan.record
        venue = plan.venue
        if venue is not None and venue.side:
            report.venue_sides[venue.side] += 1
        if venue is not None and venue.venue_id is not None:
            report.venues_recognised += 1
        elif venue is not None and venue.is_workshop:
            report.venues_workshop += 1
        elif venue is not None and venue.side:
            report.venues_other += 1
        else:
            report.venues_unknown += 1
            report.unknown_venues[paper.venue_raw or _("(no venue)")] += 1
        if not any(token.startswith("area:") for token in plan.topics):
            plan.topics |= title_topics(plan)
        if plan.publication_id is None:
            plan.publication = Publication(
                title=paper.title[:500], title_key=key[0], year=paper.year, venue_raw=paper.venue_raw[:300],
                venue_key=key[2], venue_id=venue.venue_id if venue else None, doi=paper.doi[:200],
                dblp_key=paper.dblp_key[:200], is_workshop=bool(venue and venue.is_workshop),
                is_preprint=bool(venue and venue.is_preprint), group_authors="; ".join(plan.group_authors)[:500],
            )
            new_publications.append(plan.publication)
        else:
            report.publications_existing += 1
        on_paper: dict[str, Person] = {}
        excluded: set[int] = {index.by_candidate_id[c].key for c in plan.db_authors.values() if c in index.by_candidate_id}
        author_keys = {name_key(r.person.full_name): coauthor_keys(name_key(r.person.full_name),
                                                                    name_ends_key(r.person.full_name))
                       for r in group if not r.is_group}
        position = 0
        for row in group:
            record = row.person
            if row.is_group:
                pending.append((RowResult(row.row, Outcome.SKIPPED, record.full_name, str(SKIP_GROUP_AUTHOR)), None))
                continue
            nkey = name_key(record.full_name)
            if nkey in on_paper:
                pending.append((RowResult(row.row, Outcome.SKIPPED, record.full_name, str(SKIP_DUPLICATE_ROW)), on_paper[nkey]))
                continue
            position += 1
            known = plan.db_authors.get(nkey) or plan.db_authors.get(f"ends:{name_ends_key(record.full_name)}")
            if known is not None and known in index.by_candidate_id:
                person = index.by_candidate_id[known]
                on_paper[nkey] = person
                result = RowResult(row.row, Outcome.SKIPPED, record.full_name, str(SKIP_ALREADY_IMPORTED))
                filled = _fill_blanks(person, PersonRecord(full_name=record.full_name, ids=record.ids), index, result)
                if filled:  # e.g. DBLP adds the pid to an author first imported from BibTeX
                    result.outcome, result.reason = Outcome.UPDATED, _("filled: %(fields)s") % {"fields": ", ".join(filled)}
                pending.append((result, person))
                continue
            coauthors = {k for other, keys in author_keys.items() if other != nkey for k in keys} - author_keys.get(nkey, set())
            match = index.match(full_name=record.full_name, native_name=record.native_name, email=record.email,
                                ids=record.ids, orgs=record.affiliations, coauthors=coauthors, exclude=excluded,
                                topics=plan.topics)
            if match.is_certain:
                person = match.person
                outcome, reason = _outcome_for(match)
                result = RowResult(row.row, outcome, record.full_name, reason)
                _fill_blanks(person, PersonRecord(full_name=record.full_name, ids=record.ids), index, result)
            else:
                person = _new_person(record, source, row.row)
                new_people.append(person)
                index.add(person)
                if match.is_possible:
                    flags.append((person, match.person, match.score, match.reason))
                    result = RowResult(row.row, Outcome.FLAGGED, record.full_name,
                                       _("possible duplicate of “%(name)s” (score %(score).0f: %(why)s)")
                                       % {"name": match.person.candidate.full_name, "score": match.score,
                                          "why": match.reason})
                else:
                    result = RowResult(row.row, Outcome.CREATED, record.full_name)
            person.orgs |= {index.org_form(o) for o in record.affiliations}
            person.coauthors |= coauthors
            person.topics |= plan.topics
            if person.is_new and record.affiliations:
                best = latest_org.get(person.key)
                if best is None or paper.year >= best[0]:
                    latest_org[person.key] = (paper.year, record.affiliations[0])
            on_paper[nkey] = person
            excluded.add(person.key)
            authorships.append((person, plan, position, row.affiliation_raw[:300]))
            pending.append((result, person))
        if progress is not None:
            progress(len(group))
    for person in new_people:
        if person.key in latest_org and not person.candidate.current_employer:
            person.candidate.current_employer = latest_org[person.key][1][:200]

    pending.sort(key=lambda item: item[0].row)
    for result, _person in pending:
        report.add(result)
    report.publications_created += len(new_publications)
    report.authorships_created += len(authorships)
    report.candidates_created += len(new_people)
    report.candidates_updated += sum(1 for p in index.people() if not p.is_new and p.changed_fields)
    report.possible_duplicates += len(flags)

    if not dry_run:
        with _all_or_nothing():
            _write_candidates(new_people, index)
            Publication.objects.bulk_create(new_publications, batch_size=1000)
            Authorship.objects.bulk_create(
                [Authorship(candidate_id=p.candidate.id, publication_id=plan.target_id, position=pos, affiliation_raw=aff)
                 for p, plan, pos, aff in authorships], batch_size=2000)
            _record_run(report, actor, flags, elapsed=seconds_before + time.monotonic() - started)
            _refresh_profiles({p.candidate.id for p, _plan, _pos, _aff in authorships})
            _announce(new_people, index, {p.candidate.id for p, _plan, _pos, _aff in authorships})
    return _finish(report, pending, elapsed=lambda: seconds_before + time.monotonic() - started, dry_run=dry_run)


# --- person formats --------------------------------------------------------------------


def _only_a_name(record: PersonRecord) -> bool:
    """A record that gives nothing but a name (no e-mail, id, employer, field, career or specialty)."""
    return not (record.email or record.ids or record.affiliations or record.fields or record.career
                or record.specialties)


def import_person_rows(
    rows: list[PersonRow], report: ImportReport, *, source: str, dry_run: bool = False, actor=None,
    progress: Progress | None = None,
) -> ImportReport:
    """Resolve and write person rows; fill ``report`` and return it.

    A person found (e-mail, id, or name plus affiliation) gets its blank fields filled:
    ``updated`` (same e-mail/id or name as written) or ``merged`` (found under a variant:
    same mailbox, name spelled differently); nothing new makes it ``skipped``. A row for
    the person of an earlier row with different values lists them in ``conflicts`` (the
    earlier row's value is kept) and says so in its reason. Same name without a second
    evidence is ``flagged``, never joined; a row with nothing but a name that a candidate
    already carries is ``skipped`` (re-importing the file creates nothing).
    Career entries (``CareerEntry``) already present (same kind, organisation, title and
    start) are not added again; specialty slugs not in the taxonomy are field errors.
    """
    started = time.monotonic()
    seconds_before = report.seconds  # a report may gather several writers (DBLP: persons, then papers)
    records = [r.person for r in rows if r.person is not None and not r.error and not r.skip]
    index = IdentityIndex.load(
        name_keys={name_key(p.full_name) for p in records} | {name_key(p.native_name) for p in records if p.native_name},
        ends_keys={name_ends_key(p.full_name) for p in records},
        emails={p.email.lower() for p in records if p.email},
        ids={(k, v) for p in records for k, v in p.ids.items() if v},
    )
    slugs = sorted({s for p in records for s in p.specialties})
    specialty_ids = dict(Specialty.objects.filter(slug__in=slugs).values_list("slug", "id")) if slugs else {}
    existing_career: dict[int, set[tuple]] = defaultdict(set)
    known_ids = sorted(c for c in index.by_candidate_id)
    if any(p.career for p in records):
        for batch in _chunks(known_ids):
            for entry in CareerEntry.objects.filter(candidate_id__in=batch).values_list(
                    "candidate_id", "kind", "organisation", "title", "start_on"):
                existing_career[entry[0]].add(entry[1:])
    existing_specialties: dict[int, set[int]] = defaultdict(set)
    if slugs:
        through = Candidate.specialties.through
        for batch in _chunks(known_ids):
            for cid, sid in through.objects.filter(candidate_id__in=batch).values_list("candidate_id", "specialty_id"):
                existing_specialties[cid].add(sid)

    new_people: list[Person] = []
    career: list[tuple[Person, dict[str, Any]]] = []
    specialties: list[tuple[Person, int]] = []
    flags: list[tuple[Person, Person, float, str]] = []
    pending: list[tuple[RowResult, Person | None]] = []
    planned_career: dict[int, set[tuple]] = defaultdict(set)
    planned_specialties: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if progress is not None:
            progress(1)
        record = row.person
        name = record.full_name if record else ""
        if row.error or row.skip or record is None:
            outcome = Outcome.ERROR if row.error else Outcome.SKIPPED
            pending.append((RowResult(row.row, outcome, name, row.error or row.skip,
                                      field_errors=dict(record.field_errors) if record else {}), None))
            continue
        result = RowResult(row.row, Outcome.CREATED, name, field_errors=dict(record.field_errors),
                           name_as_written=record.name_as_written, name_decorations=dict(record.name_decorations))
        wanted_specialties = []
        for slug in record.specialties:
            if slug in specialty_ids:
                wanted_specialties.append(specialty_ids[slug])
            else:
                result.field_errors["specialties"] = _("Unknown specialty “%(slug)s”.") % {"slug": slug}
        match = index.match(full_name=record.full_name, native_name=record.native_name, email=record.email,
                            ids=record.ids, orgs=record.affiliations)
        if match.is_certain:
            person = match.person
            changed = _fill_blanks(person, record, index, result)
            cid = person.candidate.id
            have_career = existing_career.get(cid, set()) | planned_career[person.key]
            new_career = [e for e in record.career
                          if (e["kind"], e.get("organisation", ""), e.get("title", ""), e.get("start_on")) not in have_career]
            have_specs = existing_specialties.get(cid, set()) | planned_specialties[person.key]
            new_specs = [s for s in wanted_specialties if s not in have_specs]
            conflicts = _conflict_text(result.conflicts) if result.conflicts else ""
            if not (changed or new_career or new_specs):
                if conflicts:
                    result.outcome = Outcome.SKIPPED
                    result.reason = _("same person as an earlier row, with different values: %(conflicts)s") % {
                        "conflicts": conflicts}
                else:
                    reason = str(SKIP_DUPLICATE_ROW if person.is_new else SKIP_ALREADY_IMPORTED)
                    result.outcome, result.reason = Outcome.SKIPPED, reason
            elif person.is_new:
                result.outcome, result.reason = Outcome.UPDATED, _("more data for a person of an earlier row")
            else:
                result.outcome, result.reason = _outcome_for(match)
                if changed:
                    result.reason = (result.reason + "; " if result.reason else "") + _("filled: %(fields)s") % {
                        "fields": ", ".join(changed)}
            if conflicts and result.outcome != Outcome.SKIPPED:
                result.reason += "; " + _("different values: %(conflicts)s") % {"conflicts": conflicts}
        elif match.is_possible and _only_a_name(record) and match.person.candidate.name_key == name_key(record.full_name):
            # nothing but a name that a candidate already carries: creating it again (on every
            # re-import of the file) would add nothing a recruiter could use
            pending.append((RowResult(row.row, Outcome.SKIPPED, name, str(SKIP_ONLY_A_NAME),
                                      name_as_written=record.name_as_written,
                                      name_decorations=dict(record.name_decorations)), match.person))
            continue
        else:
            if record.email and index.owner_of_email(record.email):
                result.field_errors["email"] = _("This e-mail belongs to another candidate.")
                record.email = ""
            person = _new_person(record, source, row.row)
            new_people.append(person)
            index.add(person)
            _remember(person, _record_values(record), row.row)
            new_career = list(record.career)
            new_specs = list(dict.fromkeys(wanted_specialties))
            if match.is_possible:
                flags.append((person, match.person, match.score, match.reason))
                result.outcome = Outcome.FLAGGED
                result.reason = _("possible duplicate of “%(name)s” (score %(score).0f: %(why)s)") % {
                    "name": match.person.candidate.full_name, "score": match.score, "why": match.reason}
        person.orgs |= {index.org_form(o) for o in record.affiliations}
        for entry in new_career:
            career.append((person, entry))
            planned_career[person.key].add((entry["kind"], entry.get("organisation", ""), entry.get("title", ""),
                                            entry.get("start_on")))
        for sid in new_specs:
            specialties.append((person, sid))
            planned_specialties[person.key].add(sid)
        pending.append((result, person))

    for result, _person in pending:
        report.add(result)
    report.candidates_created += len(new_people)
    report.candidates_updated += sum(1 for p in index.people() if not p.is_new and p.changed_fields)
    report.possible_duplicates += len(flags)
    if not dry_run:
        with _all_or_nothing():
            _write_candidates(new_people, index)
            CareerEntry.objects.bulk_create(
                [CareerEntry(candidate_id=p.candidate.id, source=source, **entry) for p, entry in career], batch_size=1000)
            through = Candidate.specialties.through
            through.objects.bulk_create([through(candidate_id=p.candidate.id, specialty_id=sid) for p, sid in specialties],
                                        ignore_conflicts=True)
            _record_run(report, actor, flags, elapsed=seconds_before + time.monotonic() - started)
            _announce(new_people, index, {p.candidate.id for p, _sid in specialties} | {p.candidate.id for p, _e in career})
    return _finish(report, pending, elapsed=lambda: seconds_before + time.monotonic() - started, dry_run=dry_run)
