"""The desk's figures: agreement of blind double reviews, and weekly activity from the audit trail."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Claim, ClaimEvent, ReviewAssignment, VerdictEvent
from claims.permissions import is_editor
from claims.selectors_stats import agreement_figures, desk_figures, period_parse
from claims.services.claims import claim_accept, claim_dismiss
from claims.services.double_review import claim_double_review_start
from claims.services.errors import PermissionDenied, ValidationError
from claims.services.verdicts import (
    verdict_approve,
    verdict_create,
    verdict_publish,
    verdict_submit,
)
from tests.claims.api.conftest import token_client
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourcedClaimFactory,
)

pytestmark = pytest.mark.django_db


def _double_review(editor, first, second, rating_first, rating_second):
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(
        actor=editor, claim=claim, reviewers=[first.username, second.username]
    )
    for reviewer, rating in ((first, rating_first), (second, rating_second)):
        verdict = verdict_create(actor=reviewer, claim=claim, rating=rating, summary="s")
        verdict_submit(actor=reviewer, verdict=verdict)
    return claim


@pytest.fixture
def rated():
    editor = EditorFactory()
    ana, bo, cy, di = (ReviewerFactory(username=n) for n in ("ana", "bo", "cy", "di"))
    # Pair (ana, bo), with bo sometimes named first: the pair is one pair in username order.
    _double_review(editor, ana, bo, "false", "false")
    _double_review(editor, bo, ana, "true", "true")
    _double_review(editor, ana, bo, "false", "true")
    _double_review(editor, bo, ana, "false", "misleading")
    _double_review(editor, cy, di, "true", "true")
    # Only one of the two submitted: a missing rating, not counted.
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    claim_double_review_start(actor=editor, claim=claim, reviewers=["cy", "di"])
    verdict_submit(
        actor=cy, verdict=verdict_create(actor=cy, claim=claim, rating="false", summary="s")
    )
    return editor


def submission_days() -> tuple[dt.date, dt.date]:
    """The first and last day (UTC) of the fixture's submissions: the period is taken from the
    data, not from the clock afterwards (the fixture takes seconds and may cross midnight)."""
    days = ReviewAssignment.objects.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    return days["first"].date(), days["last"].date()


def test_agreement_per_pair_and_for_the_desk_as_computed_by_hand(rated):
    first, last = submission_days()
    figures = agreement_figures(user=rated, date_from=first, date_to=last).as_dict()
    ana_bo, cy_di = figures["pairs"]
    # ana: false true false misleading / bo: false true true false. p_o 2/4, p_e 6/16: 0.2.
    # Ordinal alpha: misleading has no value, so 3 pairable items, values 1 and 5: 4/9.
    assert ana_bo["reviewers"] == ["ana", "bo"] and ana_bo["n"] == 4
    assert ana_bo["kappa"] == pytest.approx(0.2)
    assert ana_bo["exact"] == pytest.approx(0.5)
    assert ana_bo["alpha"] == pytest.approx(4 / 9)
    # One item, one label: kappa and alpha undefined, exact 1.
    assert cy_di == {"reviewers": ["cy", "di"], "kappa": None, "alpha": None, "exact": 1.0, "n": 1}
    # Desk: Fleiss' kappa, P 0.6, P_e 0.42 -> 0.18/0.58; alpha 1 - 7*32/480.
    desk = figures["desk"]
    assert desk["n"] == 5 and desk["exact"] == pytest.approx(0.6)
    assert desk["kappa"] == pytest.approx(0.18 / 0.58)
    assert desk["alpha"] == pytest.approx(1 - 7 * 32 / 480)


def test_a_rating_of_another_scale_counts_as_missing_for_alpha(rated):
    from claims.models import Rating, RatingScale

    other = RatingScale.objects.create(
        slug="stars", name="Stars", best_rating=50, worst_rating=10, is_default=False
    )
    stars = Rating.objects.create(scale=other, slug="five-stars", label="Five stars", value=50)
    assignment = ReviewAssignment.objects.filter(reviewer__username="cy").first()
    ReviewAssignment.objects.filter(pk=assignment.pk).update(rating=stars)
    first, last = submission_days()
    figures = agreement_figures(user=rated, date_from=first, date_to=last).as_dict()
    cy_di = figures["pairs"][1]
    assert cy_di["n"] == 1 and cy_di["exact"] == 0.0 and cy_di["alpha"] is None
    assert figures["desk"]["alpha"] == pytest.approx(4 / 9)  # ana and bo's alone


def test_agreement_keeps_to_the_period_and_to_editors(rated):
    yesterday = submission_days()[0] - dt.timedelta(days=1)  # the day before the first one
    empty = agreement_figures(user=rated, date_from=yesterday, date_to=yesterday).as_dict()
    assert empty == {"desk": {"kappa": None, "alpha": None, "exact": None, "n": 0}, "pairs": []}
    with pytest.raises(PermissionDenied):
        agreement_figures(user=ReviewerFactory(), date_from=yesterday, date_to=yesterday)


def test_the_agreement_endpoint_answers_editors_in_the_issues_shape(rated):
    answer = token_client(rated).get("/api/v1/stats/agreement/")
    assert answer.status_code == 200
    assert set(answer.json()) == {"desk", "pairs"}
    assert set(answer.json()["pairs"][0]) == {"reviewers", "kappa", "alpha", "exact", "n"}
    assert token_client(ReviewerFactory()).get("/api/v1/stats/agreement/").status_code == 403
    assert token_client(None).get("/api/v1/stats/agreement/").status_code == 401


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-02-01&to=2026-01-01", "from"),
        ("from=2000-01-01&to=2026-01-01", "from"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(query, field):
    for path in ("/api/v1/stats/agreement/", "/api/v1/stats/desk/"):
        answer = token_client(EditorFactory()).get(f"{path}?{query}")
        assert answer.status_code == 400, answer.content
        assert field in answer.json()["errors"]


def test_desk_figures_count_this_weeks_activity_from_the_audit_trail():
    editor, other, reviewer = EditorFactory(), EditorFactory(), ReviewerFactory()
    suggested = [ClaimFactory(status=Claim.Status.SUGGESTED, origin="suggested") for _ in range(3)]
    claim_accept(actor=reviewer, claim=suggested[0])
    EvidenceFactory(claim=suggested[0])  # sources come before verdicts
    claim_dismiss(actor=reviewer, claim=suggested[1], reason="duplicate")
    verdict = verdict_create(actor=reviewer, claim=suggested[0], rating="false", summary="s")
    verdict_submit(actor=reviewer, verdict=verdict)
    verdict_approve(actor=editor, verdict=verdict)
    verdict_publish(actor=other, verdict=verdict)
    verdict_create(
        actor=reviewer, claim=SourcedClaimFactory(status="open"), rating="true", summary="d"
    )
    # The events' days from their stamps, not from the clock afterwards: the test may cross
    # midnight (then they fall on two days; on Sunday night, in two weeks).
    first, last = event_days()
    figures = desk_figures(user=editor, date_from=first, date_to=last)
    mondays = sorted(
        {first - dt.timedelta(days=first.weekday()), last - dt.timedelta(days=last.weekday())}
    )
    assert [w["week"] for w in figures.weeks] == mondays
    week = {c: sum(w[c] or 0 for w in figures.weeks) for c in figures.weeks[0] if c != "week"}
    assert (week["suggested"], week["accepted"], week["dismissed"]) == (3, 1, 1)
    assert week["dismissed_duplicate"] == 1 and week["dismissed_not_checkable"] == 0
    assert (week["drafted"], week["submitted"], week["approved"], week["published"]) == (2, 1, 1, 1)
    (published,) = [w for w in figures.weeks if w["published_claims"]]
    assert published["published_claims"] == 1 and published["hours_to_publish_median"] >= 0
    assert figures.reviewers == [
        {"reviewer": reviewer.username, "open_assignments": 1, "in_progress": 1}
    ]
    assert figures.link_rot["gone"] == 0


def event_days() -> tuple[dt.date, dt.date]:
    """The first and last day (UTC) of the audit trail's events."""
    stamps = [
        model.objects.aggregate(first=Min("pgh_created_at"), last=Max("pgh_created_at"))
        for model in (ClaimEvent, VerdictEvent)
    ]
    return (
        min(s["first"] for s in stamps).date(),
        max(s["last"] for s in stamps).date(),
    )


