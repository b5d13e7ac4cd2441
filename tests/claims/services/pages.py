"""Pages and sources the fetch, link-check and ingest service tests share."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone

from claims.models import Source
from claims.services import fetch
from tests.factories import SourceFactory

PAGE = """<html lang="en"><head><title>Troops arrive</title>
<meta property="og:site_name" content="Daily Test"></head><body><article>
<p>Officials said on Tuesday that \u201cmore than 10,000 troops\u201d had arrived in the region.</p>
<p>The treaty was ratified by both parliaments earlier this year, according to state media.</p>
</article></body></html>"""


def make_source(site, path="/a") -> Source:
    return SourceFactory(url=site.url(path), normalized_url=site.url(path))


def fetched(site, path="/a", body=PAGE) -> Source:
    site.page(path, body)
    source = make_source(site, path)
    assert fetch_and_parse(source.pk).state == "fetched"
    Source.objects.filter(pk=source.pk).update(
        last_checked_at=timezone.now() - dt.timedelta(days=90)
    )
    return Source.objects.get(pk=source.pk)


def fetch_and_parse(source_id: int) -> fetch.FetchOutcome:
    """What the two workers do for one source: the fetch (fetch queue), then, if it handed a page
    on, the parse (parse queue), run here in turn with the page the fetch would have sent."""
    sent: list[tuple] = []
    with mock.patch.object(fetch, "enqueue", lambda name, *args: sent.append((name, args))):
        outcome = fetch.source_fetch(source_id=source_id)
    if outcome.state != "parsing":
        return outcome
    [(name, (sent_id, payload))] = sent
    assert name == "claims.tasks.source_parse" and sent_id == source_id
    return fetch.source_parse(source_id=source_id, payload=payload)


def link_check_and_parse(source_id: int) -> str:
    """A link check as its two workers run it: the fetch, then the comparison of the page."""
    from claims.services import linkcheck

    sent: list[tuple] = []
    with mock.patch.object(linkcheck, "enqueue", lambda name, *args: sent.append((name, args))):
        state = linkcheck.source_link_check(source_id=source_id)
    if state != "parsing":
        return state
    [(name, (sent_id, payload))] = sent
    assert name == "claims.tasks.source_link_check_parse" and sent_id == source_id
    return linkcheck.source_link_check_parse(source_id=source_id, payload=payload)
