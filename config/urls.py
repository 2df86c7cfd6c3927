"""Root URLs: the admin (recruiters), the versioned REST API and its OpenAPI schema."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = _("Headhunter CRM")
admin.site.site_title = _("Headhunter CRM")
admin.site.index_title = _("Candidates, openings, pipeline and offers")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
