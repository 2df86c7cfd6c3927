"""``manage.py export_candidate ID [--output FILE]``: everything held about one person, as JSON."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from talent.models import Candidate
from talent.services.erasure import candidate_export


class Command(BaseCommand):
    help = ("Write everything held about one candidate (their record, edit history, papers, candidacies with "
            "stage history, activities, offers with status history, placements, scores) as JSON (GDPR art. 15, 20).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("candidate_id", type=int)
        parser.add_argument("--output", "-o", help="Write to this file (UTF-8) instead of standard output.")

    def handle(self, *args, candidate_id: int, output: str | None = None, **options) -> None:
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is None:
            raise CommandError(f"No candidate with id {candidate_id}.")
        text = json.dumps(candidate_export(candidate=candidate), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(self.style.SUCCESS(f"Written to {output}."))
        else:
            self.stdout.write(text)
