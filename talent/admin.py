"""Admin for the talent app: candidates, publications, venues, specialties."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .errors import DomainError
from .models import (
    Authorship,
    CandidateMerge,
    CareerEntry,
    ErasedIdentity,
    ImportRun,
    PossibleDuplicate,
    Publication,
    ResearchProfile,
    Specialty,
    Venue,
    VenueAlias,
)
from .services import names as name_rules


def money_fields_default_to_base_currency(form_class: type) -> type:
    """Preselect ``settings.BASE_CURRENCY`` in every money field of ``form_class`` that has no value.

    The models leave ``default_currency`` unset (it would be frozen into migrations), so
    without this the currency list starts on whatever sorts first and an amount typed
    without touching it is stored in the wrong currency.
    """
    from djmoney.forms.fields import MoneyField as MoneyFormField

    from .conf import setting

    base = setting("BASE_CURRENCY")
    for field in getattr(form_class, "base_fields", {}).values():
        if base and isinstance(field, MoneyFormField):
            field.widget.default_currency = base
            amount = field.initial[0] if isinstance(field.initial, list | tuple) and field.initial else None
            field.initial = [amount, base]
    return form_class


class BaseCurrencyAdminMixin:
    """Money fields of this admin's form and inline forms start on the base currency."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        return money_fields_default_to_base_currency(super().get_form(request, obj, change=change, **kwargs))


class BaseCurrencyInlineMixin:
    """Money fields of this inline's forms start on the base currency."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        money_fields_default_to_base_currency(formset.form)
        return formset


def apply_to_each(modeladmin, request, rows, act, success, on_error=None) -> int:
    """Run ``act(row)`` on each row (an admin action through a service); return how many succeeded.

    A row refused with ``DomainError`` or ``ValidationError`` is reported and the others go
    on: ``on_error(exc, row)`` reports it (default: one error message "row: reason").
    ``success(count)`` gives the translated message shown when at least one row succeeded.
    """
    from django.core.exceptions import ValidationError

    done = 0
    for row in rows:
        try:
            act(row)
            done += 1
        except (DomainError, ValidationError) as exc:
            if on_error is not None:
                on_error(exc, row)
            else:
                modeladmin.message_user(request, f"{row}: {exc}", messages.ERROR)
    if done:
        modeladmin.message_user(request, success(done), messages.SUCCESS)
    return done

def report_service_error(modeladmin, request, exc: Exception, subject: object = None) -> None:
    """Show a service's refusal to the recruiter: one message per error, with the field's label when it names one.

    ``exc`` is a ``DomainError`` or a ``ValidationError`` (keyed by field or not); ``subject``
    (e.g. the row an action failed on) prefixes each message.
    """
    from django.core.exceptions import FieldDoesNotExist, ValidationError

    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        items = list(exc.message_dict.items())
    elif isinstance(exc, ValidationError):
        items = [(None, exc.messages)]
    elif isinstance(exc, DomainError):
        items = [(None, [exc.message])]
    else:
        items = [(None, [str(exc)])]
    for field, texts in items:
        try:
            label = str(modeladmin.model._meta.get_field(field).verbose_name) if field and field != "__all__" else ""
        except FieldDoesNotExist:
            label = ""
        for text in texts:
            parts = [str(part) for part in (subject, label) if part]
            modeladmin.message_user(request, ": ".join([*parts, text]), messages.ERROR)


class ServiceErrorsAdminMixin:
    """Show a rule a service enforces at save time as an error message, not a 500.

    Forms run the services' checks first, so their errors show next to the fields; this
    catches what changed between the check and the save (a colleague moved the record
    meanwhile). ``changeform_view`` runs in a transaction, so the whole save is rolled back
    and the page reloads with the message.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        from django.core.exceptions import ValidationError
        from django.http import HttpResponseRedirect

        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (DomainError, ValidationError) as exc:
            report_service_error(self, request, exc)
            return HttpResponseRedirect(request.get_full_path())


class ViewOnlyAdminMixin:
    """For records the system writes (profiles, import runs, merges, scores, history):
    recruiters see them but never add or edit them by hand. Deleting stays possible."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

class AuthorshipInline(admin.TabularInline):
    """A candidate's papers, listed read-only in one query (a prolific author has hundreds).

    Papers arrive by import; one is added or corrected by hand in *Authorships*.
    """

    model = Authorship
    extra = 0
    fields = ["publication", "venue", "year", "position", "is_corresponding", "affiliation_raw"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("publication__venue", "candidate")

    @admin.display(description=_("venue"))
    def venue(self, obj: Authorship) -> str:
        return str(obj.publication.venue or obj.publication.venue_raw)

    @admin.display(description=_("year"))
    def year(self, obj: Authorship) -> int:
        return obj.publication.year


class PublicationAuthorshipInline(AuthorshipInline):
    """A paper's authors in order, read-only."""

    fields = ["candidate", "position", "is_corresponding", "affiliation_raw"]
    readonly_fields = fields
    ordering = ["position"]


