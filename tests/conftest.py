"""Shared fixtures: a recruiter login, an API client."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def recruiter(django_user_model):
    return django_user_model.objects.create_user(
        username="recruiter", email="recruiter@example.com", password="pw-recruiter", is_staff=True, is_superuser=True
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the default language: a request in Chinese must not leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
