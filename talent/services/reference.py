"""Load the reference data shipped in ``talent/data/``: venues, venue aliases, specialties.

Sources (see ``talent/data/venues/README.md`` for origin and licence):

* ``venues/ccfddl_venue_ranks.csv``: 352 conferences with CCF (2026 edition), CORE and
  THCPL ranks, verbatim from the ccf-deadlines project (MIT);
* ``venues/venues_extra.csv``: our additions (arXiv, Findings, the main AI journals);
* ``venue_aliases.csv``: ``alias,acronym`` spellings used by proceedings, BibTeX, DBLP;
* ``specialties.json``: the specialty taxonomy (slug, name, name_zh, parent, keywords).

``Venue.tier`` is computed here with :func:`talent.venues.venue_tier`: 1 = CORE A* or
CCF A, 2 = CORE A or CCF B, 3 = any other rank, 0 = unranked or preprint.

Two ccf-deadlines rows share an acronym with another row (FSE, SEC). ``Venue.acronym`` is
unique, so the row of the better tier keeps the bare acronym (file order breaks a tie)
and the other gets its CCF field code appended: ``FSE-SC`` (Fast Software Encryption),
``SEC-SC`` (IFIP Information Security Conference).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from ..models import Specialty, Venue, VenueAlias
from ..venues import normalise_venue, venue_index_reset, venue_tier

_VENUE_FIELDS = ("name", "kind", "area", "ccf_rank", "core_rank", "thcpl_rank", "dblp_key", "tier")


def _data_text(*parts: str) -> str:
    """Return the text of a file under ``talent/data/`` (works from a wheel too)."""
    return resources.files("talent").joinpath("data", *parts).read_text(encoding="utf-8")


def _csv_rows(*parts: str) -> Iterator[dict[str, str]]:
    yield from csv.DictReader(io.StringIO(_data_text(*parts)))


def _rank(value: str) -> str:
    """A rank as stored: "" for none (the CSVs write none as "N" or leave it empty)."""
    value = (value or "").strip()
    return "" if value.upper() == "N" else value


def venue_rows() -> list[dict[str, object]]:
    """Return the venues of the data files as dicts of ``Venue`` field values.

    Keys: ``acronym`` plus :data:`_VENUE_FIELDS`. Order: ccf-deadlines rows, then
    ``venues_extra.csv``. Duplicate acronyms are renamed as the module docstring says.
    """
    rows: list[dict[str, object]] = []
    for r in _csv_rows("venues", "ccfddl_venue_ranks.csv"):
        ccf, core = _rank(r["ccf"]), _rank(r["core"])
        rows.append({
            "acronym": r["title"].strip(),
            "name": r["description"].strip(),
            "kind": Venue.Kind.CONFERENCE,
            "area": r["sub"].strip(),
            "ccf_rank": ccf,
            "core_rank": core,
            "thcpl_rank": _rank(r["thcpl"]),
            "dblp_key": f"conf/{r['dblp'].strip()}" if r["dblp"].strip() and " " not in r["dblp"].strip() else "",
            "tier": venue_tier(ccf, core),
        })
    for r in _csv_rows("venues", "venues_extra.csv"):
        ccf, core = _rank(r["ccf"]), _rank(r["core"])
        kind = r["kind"].strip()
        rows.append({
            "acronym": r["acronym"].strip(),
            "name": r["name"].strip(),
            "kind": kind,
            "area": r["area"].strip(),
            "ccf_rank": ccf,
            "core_rank": core,
            "thcpl_rank": "",
            "dblp_key": r["dblp"].strip(),
            "tier": venue_tier(ccf, core, is_preprint=kind == Venue.Kind.PREPRINT),
        })
    by_acronym: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_acronym.setdefault(str(row["acronym"]), []).append(row)
    for acronym, same in by_acronym.items():
        if len(same) < 2:
            continue
        keeper = min(same, key=lambda row: (row["tier"] or 9, same.index(row)))
        for row in same:
            if row is not keeper:
                row["acronym"] = f"{acronym}-{row['area']}"
    return rows


def alias_rows() -> list[tuple[str, str]]:
    """Return ``(normalised alias, venue acronym)`` pairs from ``venue_aliases.csv``.

    An alias whose normal form is empty is skipped; the first acronym given for a normal
    form wins.
    """
    seen: dict[str, str] = {}
    for r in _csv_rows("venue_aliases.csv"):
        key = normalise_venue(r["alias"])
        if key and key not in seen:
            seen[key] = r["acronym"].strip()
    return list(seen.items())


def specialty_rows() -> list[dict[str, object]]:
    """Return the taxonomy of ``specialties.json``, parents before children.

    Each item: ``slug``, ``name``, ``name_zh``, ``parent`` (slug or ``None``),
    ``keywords`` (lower-case phrases), and optionally ``venues`` (acronyms whose papers
    say the specialty; read by the research profile, not stored on ``Specialty``).

    Raises:
        ValueError: a parent slug is unknown, or the taxonomy has a cycle.
    """
    items = json.loads(_data_text("specialties.json"))["specialties"]
    by_slug = {item["slug"]: item for item in items}
    ordered: list[dict[str, object]] = []
    placed: set[str] = set()
    while len(ordered) < len(items):
        progress = False
        for item in items:
            parent = item.get("parent")
            if item["slug"] in placed:
                continue
            if parent and parent not in by_slug:
                raise ValueError(f"specialty {item['slug']!r}: unknown parent {parent!r}")
            if not parent or parent in placed:
                ordered.append(item)
                placed.add(item["slug"])
                progress = True
        if not progress:
            raise ValueError("specialty taxonomy has a cycle")
    return ordered


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self, prefix: str) -> dict[str, int]:
        return {f"{prefix}_created": self.created, f"{prefix}_updated": self.updated,
                f"{prefix}_unchanged": self.unchanged}


def _load_venues() -> _Counts:
    counts = _Counts()
    existing = {v.acronym: v for v in Venue.objects.all()}
    to_create, to_update = [], []
    for row in venue_rows():
        venue = existing.get(str(row["acronym"]))
        if venue is None:
            to_create.append(Venue(**row))
            continue
        changed = False
        for field in _VENUE_FIELDS:
            if getattr(venue, field) != row[field]:
                setattr(venue, field, row[field])
                changed = True
        if changed:
            to_update.append(venue)
        else:
            counts.unchanged += 1
    Venue.objects.bulk_create(to_create)
    Venue.objects.bulk_update(to_update, _VENUE_FIELDS)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _load_aliases() -> _Counts:
    counts = _Counts()
    venue_ids = dict(Venue.objects.values_list("acronym", "id"))
    existing = {a.alias: a for a in VenueAlias.objects.all()}
    to_create, to_update = [], []
    for alias, acronym in alias_rows():
        venue_id = venue_ids.get(acronym)
        if venue_id is None:
            raise ValueError(f"venue_aliases.csv: alias {alias!r} names unknown venue {acronym!r}")
        row = existing.get(alias)
        if row is None:
            to_create.append(VenueAlias(alias=alias, venue_id=venue_id))
        elif row.venue_id != venue_id:
            row.venue_id = venue_id
            to_update.append(row)
        else:
            counts.unchanged += 1
    VenueAlias.objects.bulk_create(to_create)
    VenueAlias.objects.bulk_update(to_update, ["venue"])
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _load_specialties() -> _Counts:
    counts = _Counts()
    existing = {s.slug: s for s in Specialty.objects.all()}
    for item in specialty_rows():
        parent = existing.get(item["parent"]) if item.get("parent") else None
        values = {
            "name": item["name"],
            "name_zh": item.get("name_zh", ""),
            "parent_id": parent.pk if parent else None,
            "keywords": list(item.get("keywords", [])),
        }
        spec = existing.get(item["slug"])
        if spec is None:
            spec = Specialty(slug=item["slug"], **values)
            spec.full_clean(validate_unique=False)
            spec.save()
            existing[spec.slug] = spec
            counts.created += 1
            continue
        changed = [field for field, value in values.items() if getattr(spec, field) != value]
        if changed:
            for field in changed:
                setattr(spec, field, values[field])
            spec.save(update_fields=changed)
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Create or update venues, venue aliases and specialties from ``talent/data/``.

    Idempotent: a second run reports everything unchanged and writes nothing. Rows
    added by hand (extra aliases, venues, specialties) are left alone; nothing is
    deleted.

    Returns:
        Counts keyed ``venues_created``, ``venues_updated``, ``venues_unchanged``,
        and the same for ``aliases_`` and ``specialties_``.

    Raises:
        ValueError: an alias names an unknown acronym or the taxonomy is malformed
            (the transaction is rolled back).
    """
    result: dict[str, int] = {}
    result.update(_load_venues().as_dict("venues"))
    result.update(_load_aliases().as_dict("aliases"))
    result.update(_load_specialties().as_dict("specialties"))
    transaction.on_commit(venue_index_reset)
    venue_index_reset()
    return result
