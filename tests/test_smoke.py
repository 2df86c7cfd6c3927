import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_admin_index_loads_for_recruiter(client, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
