"""Benchmark venue recognition and affiliation resolution on the shipped proceedings file.

    .venv/bin/python bench/reference_lookups.py

Prints the cost of building the venue index (two queries) and of recognising / resolving
every row of talent/data/demo/icml_nips_iclr_papers_2019snapshot.csv, cold (empty caches)
and per distinct string. Loads the reference data first (idempotent).
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from talent import affiliations  # noqa: E402
from talent.services.reference import reference_data_load  # noqa: E402
from talent.venues import VenueIndex  # noqa: E402


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)  # the embedded database may be fresh
    reference_data_load()
    text = resources.files("talent").joinpath("data", "demo", "icml_nips_iclr_papers_2019snapshot.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))

    start = time.perf_counter()
    index = VenueIndex.load()
    print(f"VenueIndex.load: {len(index)} keys in {(time.perf_counter() - start) * 1000:.1f} ms")

    # Distinct venue strings of a realistic mix: the file's Conference column plus
    # long BibTeX/DBLP forms made from each row's year, so the cache does not hide the cost.
    raws = [f"Proceedings of the {r['Year']} Conference {r['Conference']} ({r['Year']}) row {i}" for i, r in enumerate(rows)]
    start = time.perf_counter()
    for raw, r in zip(raws, rows, strict=True):
        index.recognise(raw, int(r["Year"]))
    elapsed = time.perf_counter() - start
    print(f"recognise, {len(raws)} distinct strings: {elapsed:.2f} s = {len(raws) / elapsed:,.0f} /s")
    start = time.perf_counter()
    for r in rows:
        index.recognise(r["Conference"], int(r["Year"]))
    elapsed = time.perf_counter() - start
    print(f"recognise, {len(rows)} file rows (cached): {elapsed * 1000:.1f} ms")

    affiliations._resolve_cached.cache_clear()
    start = time.perf_counter()
    for r in rows:
        affiliations.resolve_affiliations(r["Affiliation"])
    elapsed = time.perf_counter() - start
    distinct = len({r["Affiliation"] for r in rows})
    print(f"resolve_affiliations, {len(rows)} rows ({distinct} distinct, cold cache): {elapsed:.2f} s = "
          f"{len(rows) / elapsed:,.0f} rows/s")


if __name__ == "__main__":
    main()
