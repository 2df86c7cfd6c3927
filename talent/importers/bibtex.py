"""BibTeX files, parsed with bibtexparser v2.

bibtexparser 2 (not the widely quoted v1 API): ``bibtexparser.parse_string`` with the
middlewares ``LatexDecodingMiddleware`` (``Cassar\\`{a}`` -> ``Cassarà``, through
pylatexenc), ``SeparateCoAuthors`` (split on ``and``) and ``SplitNameParts`` (BibTeX's
first/von/last/jr rules). A name is then written back *first-name first with its
particles* (``van Krieken, Emile`` -> ``Emile van Krieken``; ``De Raedt, Luc`` ->
``Luc De Raedt``) and never split further.

Each author of each entry is a row of the report (``row`` counts them in file order).
The venue is ``booktitle``, else ``journal``; the year must be a number. An entry that
bibtexparser cannot parse, or without title, year or authors, is an error row.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from talent.models import Candidate
from talent.services.names import clean_name, split_name_scripts

from .base import AuthorRow, ImportFileError, ImportReport, PaperRecord, PersonRecord, decode_bytes
from .writer import Progress, import_paper_rows

_BRACES_RE = re.compile(r"[{}]")


def _value(entry, key: str) -> str:
    field = entry.fields_dict.get(key)
    if field is None or field.value is None:
        return ""
    return clean_name(_BRACES_RE.sub("", str(field.value)))


def _full_name(parts) -> str:
    """Join BibTeX name parts first-name first: ``first von last, jr``."""
    words = [*parts.first, *parts.von, *parts.last]
    name = " ".join(_BRACES_RE.sub("", w) for w in words)
    if parts.jr:
        name += ", " + " ".join(parts.jr)
    return clean_name(name)


def parse_bibtex(text: str) -> list[AuthorRow]:
    """Parse BibTeX text into author rows.

    Raises:
        ImportFileError: Nothing in the file looks like a BibTeX entry.
    """
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()])
    if not library.entries and not library.failed_blocks:
        raise ImportFileError(_("No BibTeX entry found in the file."))
    rows: list[AuthorRow] = []
    number = 0
    for block in library.failed_blocks:
        number += 1
        rows.append(AuthorRow(row=number, person=PersonRecord(full_name=""), paper=None,
                              error=_("unreadable BibTeX entry starting “%(start)s”") % {"start": block.raw[:60].strip()}))
    for entry in library.entries:
        title = _value(entry, "title")
        year_text = _value(entry, "year")
        venue = _value(entry, "booktitle") or _value(entry, "journal")
        doi = _value(entry, "doi").removeprefix("https://doi.org/")
        author_field = entry.fields_dict.get("author")
        authors = list(author_field.value) if author_field is not None and isinstance(author_field.value, list) else []
        problem = ""
        if not title:
            problem = _("entry %(key)s has no title") % {"key": entry.key}
        elif not (year_text.isdigit() and 1950 <= int(year_text) <= 2100):
            problem = _("entry %(key)s has no valid year (“%(year)s”)") % {"key": entry.key, "year": year_text}
        elif not authors:
            problem = _("entry %(key)s has no authors") % {"key": entry.key}
        if problem:
            number += 1
            rows.append(AuthorRow(row=number, person=PersonRecord(full_name=entry.key), paper=None, error=problem))
            continue
        paper = PaperRecord(title=title, year=int(year_text), venue_raw=venue[:300], doi=doi,
                            dblp_key=entry.key.removeprefix("DBLP:") if entry.key.startswith("DBLP:") else "")
        for position, parts in enumerate(authors, start=1):
            number += 1
            full_name, native_name = split_name_scripts(_full_name(parts))
            row = AuthorRow(row=number, person=PersonRecord(full_name=full_name, native_name=native_name),
                            paper=paper, position=position)
            if not full_name or full_name.lower() == "others":
                row.skip = _("no author name (“and others”)")
            rows.append(row)
    return rows


def import_bibtex(data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                  progress: Progress | None = None) -> ImportReport:
    """Import a BibTeX file (bytes) and return the report.

    Raises:
        ImportFileError: Undecodable, or no BibTeX entry in it (nothing written).
    """
    text, encoding = decode_bytes(data)
    rows = parse_bibtex(text)
    report = ImportReport(format="bibtex", file_name=file_name, encoding=encoding, dry_run=dry_run)
    return import_paper_rows(rows, report, source=Candidate.Source.BIBTEX, dry_run=dry_run, actor=actor,
                             progress=progress)
