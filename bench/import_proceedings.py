"""Benchmark: import the whole proceedings file (27,897 rows) into PostgreSQL, twice.

    .venv/bin/python bench/import_proceedings.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench .venv/bin/python bench/import_proceedings.py

``DATABASE_URL`` defaults to ``postgres://postgres@127.0.0.1:5432/crm_bench``. The
database is dropped and created again (so its name must contain ``bench``: the script
refuses to wipe anything else), migrated, loaded with the reference data (venues,
aliases, specialties), then the shipped file ``talent/data/demo/`` is imported with
``talent.importers.import_file`` (the same service as ``manage.py import_candidates``).
Prints the first import's time and rows per second, its counts, then the second
(re-)import's time, which must create nothing.

When ``DATABASE_URL`` is not set and no PostgreSQL answers on 127.0.0.1:5432 (a laptop
running ``make bench``), it says so and runs on a fresh SQLite file in a temporary
directory instead; ``--sqlite`` asks for that directly.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench"
URL_GIVEN = "DATABASE_URL" in os.environ


def fresh_database(url: str) -> None:
    """Drop and create the database of ``url`` (PostgreSQL; the name must contain "bench")."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"DATABASE_URL must be PostgreSQL for this benchmark, not {parsed.scheme!r}.")
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def choose_database() -> None:
    """Set ``DATABASE_URL`` to a fresh database (see the module docstring)."""
    import tempfile

    import psycopg

    if "--sqlite" in sys.argv:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='crm_bench_')}/bench.sqlite3"
        return
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    try:
        fresh_database(url)
    except psycopg.OperationalError as exc:
        if URL_GIVEN:
            sys.exit(f"Cannot reach the database of DATABASE_URL: {exc}")
        print(f"No PostgreSQL at {DEFAULT_URL} ({str(exc).strip().splitlines()[0]}); using a temporary SQLite file.")
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='crm_bench_')}/bench.sqlite3"


def main() -> None:
    choose_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from talent.demo import DEMO_FILE
    from talent.importers import import_file
    from talent.models import Authorship, Candidate, Publication
    from talent.services.reference import reference_data_load

    call_command("migrate", verbosity=0)
    reference_data_load()
    data = DEMO_FILE.read_bytes()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} (fresh, migrated)")
    print(f"file: {DEMO_FILE.relative_to(ROOT)} ({len(data) / 1e6:.1f} MB)")

    started = time.perf_counter()
    first = import_file("proceedings", data, file_name=DEMO_FILE.name)
    first_seconds = time.perf_counter() - started
    s = first.to_summary()
    print(f"first import:  {first_seconds:6.2f} s  {s['rows'] / first_seconds:8.0f} rows/s")
    print(f"  rows {s['rows']}: created {s['created']}, updated {s['updated']}, merged {s['merged']}, "
          f"flagged {s['flagged']}, skipped {s['skipped']}, errors {s['errors']}")
    print(f"  candidates {Candidate.objects.count()}, publications {Publication.objects.count()}, "
          f"authorships {Authorship.objects.count()}, possible duplicates {s['possible_duplicates']}, "
          f"venues recognised {s['venues_recognised']} / unknown {s['venues_unknown']}")

    started = time.perf_counter()
    second = import_file("proceedings", data, file_name=DEMO_FILE.name)
    second_seconds = time.perf_counter() - started
    t = second.to_summary()
    print(f"second import: {second_seconds:6.2f} s  {t['rows'] / second_seconds:8.0f} rows/s  "
          f"(created {t['created']}, updated {t['updated']}, merged {t['merged']}, flagged {t['flagged']}, "
          f"skipped {t['skipped']}, errors {t['errors']})")
    if t["created"] or t["merged"] or t["flagged"]:
        sys.exit("The second import changed data: it must not.")


if __name__ == "__main__":
    main()
