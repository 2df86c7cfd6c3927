"""Models of the crm app: companies, openings, the pipeline, fit scores, partners, reports.

Stage changes of a :class:`Candidacy` go through :mod:`crm.pipeline` only.
Money is django-money ``MoneyField`` (Decimal amount + ISO 4217 currency); every money
field says in its help text whether it is monthly or annual.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from talent.models import Degree

from .querysets import CandidacyQuerySet, OpeningQuerySet


class Company(models.Model):
    """An employer: a client, a competitor whose offers we compare against, or a lab."""

    class Kind(models.TextChoices):
        BIG_TECH = "big_tech", _("Big tech")
        AI_UNICORN = "ai_unicorn", _("AI unicorn")
        STARTUP = "startup", _("Startup")
        RESEARCH_LAB = "research_lab", _("Research lab / university")
        INVESTMENT_FIRM = "investment_firm", _("Investment firm")

    class FundingStage(models.TextChoices):
        BOOTSTRAPPED = "bootstrapped", _("Bootstrapped")
        SEED = "seed", _("Seed")
        SERIES_A = "series_a", _("Series A")
        SERIES_B = "series_b", _("Series B")
        SERIES_C = "series_c", _("Series C")
        SERIES_D_PLUS = "series_d_plus", _("Series D or later")
        PRE_IPO = "pre_ipo", _("Pre-IPO")
        PUBLIC = "public", _("Listed")
        NOT_APPLICABLE = "n_a", _("Not applicable")

    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(_("native-script name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STARTUP)
    is_client = models.BooleanField(_("client"), default=False)
    is_off_limits = models.BooleanField(
        _("off-limits"), default=False,
        help_text=_("A client whose employees we must not approach for other clients."),
    )
    funding_stage = models.CharField(_("funding stage"), max_length=20, choices=FundingStage.choices, blank=True)
    valuation = MoneyField(
        _("valuation"), max_digits=16, decimal_places=0, null=True, blank=True, default_currency=None,
        validators=[MinMoneyValidator(0)], help_text=_("Latest post-money valuation."),
    )
    city = models.CharField(_("headquarters city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="company_name_ci_unique")]
        indexes = [models.Index(fields=["kind", "is_client"], name="company_kind_client_idx")]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a company: hiring manager, HR partner, founder."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="contacts")
    full_name = models.CharField(_("full name"), max_length=200)
    native_name = models.CharField(_("native-script name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["company__name", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.company})"


class Partner(models.Model):
    """A partner firm or client that calls the REST API with an API key."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    company = models.ForeignKey(Company, verbose_name=_("company"), null=True, blank=True, on_delete=models.SET_NULL, related_name="partners")
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerAPIKey(AbstractAPIKey):
    """An API key of a partner (hashed; djangorestframework-api-key)."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="api_keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")


class WebhookEndpoint(models.Model):
    """A URL of a partner that receives signed event notifications."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"))
    secret = models.CharField(_("signing secret"), max_length=128)
    events = models.JSONField(_("events"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["partner__name", "url"]

    def __str__(self) -> str:
        return self.url


class Opening(models.Model):
    """A job order: a role a client pays us to fill.

    ``band_min``/``band_max`` are **annual** total cash in the band's currency.
    ``score_weights`` overrides ``settings.CRM_SCORING_WEIGHTS`` factor by factor.
    """

    class Function(models.TextChoices):
        RESEARCH_SCIENTIST = "research_scientist", _("Research scientist")
        RESEARCH_ENGINEER = "research_engineer", _("Research engineer")
        ML_ENGINEER = "ml_engineer", _("Machine-learning engineer")
        APPLIED_SCIENTIST = "applied_scientist", _("Applied scientist")
        RESEARCH_LEAD = "research_lead", _("Research lead / manager")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        JUNIOR = "junior", _("Junior")
        SENIOR = "senior", _("Senior")
        STAFF = "staff", _("Staff")
        PRINCIPAL = "principal", _("Principal")
        DIRECTOR = "director", _("Director")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        ON_HOLD = "on_hold", _("On hold")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="openings")
    title = models.CharField(_("title"), max_length=200)
    function = models.CharField(_("function"), max_length=30, choices=Function.choices, default=Function.RESEARCH_SCIENTIST)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.SENIOR)
    city = models.CharField(_("city"), max_length=100, blank=True)
    is_remote = models.BooleanField(_("remote allowed"), default=False)
    description = models.TextField(_("description"), blank=True)
    min_degree = models.CharField(_("minimum degree"), max_length=10, choices=Degree.choices, blank=True)
    min_years = models.PositiveSmallIntegerField(_("minimum years"), null=True, blank=True)
    max_years = models.PositiveSmallIntegerField(_("maximum years"), null=True, blank=True)
    target_top_papers = models.PositiveSmallIntegerField(
        _("target top-venue papers"), default=0,
        help_text=_("Top-tier papers (recency-weighted equivalents) at which research strength counts as strong "
                    "for this opening; a target, not a minimum: nobody is excluded below it. 0: the default target."),
    )
    band_min = MoneyField(_("band minimum"), max_digits=14, decimal_places=2, null=True, blank=True,
                          default_currency=None, validators=[MinMoneyValidator(0)], help_text=_("Annual total cash."))
    band_max = MoneyField(_("band maximum"), max_digits=14, decimal_places=2, null=True, blank=True,
                          default_currency=None, validators=[MinMoneyValidator(0)], help_text=_("Annual total cash."))
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1, validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    fee_percent = models.DecimalField(_("fee %"), max_digits=5, decimal_places=2, default=25,
                                      validators=[MinValueValidator(0), MaxValueValidator(100)],
                                      help_text=_("Percentage of first-year cash."))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner recruiter"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_openings")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible manager"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_openings")
    shared_with = models.ManyToManyField(Partner, verbose_name=_("shared with partners"), blank=True, related_name="openings")
    score_weights = models.JSONField(_("score weight overrides"), default=dict, blank=True)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OpeningQuerySet.as_manager()
    # Edits to the band, requirements' opening fields, status and owners are kept with who made them.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        ordering = ["-opened_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(band_min__isnull=True) | Q(band_max__isnull=True) | Q(band_min__lte=F("band_max")),
                name="opening_band_min_le_max",
            ),
            models.CheckConstraint(condition=Q(band_min__gte=0) | Q(band_min__isnull=True), name="opening_band_min_non_negative"),
            models.CheckConstraint(condition=Q(band_max__gte=0) | Q(band_max__isnull=True), name="opening_band_max_non_negative"),
            models.CheckConstraint(
                condition=Q(min_years__isnull=True) | Q(max_years__isnull=True) | Q(min_years__lte=F("max_years")),
                name="opening_years_min_le_max",
            ),
            models.CheckConstraint(condition=Q(fee_percent__gte=0) & Q(fee_percent__lte=100), name="opening_fee_percent_range"),
        ]
        indexes = [
            models.Index(fields=["status", "-opened_on"], name="opening_status_opened_idx"),
            models.Index(fields=["company", "status"], name="opening_company_status_idx"),
            models.Index(fields=["manager", "status"], name="opening_manager_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} @ {self.company}"

    def _score_weights_error(self) -> str:
        """Return why ``score_weights`` is invalid, or ``""``; ``null`` becomes ``{}``.

        Valid: a JSON object mapping factor names of ``crm.scoring.FACTORS`` to
        non-negative numbers, e.g. ``{"research": 0.4, "compensation": 0}``.
        """
        from .scoring import FACTORS

        if self.score_weights is None:
            self.score_weights = {}
        if not isinstance(self.score_weights, dict):
            return _("Give an object of factor weights, e.g. {\"research\": 0.4}.")
        unknown = sorted(set(self.score_weights) - set(FACTORS))
        if unknown:
            return _("Unknown factors: %(unknown)s. Factors are %(factors)s.") % {
                "unknown": ", ".join(unknown), "factors": ", ".join(FACTORS)}
        for factor, value in self.score_weights.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                return _("The weight of %(factor)s must be a number of at least 0.") % {"factor": factor}
        return ""

    def clean(self) -> None:
        errors = {}
        if self.band_min is not None and self.band_max is not None:
            if self.band_min.currency != self.band_max.currency:
                errors["band_max"] = _("Band minimum and maximum must be in the same currency.")
            elif self.band_min.amount > self.band_max.amount:
                errors["band_min"] = _("Band minimum must not be above the band maximum.")
        if self.min_years is not None and self.max_years is not None and self.min_years > self.max_years:
            errors["min_years"] = _("Minimum years must not be above the maximum.")
        weights_error = self._score_weights_error()
        if weights_error:
            errors["score_weights"] = weights_error
        if errors:
            raise ValidationError(errors)


class OpeningRequirement(models.Model):
    """A specialty an opening asks for, with its weight; a must-have zeroes the score when unmet."""

    opening = models.ForeignKey(Opening, verbose_name=_("opening"), on_delete=models.CASCADE, related_name="requirements")
    specialty = models.ForeignKey("talent.Specialty", verbose_name=_("specialty"), on_delete=models.PROTECT, related_name="requirements")
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1,
                                 validators=[MinValueValidator(0), MaxValueValidator(10)])
    is_must_have = models.BooleanField(_("must-have"), default=False)

    class Meta:
        verbose_name = _("opening requirement")
        verbose_name_plural = _("opening requirements")
        ordering = ["opening", "-is_must_have", "-weight"]
        constraints = [
            models.UniqueConstraint(fields=["opening", "specialty"], name="requirement_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="requirement_weight_non_negative"),
        ]

    def __str__(self) -> str:
        must = f" ({gettext('must-have')})" if self.is_must_have else ""
        return f"{self.specialty} ×{self.weight}{must}"


class Candidacy(models.Model):
    """One candidate in one opening's pipeline (a "job submission" in staffing CRMs).

    ``stage`` changes only through :func:`crm.pipeline.candidacy_move_stage`.
    """

    class Stage(models.TextChoices):
        SOURCED = "sourced", _("Sourced")
        CONTACTED = "contacted", _("Contacted")
        SCREENING = "screening", _("Screening")
        SUBMITTED = "submitted", _("Submitted to client")
        INTERVIEWING = "interviewing", _("Interviewing")
        OFFER = "offer", _("Offer")
        PLACED = "placed", _("Placed")
        REJECTED = "rejected", _("Rejected by client")
        WITHDRAWN = "withdrawn", _("Withdrawn by candidate")

    candidate = models.ForeignKey("talent.Candidate", verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="candidacies")
    opening = models.ForeignKey(Opening, verbose_name=_("opening"), on_delete=models.CASCADE, related_name="candidacies")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SOURCED)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner recruiter"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_candidacies")
    submitted_by = models.ForeignKey(Partner, verbose_name=_("submitted by partner"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="candidacies")
    off_limits_override_reason = models.CharField(
        _("off-limits override"), max_length=300, blank=True,
        help_text=_("Why an off-limits candidate was added anyway (given when the candidacy was created)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CandidacyQuerySet.as_manager()
    # Who changed the owner, the stage (also in StageChange) or the override, and when.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        ordering = ["-stage_changed_at"]
        constraints = [models.UniqueConstraint(fields=["candidate", "opening"], name="candidacy_unique")]
        indexes = [
            models.Index(fields=["opening", "stage"], name="candidacy_opening_stage_idx"),
            models.Index(fields=["stage", "stage_changed_at"], name="candidacy_stage_changed_idx"),
            models.Index(fields=["owner", "stage"], name="candidacy_owner_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.opening} [{self.get_stage_display()}]"


class StageChange(models.Model):
    """One move of a candidacy between stages: written by :mod:`crm.pipeline` only."""

    candidacy = models.ForeignKey(Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Candidacy.Stage.choices, blank=True,
                                  help_text=_("Empty on the first row: the candidacy was created."))
    to_stage = models.CharField(_("to"), max_length=20, choices=Candidacy.Stage.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    is_reopen = models.BooleanField(_("reopen"), default=False)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["candidacy", "changed_at", "id"]
        indexes = [
            models.Index(fields=["candidacy", "changed_at"], name="stagechange_candidacy_idx"),
            models.Index(fields=["to_stage", "changed_at"], name="stagechange_to_changed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Activity(models.Model):
    """A call, e-mail, meeting, interview, note or follow-up task about a candidate."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        EMAIL = "email", _("E-mail")
        MEETING = "meeting", _("Meeting")
        INTERVIEW = "interview", _("Interview")
        NOTE = "note", _("Note")
        TASK = "task", _("Follow-up task")

    candidate = models.ForeignKey("talent.Candidate", verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="activities")
    candidacy = models.ForeignKey(Candidacy, verbose_name=_("candidacy"), null=True, blank=True, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["candidacy", "-occurred_at"], name="activity_candidacy_idx"),
            models.Index(fields=["candidate", "-occurred_at"], name="activity_candidate_idx"),
            models.Index(fields=["due_at"], condition=Q(completed_at__isnull=True), name="activity_open_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class Placement(models.Model):
    """A won candidacy: start date, year-1 cash and the fee we invoice (:func:`crm.services.placement_create`)."""

    class InvoiceStatus(models.TextChoices):
        NOT_INVOICED = "not_invoiced", _("Not invoiced")
        INVOICED = "invoiced", _("Invoiced")
        PAID = "paid", _("Paid")
        WRITTEN_OFF = "written_off", _("Written off")

    candidacy = models.OneToOneField(Candidacy, verbose_name=_("candidacy"), on_delete=models.PROTECT, related_name="placement")
    start_on = models.DateField(_("start date"))
    year1_cash = MoneyField(
        _("year-1 cash"), max_digits=14, decimal_places=2, default_currency=None, validators=[MinMoneyValidator(0)],
        help_text=_("The accepted offer's year-1 cash (base, target bonus, sign-on and relocation): the fee's basis."),
    )
    fee = MoneyField(_("fee"), max_digits=14, decimal_places=2, default_currency=None, validators=[MinMoneyValidator(0)],
                     help_text=_("The opening's fee % of year-1 cash, in the same currency."))
    invoice_status = models.CharField(_("invoice status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.NOT_INVOICED)
    guarantee_ends_on = models.DateField(_("guarantee ends on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_on"]
        constraints = [
            models.CheckConstraint(condition=Q(fee__gte=0), name="placement_fee_non_negative"),
            models.CheckConstraint(condition=Q(year1_cash__gte=0), name="placement_cash_non_negative"),
        ]
        indexes = [models.Index(fields=["invoice_status", "start_on"], name="placement_invoice_idx")]

    def __str__(self) -> str:
        return f"{self.candidacy} from {self.start_on}"


class ScoringRun(models.Model):
    """One batch of fit scoring: what triggered it, how much it did, how long it took."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Manual")
        SAVE = "save", _("Record saved")
        SCHEDULE = "schedule", _("Schedule")
        ADMIN = "admin", _("Admin action")
        API = "api", _("API")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices, default=Trigger.MANUAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    scorer_version = models.CharField(_("scorer version"), max_length=20, blank=True)
    opening_count = models.PositiveIntegerField(_("openings"), default=0)
    candidate_count = models.PositiveIntegerField(_("candidates"), default=0)
    pair_count = models.PositiveBigIntegerField(_("pairs scored"), default=0)
    rows_written = models.PositiveBigIntegerField(_("rows written"), default=0)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    scope = models.JSONField(_("scope"), default=dict, blank=True,
                             help_text=_("What was scored: opening ids, or candidate ids (first 100) and their count."))
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "-started_at"], name="scoringrun_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class FitScore(models.Model):
    """How well a candidate fits an opening, 0-100, with its per-factor breakdown.

    ``breakdown`` is a list of ``{"factor", "value" (0-1), "weight", "explanation",
    "explanations"}``: ``explanation`` in English, ``explanations`` per language code of
    ``settings.LANGUAGES`` (``{"en": ..., "zh-hans": ...}``), shown in the reader's language.
    An excluded pair (off-limits) has ``is_excluded`` set and ``exclusion_reason`` (English) given.
    """

    candidate = models.ForeignKey("talent.Candidate", verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="fit_scores")
    opening = models.ForeignKey(Opening, verbose_name=_("opening"), on_delete=models.CASCADE, related_name="fit_scores")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    breakdown = models.JSONField(_("breakdown"), default=list, blank=True)
    scorer_version = models.CharField(_("scorer version"), max_length=20)
    is_excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.CharField(_("exclusion reason"), max_length=300, blank=True)
    run = models.ForeignKey(ScoringRun, verbose_name=_("scoring run"), null=True, blank=True, on_delete=models.SET_NULL, related_name="scores")
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("fit score")
        verbose_name_plural = _("fit scores")
        ordering = ["opening", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "opening"], name="fitscore_unique"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="fitscore_score_range"),
        ]
        indexes = [
            models.Index(fields=["opening", "-score"], name="fitscore_opening_best_idx"),
            models.Index(fields=["candidate", "-score"], name="fitscore_candidate_best_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} / {self.opening}: {self.score}"


class WeeklyReport(models.Model):
    """The weekly pipeline report of one manager for one week; makes sending idempotent."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.CASCADE, related_name="weekly_reports")
    week_start_on = models.DateField(_("week starting"), help_text=_("The Monday of the reported week."))
    language = models.CharField(_("language"), max_length=10, default="en")
    payload = models.JSONField(_("figures"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start_on"]
        constraints = [models.UniqueConstraint(fields=["manager", "week_start_on"], name="weeklyreport_unique")]

    def __str__(self) -> str:
        return f"{self.manager} {self.week_start_on}"


class FxRate(models.Model):
    """One reference fixing: how many units of ``currency`` one euro bought on ``rate_on``.

    Loaded from the ECB's euro foreign exchange reference rates by
    ``manage.py load_fx_rates`` (see :mod:`crm.fx`, the one home of currency conversion). Cross rates go through the
    euro: USD->CNY = (CNY per EUR) / (USD per EUR).
    """

    rate_on = models.DateField(_("fixing date"))
    currency = models.CharField(_("currency"), max_length=3)
    rate_per_eur = models.DecimalField(_("units per euro"), max_digits=20, decimal_places=10)
    source = models.CharField(_("source"), max_length=40, default="ECB")

    class Meta:
        # The table keeps the name it had when the model lived in compensation.
        db_table = "compensation_fxrate"
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-rate_on", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["source", "currency", "rate_on"], name="fxrate_unique_fixing"),
            models.CheckConstraint(condition=Q(rate_per_eur__gt=Decimal(0)), name="fxrate_positive"),
        ]
        indexes = [models.Index(fields=["currency", "-rate_on"], name="fxrate_currency_date_idx")]

    def __str__(self) -> str:
        return f"{self.rate_on} 1 EUR = {self.rate_per_eur} {self.currency} ({self.source})"
