from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Talent")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Single edits (the admin) keep research profiles current after commit; imports
        # and merges refresh in bulk themselves and send no per-row signals.
        from talent.services.profile import connect_profile_signals

        connect_profile_signals()