@contextmanager
def backdated():
    """Let bulk_create keep the event times given (pgh_created_at is auto_now_add)."""
    fields = [m._meta.get_field("pgh_created_at") for m in (ClaimEvent, VerdictEvent)]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def _synthetic_year(claims_per_week: int) -> dt.date:
    """A year of claim events, written straight into the (insert-only) audit table."""
    start = timezone.now() - dt.timedelta(days=364)
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    rows = []
    for week in range(52):
        for n in range(claims_per_week):
            at = start + dt.timedelta(weeks=week, hours=n)
            changes = {"status": ["suggested", "open" if n % 3 else "dismissed"]}
            for label, change in (("insert", None), ("update", changes)):
                rows.append(
                    ClaimEvent(
                        pgh_obj_id=claim.pk,
                        pgh_label=label,
                        pgh_created_at=at,
                        pgh_changes=change,
                        **_claim_columns(claim),
                    )
                )
    with backdated():
        ClaimEvent.objects.bulk_create(rows)
    return start.date()


def _claim_columns(claim):
    fields = [f.attname for f in Claim._meta.concrete_fields]
    return {name: getattr(claim, name) for name in fields if name != "id"} | {"id": claim.pk}


def test_the_desk_costs_the_same_queries_for_a_week_and_a_year():
    editor = EditorFactory()
    is_editor(editor)  # the role is read once per user object, before the first count
    first = _synthetic_year(5)
    today = timezone.now().date()
    with CaptureQueriesContext(connection) as week:
        one = desk_figures(user=editor, date_from=today, date_to=today)
    with CaptureQueriesContext(connection) as year:
        whole = desk_figures(user=editor, date_from=first, date_to=today)
    # The summarised weeks, SET LOCAL jit, the other weeks, reviewer load, link rot; plus a
    # savepoint pair here, inside the test's transaction.
    assert len(week) == len(year) == 7
    assert len(one.weeks) == 1 and len(whole.weeks) in (53, 54)
    assert sum(w["accepted"] for w in whole.weeks) > 100
    assert sum(w["accepted"] > 0 for w in whole.weeks) >= 52  # spread over the year
    assert one.weeks[0]["accepted"] < 10


