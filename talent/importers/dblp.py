"""DBLP XML records (``<inproceedings>``, ``<article>``, ``<incollection>``...).

Parsed with defusedxml: no external entity or DTD is ever fetched and entity expansion
is refused (billion-laughs). DBLP writes accented letters as HTML entities declared in
its external ``dblp.dtd`` (``J&ouml;rg``); they are turned into numeric character
references before parsing, so the DTD is never needed.

Per author: the name as DBLP writes it, without DBLP's homonym number (``Wei Wang 0001``
is written ``Wei Wang``; the number lives on in the pid), the DBLP person id ``pid`` ->
``Candidate.dblp_pid`` and the ``orcid`` attribute when present. Venue: ``booktitle``,
else ``journal`` (``ACL (1)``); the DOI from an ``ee`` link to doi.org; ``key`` ->
``Publication.dblp_key``.

Files as DBLP serves them: the XML dump or an excerpt of it (``<dblp>`` with records),
a **person page** (``https://dblp.org/pid/<pid>.xml``: ``<dblpperson>`` with a ``<person>``
record, the papers each wrapped in ``<r>``, and a ``<coauthors>`` list that is ignored)
and a **venue or table-of-contents page** (``<bht>`` with ``<dblpcites><r>...``). Records
are found wherever they are nested.

Person records (``<www key="homepages/130/1022">``, ``<person>`` on person pages) are person rows: the first
``author`` is the name (the others are DBLP's alias spellings), the key gives the pid,
``url`` elements give ORCID, Google Scholar, OpenReview, GitHub, LinkedIn or the
homepage, and ``note type="affiliation"`` the employer. They are imported before the
papers of the same file, so a paper's author with that pid is that person. Other
``www`` records are skipped with the reason.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

from django.db import transaction
from django.utils.translation import gettext as _

from talent.models import Candidate
from talent.services.names import clean_name, is_group_author, split_name_scripts

from .base import AuthorRow, ImportFileError, ImportReport, PaperRecord, PersonRecord, PersonRow, year_parse
from .writer import Progress, import_paper_rows, import_person_rows

RECORD_TAGS = {"article", "inproceedings", "proceedings", "book", "incollection", "phdthesis", "mastersthesis", "www",
               "data", "person"}
_PERSON_TAGS = {"www", "person"}
_ENTITY_RE = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_HOMONYM_RE = re.compile(r"\s+\d{4}$")


def _numeric_entities(data: bytes) -> bytes:
    def replace(match: re.Match) -> bytes:
        name = match.group(1)
        if name in _XML_ENTITIES or name.decode() not in name2codepoint:
            return match.group(0)
        return b"&#%d;" % name2codepoint[name.decode()]

    return _ENTITY_RE.sub(replace, data)


def _text(element) -> str:
    return clean_name("".join(element.itertext())) if element is not None else ""


def _person_row(number: int, record, key: str) -> PersonRow:
    """Turn a DBLP ``<www>`` record into a person row (skipped unless it is a homepage)."""
    from urllib.parse import parse_qs, urlparse

    names = record.findall("author")
    if not key.startswith("homepages/") or not names:
        return PersonRow(number, None, skip=_("DBLP web page record that is not a person page"))
    full_name, native_name = split_name_scripts(_HOMONYM_RE.sub("", _text(names[0])))
    person = PersonRecord(full_name=full_name, native_name=native_name, ids={"dblp_pid": key.removeprefix("homepages/")[:80]})
    for url_el in record.findall("url"):
        url = _text(url_el)
        host = urlparse(url).netloc.lower()
        if "orcid.org" in host:
            person.ids["orcid"] = url.rstrip("/").rsplit("/", 1)[-1][:19]
        elif "scholar.google" in host:
            person.ids["google_scholar_id"] = parse_qs(urlparse(url).query).get("user", [""])[0][:40]
        elif "openreview.net" in host:
            person.ids["openreview_id"] = parse_qs(urlparse(url).query).get("id", [""])[0][:80]
        elif "linkedin.com" in host:
            person.ids["linkedin_url"] = url[:300]
        elif "github.com" in host:
            person.fields.setdefault("github_url", url[:200])
        elif url.startswith(("http://", "https://")) and "dblp" not in host and "wikipedia" not in host:
            person.fields.setdefault("homepage_url", url[:200])
    person.ids = {k: v for k, v in person.ids.items() if v}
    for note in record.findall("note"):
        if note.get("type") == "affiliation" and _text(note):
            from talent.affiliations import resolve_affiliations

            employer = _text(note)[:200]
            person.fields.setdefault("current_employer", employer)
            person.affiliations = resolve_affiliations(employer) or [employer]
            break
    if not full_name:
        return PersonRow(number, None, skip=_("no author name"))
    return PersonRow(number, person)


def parse_dblp(data: bytes) -> list[AuthorRow | PersonRow]:
    """Parse DBLP XML bytes into author rows (papers) and person rows (homepages).

    Raises:
        ImportFileError: Not well-formed XML, a forbidden construct, or no DBLP record.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(_numeric_entities(data), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportFileError(_("The XML file uses a forbidden construct (%(why)s).") % {"why": type(exc).__name__}) from exc
    except Exception as exc:  # xml.etree.ElementTree.ParseError and friends
        raise ImportFileError(_("The file is not well-formed XML: %(why)s") % {"why": exc}) from exc
    records = _records(root)
    if not records:
        raise ImportFileError(_("No DBLP record (<inproceedings>, <article>...) found in the file."))
    rows: list[AuthorRow | PersonRow] = []
    number = 0
    for record in records:
        key = record.get("key", "")
        if record.tag in _PERSON_TAGS:
            number += 1
            rows.append(_person_row(number, record, key))
            continue
        title = _text(record.find("title")).rstrip(".")
        year_text = _text(record.find("year"))
        venue = _text(record.find("booktitle")) or _text(record.find("journal"))
        doi = ""
        for ee in record.findall("ee"):
            link = _text(ee)
            if "doi.org/" in link:
                doi = link.split("doi.org/", 1)[1]
                break
        authors = record.findall("author") or record.findall("editor")
        problem = ""
        try:
            year, _suffix = year_parse(year_text)
        except ValueError as exc:
            year, year_problem = 0, str(exc)
        else:
            year_problem = ""
        if not title:
            problem = _("record %(key)s has no title") % {"key": key}
        elif year_problem:
            problem = _("record %(key)s has no valid year: %(why)s") % {"key": key, "why": year_problem}
        elif not authors:
            problem = _("record %(key)s has no authors") % {"key": key}
        if problem:
            number += 1
            rows.append(AuthorRow(number, PersonRecord(full_name=key), None, error=problem))
            continue
        paper = PaperRecord(title=title, year=year, venue_raw=venue[:300], doi=doi, dblp_key=key)
        position = 0
        for author in authors:
            number += 1
            full_name, native_name = split_name_scripts(_HOMONYM_RE.sub("", _text(author)))
            ids = {"dblp_pid": author.get("pid", "")[:80], "orcid": author.get("orcid", "")[:19]}
            person = PersonRecord(full_name=full_name, native_name=native_name, ids={k: v for k, v in ids.items() if v})
            row = AuthorRow(number, person, paper)
            if not full_name:
                row.skip = _("no author name")
            elif is_group_author(full_name):
                row.is_group, row.skip = True, _("group author (kept on the publication, not a candidate)")
            else:
                position += 1
                row.position = position
            rows.append(row)
    return rows


def _records(root) -> list:
    """The DBLP records under ``root`` (or ``root`` itself), in document order, at any depth.

    The ``<coauthors>`` list of a person page names people, not records: skipped.
    """
    if root.tag in RECORD_TAGS:
        return [root]
    found = []
    for child in root:
        if child.tag in RECORD_TAGS:
            found.append(child)
        elif child.tag != "coauthors":
            found.extend(_records(child))
    return found


def import_dblp(data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                progress: Progress | None = None) -> ImportReport:
    """Import DBLP XML (bytes; the XML declaration gives the encoding) and return the report.

    Raises:
        ImportFileError: Unreadable XML or no record (nothing written).
    """
    rows = parse_dblp(data)
    match = re.search(rb"encoding=[\"']([\w-]+)", data[:200])
    encoding = match.group(1).decode().lower() if match else "utf-8"
    report = ImportReport(format="dblp", file_name=file_name, encoding=encoding, dry_run=dry_run)
    people = [r for r in rows if isinstance(r, PersonRow)]
    papers = [r for r in rows if isinstance(r, AuthorRow)]
    with transaction.atomic():  # one import: persons first (their pids), then the papers
        if people:
            import_person_rows(people, report, source=Candidate.Source.DBLP, dry_run=dry_run, actor=actor,
                               progress=progress)
        if papers or not people:
            import_paper_rows(papers, report, source=Candidate.Source.DBLP, dry_run=dry_run, actor=actor,
                              progress=progress)
    report.results.sort(key=lambda result: result.row)
    return report
