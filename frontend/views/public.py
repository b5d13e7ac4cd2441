"""Public pages for readers and aggregators: a page per fact-check, an article's fact-checks, the
index, the feeds and robots.txt. Anyone may read them; they show published work only, the same to
every visitor (claims.selectors_public)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from claims import selectors, selectors_public
from claims.exports import feeds
from claims.exports.claimreview import (
    article_public_path,
    claim_moment,
    claim_review,
    claim_reviewed,
    fact_check_path,
    fact_check_slug,
    site_url,
)
from claims.models import Verdict
from claims.selectors_matching import claim_links_for
from frontend.views.articles import clock

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
FEED_CACHE = "public, max-age=300"


def json_ld(data) -> str:
    """JSON for a <script type="application/ld+json"> block: <, > and & escaped as \\u00XX, so
    no text in it (a "</script>" in a claim) can end the block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 (no <, > or & left)


def _credits(verdict: Verdict) -> dict:
    """Who checked and who approved, as FACTCHECK_PUBLIC_CREDITS says: names or roles."""
    if settings.FACTCHECK_PUBLIC_CREDITS == "names":

        def name(user) -> str:
            return (user.get_full_name() or user.get_username()) if user else ""

        return {"checked_by": name(verdict.author), "approved_by": name(verdict.reviewed_by)}
    # The workflow fixes the roles: an author drafts, an editor other than the author approves.
    return {"checked_by": "a fact-checker", "approved_by": "an editor"}


def _common() -> dict:
    return {
        "methodology_url": settings.FACTCHECK_METHODOLOGY_URL,
        "publisher_name": settings.FACTCHECK_PUBLISHER_NAME,
    }


@require_GET
def fact_check_detail(request: HttpRequest, claim_id: int, slug: str) -> HttpResponse:
    """One fact-check with its single ClaimReview; a stale or wrong slug redirects (301)."""
    check = selectors_public.fact_check_get(claim_id=claim_id)
    if check is None:
        raise Http404("No published fact-check here.")
    if slug != fact_check_slug(check.claim):
        return HttpResponseRedirect(fact_check_path(check.claim), status=301)
    earlier = claim_links_for(claim_ids=[check.claim.pk])[check.claim.pk]
    review = claim_review(
        claim=check.claim,
        verdict=check.verdict,
        first_published=check.first_published,
        earlier=earlier,
    )
    moment = claim_moment(check.claim)
    context = {
        "check": check,
        "earlier": earlier,
        "moment": clock(moment[0]) if moment else "",
        "moment_url": moment[1] if moment else None,
        "claim": check.claim,
        "article": check.claim.article,
        "verdict": check.verdict,
        "title": claim_reviewed(check.claim, check.verdict),
        "json_ld": json_ld(review),
        "canonical": review["url"],
        "credits": _credits(check.verdict),
        "ratings": list(selectors.rating_list()),
        **_common(),
    }
    return render(request, "frontend/public_fact_check.html", context)


@require_GET
def public_article(request: HttpRequest, article_id: int) -> HttpResponse:
    """An article's published fact-checks, each linking to its own page."""
    article, verdicts = selectors_public.article_fact_checks(article_id=article_id)
    if article is None:
        raise Http404("No published fact-checks for this article.")
    items = [
        {
            "verdict": v,
            "claim": v.claim,
            "title": claim_reviewed(v.claim, v),
            "path": fact_check_path(v.claim),
        }
        for v in verdicts
    ]
    context = {"article": article, "items": items, **_common()}
    return render(request, "frontend/public_article.html", context)


@require_GET
def old_article_redirect(request: HttpRequest, article_id: int) -> HttpResponse:
    """/fact-checks/<article id>/ was the article page before each fact-check had its own."""
    return HttpResponseRedirect(article_public_path(article_id), status=301)


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if 1 <= number <= 1_000_000 else None


