"""Affiliation resolution (talent.affiliations).

The raw strings below are real values of the Affiliation column of the shared proceedings
file (icml_nips_iclr_papers_2019snapshot.csv), copied here because tests must not read
../shared; the comment gives how many rows spell it that way.
"""

import re

import pytest

from talent.affiliations import canonical_org, normalise_org, resolve_affiliations


@pytest.mark.parametrize(
    "raw",
    [
        "DeepMind",  # 687
        "Google DeepMind",  # 227
        "Deepmind",  # 41
        "Google Deepmind",  # 22
        "DeepMind Technologies",  # 2
        "deepmind.com",
        "  DEEPMIND ",
    ],
)
def test_resolve_affiliations_deepmind_spellings_give_one_name(raw):
    assert resolve_affiliations(raw) == ["DeepMind"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("UC Berkeley", ["University of California, Berkeley"]),
        ("University of California, Berkeley", ["University of California, Berkeley"]),
        ("U.C. Berkeley", ["University of California, Berkeley"]),
        ("MIT", ["Massachusetts Institute of Technology"]),
        ("MIT CSAIL", ["Massachusetts Institute of Technology"]),
        ("CMU", ["Carnegie Mellon University"]),
        ("Stanford", ["Stanford University"]),
        ("Tsinghua Univeristy", ["Tsinghua University"]),
        ("peking university", ["Peking University"]),
        ("MIcrosoft Research", ["Microsoft Research"]),
        ("Microsoft Research Asia", ["Microsoft Research Asia"]),
        ("Google Research, Brain Team", ["Google Brain"]),
        ("Université de Montréal", ["Université de Montréal"]),
        ("University of Montreal", ["Université de Montréal"]),
        ("ETH Zürich", ["ETH Zurich"]),
        ("Michigan State University (MSU)", ["Michigan State University"]),
    ],
)
def test_resolve_affiliations_known_spellings_give_canonical_names(raw, expected):
    assert resolve_affiliations(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Google Brain & UC Berkeley", ["Google Brain", "University of California, Berkeley"]),
        ("MIT; Harvard", ["Massachusetts Institute of Technology", "Harvard University"]),
        ("RIKEN / University of Tokyo", ["RIKEN", "University of Tokyo"]),  # 27
        ("University of Oxford, DeepMind", ["University of Oxford", "DeepMind"]),  # 31
        ("Uber and University of Cambridge", ["Uber", "University of Cambridge"]),  # 21
        ("UC Berkeley | Gradescope | Covariant", ["University of California, Berkeley", "Gradescope", "Covariant"]),
        ("Mila, University of Montreal", ["Mila", "Université de Montréal"]),
        ("Petuum Inc. /  Carnegie Mellon University", ["Petuum", "Carnegie Mellon University"]),  # 32
        ("University of Rochester, Tencent AI lab", ["University of Rochester", "Tencent AI Lab"]),
    ],
)
def test_resolve_affiliations_splits_dual_affiliations_in_order(raw, expected):
    assert resolve_affiliations(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Texas A&M University",  # 29: "&" without spaces is part of the name
        "Broad Institute of MIT and Harvard",  # "and" with an unknown side: one organisation
        "Centrum Wiskunde & Informatica",
        "Swiss AI Lab, IDSIA (USI & SUPSI) - NNAISENSE",
    ],
)
def test_resolve_affiliations_keeps_names_containing_and_whole(raw):
    result = resolve_affiliations(raw)

    assert len(result) == 1
    assert normalise_org(result[0]) == normalise_org(raw) or result[0] == canonical_org(raw)


