"""Pipeline moves from the candidacy changelist go through crm.pipeline, row by row."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from crm.models import Candidacy, StageChange
from tests.crm.factories import CandidacyFactory

Stage = Candidacy.Stage
pytestmark = pytest.mark.django_db


def post_action(client, action: str, candidacies):
    return client.post(
        reverse("admin:crm_candidacy_changelist"),
        {"action": action, "_selected_action": [c.pk for c in candidacies]},
        follow=True,
    )


def test_changelist_offers_a_move_action_per_target_stage(client, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("admin:crm_candidacy_changelist"))

    choices = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert {"move_to_contacted", "move_to_placed", "move_to_rejected", "move_to_withdrawn", "reopen"} <= set(choices)


def test_move_action_moves_legal_rows_and_reports_illegal_ones(client, recruiter):
    client.force_login(recruiter)
    movable = CandidacyFactory(stage=Stage.SOURCED)
    stuck = CandidacyFactory(stage=Stage.INTERVIEWING)

    response = post_action(client, "move_to_contacted", [movable, stuck])

    movable.refresh_from_db()
    stuck.refresh_from_db()
    assert (movable.stage, stuck.stage) == (Stage.CONTACTED, Stage.INTERVIEWING)
    change = StageChange.objects.get()
    assert (change.candidacy, change.changed_by) == (movable, recruiter)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("1 candidacy moved to Contacted" in t for t in texts)
    assert any("cannot move from Interviewing to Contacted" in t for t in texts)


def test_reopen_action_records_the_reopen(client, recruiter):
    client.force_login(recruiter)
    ended = CandidacyFactory(stage=Stage.REJECTED)

    post_action(client, "reopen", [ended])

    ended.refresh_from_db()
    assert ended.stage == Stage.SOURCED
    assert StageChange.objects.get().is_reopen


def test_partner_api_key_is_issued_from_the_admin_and_shown_once(client, recruiter):
    from crm.models import PartnerAPIKey
    from tests.crm.factories import PartnerFactory

    partner = PartnerFactory()
    client.force_login(recruiter)

    response = client.post(reverse("admin:crm_partnerapikey_add"), {"name": "CI key", "partner": partner.pk}, follow=True)

    key = PartnerAPIKey.objects.get(partner=partner)
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    plain = re.search(r"The API key for CI key is: (\S+)\. ", shown).group(1)
    assert response.status_code == 200
    assert key.prefix in shown
    assert PartnerAPIKey.objects.is_valid(plain)
