"""Admin for the talent app: candidates, publications, venues, specialties."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Authorship, Candidate, Publication, ResearchProfile, Specialty, Venue, VenueAlias


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["publication"]
    fields = ["publication", "position", "is_corresponding", "affiliation_raw"]


class PublicationAuthorshipInline(AuthorshipInline):
    autocomplete_fields = ["candidate"]
    fields = ["candidate", "position", "is_corresponding", "affiliation_raw"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "native_name", "current_employer", "highest_degree", "search_status", "city", "source", "updated_at"]
    list_filter = ["highest_degree", "search_status", "source", "consent_status", "is_open_to_relocation", "is_fictional", "specialties"]
    search_fields = ["full_name", "native_name", "email", "current_employer", "dblp_pid", "orcid", "openreview_id"]
    list_select_related = ["current_company", "owner"]
    autocomplete_fields = ["current_company", "owner", "specialties"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AuthorshipInline]
    date_hierarchy = "created_at"


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
class ResearchProfileAdmin(admin.ModelAdmin):
    list_display = ["candidate", "total_papers", "tier1_papers", "first_author_top_papers", "papers_last_3_years", "latest_year"]
    list_filter = ["latest_year"]
    search_fields = ["candidate__full_name", "candidate__native_name"]
    list_select_related = ["candidate"]
    readonly_fields = ["updated_at"]

    @admin.display(description=_("candidate"))
    def candidate_name(self, obj):  # pragma: no cover - display only
        return str(obj.candidate)
