"""factory_boy factories for the domain model."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import Article, Claim, Comment, Evidence, Rating, Source, Verdict
from claims.reference import EDITORS, REVIEWERS

ARTICLE_BODY = (
    "The city council approved a budget of 4.2 million euros on Tuesday. "
    "Unemployment fell to 5.1 percent last year, the statistics office said. "
    "Critics fear the plan may fail."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class ReviewerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"reviewer{n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=REVIEWERS))


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(*Group.objects.filter(name__in=[REVIEWERS, EDITORS]))


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    publisher = "Example Daily"
    language = "en"
    body = ARTICLE_BODY


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the first sentence of its article unless start/end say otherwise."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda o: o.article.body.index(".") + 1)
    quote = factory.LazyAttribute(lambda o: o.article.body[o.start : o.end])
    prefix = factory.LazyAttribute(lambda o: o.article.body[max(0, o.start - 32) : o.start])
    suffix = factory.LazyAttribute(lambda o: o.article.body[o.end : o.end + 32])
    claim_type = Claim.Type.QUANTITY
    status = Claim.Status.OPEN


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.test/story-{n}")
    normalized_url = factory.LazyAttribute(lambda o: o.url)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Evidence.Stance.SUPPORTS


class SourcedClaimFactory(ClaimFactory):
    """A claim with one source attached as evidence (sources come before verdicts)."""

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            EvidenceFactory(claim=self)


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(lambda: Rating.objects.get(scale__is_default=True, slug="false"))
    summary = "The figure is wrong."
    author = factory.SubFactory(ReviewerFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(ReviewerFactory)
    body = "Do we have the council's own document?"
