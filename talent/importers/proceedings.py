"""Conference proceedings CSV: one row per author per paper.

Columns (header required, order free, names case-insensitive)::

    Conference,Year,Title,Author,Affiliation

This is the layout of the NeurIPS/ICML/ICLR paper data set shipped in
``talent/data/demo/`` (see its README). A paper is the rows with the same title and
year; the author position is the order in which the paper's authors appear in the file.
``Conference`` is the venue as written (``NIPS``, ``ICML``) and goes through venue
recognition with the year. ``Affiliation`` is resolved into canonical organisations
(:func:`talent.affiliations.resolve_affiliations`: e-mails dropped, dual affiliations
split) and kept verbatim on the authorship.

People imported from public proceedings get no personal data beyond what the
proceedings say: no e-mail, phone, compensation or job-search status.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from talent.models import Candidate
from talent.services.names import clean_name, is_group_author, split_name_scripts

from .base import AuthorRow, ImportFileError, ImportReport, PaperRecord, PersonRecord, decode_bytes, year_parse
from .writer import Progress, import_paper_rows

REQUIRED = ("conference", "year", "title", "author")


def parse_proceedings(text: str) -> list[AuthorRow]:
    """Parse proceedings CSV text into author rows (row numbers 1-based, header excluded).

    Raises:
        ImportFileError: No header, or a required column is missing.
    """
    from talent.affiliations import resolve_affiliations

    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    columns = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(_("Columns missing from the header: %(cols)s (expected Conference,Year,Title,Author,Affiliation).")
                              % {"cols": ", ".join(missing)})
    aff_col = columns.get("affiliation")
    cache: dict[str, list[str]] = {}
    papers: dict[tuple[str, int, str], PaperRecord] = {}  # one record per paper, shared by its rows
    rows: list[AuthorRow] = []
    for number, cells in enumerate(reader, start=1):
        def cell(name: str, cells=cells) -> str:
            i = columns.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        affiliation = cells[aff_col].strip() if aff_col is not None and aff_col < len(cells) else ""
        full_name, native_name = split_name_scripts(cell("author"))
        if affiliation not in cache:
            cache[affiliation] = resolve_affiliations(affiliation) if affiliation else []
        person = PersonRecord(full_name=full_name, native_name=native_name, affiliations=cache[affiliation])
        row = AuthorRow(row=number, person=person, paper=None, affiliation_raw=affiliation)
        rows.append(row)
        if not any(c.strip() for c in cells):
            row.skip = _("empty row")
            continue
        if not full_name:
            row.skip = _("no author name")
            continue
        title = clean_name(cell("title"))
        year_text = cell("year")
        if not title:
            row.error = _("no title")
            continue
        try:
            year, _suffix = year_parse(year_text)
        except ValueError as exc:
            row.error = str(exc)
            continue
        key = (title, year, cell("conference"))
        paper = papers.get(key)
        if paper is None:
            paper = papers[key] = PaperRecord(title=title, year=year, venue_raw=cell("conference"))
        row.paper = paper
        if is_group_author(full_name):
            row.is_group = True
            row.skip = _("group author (kept on the publication, not a candidate)")
    return rows


def import_proceedings(data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                       progress: Progress | None = None) -> ImportReport:
    """Import a proceedings CSV file (bytes, UTF-8 or GB18030) and return the report.

    Raises:
        ImportFileError: The file cannot be decoded or lacks required columns (nothing written).
    """
    text, encoding = decode_bytes(data)
    rows = parse_proceedings(text)
    report = ImportReport(format="proceedings", file_name=file_name, encoding=encoding, dry_run=dry_run)
    return import_paper_rows(rows, report, source=Candidate.Source.PROCEEDINGS, dry_run=dry_run, actor=actor,
                             progress=progress)
