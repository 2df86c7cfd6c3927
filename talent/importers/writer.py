"""Resolve the identities of parsed rows and write them in bulk, in one transaction.

Two entry points, one per kind of format:

* :func:`import_paper_rows` for paper formats (proceedings, BibTeX, DBLP): one row per
  author per paper. Papers are matched by DOI, then by ``(title_key, year)``; authors
  through :class:`talent.services.dedup.IdentityIndex`.
* :func:`import_person_rows` for person formats (spreadsheet, LinkedIn, JSON Resume):
  one row per person; a person found again gets only the *blank* fields filled
  (an import never overwrites what a recruiter typed).

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
    possible_duplicate_pair,
    strip_plus_tag,
)
from talent.services.names import name_ends_key, name_key
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


@dataclass
class _PaperPlan:
    record: PaperRecord
    key: tuple[str, int]
    publication_id: int | None = None
    publication: Publication | None = None
    db_authors: dict[str, int] = field(default_factory=dict)  # name key / ends key -> candidate id

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
    if match.how in ("email", *ID_FIELDS) or match.is_exact_name:
        return Outcome.UPDATED, ""
    return Outcome.MERGED, match.reason


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


def _fill_blanks(person: Person, record: PersonRecord, index: IdentityIndex, result: RowResult) -> list[str]:
    """Set the candidate's blank fields from ``record``; return the names of those changed."""
    candidate = person.candidate
    changed: list[str] = []
    values: dict[str, Any] = {**{k: v for k, v in record.ids.items() if k in ID_FIELDS}, **record.fields}
    if record.native_name:
        values["native_name"] = record.native_name
    if record.email:
        owner = index.by_email.get(strip_plus_tag(record.email)) or index.by_email.get(record.email.lower())
        if owner is not None and owner is not person:
            result.field_errors["email"] = _("This e-mail belongs to another candidate.")
        else:
            values["email"] = normalise_email(record.email)
    for name, value in values.items():
        if value in (None, "", []):
            continue
        current = getattr(candidate, name)
        if current in (None, "", []):
            setattr(candidate, name, value)
            changed.append(name)
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
    already imported, or the parser's reason), ``error`` (the parser's reason).
    The author position of a row is its order among the paper's distinct authors.
    """
    from talent.venues import VenueIndex

    started = time.monotonic()
    seconds_before = report.seconds  # a report may gather several writers (DBLP: persons, then papers)
    groups: dict[tuple[str, int], list[AuthorRow]] = {}
    pending: list[tuple[RowResult, Person | None]] = []
    for row in rows:
        if row.error or row.skip or row.paper is None:
            outcome = Outcome.ERROR if row.error or not row.skip else Outcome.SKIPPED
            pending.append((RowResult(row.row, outcome, row.person.full_name, row.error or row.skip), None))
            continue
        groups.setdefault((title_key(row.paper.title), row.paper.year), []).append(row)

    # Known papers: by DOI, then by (title key, year).
    dois = sorted({r.paper.doi.lower() for g in groups.values() for r in g if r.paper.doi})
    by_doi: dict[str, int] = {}
    for batch in _chunks(dois):
        by_doi.update({d.lower(): pid for pid, d in Publication.objects.filter(doi__in=batch).values_list("id", "doi")})
    by_title: dict[tuple[str, int], int] = {}
    for batch in _chunks(sorted({k[0] for k in groups})):
        for pid, tkey, year in Publication.objects.filter(title_key__in=batch).values_list("id", "title_key", "year"):
            by_title[(tkey, year)] = pid
    plans: dict[tuple[str, int], _PaperPlan] = {}
    for key, group in groups.items():
        doi = group[0].paper.doi.lower()
        plans[key] = _PaperPlan(group[0].paper, key, publication_id=by_doi.get(doi) if doi else None)
        if plans[key].publication_id is None:
            plans[key].publication_id = by_title.get(key)
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

    records = [r.person for g in groups.values() for r in g]
    index = IdentityIndex.load(
        name_keys={name_key(p.full_name) for p in records} | {name_key(p.native_name) for p in records if p.native_name},
        ends_keys={name_ends_key(p.full_name) for p in records},
        emails={p.email.lower() for p in records if p.email},
        ids={(k, v) for p in records for k, v in p.ids.items() if v},
        candidate_ids=author_ids,
    )

    venues = VenueIndex.load()  # fresh per import: two queries, then in memory
    venue_cache: dict[tuple[str, int], Any] = {}
    new_people: list[Person] = []
    new_publications: list[Publication] = []
    authorships: list[tuple[Person, _PaperPlan, int, str]] = []
    flags: list[tuple[Person, Person, float, str]] = []
    latest_org: dict[int, tuple[int, str]] = {}
    done = 0
    for key, group in groups.items():
        plan = plans[key]
        paper = plan.record
        venue_key = (paper.venue_raw, paper.year)
        if venue_key not in venue_cache:
            venue_cache[venue_key] = venues.recognise(paper.venue_raw, paper.year) if paper.venue_raw else None
        venue = venue_cache[venue_key]
        if venue is not None and venue.venue_id is not None:
            report.venues_recognised += 1
        elif venue is not None and venue.is_workshop:
            report.venues_workshop += 1
        else:
            report.venues_unknown += 1
            report.unknown_venues[paper.venue_raw or _("(no venue)")] += 1
        if plan.publication_id is None:
            plan.publication = Publication(
                title=paper.title[:500], title_key=key[0], year=paper.year, venue_raw=paper.venue_raw[:300],
                venue_id=venue.venue_id if venue else None, doi=paper.doi[:200], dblp_key=paper.dblp_key[:200],
                is_workshop=bool(venue and venue.is_workshop), is_preprint=bool(venue and venue.is_preprint),
            )
            new_publications.append(plan.publication)
        else:
            report.publications_existing += 1
        on_paper: dict[str, Person] = {}
        excluded: set[int] = {index.by_candidate_id[c].key for c in plan.db_authors.values() if c in index.by_candidate_id}
        group_keys = {name_key(r.person.full_name) for r in group}
        position = 0
        for row in group:
            done += 1
            record = row.person
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
            coauthors = group_keys - {nkey}
            match = index.match(full_name=record.full_name, native_name=record.native_name, email=record.email,
                                ids=record.ids, orgs=record.affiliations, coauthors=coauthors, exclude=excluded)
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


def import_person_rows(
    rows: list[PersonRow], report: ImportReport, *, source: str, dry_run: bool = False, actor=None,
    progress: Progress | None = None,
) -> ImportReport:
    """Resolve and write person rows; fill ``report`` and return it.

    A person found (e-mail, id, or name plus affiliation) gets its blank fields filled:
    ``updated`` (same e-mail/id or name as written) or ``merged`` (found under a variant:
    plus-tagged e-mail, name spelled differently); nothing new makes it ``skipped``.
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
        result = RowResult(row.row, Outcome.CREATED, name, field_errors=dict(record.field_errors))
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
            if not (changed or new_career or new_specs):
                reason = str(SKIP_DUPLICATE_ROW if person.is_new else SKIP_ALREADY_IMPORTED)
                result.outcome, result.reason = Outcome.SKIPPED, reason
            elif person.is_new:
                result.outcome, result.reason = Outcome.UPDATED, _("more data for a person of an earlier row")
            else:
                result.outcome, result.reason = _outcome_for(match)
                if changed:
                    result.reason = (result.reason + "; " if result.reason else "") + _("filled: %(fields)s") % {
                        "fields": ", ".join(changed)}
        else:
            if record.email and index.by_email.get(record.email.lower()):
                result.field_errors["email"] = _("This e-mail belongs to another candidate.")
                record.email = ""
            person = _new_person(record, source, row.row)
            new_people.append(person)
            index.add(person)
            new_career = list(record.career)
            new_specs = list(dict.fromkeys(wanted_specialties))
            if match.is_possible:
                flags.append((person, match.person, match.score, match.reason))
                result.outcome = Outcome.FLAGGED
                result.reason = _("possible duplicate of “%(name)s” (score %(score).0f: %(why)s)") % {
                    "name": match.person.candidate.full_name, "score": match.score, "why": match.reason}
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
