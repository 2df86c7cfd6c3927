"""``manage.py rescore [--opening ID ...] [--async]``: recompute fit scores with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from crm.models import FitScore, Opening, ScoringRun
from crm.scoring.features import scored_candidates
from crm.scoring.services import active_opening_ids, opening_chunks, openings_rescore


class Command(BaseCommand):
    help = (
        "Recompute the stored fit scores of the given openings (default: every active opening), "
        "in chunks of CRM_SCORING_OPENINGS_PER_TASK openings per pass over the candidates (at most 1,000 chunks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--opening", type=int, action="append", dest="openings", metavar="ID",
                            help="An opening id; repeat for several. Default: all active openings.")
        parser.add_argument("--async", action="store_true", dest="send",
                            help="Send Celery tasks to the scoring queue instead of scoring here.")

    def handle(self, *args, openings=None, send=False, **options):
        ids = sorted(set(openings)) if openings else active_opening_ids()
        missing = set(ids) - set(Opening.objects.filter(id__in=ids).values_list("id", flat=True))
        if missing:
            raise CommandError(f"No opening with id {', '.join(map(str, sorted(missing)))}.")
        chunks = opening_chunks(ids)
        if send:
            from crm.tasks import openings_rescore_task

            for chunk in chunks:
                openings_rescore_task.delay_on_commit(chunk, ScoringRun.Trigger.MANUAL)
            self.stdout.write(f"Sent {len(chunks)} scoring task(s).")
            return
        n_candidates = scored_candidates().count()
        written = 0
        with tqdm(total=n_candidates * len(chunks), unit="cand", desc="Scoring",
                  disable=options.get("verbosity", 1) == 0) as bar:
            for chunk in chunks:
                run = openings_rescore(chunk, trigger=ScoringRun.Trigger.MANUAL, progress=bar.update)
                written += run.rows_written
        stored = FitScore.objects.filter(opening_id__in=ids).count()
        self.stdout.write(self.style.SUCCESS(
            f"Scored {len(ids)} opening(s) against {n_candidates} candidate(s); {stored} score(s) stored, "
            f"{written} of them new or changed."
        ))
