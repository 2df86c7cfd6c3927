"""DBLP XML records (``<inproceedings>``, ``<article>``, ``<incollection>``...).

Parsed with defusedxml: no external entity or DTD is ever fetched and entity expansion
is refused (billion-laughs). DBLP writes accented letters as HTML entities declared in
its external ``dblp.dtd`` (``J&ouml;rg``); they are turned into numeric character
references before parsing, so the DTD is never needed.

Per author: the name as DBLP writes it, without DBLP's homonym number (``Wei Wang 0001``
is written ``Wei Wang``; the number lives on in the pid), the DBLP person id ``pid`` ->
``Candidate.dblp_pid`` and the ``orcid`` attribute when present. Venue: ``booktitle``,
else ``journal`` (``ACL (1)``); the DOI from an ``ee`` link to doi.org; ``key`` ->
``Publication.dblp_key``. Person pages (``<www key="homepages/...">``) are skipped with
that reason.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

from django.utils.translation import gettext as _

from talent.models import Candidate
from talent.services.names import clean_name, split_name_scripts

from .base import AuthorRow, ImportFileError, ImportReport, PaperRecord, PersonRecord
from .writer import Progress, import_paper_rows

RECORD_TAGS = {"article", "inproceedings", "proceedings", "book", "incollection", "phdthesis", "mastersthesis", "www",
               "data"}
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


def parse_dblp(data: bytes) -> list[AuthorRow]:
    """Parse DBLP XML bytes into author rows.

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
    records = [root] if root.tag in RECORD_TAGS else [el for el in root if el.tag in RECORD_TAGS]
    if not records:
        raise ImportFileError(_("No DBLP record (<inproceedings>, <article>...) found in the file."))
    rows: list[AuthorRow] = []
    number = 0
    for record in records:
        key = record.get("key", "")
        if record.tag == "www":
            number += 1
            rows.append(AuthorRow(number, PersonRecord(full_name=key), None, skip=_("DBLP person page (not a paper)")))
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
        if not title:
            problem = _("record %(key)s has no title") % {"key": key}
        elif not (year_text.isdigit() and 1950 <= int(year_text) <= 2100):
            problem = _("record %(key)s has no valid year (“%(year)s”)") % {"key": key, "year": year_text}
        elif not authors:
            problem = _("record %(key)s has no authors") % {"key": key}
        if problem:
            number += 1
            rows.append(AuthorRow(number, PersonRecord(full_name=key), None, error=problem))
            continue
        paper = PaperRecord(title=title, year=int(year_text), venue_raw=venue[:300], doi=doi, dblp_key=key)
        for position, author in enumerate(authors, start=1):
            number += 1
            full_name, native_name = split_name_scripts(_HOMONYM_RE.sub("", _text(author)))
            ids = {"dblp_pid": author.get("pid", "")[:80], "orcid": author.get("orcid", "")[:19]}
            person = PersonRecord(full_name=full_name, native_name=native_name, ids={k: v for k, v in ids.items() if v})
            row = AuthorRow(number, person, paper, position=position)
            if not full_name:
                row.skip = _("no author name")
            rows.append(row)
    return rows


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
    return import_paper_rows(rows, report, source=Candidate.Source.DBLP, dry_run=dry_run, actor=actor,
                             progress=progress)
