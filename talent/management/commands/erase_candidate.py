"""``manage.py erase_candidate ID [--yes]``: erase one person's personal data (GDPR art. 17)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from talent.models import Candidate
from talent.services.erasure import candidate_erase


class Command(BaseCommand):
    help = ("Erase a candidate's personal data everywhere it is held, keep anonymised pipeline figures, and "
            "remember them so that no later import brings them back. Asks for confirmation unless --yes.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("candidate_id", type=int)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, candidate_id: int, yes: bool = False, **options) -> None:
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is None:
            raise CommandError(f"No candidate with id {candidate_id}.")
        if candidate.erased_at is not None:
            self.stdout.write(f"Candidate #{candidate_id} was already erased on {candidate.erased_at:%Y-%m-%d}.")
            return
        if not yes:
            answer = input(f"Erase {candidate} (#{candidate_id})? This cannot be undone. Type 'erase': ")
            if answer.strip() != "erase":
                raise CommandError("Not erased.")
        candidate_erase(candidate=candidate, actor=None)
        self.stdout.write(self.style.SUCCESS(f"Candidate #{candidate_id} erased."))
