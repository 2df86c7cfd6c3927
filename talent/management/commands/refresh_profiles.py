"""``manage.py refresh_profiles``: recompute research profiles in bulk, with a progress bar."""

import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from talent.models import Candidate
from talent.services.profile import research_profiles_refresh


class Command(BaseCommand):
    help = _("Recompute the research profiles (tier counts, recent papers, inferred specialties) of all or some candidates.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("candidate_ids", nargs="*", type=int, help=_("Only these candidate ids (default: all)."))
        parser.add_argument("--today", help=_("Date the 'last 3/5 years' count back from, YYYY-MM-DD (default: today)."))

    def handle(self, *args, candidate_ids, today, **options) -> None:
        try:
            on = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(_("--today must be a date written YYYY-MM-DD: %(value)s") % {"value": today}) from exc
        ids = candidate_ids or None
        if ids:
            unknown = sorted(set(ids) - set(Candidate.objects.filter(pk__in=ids).values_list("pk", flat=True)))
            if unknown:
                raise CommandError(_("No candidate with id %(ids)s.") % {"ids": ", ".join(map(str, unknown))})
        total = len(set(ids)) if ids else Candidate.objects.count()
        start = time.perf_counter()
        with tqdm(total=total, unit="cand", disable=options["verbosity"] < 1, file=sys.stderr) as bar:
            written = research_profiles_refresh(ids, today=on, progress=bar.update)
        elapsed = time.perf_counter() - start
        self.stdout.write(
            _("%(count)d research profiles refreshed in %(seconds).1f s") % {"count": written, "seconds": elapsed}
        )