class CareerEntryInline(admin.TabularInline):
    model = CareerEntry
    extra = 0
    fields = ["kind", "organisation", "title", "area", "start_on", "start_precision", "end_on", "end_precision", "source"]


class CandidateImportForm(forms.Form):
    """The admin import page's form: which format, which file, and whether to write."""

    format = forms.ChoiceField(label=_("format"), choices=[
        ("proceedings", _("Conference proceedings CSV (Conference,Year,Title,Author,Affiliation)")),
        ("bibtex", _("BibTeX")),
        ("dblp", _("DBLP XML")),
        ("jsonresume", _("JSON Resume")),
        ("spreadsheet", _("Spreadsheet (CSV or XLSX, documented columns)")),
        ("linkedin", _("LinkedIn Connections.csv")),
    ])
    file = forms.FileField(label=_("file"), help_text=_("UTF-8 (with or without BOM) or GB18030/GBK."))
    dry_run = forms.BooleanField(label=_("dry run (write nothing, show what would happen)"), required=False, initial=True)


# Registered once, with crm's pipeline and compensation's offers, in compensation/admin.py.
class CandidateAdmin(BaseCurrencyAdminMixin, SimpleHistoryAdmin):
    """The recruiter's candidate list and page: search in both scripts (accents ignored),
    papers, career, history, import and merge. crm and compensation subclass it to add the
    pipeline, fit scores and offers (talent imports neither)."""

    list_display = ["full_name", "native_name", "current_employer", "highest_degree", "search_status", "city", "source", "updated_at"]
    list_filter = ["highest_degree", "search_status", "source", "consent_status", "is_open_to_relocation", "is_fictional", "specialties"]
    search_fields = ["full_name", "native_name", "email", "current_employer", "dblp_pid", "orcid", "openreview_id", "name_key"]
    list_select_related = ["current_company", "owner"]
    autocomplete_fields = ["current_company", "owner", "specialties"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AuthorshipInline, CareerEntryInline]
    date_hierarchy = "created_at"
    actions = ["merge_candidates"]

    def get_search_results(self, request, queryset, search_term):
        """Also match names ignoring accents, case and spacing ("Jégou" finds "Jegou")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = name_rules.name_key(search_term)
        if key:
            results = results | queryset.filter(name_key__contains=key)
        return results, may_have_duplicates

    @admin.action(description=_("Merge selected candidates (one person)"), permissions=["delete"])
    def merge_candidates(self, request, queryset):
        """Ask which record survives and why, then merge (talent.services.merge.candidate_merge)."""
        from .services.merge import candidate_merge

        chosen = list(queryset.order_by("id"))
        if len(chosen) < 2:
            self.message_user(request, _("Select at least two candidates to merge."), messages.WARNING)
            return None
        if request.POST.get("confirm") == "yes":
            reason = request.POST.get("reason", "")
            survivor = next((c for c in chosen if str(c.pk) == request.POST.get("survivor")), chosen[0])
            try:
                merge = candidate_merge(survivor=survivor, duplicates=[c for c in chosen if c.pk != survivor.pk],
                                        reason=reason, actor=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
            self.message_user(request, _("%(n)d records merged into “%(name)s”.") % {
                "n": len(merge.merged_ids), "name": survivor}, messages.SUCCESS)
            return None
        context = {**self.admin_site.each_context(request), "opts": self.opts, "candidates": chosen,
                   "title": _("Merge candidates"), "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/talent/candidate/merge_confirmation.html", context)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        own = [path("import/", self.admin_site.admin_view(self.import_view), name=name)]
        return own + super().get_urls()

    def import_view(self, request):
        """Upload a file in one of the import formats; show the per-row report (talent/importers)."""
        from .importers import ImportFileError, import_file

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CandidateImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_file(form.cleaned_data["format"], upload.read(), file_name=upload.name,
                                     dry_run=form.cleaned_data["dry_run"], actor=request.user)
            except ImportFileError as exc:
                form.add_error("file", exc.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": _("Import candidates"), "form": form, "report": report,
            "summary": report.to_summary() if report else None,
            "rows": report.results[:1000] if report else [],
        }
        return TemplateResponse(request, "admin/talent/candidate/import.html", context)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "slug", "parent"]
    list_filter = ["parent"]
    search_fields = ["name", "name_zh", "slug"]
    list_select_related = ["parent"]


class VenueAliasInline(admin.TabularInline):
    model = VenueAlias
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "tier", "ccf_rank", "core_rank", "area"]
    list_filter = ["tier", "kind", "ccf_rank", "core_rank", "area"]
    search_fields = ["acronym", "name", "aliases__alias"]
    list_select_related = []
    inlines = [VenueAliasInline]


@admin.register(VenueAlias)
class VenueAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "venue"]
    list_filter = ["venue__tier"]
    search_fields = ["alias", "venue__acronym"]
    list_select_related = ["venue"]
    autocomplete_fields = ["venue"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "venue", "venue_raw", "year", "is_workshop", "is_preprint"]
    list_filter = ["venue__tier", "venue", "year", "is_workshop", "is_preprint"]
    search_fields = ["title", "venue_raw", "doi", "authorships__candidate__full_name"]
    list_select_related = ["venue"]
    autocomplete_fields = ["venue"]
    inlines = [PublicationAuthorshipInline]


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ["candidate", "publication", "position", "is_corresponding"]
    list_filter = ["position", "is_corresponding", "publication__venue__tier"]
    search_fields = ["candidate__full_name", "candidate__native_name", "publication__title"]
    list_select_related = ["candidate", "publication"]
    autocomplete_fields = ["candidate", "publication"]


@admin.register(ResearchProfile)
class ResearchProfileAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["candidate", "total_papers", "tier1_papers", "first_author_top_papers", "papers_last_3_years", "latest_year"]
    list_filter = ["latest_year"]
    search_fields = ["candidate__full_name", "candidate__native_name"]
    list_select_related = ["candidate"]
    readonly_fields = ["updated_at"]

    @admin.display(description=_("candidate"))
    def candidate_name(self, obj):  # pragma: no cover - display only
        return str(obj.candidate)


@admin.register(CareerEntry)
class CareerEntryAdmin(admin.ModelAdmin):
    list_display = ["candidate", "kind", "organisation", "title", "start_on", "start_precision", "end_on", "end_precision"]
    list_filter = ["kind", "source", "start_precision"]
    search_fields = ["candidate__full_name", "candidate__native_name", "organisation", "title"]
    list_select_related = ["candidate"]
    autocomplete_fields = ["candidate"]


@admin.register(ImportRun)
class ImportRunAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "format", "file_name", "encoding", "actor", "finished_at"]
    list_filter = ["format", "is_dry_run"]
    search_fields = ["file_name"]
    list_select_related = ["actor"]
    readonly_fields = ["format", "file_name", "encoding", "is_dry_run", "actor", "summary", "issues", "started_at",
                       "finished_at"]



@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(admin.ModelAdmin):
    """Pairs below the certainty threshold: a recruiter merges them or says they differ."""

    list_display = ["candidate_a", "employer_a", "candidate_b", "employer_b", "score", "reason", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["candidate_a__full_name", "candidate_b__full_name", "candidate_a__native_name",
                     "candidate_b__native_name", "reason"]
    list_select_related = ["candidate_a", "candidate_b"]
    autocomplete_fields = ["candidate_a", "candidate_b"]
    readonly_fields = ["created_at", "resolved_at", "resolved_by", "import_run"]
    actions = ["merge_pairs", "dismiss_pairs"]

    def has_add_permission(self, request) -> bool:
        # Pairs come from imports; to join two records by hand, select them in the
        # candidate list and use "Merge selected candidates".
        return False

    @admin.display(description=_("employer"), ordering="candidate_a__current_employer")
    def employer_a(self, obj) -> str:
        return obj.candidate_a.current_employer

    @admin.display(description=_("employer"), ordering="candidate_b__current_employer")
    def employer_b(self, obj) -> str:
        return obj.candidate_b.current_employer

    @admin.action(description=_("Merge: same person (the older record survives)"))
    def merge_pairs(self, request, queryset):
        from .services.merge import candidate_merge

        merged = 0
        for pair in queryset.filter(status=PossibleDuplicate.Status.OPEN).select_related("candidate_a", "candidate_b"):
            try:
                candidate_merge(survivor=pair.candidate_a, duplicates=[pair.candidate_b], actor=request.user,
                                reason=str(_("Possible duplicate confirmed by a recruiter: %(why)s")) % {"why": pair.reason})
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            merged += 1
        self.message_user(request, ngettext("%(n)d pair merged.", "%(n)d pairs merged.", merged) % {"n": merged}, messages.SUCCESS)

    @admin.action(description=_("Not the same person"))
    def dismiss_pairs(self, request, queryset):
        count = queryset.filter(status=PossibleDuplicate.Status.OPEN).update(
            status=PossibleDuplicate.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=request.user)
        self.message_user(request, ngettext("%(n)d pair dismissed.", "%(n)d pairs dismissed.", count) % {"n": count}, messages.SUCCESS)


@admin.register(CandidateMerge)
class CandidateMergeAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["merged_at", "survivor", "merged_ids", "reason", "actor"]
    list_filter = ["merged_at"]
    search_fields = ["survivor__full_name", "survivor__native_name", "reason"]
    list_select_related = ["survivor", "actor"]
    readonly_fields = ["survivor", "merged_ids", "snapshot", "moved", "reason", "actor", "merged_at"]



@admin.register(ErasedIdentity)
class ErasedIdentityAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Tombstones of erased people: keyed hashes only (nothing here says who they were)."""

    list_display = ["kind", "digest", "erased_at"]
    list_filter = ["kind"]
    search_fields = ["digest"]
    list_select_related: list[str] = []
