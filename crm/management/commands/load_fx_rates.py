"""``manage.py load_fx_rates [FILE]``: load the ECB reference-rate history (idempotent)."""

from __future__ import annotations

from time import perf_counter

from django.core.management.base import BaseCommand, CommandError

from crm.fx import default_history_path, ecb_history_load


class Command(BaseCommand):
    help = (
        "Load ECB euro reference rates (eurofxref-hist.csv format) into crm.FxRate, the one source "
        "of every currency conversion. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=None,
                            help="Path to eurofxref-hist.csv (default: the copy shipped in crm/data/fx/).")

    def handle(self, *args, file: str | None = None, **options) -> None:
        path = file or default_history_path()
        started = perf_counter()
        try:
            result = ecb_history_load(path)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"{result.rows_read} fixings read, {result.rows_created} new; latest fixing "
            f"{result.latest_on} with {result.latest_currencies} currencies "
            f"({perf_counter() - started:.1f} s)."
        ))
