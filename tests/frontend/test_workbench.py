"""Writes from the workbench: claims from a selection or a passage, suggestions, accept, dismiss."""

from __future__ import annotations

from claims.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory
from tests.frontend.conftest import HTMX


def test_a_selection_becomes_a_claim_at_code_point_offsets(reviewer_client, reviewer):
    body = "😀 Emoji first. The council spent 4.2 million euros."
    article = ArticleFactory(body=body)
    quote = "The council spent 4.2 million euros."
    start = body.index(quote)  # a code-point index: the emoji counts once
    response = reviewer_client.post(
        f"/articles/{article.pk}/claims/",
        {"start": start, "end": start + len(quote), "quote": quote},
        **HTMX,
    )
    assert response.status_code == 200
    claim = Claim.objects.get(article=article)
    assert (claim.start, claim.quote, claim.status, claim.origin) == (
        start,
        quote,
        "open",
        "manual",
    )
    html = response.content.decode()
    assert 'id="workbench"' in html and "<html" not in html
    assert f'<mark id="claim-{claim.pk}"' in html


def test_a_selection_that_does_not_match_the_text_is_refused(reviewer_client, article):
    response = reviewer_client.post(
        f"/articles/{article.pk}/claims/", {"start": 0, "end": 8, "quote": "Not this"}, **HTMX
    )
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    assert not Claim.objects.filter(article=article).exists()


def test_without_htmx_a_claim_is_created_and_the_page_reloads(reviewer_client, article):
    response = reviewer_client.post(
        f"/articles/{article.pk}/claims/", {"start": 4, "end": 16, "quote": article.body[4:16]}
    )
    assert response.status_code == 302 and response["Location"] == f"/articles/{article.pk}/"
    assert Claim.objects.filter(article=article, start=4, end=16).exists()


def test_a_typed_passage_becomes_a_claim(reviewer_client, article):
    passage = "Unemployment fell to 5.1 percent last year"
    reviewer_client.post(f"/articles/{article.pk}/claims/", {"passage": passage}, **HTMX)
    claim = Claim.objects.get(article=article)
    assert claim.quote == passage and claim.start == article.body.index(passage)


def test_an_ambiguous_or_missing_passage_is_explained_and_kept(reviewer_client):
    article = ArticleFactory(body="Rates rose. Rates rose.")
    html = reviewer_client.post(
        f"/articles/{article.pk}/claims/", {"passage": "Rates rose"}, **HTMX
    ).content.decode()
    assert "more than once" in html and ">Rates rose</textarea>" in html
    html = reviewer_client.post(
        f"/articles/{article.pk}/claims/", {"passage": "<b>nope</b>"}, **HTMX
    ).content.decode()
    assert "not in the article text" in html and "&lt;b&gt;nope&lt;/b&gt;" in html


def test_suggest_claims_stores_the_extractor_suggestions(reviewer_client):
    body = (
        "The minister said on Monday that unemployment fell to 5.1 percent in 2023. "
        "The city will spend 40 million euros on new schools, officials announced."
    )
    article = ArticleFactory(body=body)
    response = reviewer_client.post(f"/articles/{article.pk}/suggest/", **HTMX)
    assert response.status_code == 200
    assert Claim.objects.filter(article=article, status="suggested").exists()
    assert "st-suggested" in response.content.decode()


def test_accepting_one_suggestion(reviewer_client, article):
    claim = ClaimFactory(article=article, status="suggested", origin="suggested")
    response = reviewer_client.post(
        f"/claims/{claim.pk}/accept/", {"version": claim.version, "from": "workbench"}, **HTMX
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == "open"


def test_accepting_a_stale_suggestion_shows_why(reviewer_client, article):
    claim = ClaimFactory(article=article, status="suggested", origin="suggested", version=3)
    html = reviewer_client.post(
        f"/claims/{claim.pk}/accept/", {"version": 2, "from": "workbench"}, **HTMX
    ).content.decode()
    assert "changed by someone else" in html
    claim.refresh_from_db()
    assert claim.status == "suggested"


def _suggestions(article, n=3):
    body = article.body
    spans = [(0, body.index(".") + 1)]
    second = body.index("Unemployment")
    spans.append((second, body.index(".", second) + 1))
    third = body.index("Critics")
    spans.append((third, len(body)))
    return [
        ClaimFactory(article=article, start=s, end=e, status="suggested", origin="suggested")
        for s, e in spans[:n]
    ]


def test_bulk_accept_of_ticked_suggestions(reviewer_client, article):
    a, b, c = _suggestions(article)
    reviewer_client.post(
        f"/articles/{article.pk}/claims/bulk/",
        {"action": "accept", "ids": [a.pk, c.pk]},
        **HTMX,
    )
    statuses = dict(Claim.objects.filter(article=article).values_list("pk", "status"))
    assert statuses == {a.pk: "open", b.pk: "suggested", c.pk: "open"}


def test_the_accept_and_dismiss_buttons_of_one_suggestion(reviewer_client, editor_client, article):
    a, b, _ = _suggestions(article)
    reviewer_client.post(
        f"/articles/{article.pk}/claims/bulk/", {"action": f"accept:{a.pk}", "ids": [b.pk]}, **HTMX
    )
    editor_client.post(
        f"/articles/{article.pk}/claims/bulk/",
        {"action": f"dismiss:{b.pk}", "reason": "out_of_scope"},
        **HTMX,
    )
    assert Claim.objects.get(pk=a.pk).status == "open"
    assert Claim.objects.get(pk=b.pk).dismissal_reason == "out_of_scope"


def test_bulk_accept_all(reviewer_client, article):
    _suggestions(article)
    reviewer_client.post(f"/articles/{article.pk}/claims/bulk/", {"action": "accept_all"})
    assert set(Claim.objects.filter(article=article).values_list("status", flat=True)) == {"open"}


def test_a_reviewer_turns_down_suggestions_in_bulk(reviewer_client, article):
    a, b, c = _suggestions(article)
    reviewer_client.post(
        f"/articles/{article.pk}/claims/bulk/",
        {"action": "dismiss", "ids": [a.pk, b.pk], "reason": "duplicate"},
        **HTMX,
    )
    statuses = dict(Claim.objects.filter(article=article).values_list("pk", "status"))
    assert (statuses[a.pk], statuses[b.pk], statuses[c.pk]) == (
        "dismissed",
        "dismissed",
        "suggested",
    )


def test_an_editor_dismisses_one_suggestion(editor_client, article):
    claim = ClaimFactory(article=article, status="suggested", origin="suggested")
    response = editor_client.post(
        f"/claims/{claim.pk}/dismiss/", {"reason": "not_checkable", "version": claim.version}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "dismissed" and claim.dismissal_reason == "not_checkable"


def test_writes_need_csrf(reviewer, article):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(f"/articles/{article.pk}/claims/", {"passage": "The city"})
    assert response.status_code == 403
    assert not Article.objects.get(pk=article.pk).claims.exists()
