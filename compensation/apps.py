from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    name = "compensation"
    verbose_name = _("Compensation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from crm.reports.hooks import offer_figures_register

        from .reports import OfferReportFigures

        # The weekly report (crm) reads offers through this hook: crm cannot import compensation.
        offer_figures_register(OfferReportFigures())
