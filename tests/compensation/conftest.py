"""Fixtures of the compensation tests: an excerpt of the shipped ECB file, loaded."""

from pathlib import Path

import pytest

from crm.conf import setting
from crm.fx import ecb_history_load

#: Real rows of the ECB file: Thu 2026-10-22 to Tue 2026-10-27 (weekend 24-25 has no rows),
#: Fri 2026-10-30, and the first CNY fixing (2005-04-01; 2005-03-31 has CNY "N/A").
EXCERPT_DATES = ("2026-10-30", "2026-10-27", "2026-10-26", "2026-10-23", "2026-10-22",
                 "2005-04-04", "2005-04-01", "2005-03-31")


@pytest.fixture
def ecb_excerpt(tmp_path) -> Path:
    """Write the header and the EXCERPT_DATES lines of the shipped file, byte for byte, to a temp file."""
    lines = Path(setting("CRM_FX_FILE")).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",", 1)[0] in EXCERPT_DATES]
    path = tmp_path / "eurofxref-hist-excerpt.csv"
    path.write_text("".join(kept), encoding="utf-8")
    return path


@pytest.fixture
def ecb_rates(db, ecb_excerpt):
    """The excerpt loaded into crm.FxRate."""
    return ecb_history_load(ecb_excerpt)
