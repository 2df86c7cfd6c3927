"""Models of the compensation app: Offer.

Every amount of one offer is in the offer's ``currency`` (ISO 4217); amounts are
Decimal, never float. Valuation lives in :mod:`compensation.valuation`.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator

MONEY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True, "default_currency": None,
         "validators": [MinMoneyValidator(0)]}


class Offer(models.Model):
    """A compensation offer to a candidate, from a client or a competing company.

    Base pay is either ``monthly_base`` x ``months_per_year`` (Chinese "N 薪" packages,
    12 to 16 months) or ``annual_base``. The bonus is ``target_bonus`` (annual amount) or
    ``target_bonus_percent`` of annual base. Equity is RSUs (``rsu_grant_value`` for the
    whole grant, or ``rsu_shares`` x ``share_price``) or options (``option_shares``,
    ``option_strike``, ``option_fair_value`` per share), vesting over ``vesting_years``
    after a ``cliff_months`` cliff, evenly or by ``vesting_schedule`` percentages per year.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        EXTENDED = "extended", _("Extended")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class EquityKind(models.TextChoices):
        NONE = "none", _("None")
        RSU = "rsu", _("RSUs")
        OPTIONS = "options", _("Stock options")

    candidate = models.ForeignKey("talent.Candidate", verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="offers")
    company = models.ForeignKey("crm.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="offers")
    candidacy = models.ForeignKey("crm.Candidacy", verbose_name=_("candidacy"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("role title"), max_length=200, blank=True)
    monthly_base = MoneyField(_("monthly base"), help_text=_("Gross base pay per month."), **MONEY)
    months_per_year = models.DecimalField(_("months per year"), max_digits=4, decimal_places=2, default=12,
                                          validators=[MinValueValidator(12), MaxValueValidator(16)])
    annual_base = MoneyField(_("annual base"), help_text=_("Gross base pay per year, when not monthly."), **MONEY)
    target_bonus = MoneyField(_("target bonus"), help_text=_("Annual target bonus amount."), **MONEY)
    target_bonus_percent = models.DecimalField(_("target bonus %"), max_digits=5, decimal_places=2, null=True, blank=True,
                                               validators=[MinValueValidator(0), MaxValueValidator(200)],
                                               help_text=_("Percentage of annual base."))
    sign_on = MoneyField(_("sign-on bonus"), help_text=_("One-off, paid in year 1."), **MONEY)
    relocation = MoneyField(_("relocation"), help_text=_("One-off, paid in year 1."), **MONEY)
    equity_kind = models.CharField(_("equity"), max_length=10, choices=EquityKind.choices, default=EquityKind.NONE)
    rsu_grant_value = MoneyField(_("RSU grant value"), help_text=_("Value of the whole grant at grant date."), **MONEY)
    rsu_shares = models.PositiveIntegerField(_("RSU shares"), null=True, blank=True)
    share_price = MoneyField(_("share price"), help_text=_("Per share, for RSUs given as shares."), **MONEY)
    option_shares = models.PositiveIntegerField(_("option shares"), null=True, blank=True)
    option_strike = MoneyField(_("option strike"), help_text=_("Per share."), **MONEY)
    option_fair_value = MoneyField(_("fair value per share"), help_text=_("Per share, latest valuation."), **MONEY)
    vesting_years = models.PositiveSmallIntegerField(_("vesting years"), default=4, validators=[MinValueValidator(1), MaxValueValidator(10)])
    cliff_months = models.PositiveSmallIntegerField(_("cliff (months)"), default=12, validators=[MaxValueValidator(60)])
    vesting_schedule = models.JSONField(_("vesting schedule (% per year)"), default=list, blank=True,
                                        help_text=_("Empty for even vesting; e.g. [5, 15, 40, 40]."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    deadline_on = models.DateField(_("deadline"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy"], condition=Q(status="accepted"), name="offer_one_accepted_per_candidacy"),
            models.CheckConstraint(condition=Q(months_per_year__gte=12) & Q(months_per_year__lte=16), name="offer_months_range"),
        ]
        indexes = [
            models.Index(fields=["candidate", "status"], name="offer_candidate_status_idx"),
            models.Index(fields=["status", "deadline_on"], name="offer_status_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.candidate} ({self.get_status_display()})"