def test_period_defaults_to_twelve_weeks():
    date_from, date_to = period_parse(date_from=None, date_to=dt.date(2026, 3, 31))
    assert (date_to - date_from).days == 83
    with pytest.raises(ValidationError):
        period_parse(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 3, 31))


def _event(obj: int, at: dt.datetime, was: str | None, became: str, *, claim=None) -> ClaimEvent:
    label = "insert" if was is None else "update"
    changes = None if was is None else {"status": [was, became]}
    columns = _claim_columns(claim) | {"id": obj, "status": became}
    return ClaimEvent(
        pgh_obj_id=obj, pgh_label=label, pgh_created_at=at, pgh_changes=changes, **columns
    )


def _history(now: dt.datetime) -> None:
    """Twenty weeks of claims: accepted, dismissed, published (some a few weeks after their
    acceptance, one corrected and published again), spread over every day and hour."""
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    rows = []
    for n in range(140):
        # Three hours back besides the spread: the first dismissal (two hours after its
        # suggestion) falls on the day before a period of 139 days at any time of day.
        at = now - dt.timedelta(days=140 - n, hours=(n * 7) % 24 + 3)
        obj = 5_000_000 + n
        rows.append(_event(obj, at, None, "suggested", claim=claim))
        if n % 4 == 0:
            rows.append(
                _event(obj, at + dt.timedelta(hours=2), "suggested", "dismissed", claim=claim)
            )
            continue
        rows.append(_event(obj, at + dt.timedelta(hours=1), "suggested", "open", claim=claim))
        if n % 4 != 1:
            published = at + dt.timedelta(hours=3 + (n * 37) % 400)
            if published < now:
                rows.append(_event(obj, published, "approved", "published", claim=claim))
            if n % 9 == 2 and published + dt.timedelta(days=10) < now:
                later = published + dt.timedelta(days=10)
                rows.append(_event(obj, later, "approved", "published", claim=claim))
    with backdated():
        ClaimEvent.objects.bulk_create(rows)


