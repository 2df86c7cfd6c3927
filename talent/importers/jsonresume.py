"""JSON Resume (https://jsonresume.org/schema, v1.0.0): one resume, or a JSON list of them.

Each resume is a row. From ``basics``: ``name`` (required), ``email``, ``phone`` (parsed
with ``location.countryCode`` as the default region), ``url`` -> homepage,
``location.city``/``countryCode``, and ``profiles`` by network (GitHub, LinkedIn,
Google Scholar, OpenReview, ORCID, DBLP) -> links and person ids.

``work`` and ``education`` become :class:`~talent.models.CareerEntry` rows with the
**date precision kept**: ``2013`` is a year, ``2013-12`` a month, ``2013-12-02`` a day.
An impossible or malformed date (``2023-02-30``, ``2013-12-021``) is a *field error*
(``work[0].startDate``): that date is left empty and the rest of the resume imports.
The current job (a ``work`` entry without ``endDate``) gives the current employer and
title; the highest ``education.studyType`` gives the degree, and a doctorate gives the
PhD institution and year.

``publications`` are not imported as papers: JSON Resume gives neither the authors nor
the venue, so they could not be resolved (use BibTeX or DBLP for papers).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.utils.translation import gettext as _

from talent.models import DEGREE_LEVELS, Candidate, CareerEntry

from .base import (
    ImportFileError,
    ImportReport,
    PersonRecord,
    PersonRow,
    decode_bytes,
    degree_parse,
    parse_partial_date,
    valid_email,
)
from .writer import Progress, import_person_rows


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dates(entry: dict, where: str, errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, field in (("startDate", "start"), ("endDate", "end")):
        raw = _str(entry.get(key))
        if not raw:
            continue
        try:
            day, precision = parse_partial_date(raw)
        except ValueError as exc:
            errors[f"{where}.{key}"] = str(exc)
            continue
        out[f"{field}_on"], out[f"{field}_precision"] = day, precision
    return out


def _profiles(basics: dict, record: PersonRecord, fields: dict[str, Any]) -> None:
    for profile in basics.get("profiles") or []:
        if not isinstance(profile, dict):
            continue
        network = _str(profile.get("network")).lower().replace(" ", "")
        url, username = _str(profile.get("url")), _str(profile.get("username"))
        if network == "github":
            fields["github_url"] = url or (f"https://github.com/{username}" if username else "")
        elif network == "linkedin" and url:
            record.ids["linkedin_url"] = url[:300]
        elif network in ("googlescholar", "scholar"):
            user = parse_qs(urlparse(url).query).get("user", [""])[0] if url else ""
            record.ids["google_scholar_id"] = (user or username)[:40]
        elif network == "openreview":
            record.ids["openreview_id"] = (username or parse_qs(urlparse(url).query).get("id", [""])[0])[:80]
        elif network == "orcid":
            record.ids["orcid"] = (username or url.rstrip("/").rsplit("/", 1)[-1])[:19]
        elif network == "dblp":
            record.ids["dblp_pid"] = username[:80]


def resume_record(resume: Any) -> tuple[PersonRecord | None, str]:
    """Turn one parsed resume into a :class:`PersonRecord`; return ``(record, error)``."""
    from .spreadsheet import _phone_in_region

    if not isinstance(resume, dict):
        return None, _("not a JSON Resume object")
    basics = resume.get("basics") if isinstance(resume.get("basics"), dict) else {}
    name = _str(basics.get("name"))
    if not name:
        return None, _("basics.name is missing")
    from talent.services.names import split_name_scripts

    full_name, native_name = split_name_scripts(name)
    record = PersonRecord(full_name=full_name, native_name=native_name)
    errors = record.field_errors
    fields: dict[str, Any] = {}
    email = _str(basics.get("email"))
    if email:
        if valid_email(email):
            record.email = email.lower()
        else:
            errors["basics.email"] = _("“%(value)s” is not an e-mail address.") % {"value": email}
    location = basics.get("location") if isinstance(basics.get("location"), dict) else {}
    country = _str(location.get("countryCode")).upper()
    if re.fullmatch(r"[A-Z]{2}", country):
        fields["country"] = country
    if _str(location.get("city")):
        fields["city"] = _str(location.get("city"))[:100]
    phone = _str(basics.get("phone"))
    if phone:
        number = _phone_in_region(phone, country or None)
        if number:
            fields["phone"] = number
        else:
            errors["basics.phone"] = _("“%(value)s” is not a phone number.") % {"value": phone}
    if _str(basics.get("url")).startswith(("http://", "https://")):
        fields["homepage_url"] = _str(basics.get("url"))[:200]
    _profiles(basics, record, fields)
    for i, job in enumerate(resume.get("work") or []):
        if not isinstance(job, dict):
            continue
        entry = {"kind": CareerEntry.Kind.WORK, "organisation": _str(job.get("name") or job.get("company"))[:200],
                 "title": _str(job.get("position"))[:200], **_dates(job, f"work[{i}]", errors)}
        record.career.append(entry)
        if not _str(job.get("endDate")) and "current_employer" not in fields and entry["organisation"]:
            fields["current_employer"] = entry["organisation"]
            fields["current_title"] = entry["title"]
            record.affiliations.append(entry["organisation"])
    best = ""
    for i, school in enumerate(resume.get("education") or []):
        if not isinstance(school, dict):
            continue
        entry = {"kind": CareerEntry.Kind.EDUCATION, "organisation": _str(school.get("institution"))[:200],
                 "title": _str(school.get("studyType"))[:200], "area": _str(school.get("area"))[:200],
                 **_dates(school, f"education[{i}]", errors)}
        record.career.append(entry)
        degree = degree_parse(entry["title"])
        if degree and DEGREE_LEVELS[degree] > DEGREE_LEVELS.get(best, 0):
            best = degree
            if degree == "phd":
                fields["phd_institution"] = entry["organisation"]
                if entry.get("end_on"):
                    fields["phd_year"] = entry["end_on"].year
    if best:
        fields["highest_degree"] = best
    record.fields = {k: v for k, v in fields.items() if v not in ("", None)}
    return record, ""


def parse_jsonresume(text: str) -> list[PersonRow]:
    """Parse JSON text holding one resume or a list of resumes.

    Raises:
        ImportFileError: Not JSON.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(_("The file is not valid JSON (line %(line)d, column %(col)d: %(msg)s).")
                              % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from exc
    resumes = data if isinstance(data, list) else [data]
    rows: list[PersonRow] = []
    for number, resume in enumerate(resumes, start=1):
        record, error = resume_record(resume)
        rows.append(PersonRow(number, record, error=error))
    return rows


def import_jsonresume(data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                      progress: Progress | None = None) -> ImportReport:
    """Import a JSON Resume file (bytes) and return the report.

    Raises:
        ImportFileError: Undecodable or not JSON (nothing written).
    """
    text, encoding = decode_bytes(data)
    rows = parse_jsonresume(text)
    report = ImportReport(format="jsonresume", file_name=file_name, encoding=encoding, dry_run=dry_run)
    return import_person_rows(rows, report, source=Candidate.Source.JSONRESUME, dry_run=dry_run, actor=actor,
                              progress=progress)
