"""Admin for the crm app: companies, openings, pipeline, scores, partners, reports."""

from django import forms
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from talent.admin import BaseCurrencyAdminMixin, ServiceErrorsAdminMixin, ViewOnlyAdminMixin, apply_to_each
from talent.errors import DomainError

from . import pipeline, services
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
class CompanyAdmin(BaseCurrencyAdminMixin, ServiceErrorsAdminMixin, admin.ModelAdmin):
    list_display = ["name", "native_name", "kind", "is_client", "is_off_limits", "funding_stage", "city"]
    list_filter = ["kind", "is_client", "is_off_limits", "funding_stage"]
    search_fields = ["name", "native_name"]
    list_select_related = []
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj: Company, form, change: bool) -> None:
        services.company_save(company=obj, actor=request.user)


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
class OpeningAdmin(BaseCurrencyAdminMixin, ServiceErrorsAdminMixin, OpeningScoringAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "company", "function", "level", "city", "status", "band_min", "band_max", "owner", "opened_on"]
    list_filter = ["status", "function", "level", "company__kind", "is_remote"]
    search_fields = ["title", "company__name", "city"]
    list_select_related = ["company", "owner"]
    autocomplete_fields = ["company", "owner", "manager", "shared_with"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [OpeningRequirementInline]

    def save_model(self, request, obj: Opening, form, change: bool) -> None:
        services.opening_save(opening=obj, actor=request.user)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            services.opening_requirements_changed(opening=form.instance)


@admin.register(OpeningRequirement)
class OpeningRequirementAdmin(admin.ModelAdmin):
    list_display = ["opening", "specialty", "weight", "is_must_have"]
    list_filter = ["is_must_have", "specialty"]
    search_fields = ["opening__title", "specialty__name"]
    list_select_related = ["opening__company", "specialty"]
    autocomplete_fields = ["opening", "specialty"]

    def save_model(self, request, obj: OpeningRequirement, form, change: bool) -> None:
        services.opening_requirement_save(requirement=obj, actor=request.user)

    def delete_model(self, request, obj: OpeningRequirement) -> None:
        services.opening_requirement_delete(requirement=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for requirement in queryset.select_related("opening"):
            services.opening_requirement_delete(requirement=requirement, actor=request.user)


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "changed_at", "changed_by", "note", "is_reopen"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CandidacyAddForm(forms.ModelForm):
    """Add a candidate to an opening's pipeline; saved through :func:`crm.services.candidacy_create`."""

    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Candidacy
        fields = ["candidate", "opening", "owner", "off_limits_override_reason"]

    def _get_validation_exclusions(self):
        """The one-candidacy-per-pair rule is the service's (it names the existing candidacy)."""
        return {*super()._get_validation_exclusions(), "candidate"}

    def clean(self):
        cleaned = super().clean()
        candidate, opening = cleaned.get("candidate"), cleaned.get("opening")
        if candidate is not None and opening is not None:
            try:
                services.candidacy_create_check(candidate=candidate, opening=opening,
                                                off_limits_override_reason=cleaned.get("off_limits_override_reason", ""))
            except DomainError as exc:
                for field, messages_ in (exc.fields or {"candidate": [exc.message]}).items():
                    for message in messages_:
                        self.add_error(field if field in self.fields else None, message)
        return cleaned


class CandidacyAdmin(ServiceErrorsAdminMixin, SimpleHistoryAdmin):
    """Candidacies. Added through :func:`crm.services.candidacy_create`; the stage is read-only
    and moves through the pipeline actions; the owner changes through ``candidacy_assign``.

    Registered once, with the offers of the compensation app, in ``compensation/admin.py``.
    """

    list_display = ["candidate", "opening", "stage", "stage_changed_at", "owner"]
    list_filter = ["stage", "opening__status", "opening__company"]
    search_fields = ["candidate__full_name", "candidate__native_name", "opening__title", "opening__company__name"]
    list_select_related = ["candidate", "opening__company", "owner"]
    autocomplete_fields = ["candidate", "opening", "owner", "submitted_by"]
    readonly_fields = ["stage", "stage_changed_at", "created_at", "updated_at"]
    inlines = [StageChangeInline]
    actions = ["reopen"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = CandidacyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["candidate", "opening", "owner", "note", "off_limits_override_reason"]
        return ["candidate", "opening", "stage", "stage_changed_at", "owner", "submitted_by",
                "off_limits_override_reason", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "candidate", "opening", "submitted_by", "off_limits_override_reason"]

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj: Candidacy, form, change: bool) -> None:
        if change:
            if "owner" in form.changed_data:
                services.candidacy_assign(candidacy=obj, owner=obj.owner, actor=request.user)
            return
        created = services.candidacy_create(
            candidate=obj.candidate, opening=obj.opening, actor=request.user, owner=obj.owner,
            note=form.cleaned_data.get("note", ""), off_limits_override_reason=obj.off_limits_override_reason,
        )
        obj.pk, obj.stage, obj.stage_changed_at = created.pk, created.stage, created.stage_changed_at

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
class ActivityAdmin(ServiceErrorsAdminMixin, admin.ModelAdmin):
    """Calls, e-mails, meetings, notes and follow-ups: logged through :func:`crm.services.activity_log`
    (the author is the logged-in user), corrected through ``activity_update``, done through
    ``follow_up_complete``."""

    list_display = ["subject", "kind", "candidate", "candidacy", "occurred_at", "due_at", "completed_at", "created_by"]
    list_filter = ["kind", "occurred_at"]
    search_fields = ["subject", "body", "candidate__full_name", "candidate__native_name"]
    list_select_related = ["candidate", "candidacy__opening__company", "created_by"]
    autocomplete_fields = ["candidate", "candidacy"]
    readonly_fields = ["created_by", "completed_at", "completed_by"]
    actions = ["mark_done"]

    def get_fields(self, request, obj=None):
        fields = ["candidate", "candidacy", "kind", "subject", "body", "occurred_at", "due_at"]
        return fields if obj is None else [*fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else [*self.readonly_fields, "candidate", "candidacy", "kind"]

    def save_model(self, request, obj: Activity, form, change: bool) -> None:
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data
                       if name in ("subject", "body", "occurred_at", "due_at")}
            services.activity_update(activity=obj, actor=request.user, **changes)
            return
        created = services.activity_log(
            actor=request.user, kind=obj.kind, subject=obj.subject, candidate=obj.candidate, candidacy=obj.candidacy,
            body=obj.body, occurred_at=obj.occurred_at, due_at=obj.due_at,
        )
        obj.pk, obj.created_by = created.pk, created.created_by

    @admin.action(description=_("Mark the selected follow-ups done"))
    def mark_done(self, request, queryset):
        apply_to_each(self, request, queryset, lambda a: services.follow_up_complete(activity=a, actor=request.user),
                      lambda n: ngettext("%(count)d follow-up done.", "%(count)d follow-ups done.", n) % {"count": n})


@admin.register(Placement)
class PlacementAdmin(BaseCurrencyAdminMixin, ServiceErrorsAdminMixin, SimpleHistoryAdmin):
    """Placements are recorded from an accepted offer (Offers, action "Record the placement"), which sets
    year-1 cash, the fee and the guarantee; here the invoice status and dates change through ``placement_update``."""

    list_display = ["candidacy", "start_on", "year1_cash", "fee", "invoice_status", "guarantee_ends_on", "created_by"]
    list_filter = ["invoice_status", "start_on"]
    search_fields = ["candidacy__candidate__full_name", "candidacy__opening__title"]
    list_select_related = ["candidacy__candidate", "candidacy__opening__company", "created_by"]
    autocomplete_fields = ["candidacy"]
    readonly_fields = ["candidacy", "year1_cash", "fee", "created_by", "created_at"]
    fields = ["candidacy", "start_on", "year1_cash", "fee", "invoice_status", "guarantee_ends_on", "created_by",
              "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj: Placement, form, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data
                   if name in ("invoice_status", "start_on", "guarantee_ends_on")}
        services.placement_update(placement=obj, actor=request.user, **changes)


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
    """The candidate's candidacies, read-only: add one through the candidacy form (``candidacy_create``)."""

    model = Candidacy
    fk_name = "candidate"
    extra = 0
    fields = ["opening", "stage", "stage_changed_at", "owner"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CandidatePipelineAdminMixin(CandidateScoringAdminMixin):
    """The crm part of the candidate page: their candidacies and best-fitting openings.

    The page is assembled once, in ``compensation/admin.py`` (the highest app), from this
    mixin, compensation's offers and talent's :class:`~talent.admin.CandidateAdmin`.
    """

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), CandidacyInline]


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
