"""Two concurrent moves of one candidacy on PostgreSQL: serialised by the row lock."""

import threading

import pytest
from django.db import connection, connections, transaction

from crm import pipeline
from crm.models import Candidacy
from tests.crm.factories import CandidacyFactory

Stage = Candidacy.Stage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) need PostgreSQL: set DATABASE_URL (CI does)",
    ),
]


def test_concurrent_moves_are_serialised_and_neither_is_lost():
    candidacy = CandidacyFactory(stage=Stage.SOURCED)
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                pipeline.candidacy_move_stage(candidacy=candidacy, to_stage=Stage.CONTACTED, note="first")
                first_holds_lock.set()
                release_first.wait(timeout=10)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_holds_lock.wait(timeout=10)
            # A stale instance: it still says "sourced"; the lock makes it re-read.
            pipeline.candidacy_move_stage(candidacy=candidacy, to_stage=Stage.SCREENING, note="second")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    first_holds_lock.wait(timeout=10)
    t2.join(timeout=0.5)
    second_was_blocked = t2.is_alive()
    release_first.set()
    t1.join(timeout=10)
    t2.join(timeout=10)

    assert errors == []
    assert second_was_blocked, "the second move must wait for the first one's row lock"
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.SCREENING
    history = list(candidacy.stage_changes.order_by("changed_at", "id").values_list("from_stage", "to_stage", "note"))
    assert history == [
        (Stage.SOURCED, Stage.CONTACTED, "first"),
        (Stage.CONTACTED, Stage.SCREENING, "second"),
    ]