def test_the_weekly_summary_gives_the_same_figures_as_the_audit_trail():
    from claims.models import DeskWeek
    from claims.services.stats import desk_weeks_refresh

    editor = EditorFactory()
    now = timezone.now()
    _history(now)
    today = now.date()
    periods = [
        (today - dt.timedelta(days=days), today - dt.timedelta(days=back))
        for days, back in ((139, 0), (100, 3), (60, 20), (13, 0), (6, 0), (0, 0), (200, 150))
    ]
    live = [desk_figures(user=editor, date_from=a, date_to=b).as_dict() for a, b in periods]
    assert not DeskWeek.objects.exists()
    written = desk_weeks_refresh(now=now)
    assert 19 <= written <= 21 and desk_weeks_refresh(now=now) == 0
    latest = DeskWeek.objects.order_by("-week").first().week
    assert latest + dt.timedelta(days=7) <= today - dt.timedelta(days=today.weekday())
    summarised = [desk_figures(user=editor, date_from=a, date_to=b).as_dict() for a, b in periods]
    assert summarised == live
    whole = live[0]["weeks"]
    assert sum(w["published_claims"] for w in whole) > 30  # the periods really hold figures
    assert sum(w["dismissed"] for w in whole) == 34  # the first one is a day before the period
    # A rebuild writes the same weeks again; a refresh a week later adds the week that closed.
    assert desk_weeks_refresh(now=now, rebuild=True) == written
    assert desk_weeks_refresh(now=now + dt.timedelta(days=7)) == 1
    again = [desk_figures(user=editor, date_from=a, date_to=b).as_dict() for a, b in periods]
    assert again == live


def test_the_time_to_publish_counts_a_claims_first_publication_only():
    editor = EditorFactory()
    claim = SourcedClaimFactory(status=Claim.Status.OPEN)
    monday = timezone.now().date() - dt.timedelta(days=timezone.now().weekday() + 21)
    t0 = dt.datetime.combine(monday, dt.time(9), tzinfo=dt.UTC)
    rows = [
        _event(1, t0, None, "suggested", claim=claim),
        _event(1, t0 + dt.timedelta(hours=1), "suggested", "open", claim=claim),
        _event(1, t0 + dt.timedelta(hours=11), "approved", "published", claim=claim),
        # corrected and published again two weeks later: not a second publication
        _event(1, t0 + dt.timedelta(days=14), "approved", "published", claim=claim),
        # made open by hand, published 30 hours later
        _event(2, t0 + dt.timedelta(days=14), None, "open", claim=claim),
        _event(2, t0 + dt.timedelta(days=14, hours=30), "approved", "published", claim=claim),
    ]
    with backdated():
        ClaimEvent.objects.bulk_create(rows)
    weeks = desk_figures(user=editor, date_from=monday, date_to=monday + dt.timedelta(days=20))
    by_week = {w["week"]: w for w in weeks.weeks}
    first, third = by_week[monday], by_week[monday + dt.timedelta(days=14)]
    assert (first["published_claims"], first["hours_to_publish_median"]) == (1, 10.0)
    assert (third["published_claims"], third["hours_to_publish_median"]) == (1, 30.0)
    # From a period that starts after the first publication, the correction is not counted.
    later = desk_figures(
        user=editor,
        date_from=monday + dt.timedelta(days=14),
        date_to=monday + dt.timedelta(days=14),
    )
    # The correction is not a publication; the other claim is published the next day.
    assert later.weeks[0]["published_claims"] == 0
