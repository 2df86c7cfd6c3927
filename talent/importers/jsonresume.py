"""JSON Resume (https://jsonresume.org/schema, v1.0.0): one resume, or a JSON list of them.

Each resume is a row. From ``basics``: ``name`` (required; pronouns, credentials and
emoji taken apart, :func:`talent.services.names.name_decorations_split`), ``email``,
``phone`` (parsed with the country as the default region), ``url`` -> homepage (or the
older schema's ``website``), ``location.city`` and the country, and ``profiles`` by
network (GitHub, LinkedIn, Google Scholar, OpenReview, ORCID, DBLP; "Website",
"Homepage", "Blog" -> homepage) -> links and person ids.

The country is ``location.countryCode`` (else ``location.country``), mapped to an ISO
code by :func:`talent.countries.country_code` when it names one country unambiguously
("USA", "China", "中国"); otherwise it is kept as written in
``Candidate.country_as_written`` and the report says so.

``work`` and ``education`` become :class:`~talent.models.CareerEntry` rows with the
**date precision kept**: ``2013`` is a year, ``2013-12`` a month, ``2013-12-02`` a day.
An ``endDate`` of ``"present"`` (``"current"``, ``"now"``, ``"ongoing"``, ``"至今"``...)
or none at all is open-ended. An impossible or malformed date (``2023-02-30``,
``2013-12-021``) is a *field error* (``work[0].startDate``): that date is left empty and
the rest of the resume imports. The current job (the first ``work`` entry that is
open-ended) gives the current employer and title; the highest ``education.studyType``
gives the degree, and a doctorate gives the PhD institution and year.

The file must be JSON; the one slip people make by hand, a comma before ``}`` or ``]``,
is read leniently and reported as a warning naming its line and column. Anything else
that is not JSON refuses the file with the position and the reason.

``publications`` are not imported as papers: JSON Resume gives neither the authors nor
the venue, so they could not be resolved (use BibTeX or DBLP for papers).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.utils.translation import gettext as _

from talent.countries import country_code
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


#: ``endDate`` values that mean "still there" (folded).
OPEN_END = frozenset({"present", "current", "currently", "now", "ongoing", "today", "to date", "till now",
                      "至今", "现在", "目前", "今", "至今。"})


def is_open_end(value: Any) -> bool:
    """Tell whether an ``endDate`` leaves the entry open: missing, empty or "present"."""
    return not _str(value) or _str(value).casefold() in OPEN_END


def _dates(entry: dict, where: str, errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, field in (("startDate", "start"), ("endDate", "end")):
        raw = _str(entry.get(key))
        if not raw or (key == "endDate" and is_open_end(raw)):
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
            record.ids["dblp_pid"] = (username or _dblp_pid(url))[:80]
        elif network in _HOMEPAGE_NETWORKS and url.startswith(("http://", "https://")):
            fields.setdefault("homepage_url", url[:200])


#: Profile networks that are a personal site (compared lower case, spaces removed).
_HOMEPAGE_NETWORKS = frozenset({"website", "homepage", "personalwebsite", "personalsite", "site", "web", "blog",
                                "portfolio", "personalhomepage", "主页", "个人主页", "博客"})


def _dblp_pid(url: str) -> str:
    """The pid of a DBLP person URL (``https://dblp.org/pid/11/9655.html`` -> ``11/9655``)."""
    match = re.search(r"/pid/([\w/-]+?)(?:\.html|\.xml)?$", url or "")
    return match.group(1) if match else ""


def resume_record(resume: Any) -> tuple[PersonRecord | None, str]:
    """Turn one parsed resume into a :class:`PersonRecord`; return ``(record, error)``."""
    from .spreadsheet import _phone_in_region

    if not isinstance(resume, dict):
        return None, _("not a JSON Resume object")
    basics = resume.get("basics") if isinstance(resume.get("basics"), dict) else {}
    name = _str(basics.get("name"))
    if not name:
        return None, _("basics.name is missing")
    from talent.services.names import name_decorations_split, split_name_scripts

    cleaned, decorations = name_decorations_split(name)
    full_name, native_name = split_name_scripts(cleaned)
    if not full_name:
        return None, _("basics.name is missing")
    record = PersonRecord(full_name=full_name, native_name=native_name)
    if decorations or cleaned != name:
        record.name_as_written, record.name_decorations = name, decorations
    errors = record.field_errors
    fields: dict[str, Any] = {}
    email = _str(basics.get("email"))
    if email:
        if valid_email(email):
            record.email = email.lower()
        else:
            errors["basics.email"] = _("“%(value)s” is not an e-mail address.") % {"value": email}
    location = basics.get("location") if isinstance(basics.get("location"), dict) else {}
    country_text = _str(location.get("countryCode")) or _str(location.get("country"))
    country = country_code(country_text) or ""
    if country:
        fields["country"] = country
    elif country_text:
        fields["country_as_written"] = country_text[:100]
        errors["basics.location.countryCode"] = _("“%(value)s” is not one country's name or code: kept as written, "
                                                  "no country code set.") % {"value": country_text}
    if _str(location.get("city")):
        fields["city"] = _str(location.get("city"))[:100]
    phone = _str(basics.get("phone"))
    if phone:
        number = _phone_in_region(phone, country or None)
        if number:
            fields["phone"] = number
        else:
            errors["basics.phone"] = _("“%(value)s” is not a phone number.") % {"value": phone}
    for key in ("url", "website"):  # "website" is the older schema's name of "url"
        if _str(basics.get(key)).startswith(("http://", "https://")):
            fields.setdefault("homepage_url", _str(basics.get(key))[:200])
    _profiles(basics, record, fields)
    for i, job in enumerate(resume.get("work") or []):
        if not isinstance(job, dict):
            continue
        entry = {"kind": CareerEntry.Kind.WORK, "organisation": _str(job.get("name") or job.get("company"))[:200],
                 "title": _str(job.get("position"))[:200], **_dates(job, f"work[{i}]", errors)}
        record.career.append(entry)
        if is_open_end(job.get("endDate")) and "current_employer" not in fields and entry["organisation"]:
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


def _without_trailing_commas(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove commas that stand before ``}`` or ``]`` outside strings; return the text and
    the ``(line, column)`` of each comma removed (1-based)."""
    out: list[str] = []
    removed: list[tuple[int, int]] = []
    in_string = escaped = False
    line, col = 1, 0
    pending: tuple[int, int, int] | None = None  # (index in out, line, col) of a comma seen
    for ch in text:
        col += 1
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            pending = None
            in_string = True
            out.append(ch)
        elif ch == ",":
            pending = (len(out), line, col)
            out.append(ch)
        elif ch in "}]" and pending is not None:
            out[pending[0]] = ""
            removed.append((pending[1], pending[2]))
            pending = None
            out.append(ch)
        else:
            if not ch.isspace():
                pending = None
            out.append(ch)
        if ch == "\n":
            line, col = line + 1, 0
    return "".join(out), removed


def load_json_leniently(text: str) -> tuple[Any, list[str]]:
    """Parse JSON, forgiving commas before ``}``/``]``; return ``(data, warnings)``.

    Raises:
        ImportFileError: Not JSON even without those commas (position and reason of the
            first error in the file as written).
    """
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        first = exc
    fixed, removed = _without_trailing_commas(text)
    if removed:
        try:
            data = json.loads(fixed)
        except json.JSONDecodeError:
            pass
        else:
            return data, [_("Line %(line)d, column %(col)d: a comma before a closing bracket is not JSON; "
                            "it was ignored.") % {"line": line, "col": col} for line, col in removed]
    raise ImportFileError(_("The file is not valid JSON (line %(line)d, column %(col)d: %(msg)s).")
                          % {"line": first.lineno, "col": first.colno, "msg": first.msg}) from first


def parse_jsonresume(text: str, report: ImportReport | None = None) -> list[PersonRow]:
    """Parse JSON text holding one resume or a list of resumes; warnings go to ``report``.

    Raises:
        ImportFileError: Not JSON (see :func:`load_json_leniently`).
    """
    data, warnings = load_json_leniently(text)
    if report is not None:
        report.warnings.extend(warnings)
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
    report = ImportReport(format="jsonresume", file_name=file_name, encoding=encoding, dry_run=dry_run)
    rows = parse_jsonresume(text, report)
    return import_person_rows(rows, report, source=Candidate.Source.JSONRESUME, dry_run=dry_run, actor=actor,
                              progress=progress)
