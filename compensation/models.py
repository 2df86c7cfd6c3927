"""Models of the compensation app: Offer (exchange rates are ``crm.FxRate``).

Every amount of one offer is in one currency (ISO 4217), checked by ``Offer.clean()``;
amounts are Decimal, never float. Valuation lives in :mod:`compensation.valuation`,
status changes in :mod:`compensation.services`, exchange rates in :mod:`crm.fx`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from simple_history.models import HistoricalRecords

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

    # Who changed which term, and when (status moves are also in OfferStatusChange).
    history = HistoricalRecords(excluded_fields=["updated_at"])

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

    #: Money fields of an offer; all of one offer share one currency.
    MONEY_FIELDS: tuple[str, ...] = (
        "monthly_base", "annual_base", "target_bonus", "sign_on", "relocation",
        "rsu_grant_value", "share_price", "option_strike", "option_fair_value",
    )

    #: Allowed status changes (issue 5): a draft is extended or withdrawn; an extended
    #: offer is accepted, declined, expires or is withdrawn; the other four are final.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.EXTENDED, Status.WITHDRAWN}),
        Status.EXTENDED: frozenset({Status.ACCEPTED, Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN}),
        Status.ACCEPTED: frozenset(),
        Status.DECLINED: frozenset(),
        Status.EXPIRED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }

    def __str__(self) -> str:
        return f"{self.company} → {self.candidate} ({self.get_status_display()})"

    @property
    def currency(self) -> str | None:
        """The offer's ISO 4217 currency: that of its base pay, else of any money field; ``None`` if none."""
        for name in self.MONEY_FIELDS:
            value = getattr(self, name)
            if value is not None:
                return value.currency.code
        return None

    def clean(self) -> None:
        """Check the rules across this offer's own fields; errors are keyed by field.

        * one currency for every money field, each with at most its minor-unit decimals;
        * base pay: monthly base or annual base, not both, at least one;
        * bonus: an amount or a percentage, not both;
        * equity fields match ``equity_kind`` (RSUs: grant value, or shares with a price;
          options: shares, strike and fair value per share);
        * vesting: a per-year schedule has one non-negative percentage per vesting year
          summing to exactly 100; the cliff is within the vesting period.
        """
        from talent.money import minor_unit_exponent

        from .valuation import vesting_schedule_validate

        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        currency = self.currency
        for name in self.MONEY_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if value.currency.code != currency:
                add(name, _("Every amount of an offer must be in the same currency (%(currency)s).") % {"currency": currency})
            elif value.amount < 0:
                add(name, _("The amount must not be negative."))
            else:
                places = minor_unit_exponent(value.currency.code)
                exponent = value.amount.normalize().as_tuple().exponent if value.amount else 0
                if isinstance(exponent, int) and -exponent > places:
                    add(name, _("At most %(places)d decimal places are allowed in %(currency)s.")
                        % {"places": places, "currency": value.currency.code})
        if self.monthly_base is None and self.annual_base is None:
            add("monthly_base", _("Give the monthly base (with months per year) or the annual base."))
        if self.monthly_base is not None and self.annual_base is not None:
            add("annual_base", _("Give either the monthly base or the annual base, not both."))
        if self.target_bonus is not None and self.target_bonus_percent is not None:
            add("target_bonus_percent", _("Give the bonus as an amount or as a percentage of base, not both."))
        if self.equity_kind == self.EquityKind.RSU:
            has_value = self.rsu_grant_value is not None
            has_shares = self.rsu_shares is not None and self.share_price is not None
            if has_value == has_shares:
                add("rsu_grant_value", _("Give the RSU grant value, or the number of shares and the share price (one of the two)."))
        elif self.equity_kind == self.EquityKind.OPTIONS:
            for name in ("option_shares", "option_strike", "option_fair_value"):
                if getattr(self, name) is None:
                    add(name, _("Stock options need the number of shares, the strike and the fair value per share."))
        else:
            for name in ("rsu_grant_value", "rsu_shares", "share_price", "option_shares", "option_strike", "option_fair_value"):
                if getattr(self, name) not in (None, ""):
                    add("equity_kind", _("Choose RSUs or stock options for the equity amounts given."))
                    break
        if (self.equity_kind != self.EquityKind.NONE or self.vesting_schedule) and self.vesting_years:
            try:
                vesting_schedule_validate(self.vesting_schedule, years=self.vesting_years,
                                          cliff_months=self.cliff_months, field="vesting_schedule")
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        add(field, message)
        if errors:
            raise ValidationError(errors)


class OfferStatusChange(models.Model):
    """One status move of an offer (from, to, when, who, note): written by :mod:`compensation.services` only.

    The first row of an offer has an empty ``from_status`` (the offer was created). Like
    ``crm.StageChange``, it is written in the same transaction as the move, so the weekly
    report can recount any past week from this history.
    """

    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Offer.Status.choices, blank=True,
                                   help_text=_("Empty on the first row: the offer was created."))
    to_status = models.CharField(_("to"), max_length=20, choices=Offer.Status.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("offer status change")
        verbose_name_plural = _("offer status changes")
        ordering = ["offer", "changed_at", "id"]
        indexes = [
            models.Index(fields=["offer", "changed_at"], name="offerstatus_offer_idx"),
            models.Index(fields=["to_status", "changed_at"], name="offerstatus_to_changed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"