@require_GET
def fact_check_index(request: HttpRequest) -> HttpResponse:
    """All published fact-checks, newest first: by rating, by claimant, searchable, paginated."""
    search = request.GET.get("q", "")
    rating = request.GET.get("rating", "")
    claimant = request.GET.get("claimant", "")
    ratings = list(selectors.rating_list())
    context = {
        "ratings": ratings,
        "search": search,
        "rating": rating,
        "claimant": claimant,
        **_common(),
    }
    number = _page_number(request)
    problems = []
    if rating and rating not in {r.slug for r in ratings}:
        problems.append(f"Unknown rating {rating!r}: choose one from the list.")
    if number is None:
        problems.append("The page must be a whole number from 1.")
    if problems:
        context |= {"errors": problems, "page": None}
        return render(request, "frontend/public_index.html", context, status=400)
    qs = selectors_public.fact_check_index(search=search, rating=rating, claimant=claimant)
    paginator = Paginator(qs, settings.FACTCHECK_PUBLIC_PAGE_SIZE)
    try:
        page = paginator.page(number)
    except InvalidPage:
        if number != 1:
            raise Http404("No such page.") from None
        page = paginator.page(1)
    filters = {k: v for k, v in (("q", search), ("rating", rating), ("claimant", claimant)) if v}
    context |= {
        "page": page,
        "items": [
            {
                "verdict": v,
                "claim": v.claim,
                "title": claim_reviewed(v.claim, v),
                "path": fact_check_path(v.claim),
            }
            for v in page.object_list
        ],
        "query": urlencode(filters),
    }
    return render(request, "frontend/public_index.html", context)


def _feed_page(request: HttpRequest, path: str) -> feeds.FeedPage | HttpResponse:
    """A feed's page of fact-checks (one query: a page and one more row tells if there is a next)."""
    number = _page_number(request)
    if number is None:
        return HttpResponse(
            "The page must be a whole number from 1.\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    size = settings.FACTCHECK_FEED_PAGE_SIZE
    start = (number - 1) * size
    rows = list(selectors_public.fact_check_feed()[start : start + size + 1])
    if not rows and number > 1:
        raise Http404("No such page.")
    url = site_url(path)
    return feeds.FeedPage(
        verdicts=rows[:size],
        self_url=url if number == 1 else f"{url}?page={number}",
        index_url=site_url(reverse("frontend:public-index")),
        next_url=f"{url}?page={number + 1}" if len(rows) > size else None,
        previous_url=(url if number == 2 else f"{url}?page={number - 1}") if number > 1 else None,
        first_url=url,
    )


def _feed_response(body, content_type: str, page: feeds.FeedPage) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = FEED_CACHE
    links = [f'<{page.next_url}>; rel="next"'] if page.next_url else []
    if page.previous_url:
        links.append(f'<{page.previous_url}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)
    return response


def _json_body(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_JSON_ESCAPES)


@require_GET
def feed_atom(request: HttpRequest) -> HttpResponse:
    """New and corrected fact-checks as Atom 1.0."""
    page = _feed_page(request, reverse("frontend:feed-atom"))
    if isinstance(page, HttpResponse):
        return page
    return _feed_response(feeds.atom_feed(page), "application/atom+xml; charset=utf-8", page)


@require_GET
def feed_json(request: HttpRequest) -> HttpResponse:
    """New and corrected fact-checks as JSON Feed 1.1."""
    page = _feed_page(request, reverse("frontend:feed-json"))
    if isinstance(page, HttpResponse):
        return page
    body = _json_body(feeds.json_feed(page))
    return _feed_response(body, "application/feed+json; charset=utf-8", page)


@require_GET
def feed_claim_review(request: HttpRequest) -> HttpResponse:
    """The published ClaimReviews as a schema.org DataFeed (for aggregators)."""
    page = _feed_page(request, reverse("frontend:feed-claimreview"))
    if isinstance(page, HttpResponse):
        return page
    body = _json_body(feeds.claim_review_data_feed(page))
    return _feed_response(body, "application/ld+json; charset=utf-8", page)


ROBOTS_DISALLOW = (
    "/accounts/",
    "/admin/",
    "/api/",
    "/articles/",
    "/claims/",
    "/queue/",
    "/sources/",
    "/verdicts/",
)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the public fact-checks; the workbench, the API and the admin are off."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines += ["Allow: /fact-checks/", "", f"Sitemap: {site_url('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
