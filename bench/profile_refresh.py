"""Benchmark research_profiles_refresh on synthetic data; prints time and rows per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_ref .venv/bin/python bench/profile_refresh.py --candidates 10000

Creates N fictional candidates with P papers each (every paper has two candidate
authors, so N*P authorships over N*P/2 publications, at real venues with real-looking
titles), refreshes all their profiles twice (first run inserts, second updates), prints
the figures, and rolls everything back (all inside one transaction, so the batches'
own transactions are savepoints here). Migrates the database first.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from talent.models import Authorship, Candidate, Publication, ResearchProfile, Venue  # noqa: E402
from talent.services.profile import BATCH_SIZE, research_profiles_refresh  # noqa: E402
from talent.services.reference import reference_data_load  # noqa: E402

MARK = "bench-profile"
TITLES = [
    "Offline Reinforcement Learning with {} Constraints", "Scaling Laws for {} Language Models",
    "Sim-to-Real Transfer of {} Policies", "Graph Neural Networks for {} Prediction",
    "Denoising Diffusion for {} Synthesis", "A Study of {} Optimisation", "Multi-Agent {} Coordination",
]


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)  # the embedded database may be fresh
    with transaction.atomic():
        run()
        transaction.set_rollback(True)


def run() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--papers", type=int, default=3, help="papers per candidate")
    args = parser.parse_args()
    rng = random.Random(7)

    reference_data_load()
    venues = list(Venue.objects.filter(acronym__in=["NeurIPS", "ICML", "ICLR", "IROS", "CoRL", "ACL", "arXiv"]))
    t0 = time.perf_counter()
    cands = Candidate.objects.bulk_create(
        [Candidate(full_name=f"{MARK} {i}", email=f"{MARK}-{i}@example.invalid", is_fictional=True)
         for i in range(args.candidates)], batch_size=2000,
    )
    n_pubs = args.candidates * args.papers // 2
    pubs = []
    for i in range(n_pubs):
        venue = rng.choice(venues)
        title = f"{MARK} " + rng.choice(TITLES).format(f"Topic{i}")
        pubs.append(Publication(title=title, title_key=title.lower().replace(" ", ""), venue=venue,
                                venue_raw=venue.acronym, year=rng.randint(2010, 2026),
                                is_preprint=venue.kind == Venue.Kind.PREPRINT))
    pubs = Publication.objects.bulk_create(pubs, batch_size=2000)
    authorships = []
    slots = [c.pk for c in cands for _ in range(args.papers)]
    rng.shuffle(slots)
    for i, pub in enumerate(pubs):
        a, b = slots[2 * i], slots[2 * i + 1]
        authorships.append(Authorship(candidate_id=a, publication=pub, position=1))
        if b != a:
            authorships.append(Authorship(candidate_id=b, publication=pub, position=2))
    Authorship.objects.bulk_create(authorships, batch_size=2000, ignore_conflicts=True)
    ids = [c.pk for c in cands]
    print(f"setup: {len(ids)} candidates, {len(pubs)} publications, {len(authorships)} authorships "
          f"in {time.perf_counter() - t0:.1f} s on {connection.vendor}")

    for label in ("insert", "update"):
        start = time.perf_counter()
        written = research_profiles_refresh(ids)
        elapsed = time.perf_counter() - start
        print(f"refresh ({label}): {written} profiles in {elapsed:.2f} s = {written / elapsed:,.0f} profiles/s "
              f"({len(authorships) / elapsed:,.0f} authorships/s; batch size {BATCH_SIZE})")
    sample = ResearchProfile.objects.filter(candidate_id=ids[0]).values().first()
    print("sample profile:", sample)


if __name__ == "__main__":
    main()
