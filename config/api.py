"""REST plumbing shared by every app's API: the exception handler and pagination.

Views never ``try/except`` domain errors: this handler maps them.

* :class:`~talent.errors.DomainError` and Django's ``ValidationError`` -> 400
  ``{"message": str, "fields": {field: [messages]}}``;
* ``ObjectDoesNotExist`` -> 404 ``{"message": ...}``;
* DRF's own exceptions keep DRF's handling (400 with field errors, 401, 403, ...).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from talent.errors import DomainError


class StandardPagination(PageNumberPagination):
    """Page-number pagination: ``?page=N&page_size=M`` (at most 200 a page)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map domain and Django errors to JSON responses; defer the rest to DRF."""
    if isinstance(exc, DomainError):
        return Response({"message": exc.message, "fields": exc.fields}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages) if exc.messages else _("Invalid input.")
        return Response({"message": message, "fields": fields}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ObjectDoesNotExist):
        return Response({"message": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    return drf_exception_handler(exc, context)
