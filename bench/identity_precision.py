"""Measure identity resolution on real files: pairs left for a recruiter, and samples to check by hand.

    VAR_DIR=/tmp/idprec .venv/bin/python bench/identity_precision.py \\
        proceedings talent/data/demo/icml_nips_iclr_papers_2019snapshot.csv [more FORMAT FILE pairs] \\
        [--sample 50] [--seed 13] [--out report.txt]

Runs on a fresh SQLite file under ``VAR_DIR`` (migrated, reference data loaded): imports
each ``FORMAT FILE`` in order with ``talent.importers.import_file`` (the service behind
``manage.py import_candidates``), then prints

* the possible-duplicate pairs left (``PossibleDuplicate``), by reason;
* the rows joined to an existing person on a *name* (not an e-mail or id), by the
  evidence that joined them (co-author, affiliation, distinctive name with a shared field);
* a seeded random sample of ``--sample`` joins and ``--sample`` flags, each with what a
  reader needs to judge it: both names, the row's paper, venue, year, affiliation and
  co-authors, and the other side's papers, affiliations and co-authors.

The verdicts are a person's, not the script's: read the samples and count. Never part of
the test run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _setup() -> None:
    var_dir = os.environ.get("VAR_DIR")
    if not var_dir:
        sys.exit("Set VAR_DIR to an empty directory for the SQLite file (e.g. VAR_DIR=/tmp/idprec).")
    db = Path(var_dir) / "db.sqlite3"
    if db.exists():
        db.unlink()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def _profile(candidate_id: int, skip_publication: int | None = None, limit: int = 4) -> list[str]:
    """Lines describing a candidate's papers (title, venue, year, affiliation, co-authors)."""
    from talent.models import Authorship

    lines = []
    rows = (Authorship.objects.filter(candidate_id=candidate_id).select_related("publication")
            .order_by("publication__year"))
    for a in rows:
        if a.publication_id == skip_publication:
            continue
        coauthors = list(Authorship.objects.filter(publication_id=a.publication_id)
                         .exclude(candidate_id=candidate_id).values_list("candidate__full_name", flat=True)[:6])
        lines.append(f"      {a.publication.year} {a.publication.venue_raw or '-'}: {a.publication.title[:70]}"
                     f" | aff: {a.affiliation_raw or '-'} | with: {', '.join(coauthors) or '-'}")
        if len(lines) >= limit:
            break
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="FORMAT FILE [FORMAT FILE ...]")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if len(args.files) % 2:
        sys.exit("Give FORMAT FILE pairs.")
    _setup()
    from talent.importers import import_file
    from talent.models import Candidate, PossibleDuplicate

    out: list[str] = []
    joins = []  # (file, result)
    for fmt, path in zip(args.files[::2], args.files[1::2], strict=True):
        report = import_file(fmt, Path(path).read_bytes(), file_name=Path(path).name)
        summary = report.to_summary()
        out.append(f"== {fmt} {path}: rows {summary['rows']}, created {summary['created']}, updated "
                   f"{summary['updated']}, merged {summary['merged']}, flagged {summary['flagged']}, skipped "
                   f"{summary['skipped']}, errors {summary['errors']}, {summary['seconds']} s")
        for result in report.results:
            if result.outcome in ("updated", "merged") and result.reason and (
                    "co-author" in result.reason or "affiliation" in result.reason or "field" in result.reason):
                joins.append((path, result))
    pairs = list(PossibleDuplicate.objects.select_related("candidate_a", "candidate_b"))
    out.append(f"\nPossible-duplicate pairs left: {len(pairs)}")
    reasons = Counter()
    for pair in pairs:
        same = "identical names" if pair.candidate_a.full_name == pair.candidate_b.full_name else "name variants"
        why = pair.reason.split("; ", 1)[-1]
        reasons[f"{same}; {why}"] += 1
    for reason, count in reasons.most_common():
        out.append(f"  {count:5d}  {reason}")
    evidence = Counter()
    for _path, result in joins:
        for key, label in (("co-author", "shared co-author"), ("affiliation", "overlapping affiliation"),
                           ("field", "distinctive name + shared field")):
            if key in result.reason:
                evidence[label] += 1
                break
    out.append(f"\nRows joined to a known person on a name plus evidence: {len(joins)}")
    for label, count in evidence.most_common():
        out.append(f"  {count:5d}  {label}")

    rng = random.Random(args.seed)
    out.append(f"\n--- sample of {args.sample} joins (row -> candidate it was joined to) ---")
    for n, (path, result) in enumerate(rng.sample(joins, min(args.sample, len(joins))), start=1):
        candidate = Candidate.objects.filter(id=result.candidate_id).first()
        if candidate is None:
            continue
        out.append(f"[J{n}] {Path(path).name} row {result.row}: “{result.name}” -> #{candidate.id} "
                   f"“{candidate.full_name}” ({result.reason})")
        out.extend(_profile(candidate.id, limit=6))
    out.append(f"\n--- sample of {args.sample} flags (pair) ---")
    for n, pair in enumerate(rng.sample(pairs, min(args.sample, len(pairs))), start=1):
        out.append(f"[F{n}] #{pair.candidate_a_id} “{pair.candidate_a.full_name}” ~ #{pair.candidate_b_id} "
                   f"“{pair.candidate_b.full_name}” ({pair.score}: {pair.reason})")
        out.append("    A:")
        out.extend(_profile(pair.candidate_a_id))
        out.append("    B:")
        out.extend(_profile(pair.candidate_b_id))
    text = "\n".join(out)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print("\n".join(out[: out.index(f"\n--- sample of {args.sample} joins (row -> candidate it was joined to) ---")]))
        print(f"(samples written to {args.out})")
    else:
        print(text)


if __name__ == "__main__":
    main()
