"""factory_boy factories for the talent app."""

import factory
from factory.django import DjangoModelFactory

from talent.models import (
    Authorship,
    Candidate,
    CandidateMerge,
    CareerEntry,
    ErasedIdentity,
    ImportRun,
    PossibleDuplicate,
    Publication,
    ResearchProfile,
    Specialty,
    Venue,
    VenueAlias,
)


class SpecialtyFactory(DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"specialty-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"VEN{n}")
    name = factory.LazyAttribute(lambda o: f"Conference {o.acronym}")
    ccf_rank = "A"
    core_rank = "A*"
    tier = Venue.Tier.TOP

    class Params:
        preprint = factory.Trait(kind=Venue.Kind.PREPRINT, tier=Venue.Tier.UNRANKED, ccf_rank="", core_rank="")


class VenueAliasFactory(DjangoModelFactory):
    class Meta:
        model = VenueAlias

    venue = factory.SubFactory(VenueFactory)
    alias = factory.Sequence(lambda n: f"alias {n}")


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"candidate{n}@example.org")
    source = Candidate.Source.MANUAL

    class Params:
        phd = factory.Trait(highest_degree=Candidate.Degree.PHD, phd_institution="Tsinghua University", phd_year=2020)
        fictional = factory.Trait(is_fictional=True)


class PublicationFactory(DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(lambda n: f"Learning to act number {n}")
    title_key = factory.LazyAttribute(lambda o: "".join(ch for ch in o.title.lower() if ch.isalnum()))
    venue = factory.SubFactory(VenueFactory)
    venue_raw = factory.LazyAttribute(lambda o: o.venue.acronym if o.venue else "")
    year = 2023


class AuthorshipFactory(DjangoModelFactory):
    class Meta:
        model = Authorship

    candidate = factory.SubFactory(CandidateFactory)
    publication = factory.SubFactory(PublicationFactory)
    position = 1


class ResearchProfileFactory(DjangoModelFactory):
    class Meta:
        model = ResearchProfile

    candidate = factory.SubFactory(CandidateFactory)


class CareerEntryFactory(DjangoModelFactory):
    class Meta:
        model = CareerEntry

    candidate = factory.SubFactory(CandidateFactory)
    kind = CareerEntry.Kind.WORK
    organisation = "Tsinghua University"
    title = "Research Scientist"


class ImportRunFactory(DjangoModelFactory):
    class Meta:
        model = ImportRun

    format = "proceedings"
    file_name = "papers.csv"


class PossibleDuplicateFactory(DjangoModelFactory):
    class Meta:
        model = PossibleDuplicate

    candidate_a = factory.SubFactory(CandidateFactory)
    candidate_b = factory.SubFactory(CandidateFactory)
    score = 80
    reason = "name similarity 80"


class CandidateMergeFactory(DjangoModelFactory):
    class Meta:
        model = CandidateMerge

    survivor = factory.SubFactory(CandidateFactory)
    merged_ids = factory.LazyFunction(list)
    reason = "same person"


class ErasedIdentityFactory(DjangoModelFactory):
    class Meta:
        model = ErasedIdentity

    kind = ErasedIdentity.Kind.EMAIL
    digest = factory.Sequence(lambda n: f"{n:064x}")
