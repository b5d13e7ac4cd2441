"""Pages and sources the fetch, link-check and ingest service tests share."""

from __future__ import annotations

import datetime as dt

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
    assert fetch.source_fetch(source_id=source.pk).state == "fetched"
    Source.objects.filter(pk=source.pk).update(
        last_checked_at=timezone.now() - dt.timedelta(days=90)
    )
    return Source.objects.get(pk=source.pk)
