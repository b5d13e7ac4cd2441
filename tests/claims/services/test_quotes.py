"""Quote checks of evidence against the fetched text."""

from __future__ import annotations

import pytest

from claims.services import quotes
from tests.claims.services.pages import PAGE, fetch_and_parse, make_source
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.usefixtures("fetch_settings")


@pytest.mark.django_db
def test_evidence_added_to_a_fetched_source_is_checked_at_once(site):
    site.page("/a", PAGE)
    source = make_source(site)
    fetch_and_parse(source.pk)
    evidence = EvidenceFactory(source=source, quoted_passage="ratified by both parliaments")
    assert evidence.quote_found is None
    quotes.evidence_check_quote(evidence=evidence)
    assert evidence.quote_found is True and evidence.quote_score == 1.0
