"""Identity resolution: e-mail, plus-addressing, ids, name + affiliation/co-authors, flags."""

from __future__ import annotations

import pytest

from talent.services.dedup import IdentityIndex, strip_plus_tag
from talent.services.names import name_ends_key, name_key, split_name_scripts
from tests.talent.factories import AuthorshipFactory, CandidateFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def _index(**record) -> IdentityIndex:
    name = record.get("full_name", "")
    return IdentityIndex.load(name_keys={name_key(name)}, ends_keys={name_ends_key(name)},
                              emails={record["email"].lower()} if record.get("email") else set(),
                              ids=set((record.get("ids") or {}).items()))


def _match(**record):
    return _index(**record).match(**record)


def test_name_keys_ignore_case_accents_and_spacing():
    assert name_key("Hervé Jégou") == name_key("HERVE  JEGOU") == name_key("herve jegou") == "hervejegou"
    assert name_key("Filip De Turck") == name_key("Filip DeTurck")
    assert name_ends_key("Christoph H. Lampert") == name_ends_key("Christoph Lampert")


def test_names_in_chinese_script_are_never_split():
    assert split_name_scripts("欧阳娜娜") == ("欧阳娜娜", "欧阳娜娜")
    assert split_name_scripts("Nana Ouyang (欧阳娜娜)") == ("Nana Ouyang", "欧阳娜娜")
    assert split_name_scripts("Aaron van den Oord") == ("Aaron van den Oord", "")


def test_email_only_match_is_certain_whatever_the_name():
    known = CandidateFactory(full_name="Wang Xiaoming", email="xm.wang@example.org")

    match = _match(full_name="Xiaoming W.", email="XM.Wang@Example.org")

    assert match.person.candidate.pk == known.pk
    assert match.is_certain and match.how == "email"


def test_plus_addressed_email_matches_the_plain_one_and_back():
    plain = CandidateFactory(email="xiaoming.wang@gmail.com")
    tagged = CandidateFactory(email="li.wei+recruiters@gmail.com")

    first = _match(full_name="X", email="Xiaoming.Wang+neurips@Gmail.com")
    second = _match(full_name="Y", email="li.wei@gmail.com")

    assert strip_plus_tag("A.B+tag@X.org") == "a.b@x.org"  # the broad form (tombstones), not used to merge
    assert first.person.candidate.pk == plain.pk and first.how == "email_mailbox"
    assert second.person.candidate.pk == tagged.pk and second.is_certain


def test_person_id_match_is_certain():
    known = CandidateFactory(full_name="Andrew McCallum", dblp_pid="m/AndrewMcCallum")

    match = _match(full_name="A. McCallum", ids={"dblp_pid": "m/AndrewMcCallum"})

    assert match.person.candidate.pk == known.pk
    assert match.how == "dblp_pid"


def test_different_id_of_the_same_kind_is_never_the_same_person():
    CandidateFactory(full_name="Wei Wang", email=None, orcid="0000-0001-0000-0001", current_employer="UCLA")

    match = _match(full_name="Wei Wang", ids={"orcid": "0000-0002-0000-0002"}, orgs=["UCLA"])

    assert match.person is None


def test_case_variant_with_same_affiliation_is_the_same_person():
    known = CandidateFactory(full_name="Jason Weston", email=None, current_employer="Facebook AI Research")

    match = _match(full_name="JASON WESTON", orgs=["Facebook AI Research"])

    assert match.person.candidate.pk == known.pk
    assert match.is_certain and not match.is_exact_name


def test_accent_variant_with_shared_co_author_is_the_same_person():
    known = CandidateFactory(full_name="Balázs Szörényi", email=None)
    coauthor = CandidateFactory(full_name="Shie Mannor", email=None)
    paper = PublicationFactory()
    AuthorshipFactory(candidate=known, publication=paper, position=1, affiliation_raw="Technion")
    AuthorshipFactory(candidate=coauthor, publication=paper, position=2)

    match = _match(full_name="Balazs Szorenyi", orgs=["INRIA"], coauthors={"shiemannor"})

    assert match.person.candidate.pk == known.pk
    assert match.is_certain
    assert "co-author" in match.reason


def test_same_name_elsewhere_without_evidence_is_only_possible():
    CandidateFactory(full_name="Wei Wang", email=None, current_employer="Tsinghua University")

    match = _match(full_name="Wei Wang", orgs=["Stanford University"])

    assert match.is_possible
    assert 70 <= match.score < 90


def test_swapped_word_order_is_not_certain_even_at_the_same_affiliation():
    CandidateFactory(full_name="Li Shen", email=None, current_employer="Tencent")

    match = _match(full_name="Shen Li", orgs=["Tencent"])

    assert not match.is_certain


def test_unrelated_name_in_the_same_block_is_no_match():
    CandidateFactory(full_name="Wei Zhang Wang", email=None, current_employer="X Lab")

    match = _match(full_name="Wei Wang", orgs=["Y Lab"])

    assert match.person is None


def test_same_name_and_employer_with_different_emails_is_flagged_not_kept_apart():
    known = CandidateFactory(full_name="Jane Roe", email="jane@a.org", current_employer="MIT")

    match = _match(full_name="Jane Roe", email="jane@b.org", orgs=["MIT"])

    assert match.person.candidate.pk == known.pk
    assert match.is_possible and not match.is_certain
    assert match.score >= 70
    assert "different e-mails" in match.reason
