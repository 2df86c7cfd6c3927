"""Two concurrent moves of one candidacy on PostgreSQL: serialised by the row lock."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from crm import pipeline
from crm.models import Candidacy, StageChange
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
    assert first_holds_lock.wait(timeout=10)
    waited_on_lock = _wait_until_a_backend_waits_on_a_lock(timeout=10)
    release_first.set()
    t1.join(timeout=10)
    t2.join(timeout=10)

    assert errors == []
    assert not t1.is_alive() and not t2.is_alive()
    assert waited_on_lock, "the second move must wait for the first one's row lock (pg_stat_activity)"
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.SCREENING
    history = list(candidacy.stage_changes.exclude(from_stage="").order_by("changed_at", "id")
                   .values_list("from_stage", "to_stage", "note"))
    assert history == [
        (Stage.SOURCED, Stage.CONTACTED, "first"),
        (Stage.CONTACTED, Stage.SCREENING, "second"),
    ]


def _wait_until_a_backend_waits_on_a_lock(*, timeout: float) -> bool:
    """Return True once another session of this database is blocked on a lock (PostgreSQL's own view).

    pg_stat_activity says ``wait_event_type = 'Lock'`` for a backend blocked by a row lock:
    the second move's ``SELECT ... FOR UPDATE``, waiting for the first transaction.
    """
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query ILIKE %s",
                ["%FOR UPDATE%"],
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_two_recruiters_adding_the_same_candidate_at_once_get_one_candidacy_and_a_clear_refusal():
    """Both pass the "already there?" check; the database's unique constraint decides and the
    loser gets DuplicateCandidacy naming the winner's candidacy, never an IntegrityError."""
    from crm import services
    from tests.crm.factories import OpeningFactory
    from tests.talent.factories import CandidateFactory

    candidate, opening = CandidateFactory(), OpeningFactory()
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[object] = []

    def add(note: str) -> None:
        try:
            with transaction.atomic():
                barrier.wait()  # both transactions are open before either inserts
                outcomes.append(services.candidacy_create(candidate=candidate, opening=opening, note=note))
        except BaseException as exc:  # reported by the main thread
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    created = [o for o in outcomes if isinstance(o, Candidacy)]
    refused = [o for o in outcomes if isinstance(o, services.DuplicateCandidacy)]
    assert len(created) == 1 and len(refused) == 1, outcomes
    assert refused[0].existing.pk == created[0].pk
    assert Candidacy.objects.filter(candidate=candidate, opening=opening).count() == 1
    assert StageChange.objects.filter(candidacy__candidate=candidate).count() == 1
