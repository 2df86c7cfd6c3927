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
