"""The editors' figure pages: agreement with disagreements, desk charts and CSV."""

from __future__ import annotations

import pytest

from claims.models import Claim
from claims.services.double_review import claim_double_review_start
from claims.services.verdicts import verdict_create, verdict_submit
from tests.factories import ClaimFactory, ReviewerFactory, SourcedClaimFactory

pytestmark = pytest.mark.django_db


def test_the_agreement_page_lists_figures_and_disagreements(editor, editor_client):
    a, b = ReviewerFactory(username="ana"), ReviewerFactory(username="bo")
    claim = SourcedClaimFactory(status=Claim.Status.OPEN, statement="Budget rose <b>4%</b>")
    claim_double_review_start(actor=editor, claim=claim, reviewers=["ana", "bo"])
    for reviewer, rating in ((a, "true"), (b, "false")):
        verdict_submit(
            actor=reviewer,
            verdict=verdict_create(actor=reviewer, claim=claim, rating=rating, summary="s"),
        )
    page = editor_client.get("/stats/agreement/").content.decode()
    assert "ana and bo" in page
    assert "ana rated True, bo rated False" in page
    assert "Budget rose &lt;b&gt;4%&lt;/b&gt;" in page


def test_the_desk_page_draws_svg_charts_and_offers_csv(editor_client):
    ClaimFactory(status=Claim.Status.SUGGESTED, origin="suggested")
    page = editor_client.get("/stats/desk/?from=2026-01-05&to=2026-03-01")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<svg") == 5 and "<script" not in body.split("<main")[-1]
    csv = editor_client.get("/stats/desk.csv?from=2026-01-05&to=2026-03-01")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("week,suggested,accepted,dismissed")
    assert len(lines) == 1 + 8  # eight Mondays from 5 January to 1 March


def test_the_figures_are_for_editors_and_a_bad_period_is_named(reviewer_client, editor_client):
    for path in ("/stats/agreement/", "/stats/desk/", "/stats/desk.csv"):
        assert reviewer_client.get(path).status_code == 403
    bad = editor_client.get("/stats/desk/?from=soon")
    assert bad.status_code == 400 and "is not a date" in bad.content.decode()
    assert editor_client.get("/stats/desk.csv?from=2026-02-01&to=2026-01-01").status_code == 400
