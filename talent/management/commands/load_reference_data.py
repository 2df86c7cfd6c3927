"""``manage.py load_reference_data``: venues, venue aliases and specialties from ``talent/data/``."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from talent.services.reference import reference_data_load


class Command(BaseCommand):
    help = _(
        "Load venues (CCF/CORE ranks and tiers), venue aliases and the specialty taxonomy shipped with "
        "the talent app. Idempotent: a second run changes nothing."
    )

    def handle(self, *args, **options) -> None:
        counts = reference_data_load()
        for kind in ("venues", "aliases", "specialties"):
            self.stdout.write(
                _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "kind": kind,
                    "created": counts[f"{kind}_created"],
                    "updated": counts[f"{kind}_updated"],
                    "unchanged": counts[f"{kind}_unchanged"],
                }
            )
