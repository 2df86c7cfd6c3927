"""Models of the talent app: Candidate, Venue, Publication, Authorship, Specialty.

``talent`` imports no other app. ``Candidate.current_company`` points at ``crm.Company``
by its string label only (a foreign key, not an import).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from .querysets import CandidateQuerySet
from .services import names as name_rules
from .services.mailbox import mailbox_key


def normalise_email(email: str | None) -> str | None:
    """Return ``email`` trimmed and lower-cased, or ``None`` when blank.

    E-mail addresses are unique case-insensitively, so the stored form is lower case.
    Plus-addressing (``a+tag@x``) is kept as written; identity matching strips the tag.
    """
    if email is None:
        return None
    email = email.strip().lower()
    return email or None


class Degree(models.TextChoices):
    """The degree scale, highest first: the one home of degrees and their order.

    ``Candidate.highest_degree`` and ``Opening.min_degree`` take these values;
    :data:`DEGREE_LEVELS` gives each its level for comparisons (scoring, importers).
    """

    PHD = "phd", _("PhD")
    MSC = "msc", _("MSc")
    BSC = "bsc", _("BSc")
    OTHER = "other", _("Other")


#: Level of each degree, derived from :class:`Degree`'s order: other 0, BSc 1, MSc 2, PhD 3.
#: A higher level meets every lower requirement.
DEGREE_LEVELS: dict[str, int] = {value: len(Degree.values) - 1 - i for i, value in enumerate(Degree.values)}


class Specialty(models.Model):
    """A node of the specialty taxonomy, e.g. machine learning > reinforcement learning > RLHF.

    ``keywords`` are lower-case phrases whose presence in a paper title infers the
    specialty (used by the research profile); ``parent`` gives partial credit in scoring.
    """

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    keywords = models.JSONField(_("title keywords"), default=list, blank=True)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["slug"]

    def __str__(self) -> str:
        """The Chinese name when the active language is Chinese and one is given, else the name."""
        if self.name_zh and (get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name


class Venue(models.Model):
    """A conference, journal or preprint server with its CCF and CORE ranks.

    ``tier`` is derived from the ranks when loaded (see ``talent.venues``):
    1 = top (CORE A* or CCF A), 2 = strong (CORE A or CCF B), 3 = ranked, 0 = unranked.
    A preprint server (arXiv/CoRR) is tier 0 and never counts as a top-venue paper.
    """

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        JOURNAL = "journal", _("Journal")
        PREPRINT = "preprint", _("Preprint server")

    class Tier(models.IntegerChoices):
        UNRANKED = 0, _("Unranked")
        TOP = 1, _("Top (CORE A* / CCF A)")
        STRONG = 2, _("Strong (CORE A / CCF B)")
        RANKED = 3, _("Ranked (CORE B-C / CCF C)")

    acronym = models.CharField(_("acronym"), max_length=40, unique=True)
    name = models.CharField(_("full name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONFERENCE)
    area = models.CharField(_("area"), max_length=40, blank=True, help_text=_("CCF field code, e.g. AI."))
    ccf_rank = models.CharField(_("CCF rank"), max_length=2, blank=True)
    core_rank = models.CharField(_("CORE rank"), max_length=3, blank=True)
    thcpl_rank = models.CharField(_("THCPL rank"), max_length=2, blank=True)
    dblp_key = models.CharField(_("DBLP key"), max_length=80, blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.UNRANKED)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["acronym"]
        indexes = [models.Index(fields=["tier"], name="venue_tier_idx")]

    def __str__(self) -> str:
        return self.acronym

    @property
    def is_preprint(self) -> bool:
        return self.kind == self.Kind.PREPRINT


class VenueAlias(models.Model):
    """A spelling of a venue as proceedings and BibTeX write it (``NIPS``, ``ICML (1)``).

    ``alias`` is stored normalised (lower case, single spaces); look-ups normalise the
    same way (``talent.venues.normalise_venue``).
    """

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("venue alias")
        verbose_name_plural = _("venue aliases")
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.venue.acronym}"


class Candidate(models.Model):
    """A person a recruiter may place: researcher or engineer.

    Names are never split on whitespace: ``full_name`` is kept exactly as written (Latin
    script usually) and ``native_name`` in the person's own script (``欧阳娜娜``).
    Compensation amounts are **annual** and carry their ISO 4217 currency.
    """

    Degree = Degree

    class SearchStatus(models.TextChoices):
        ACTIVE = "active", _("Actively looking")
        OPEN = "open", _("Open to offers")
        PASSIVE = "passive", _("Passive")
        NOT_LOOKING = "not_looking", _("Not looking")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        PROCEEDINGS = "proceedings", _("Conference proceedings")
        BIBTEX = "bibtex", _("BibTeX")
        DBLP = "dblp", _("DBLP")
        JSONRESUME = "jsonresume", _("JSON Resume")
        SPREADSHEET = "spreadsheet", _("Spreadsheet")
        LINKEDIN = "linkedin", _("LinkedIn export")
        REFERRAL = "referral", _("Referral")
        PARTNER = "partner", _("Partner submission")

    class Consent(models.TextChoices):
        UNKNOWN = "unknown", _("Not asked yet")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: Consent statuses under which a person is neither scored nor put into a pipeline.
    CONSENT_DECLINED = frozenset({Consent.REFUSED, Consent.WITHDRAWN})
    #: Sources that are public data: people found there get a privacy notice (GDPR art. 14).
    PUBLIC_SOURCES = frozenset({Source.PROCEEDINGS, Source.BIBTEX, Source.DBLP})

    full_name = models.CharField(_("full name"), max_length=200, help_text=_("As the person writes it; never split."))
    native_name = models.CharField(_("native-script name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, null=True, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True, help_text=_("Stored as E.164; '+' and a country code win over the default region."))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2."))
    country_as_written = models.CharField(
        _("country as written"), max_length=100, blank=True,
        help_text=_("The country as a source wrote it, when it names no single country (e.g. “Korea”)."),
    )
    current_employer = models.CharField(_("current employer (as written)"), max_length=200, blank=True)
    current_company = models.ForeignKey(
        "crm.Company", verbose_name=_("current company"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="employees",
    )
    current_title = models.CharField(_("current title"), max_length=200, blank=True)
    highest_degree = models.CharField(_("highest degree"), max_length=10, choices=Degree.choices, blank=True)
    phd_institution = models.CharField(_("PhD institution"), max_length=200, blank=True)
    phd_year = models.PositiveSmallIntegerField(
        _("PhD year"), null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), null=True, blank=True)
    specialties = models.ManyToManyField(Specialty, verbose_name=_("declared specialties"), blank=True, related_name="candidates")
    google_scholar_id = models.CharField(_("Google Scholar id"), max_length=40, blank=True)
    openreview_id = models.CharField(_("OpenReview id"), max_length=80, blank=True)
    dblp_pid = models.CharField(_("DBLP person id"), max_length=80, blank=True)
    orcid = models.CharField(_("ORCID"), max_length=19, blank=True)
    github_url = models.URLField(_("GitHub"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), max_length=300, blank=True)
    homepage_url = models.URLField(_("homepage"), blank=True)
    current_compensation = MoneyField(
        _("current compensation"), max_digits=14, decimal_places=2, null=True, blank=True,
        default_currency=None, validators=[MinMoneyValidator(0)],
        help_text=_("Annual total cash, gross."),
    )
    expected_compensation = MoneyField(
        _("expected compensation"), max_digits=14, decimal_places=2, null=True, blank=True,
        default_currency=None, validators=[MinMoneyValidator(0)],
        help_text=_("Annual total cash the candidate expects, gross."),
    )
    search_status = models.CharField(_("job-search status"), max_length=20, choices=SearchStatus.choices, blank=True)
    notice_period_days = models.PositiveSmallIntegerField(_("notice period (days)"), null=True, blank=True)
    is_open_to_relocation = models.BooleanField(_("open to relocation"), default=False)
    preferred_cities = models.JSONField(_("preferred cities"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner recruiter"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="owned_candidates",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    consent_status = models.CharField(_("consent"), max_length=20, choices=Consent.choices, default=Consent.UNKNOWN)
    consent_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_source = models.CharField(
        _("consent source"), max_length=200, blank=True,
        help_text=_("How the consent (or refusal) was given: e-mail reply, call, signed form, partner."),
    )
    notice_sent_at = models.DateTimeField(
        _("privacy notice sent at"), null=True, blank=True,
        help_text=_("For people found in public data (proceedings, DBLP): when they were told we hold their data."),
    )
    notice_channel = models.CharField(_("privacy notice sent by"), max_length=100, blank=True)
    retain_until_on = models.DateField(
        _("retain until"), null=True, blank=True,
        help_text=_("Keep the data until this day; empty: the retention period after the last change."),
    )
    erased_at = models.DateTimeField(
        _("erased at"), null=True, blank=True, editable=False,
        help_text=_("When the personal data was removed; only anonymised pipeline figures remain."),
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("erased by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    is_fictional = models.BooleanField(_("fictional (demo)"), default=False)
    name_key = models.CharField(
        _("name key"), max_length=200, blank=True, editable=False,
        help_text=_("Full name folded: lower case, no accents, no spaces (identity resolution)."),
    )
    name_ends_key = models.CharField(
        _("name ends key"), max_length=200, blank=True, editable=False,
        help_text=_("First and last word of the folded name, sorted (identity resolution)."),
    )
    email_key = models.CharField(
        _("mailbox key"), max_length=254, blank=True, editable=False,
        help_text=_("The mailbox the e-mail reaches: Gmail dots and documented plus tags removed (identity resolution)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CandidateQuerySet.as_manager()
    # Every edit by hand (admin, API) keeps a dated copy with who made it; bulk imports write
    # ImportRun records instead (bulk_create sends no signals).
    history = HistoricalRecords(excluded_fields=["name_key", "name_ends_key", "email_key", "updated_at"])

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="candidate_email_ci_unique",
                violation_error_message=_("Another candidate already has this e-mail address (ignoring case)."),
            ),
            models.CheckConstraint(
                condition=Q(current_compensation__gte=0) | Q(current_compensation__isnull=True),
                name="candidate_current_comp_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(expected_compensation__gte=0) | Q(expected_compensation__isnull=True),
                name="candidate_expected_comp_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["full_name"], name="candidate_full_name_idx"),
            models.Index(fields=["native_name"], name="candidate_native_name_idx"),
            models.Index(fields=["search_status", "updated_at"], name="candidate_status_upd_idx"),
            models.Index(fields=["highest_degree"], name="candidate_degree_idx"),
            models.Index(fields=["city"], name="candidate_city_idx"),
            models.Index(fields=["dblp_pid"], name="candidate_dblp_idx"),
            models.Index(fields=["orcid"], name="candidate_orcid_idx"),
            models.Index(fields=["openreview_id"], name="candidate_openreview_idx"),
            models.Index(fields=["google_scholar_id"], name="candidate_scholar_idx"),
            models.Index(fields=["name_key"], name="candidate_name_key_idx"),
            models.Index(fields=["name_ends_key"], name="candidate_name_ends_idx"),
            models.Index(fields=["email_key"], name="candidate_email_key_idx"),
        ]

    def __str__(self) -> str:
        if self.native_name and self.native_name != self.full_name:
            return f"{self.full_name} ({self.native_name})"
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.email = normalise_email(self.email)
        self.set_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            update_fields = kwargs["update_fields"] = set(update_fields) | {"name_key", "name_ends_key"}
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"email_key"}
        super().save(*args, **kwargs)

    def set_name_keys(self) -> None:
        """Derive the matching keys: ``name_key`` and ``name_ends_key`` from ``full_name``,
        ``email_key`` from ``email`` (``bulk_create``/``bulk_update`` callers call this)."""
        self.name_key = name_rules.name_key(self.full_name)
        self.name_ends_key = name_rules.name_ends_key(self.full_name)
        self.email_key = mailbox_key(self.email)


class Publication(models.Model):
    """A paper. ``venue`` is the recognised venue; ``venue_raw`` keeps the text as found.

    ``title_key`` is the title lower-cased with punctuation and spacing removed: with the
    year and the venue it identifies a paper across sources that lack a DOI. One title
    in one year at two venues (a workshop and a conference version, a journal and a
    conference version) is two publications, each with its venue (``venue_key``).
    """

    title = models.CharField(_("title"), max_length=500)
    title_key = models.CharField(_("title key"), max_length=500, db_index=True)
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="publications")
    venue_raw = models.CharField(_("venue as written"), max_length=300, blank=True)
    venue_key = models.CharField(
        _("venue key"), max_length=300, blank=True, editable=False,
        help_text=_("Which venue this is, for telling one title at two venues apart (talent.venues.venue_key)."),
    )
    group_authors = models.CharField(
        _("group authors"), max_length=500, blank=True,
        help_text=_("Corporate and group authors as written (“OpenAI; Gemini Team”); they are not candidates."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1000), MaxValueValidator(2100)])
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    dblp_key = models.CharField(_("DBLP key"), max_length=200, blank=True)
    is_workshop = models.BooleanField(_("workshop paper"), default=False)
    is_preprint = models.BooleanField(_("preprint"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="publication_doi_unique"),
            models.UniqueConstraint(fields=["title_key", "year", "venue_key"], name="publication_title_year_venue_unique"),
        ]
        indexes = [models.Index(fields=["venue", "year"], name="publication_venue_year_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.venue_raw or '?'} {self.year})"


class Authorship(models.Model):
    """A candidate's authorship of a publication; ``position`` is 1 for the first author."""

    candidate = models.ForeignKey(Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="authorships")
    publication = models.ForeignKey(Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(_("author position"), validators=[MinValueValidator(1)])
    is_corresponding = models.BooleanField(_("corresponding author"), default=False)
    affiliation_raw = models.CharField(_("affiliation as written"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("authorship")
        verbose_name_plural = _("authorships")
        ordering = ["publication", "position"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "publication"], name="authorship_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="authorship_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} #{self.position} on {self.publication_id}"

    @property
    def is_first_author(self) -> bool:
        return self.position == 1


class ResearchProfile(models.Model):
    """Aggregates of a candidate's publications, recomputed when authorships change.

    Counts are of papers at recognised venues (preprints and workshops excluded from the
    tier counts). ``inferred_specialties`` is a list of ``{"slug", "evidence": [...]}``.
    """

    candidate = models.OneToOneField(Candidate, verbose_name=_("candidate"), primary_key=True, on_delete=models.CASCADE, related_name="research_profile")
    total_papers = models.PositiveIntegerField(_("papers"), default=0)
    tier1_papers = models.PositiveIntegerField(_("top-tier papers"), default=0)
    tier2_papers = models.PositiveIntegerField(_("second-tier papers"), default=0)
    first_author_top_papers = models.PositiveIntegerField(_("first-author top-tier papers"), default=0)
    papers_last_3_years = models.PositiveIntegerField(_("papers, last 3 years"), default=0)
    papers_last_5_years = models.PositiveIntegerField(_("papers, last 5 years"), default=0)
    latest_year = models.PositiveSmallIntegerField(_("latest paper year"), null=True, blank=True)
    inferred_specialties = models.JSONField(_("inferred specialties"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("research profile")
        verbose_name_plural = _("research profiles")
        indexes = [models.Index(fields=["-tier1_papers"], name="profile_tier1_idx")]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.tier1_papers} top-tier papers"


class CareerEntry(models.Model):
    """A job or a degree of a candidate, as a resume states it, with the date precision kept.

    JSON Resume writes dates as ``2013``, ``2013-12`` or ``2013-12-02``: ``start_on`` holds
    the first day of what was written and ``start_precision`` says which parts were given,
    so ``2013`` is never shown as 1 January 2013.
    """

    class Kind(models.TextChoices):
        WORK = "work", _("Work")
        EDUCATION = "education", _("Education")

    class Precision(models.TextChoices):
        YEAR = "year", _("Year")
        MONTH = "month", _("Year and month")
        DAY = "day", _("Day")

    candidate = models.ForeignKey(Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="career_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    title = models.CharField(_("title or degree"), max_length=200, blank=True)
    area = models.CharField(_("area of study"), max_length=200, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(_("start precision"), max_length=10, choices=Precision.choices, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(_("end precision"), max_length=10, choices=Precision.choices, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Candidate.Source.choices, default=Candidate.Source.MANUAL)

    class Meta:
        verbose_name = _("career entry")
        verbose_name_plural = _("career entries")
        ordering = ["candidate", "kind", "-start_on"]
        indexes = [models.Index(fields=["candidate", "kind"], name="career_candidate_kind_idx")]

    def __str__(self) -> str:
        return f"{self.title} @ {self.organisation}"


class ImportRun(models.Model):
    """One run of an importer: what file, what format, who, and what happened.

    ``summary`` is the report's totals (``rows``, ``created``, ``updated``, ``merged``,
    ``flagged``, ``skipped``, ``errors``, ...); ``issues`` the rows that were not simply
    created or updated (skipped, flagged, errors) with their reasons, capped in length.
    """

    format = models.CharField(_("format"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=300, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    is_dry_run = models.BooleanField(_("dry run"), default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    issues = models.JSONField(_("rows with issues"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.format} {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class PossibleDuplicate(models.Model):
    """Two candidates that may be one person, below the certainty threshold: a recruiter decides.

    The pair is stored with ``candidate_a_id < candidate_b_id`` so that one pair has one row.
    ``score`` is 0-100 (see :mod:`talent.services.dedup` for how it is computed) and
    ``reason`` says, readably, what agreed and what did not.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Not the same person")

    candidate_a = models.ForeignKey(Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="+")
    candidate_b = models.ForeignKey(Candidate, verbose_name=_("possible duplicate"), on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    import_run = models.ForeignKey(ImportRun, verbose_name=_("found by import"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="possible_duplicates")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["status", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["candidate_a", "candidate_b"], name="possibleduplicate_pair_unique"),
            models.CheckConstraint(condition=Q(candidate_a__lt=models.F("candidate_b")), name="possibleduplicate_pair_ordered"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="possibleduplicate_score_range"),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="possibleduplicate_status_idx")]

    def __str__(self) -> str:
        return f"{self.candidate_a_id} ~ {self.candidate_b_id} ({self.score})"


class CandidateMerge(models.Model):
    """A record of duplicates folded into a surviving candidate (:func:`talent.services.merge.candidate_merge`).

    ``merged_ids`` are the ids the duplicates had; ``snapshot`` holds each duplicate's
    fields as they were (``{"<id>": {"full_name": ..., ...}}``) and ``moved`` what was
    moved or dropped per relation (``{"authorships": {"moved": 3, "dropped": 1}, ...}``).
    """

    survivor = models.ForeignKey(Candidate, verbose_name=_("surviving candidate"), null=True, on_delete=models.SET_NULL,
                                 related_name="merges")
    merged_ids = models.JSONField(_("merged candidate ids"), default=list)
    snapshot = models.JSONField(_("snapshot of the merged records"), default=dict)
    moved = models.JSONField(_("relations moved"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("merged by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("candidate merge")
        verbose_name_plural = _("candidate merges")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_ids} → {self.survivor_id}"


class ErasedIdentity(models.Model):
    """A tombstone: a keyed one-way hash of one identifier of a person whose data was erased.

    Written by :func:`talent.services.erasure.candidate_erase`, one row per identifier
    (normalised e-mail, e-mail mailbox, research id, name with affiliation), so that an
    import in any format recognises the person and skips them instead of bringing them
    back. Nothing here can be turned back into the identifier (HMAC-SHA256 with a secret
    key, ``TALENT_ERASURE_SECRET``).
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail")
        MAILBOX = "mailbox", _("e-mail mailbox")
        RESEARCH_ID = "research_id", _("research id")
        NAME_AFFILIATION = "name_affiliation", _("name with affiliation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    digest = models.CharField(_("keyed hash"), max_length=64)
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        verbose_name = _("erased identity")
        verbose_name_plural = _("erased identities")
        ordering = ["-erased_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "digest"], name="erasedidentity_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.digest[:12]}…"
