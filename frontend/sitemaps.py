"""The sitemaps (django.contrib.sitemaps): every public fact-check page, article page and the index.

/sitemap.xml is an index of the sections' sitemaps (/sitemap-<section>.xml, paged by ?p=N at 2,000
URLs). Locations are on the publisher's site (FACTCHECK_PUBLISHER_URL), like the
ClaimReview urls, not on whatever host name the request came in by.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from claims import selectors_public
from claims.exports.claimreview import article_public_path, fact_check_path


class _PublisherSite:
    """What Sitemap needs of a site: its domain (here with the publisher URL's path prefix)."""

    def __init__(self) -> None:
        parts = urlsplit(settings.FACTCHECK_PUBLISHER_URL)
        self.protocol = parts.scheme or "https"
        self.domain = parts.netloc + parts.path.rstrip("/")
        self.name = settings.FACTCHECK_PUBLISHER_NAME


class PublisherSitemap(Sitemap):
    # Rendering costs about 0.3 ms a URL (django.contrib.sitemaps' template): pages of 2,000 keep a
    # request well under a second whatever the count (the protocol would allow 50,000).
    limit = 2000

    def get_urls(self, page=1, site=None, protocol=None):
        site = _PublisherSite()
        return super().get_urls(page=page, site=site, protocol=site.protocol)


class FactCheckSitemap(PublisherSitemap):
    """One entry per claim with a published verdict; lastmod is its latest publication."""

    def items(self):
        return selectors_public.sitemap_fact_checks()

    def location(self, item) -> str:
        return fact_check_path(item.claim)

    def lastmod(self, item):
        return item.published_at

    def get_latest_lastmod(self):
        # Django's default reads every item to find the latest; one aggregate does.
        return selectors_public.sitemap_fact_checks().aggregate(latest=Max("published_at"))[
            "latest"
        ]


class ArticleSitemap(PublisherSitemap):
    def items(self):
        return selectors_public.articles_with_fact_checks()

    def location(self, item) -> str:
        return article_public_path(item.pk)

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        return selectors_public.sitemap_fact_checks().aggregate(latest=Max("published_at"))[
            "latest"
        ]


class IndexSitemap(PublisherSitemap):
    def items(self):
        return ["frontend:public-index"]

    def location(self, item) -> str:
        return reverse(item)


SITEMAPS = {"pages": IndexSitemap, "fact-checks": FactCheckSitemap, "articles": ArticleSitemap}