def test_resolve_affiliations_drops_departments_and_places_beside_a_known_org():
    assert resolve_affiliations("Department of Computer Science, University of Toronto") == ["University of Toronto"]
    assert resolve_affiliations("EECS Department, University of California, Berkeley") == [
        "University of California, Berkeley"
    ]
    assert resolve_affiliations("Tsinghua University, China") == ["Tsinghua University"]
    assert resolve_affiliations("Microsoft Research, Redmond, WA") == ["Microsoft Research"]
    assert resolve_affiliations("Preferred Networks, Inc.") == ["Preferred Networks"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("zqshi@mail.tsinghua.edu.cn", ["Tsinghua University"]),
        ("taiji@mist.i.u-tokyo.ac.jp", ["University of Tokyo"]),
        ("University of Maryland College Park; shhong@cs.umd.edu", ["University of Maryland"]),
        ("someone@unknown-example.org", []),
        ("stanford.edu", ["Stanford University"]),
        ("layer6.ai", ["Layer 6 AI"]),
        ("www.amazon.com", ["Amazon"]),
        ("cs.nowhere-known.edu", []),
        ("MILA                                ShortScience.org", ["Mila"]),
        ("Information Sciences Institute @ USC", ["University of Southern California"]),
        ("DeepMind @ Google", ["DeepMind"]),
    ],
)
def test_resolve_affiliations_email_or_domain_is_not_an_organisation(raw, expected):
    assert resolve_affiliations(raw) == expected


def test_resolve_affiliations_brand_written_as_domain_is_kept():
    assert resolve_affiliations("Helm.ai") == ["Helm.ai"]


@pytest.mark.parametrize("raw", ["", "None", "  ", "n/a"])
def test_resolve_affiliations_empty_values_give_no_organisation(raw):
    assert resolve_affiliations(raw) == []


def test_resolve_affiliations_unknown_name_kept_as_written_with_spaces_normalised():
    assert resolve_affiliations("  Institute   of Neuroinformatics ") == ["Institute of Neuroinformatics"]
    assert resolve_affiliations("iMinds") == ["iMinds"]
    assert resolve_affiliations("research center caesar, an associate of the Max Planck Society") == [
        "research center caesar, an associate of the Max Planck Society"
    ]


def test_resolve_affiliations_removes_duplicates():
    assert resolve_affiliations("CMU, Carnegie Mellon University, Vicarious") == ["Carnegie Mellon University", "Vicarious"]


def test_normalise_org_folds_case_accents_punctuation_and_the():
    assert normalise_org("The  Université de Montréal") == normalise_org("universite de montreal") == "universite de montreal"
    assert normalise_org("Univ. of Maryland") == "university of maryland"
    assert normalise_org("Texas A&M") == "texas a and m"


def test_resolve_affiliations_needs_no_database_and_caches():
    # No django_db mark: any query would fail this test.
    raw = "Unknown Lab 7 & Google Brain / MIT, Department of Physics"

    first = resolve_affiliations(raw)
    first.append("mutated by the caller")

    assert resolve_affiliations(raw) == ["Unknown Lab 7 & Google Brain", "Massachusetts Institute of Technology"]


def _demo_affiliations() -> set[str]:
    """Affiliation values of the proceedings data set shipped for the demo (talent/data/demo/)."""
    import csv
    import io
    from importlib import resources

    path = resources.files("talent").joinpath("data", "demo", "icml_nips_iclr_papers_2019snapshot.csv")
    return {row["Affiliation"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


def test_resolve_affiliations_on_the_real_file_single_deepmind_spellings_give_deepmind():
    values = _demo_affiliations()
    deepmind_alone = {v for v in values if "deepmind" in v.lower() and not any(s in v for s in "&/,;|") and " and " not in v}

    results = {v: resolve_affiliations(v) for v in deepmind_alone}

    assert len(deepmind_alone) >= 5  # DeepMind, Deepmind, Google DeepMind, Google Deepmind, DeepMind Technologies...
    assert {v: r for v, r in results.items() if r != ["DeepMind"]} == {}


def test_resolve_affiliations_on_the_real_file_never_returns_an_address_and_merges_spellings():
    values = _demo_affiliations()

    resolved = {v: resolve_affiliations(v) for v in values}

    names = {name for names in resolved.values() for name in names}
    assert not [n for n in names if re.search(r"\S@\S+\.\w", n)]  # "Rolls-Royce@NTU Corp Lab" is a name
    assert not [n for n in names if n.lower() in {"none", ""}]
    assert len(names) < 0.8 * len(values)  # spellings collapse onto canonical names
    assert resolved["Carnegie Mellon University"] == resolved["CMU"] == ["Carnegie Mellon University"]
