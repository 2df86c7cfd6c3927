"""The demo's real data: import the shipped NeurIPS/ICML/ICLR proceedings data set.

``manage.py demo_setup`` calls :func:`demo_import`. The file and its origin are in
``talent/data/demo/`` (see its README). Real people get only what the proceedings say:
no e-mail, phone, compensation or job-search status (``Candidate.source`` is
``proceedings``). Importing again changes nothing, so the demo can be set up twice.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from talent.importers import ImportReport, import_file

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo" / "icml_nips_iclr_papers_2019snapshot.csv"


def demo_import(*, stdout: TextIO | None = None) -> ImportReport:
    """Import the shipped proceedings file and return the report.

    With ``stdout`` a one-line summary is written to it, and a progress bar goes to the
    terminal's stderr when it is one. About 28k rows; seconds on SQLite or PostgreSQL.

    Raises:
        talent.importers.ImportFileError: The shipped file is missing or damaged.
    """
    data = DEMO_FILE.read_bytes()
    bar = None
    if stdout is not None and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=max(data.count(b"\n") - 1, 0), unit="row", file=sys.stderr, desc=DEMO_FILE.name)
    try:
        report = import_file("proceedings", data, file_name=DEMO_FILE.name,
                             progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    if stdout is not None:
        s = report.to_summary()
        stdout.write(
            f"Imported {s['rows']} rows in {s['seconds']:.1f} s: {s['created']} created, {s['updated']} updated, "
            f"{s['merged']} merged, {s['flagged']} flagged as possible duplicates, {s['skipped']} skipped, "
            f"{s['errors']} errors; {s['publications']} new publications, venues recognised for "
            f"{s['venues_recognised']} papers, unknown for {s['venues_unknown']}.\n"
        )
    return report
