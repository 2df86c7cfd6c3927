"""LinkedIn ``Connections.csv`` ("Get a copy of your data" export).

Layout: a few preamble lines (``Notes:``, a quoted notice, a blank line) before the
header ``First Name,Last Name,URL,Email Address,Company,Position,Connected On`` (older
exports lack ``URL``); rows that are only commas; e-mails usually empty. The header is
found by its ``First Name`` and ``Last Name`` columns wherever it is.

The name is given name and family name joined the way the script writes them
(``小明`` + ``王`` -> ``王小明`` in ``native_name`` and ``full_name``; ``Jürgen`` +
``Müller`` -> ``Jürgen Müller``), then what people add to their LinkedIn name is taken
apart (:func:`talent.services.names.name_decorations_split`): pronouns ``(she/her)``,
credentials ``, CFP®``, titles ``Dr.``, emoji, and letters in "fancy" Unicode fonts
(NFKC: ``𝐉𝐚𝐧𝐞`` is ``Jane``). The name as written and what was removed stay in the
import record (the run's per-row report); nothing else is ever split or joined. ``Company`` ->
current employer, ``Position`` -> current title, ``URL`` -> LinkedIn URL (an identity).
Cells that would run as spreadsheet formulas are dropped as field errors.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from talent.models import Candidate
from talent.services.names import join_given_family

from .base import ImportFileError, ImportReport, PersonRow, decode_bytes
from .spreadsheet import person_from_cells
from .writer import Progress, import_person_rows

_COLUMNS = {"first name": "given", "last name": "family", "url": "linkedin_url", "email address": "email",
            "company": "current_employer", "position": "current_title"}


def parse_linkedin(text: str) -> list[PersonRow]:
    """Parse the export's text into person rows (numbered from 1 after the header).

    Raises:
        ImportFileError: No ``First Name,Last Name`` header line.
    """
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header_at = next((i for i, cells in enumerate(lines)
                      if {"first name", "last name"} <= {c.strip().lower() for c in cells}), None)
    if header_at is None:
        raise ImportFileError(_("No “First Name,Last Name,...” header found: is this LinkedIn's Connections.csv?"))
    columns = {_COLUMNS[c.strip().lower()]: i for i, c in enumerate(lines[header_at]) if c.strip().lower() in _COLUMNS}
    rows: list[PersonRow] = []
    for number, cells in enumerate(lines[header_at + 1:], start=1):
        values = {key: cells[i].strip() if i < len(cells) else "" for key, i in columns.items()}
        if not any(c.strip() for c in cells):
            rows.append(PersonRow(number, None, skip=_("empty row")))
            continue
        values["full_name"] = join_given_family(values.pop("given", ""), values.pop("family", ""))
        record, skip = person_from_cells(values)
        rows.append(PersonRow(number, record, skip=skip))
    return rows


def import_linkedin(data: bytes, *, file_name: str = "", dry_run: bool = False, actor=None,
                    progress: Progress | None = None) -> ImportReport:
    """Import a LinkedIn Connections.csv export (bytes) and return the report.

    Raises:
        ImportFileError: Undecodable, or no header line (nothing written).
    """
    text, encoding = decode_bytes(data)
    rows = parse_linkedin(text)
    report = ImportReport(format="linkedin", file_name=file_name, encoding=encoding, dry_run=dry_run)
    return import_person_rows(rows, report, source=Candidate.Source.LINKEDIN, dry_run=dry_run, actor=actor,
                              progress=progress)
