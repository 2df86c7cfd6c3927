"""The API exception handler maps domain and Django errors to 400/404 JSON."""

from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from talent.errors import DomainError
from talent.models import Candidate


class Boom(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    error: Exception = Exception()

    def get(self, request):
        raise self.error


def call(error: Exception):
    view = Boom.as_view(error=error)
    return view(APIRequestFactory().get("/"))


def test_domain_error_is_400_with_message_and_fields():
    response = call(DomainError("No offer for a withdrawn candidacy.", fields={"candidacy": ["withdrawn"]}))

    assert response.status_code == 400
    assert response.data == {"message": "No offer for a withdrawn candidacy.", "fields": {"candidacy": ["withdrawn"]}}


def test_django_validation_error_is_400_with_field_errors():
    response = call(ValidationError({"band_min": ["Band minimum must not be above the band maximum."]}))

    assert response.status_code == 400
    assert response.data["fields"] == {"band_min": ["Band minimum must not be above the band maximum."]}


def test_missing_object_is_404():
    response = call(Candidate.DoesNotExist())

    assert response.status_code == 404
