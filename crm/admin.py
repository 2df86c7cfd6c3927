"""Admin for the crm app: companies, openings, pipeline, scores, partners, reports."""

from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from talent.admin import BaseCurrencyAdminMixin, ViewOnlyAdminMixin, apply_to_each
from talent.admin import CandidateAdmin as TalentCandidateAdmin
from talent.models import Candidate

from . import pipeline
from .models import (
    Activity,
    Candidacy,
    Company,
    Contact,
    FitScore,
    FxRate,
    Opening,
    OpeningRequirement,
    Partner,
    PartnerAPIKey,
    Placement,
    ScoringRun,
    StageChange,
    WebhookEndpoint,
    WeeklyReport,
)
from .scoring.admin import CandidateScoringAdminMixin, OpeningScoringAdminMixin


@admin.register(Company)
class CompanyAdmin(BaseCurrencyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "native_name", "kind", "is_client", "is_off_limits", "funding_stage", "city"]
    list_filter = ["kind", "is_client", "is_off_limits", "funding_stage"]
    search_fields = ["name", "native_name"]
    list_select_related = []
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["full_name", "native_name", "title", "company", "email"]
    list_filter = ["company__kind"]
    search_fields = ["full_name", "native_name", "email", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


class OpeningRequirementInline(admin.TabularInline):
    model = OpeningRequirement
    extra = 0
    autocomplete_fields = ["specialty"]


@admin.register(Opening)
class OpeningAdmin(BaseCurrencyAdminMixin, OpeningScoringAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "company", "function", "level", "city", "status", "band_min", "band_max", "owner", "opened_on"]
    list_filter = ["status", "function", "level", "company__kind", "is_remote"]
    search_fields = ["title", "company__name", "city"]
    list_select_related = ["company", "owner"]
    autocomplete_fields = ["company", "owner", "manager", "shared_with"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [OpeningRequirementInline]


@admin.register(OpeningRequirement)
class OpeningRequirementAdmin(admin.ModelAdmin):
    list_display = ["opening", "specialty", "weight", "is_must_have"]
    list_filter = ["is_must_have", "specialty"]
    search_fields = ["opening__title", "specialty__name"]
    list_select_related = ["opening__company", "specialty"]
    autocomplete_fields = ["opening", "specialty"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "changed_at", "changed_by", "note", "is_reopen"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    """Candidacies; the stage is read-only here and moves through the pipeline actions."""

    list_display = ["candidate", "opening", "stage", "stage_changed_at", "owner"]
    list_filter = ["stage", "opening__status", "opening__company"]
    search_fields = ["candidate__full_name", "candidate__native_name", "opening__title", "opening__company__name"]
    list_select_related = ["candidate", "opening__company", "owner"]
    autocomplete_fields = ["candidate", "opening", "owner", "submitted_by"]
    readonly_fields = ["stage", "stage_changed_at", "created_at", "updated_at"]
    inlines = [StageChangeInline]
    actions = ["reopen"]

    def _apply(self, request, queryset, move, success) -> None:
        """Run ``move(candidacy)`` on each selected row; report failures one by one.

        ``success(count)`` returns the translated message for ``count`` rows done.
        """
        apply_to_each(self, request, queryset.select_related("candidate", "opening__company"), move, success)

    def get_actions(self, request):
        """Add one "Move to <stage>" action per stage a candidacy can move to."""
        actions = super().get_actions(request)
        for stage in MOVE_TARGETS:
            name = f"move_to_{stage}"
            actions[name] = (_move_action(stage), name, format_lazy(_("Move to {stage}"), stage=Candidacy.Stage(stage).label))
        return actions

    @admin.action(description=_("Reopen (back to the stage before it ended)"))
    def reopen(self, request, queryset):
        self._apply(request, queryset, lambda c: pipeline.candidacy_reopen(candidacy=c, actor=request.user),
                    lambda n: ngettext("%(count)d candidacy reopened.", "%(count)d candidacies reopened.", n)
                    % {"count": n})


MOVE_TARGETS = [*pipeline.FORWARD[1:], Candidacy.Stage.REJECTED, Candidacy.Stage.WITHDRAWN]


def _move_action(stage: str):
    """An admin action moving the selected candidacies to ``stage`` through the pipeline."""

    def action(modeladmin: CandidacyAdmin, request, queryset) -> None:
        def success(n: int) -> str:
            return ngettext("%(count)d candidacy moved to %(stage)s.", "%(count)d candidacies moved to %(stage)s.", n) % {
                "count": n, "stage": Candidacy.Stage(stage).label}

        modeladmin._apply(
            request, queryset,
            lambda c: pipeline.candidacy_move_stage(candidacy=c, to_stage=stage, actor=request.user),
            success,
        )

    return action


@admin.register(StageChange)
class StageChangeAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["candidacy", "from_stage", "to_stage", "changed_at", "changed_by", "is_reopen"]
    list_filter = ["to_stage", "from_stage", "is_reopen"]
    search_fields = ["candidacy__candidate__full_name", "candidacy__opening__title", "note"]
    list_select_related = ["candidacy__candidate", "candidacy__opening__company", "changed_by"]
    readonly_fields = ["candidacy", "from_stage", "to_stage", "changed_at", "changed_by", "note", "is_reopen"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "candidate", "candidacy", "occurred_at", "due_at", "completed_at"]
    list_filter = ["kind", "occurred_at"]
    search_fields = ["subject", "body", "candidate__full_name", "candidate__native_name"]
    list_select_related = ["candidate", "candidacy__opening"]
    autocomplete_fields = ["candidate", "candidacy", "created_by"]


@admin.register(Placement)
class PlacementAdmin(BaseCurrencyAdminMixin, admin.ModelAdmin):
    list_display = ["candidacy", "start_on", "first_year_cash", "fee", "invoice_status", "guarantee_ends_on"]
    list_filter = ["invoice_status", "start_on"]
    search_fields = ["candidacy__candidate__full_name", "candidacy__opening__title"]
    list_select_related = ["candidacy__candidate", "candidacy__opening"]
    autocomplete_fields = ["candidacy"]


@admin.register(FitScore)
class FitScoreAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["opening", "candidate", "score", "is_excluded", "scorer_version", "computed_at"]
    list_filter = ["is_excluded", "scorer_version", "opening"]
    search_fields = ["candidate__full_name", "candidate__native_name", "opening__title"]
    list_select_related = ["candidate", "opening__company"]
    readonly_fields = ["computed_at"]


@admin.register(ScoringRun)
class ScoringRunAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "trigger", "status", "opening_count", "candidate_count", "pair_count", "rows_written", "finished_at"]
    list_filter = ["status", "trigger"]
    search_fields = ["error", "scorer_version"]
    list_select_related = []
    readonly_fields = ["started_at", "finished_at"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "contact_email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_email", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Issue and revoke partners' API keys; the key is shown once, when it is created
    (djangorestframework-api-key stores only its hash)."""

    list_display = ["name", "partner", "prefix", "created", "expiry_date", "_has_expired", "revoked"]
    list_filter = ["revoked", "created"]
    search_fields = ["name", "prefix", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "partner", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "partner__name"]
    list_select_related = ["partner"]


@admin.register(WeeklyReport)
class WeeklyReportAdmin(admin.ModelAdmin):
    list_display = ["manager", "week_start_on", "language", "sent_at"]
    list_filter = ["week_start_on", "language"]
    search_fields = ["manager__username", "manager__email"]
    list_select_related = ["manager"]
    readonly_fields = ["created_at", "sent_at"]


class CandidacyInline(admin.TabularInline):
    model = Candidacy
    fk_name = "candidate"
    extra = 0
    fields = ["opening", "stage", "stage_changed_at", "owner"]
    readonly_fields = ["stage", "stage_changed_at"]
    autocomplete_fields = ["opening", "owner"]
    show_change_link = True


# The candidate page grows with the apps above talent: crm adds the pipeline (and fit
# scores); compensation subclasses this class again to add offers. talent imports neither.
admin.site.unregister(Candidate)


@admin.register(Candidate)
class CandidateAdmin(CandidateScoringAdminMixin, TalentCandidateAdmin):
    """The talent candidate page plus the candidate's candidacies and best-fitting openings."""

    inlines = [*TalentCandidateAdmin.inlines, CandidacyInline]


# Partners' keys are PartnerAPIKey (above); the library's own generic key model is unused.
admin.site.unregister(APIKey)


# Exchange rates are loaded from the ECB file (`manage.py load_fx_rates`), never typed in.
@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    list_display = ["rate_on", "currency", "rate_per_eur", "source"]
    list_filter = ["currency", "source"]
    search_fields = ["currency"]
    list_select_related: list[str] = []
    date_hierarchy = "rate_on"

    def has_change_permission(self, request, obj=None) -> bool:
        return False
