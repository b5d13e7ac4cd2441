import hashlib
from importlib import import_module

import pytest

from claims.fetching import FetchError, extract
from claims.fetching.extract import content_sha256
from tests.claims.fetching.pdfs import make_pdf

# the module (claims.fetching.extract is also the name of its function in the package)
extract_module = import_module("claims.fetching.extract")

ARTICLE = """<!doctype html><html lang="en-GB"><head><title>Troops sent - Daily Test</title>
<meta property="og:site_name" content="Daily Test"><meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-11-05T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Troops sent</h1>
<p>More than 10,000 troops were sent to the region, officials said on Tuesday.</p>
<p>The treaty was ratified by both parliaments earlier this year, according to state media.</p>
<p>Analysts said the deployment marked a significant escalation in the conflict.</p>
</article><footer>Copyright Daily Test</footer><script>var x = "not text";</script></body></html>"""


def test_html_gives_main_text_and_metadata():
    result = extract(ARTICLE.encode(), "text/html", charset="utf-8", url="https://news.test/a")
    assert "More than 10,000 troops were sent" in result.text
    assert "not text" not in result.text
    assert result.title == "Troops sent"
    assert result.site_name == "Daily Test"
    assert result.author == "Jane Roe"
    assert result.published == "2024-11-05"
    assert result.language == "en"
    assert result.sha256 == hashlib.sha256(ARTICLE.encode()).hexdigest()


def test_the_published_date_is_what_the_page_declares_never_a_date_in_the_story():
    story = (
        "<p>The ceasefire signed on 12 March 2019 was broken again, officials said.</p>"
        "<p>The talks that ended on 4 June 2021 are due to resume next spring.</p>" * 3
    )
    undated = (
        f"<html><head><title>Talks</title></head><body><article>{story}</article></body></html>"
    )
    assert extract(undated.encode(), "text/html", url="https://example.org/talks").published == ""
    timed = undated.replace(
        "<article>", '<article><time datetime="2024-10-02T08:00:00Z">2 October 2024</time>'
    )
    assert extract(timed.encode(), "text/html").published == "2024-10-02"
    in_url = extract(undated.encode(), "text/html", url="https://example.org/2023/05/17/talks")
    assert in_url.published == "2023-05-17"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"Line one\x00 and two.\nMore \x00text.", "text/plain"),
        (
            b"<html><head><title>A\x00B</title></head><body><p>Line one\x00 and two.</p></body></html>",
            "text/html",
        ),
    ],
)
def test_nul_characters_are_dropped_so_postgresql_can_store_the_text(body, content_type):
    result = extract(body, content_type)
    for value in (result.text, result.title, result.author, result.site_name, result.language):
        assert "\x00" not in value
    assert "Line one and two." in result.text
    assert result.sha256 == content_sha256(body)


def test_a_page_too_small_for_trafilatura_still_gives_its_text():
    result = extract(
        b"<html><head><title>T</title></head><body><p>Just one line.</p></body></html>", "text/html"
    )
    assert "Just one line." in result.text
    assert result.title == "T"


def test_html_in_a_declared_charset_is_decoded():
    body = "<html><body><article><p>Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade.</p></article></body></html>".encode(
        "latin-1"
    )
    assert "Café crème" in extract(body, "text/html", charset="iso-8859-1").text


def test_plain_text_is_kept_as_it_is():
    assert (
        extract(b"Line one\nLine two\n", "text/plain", charset="utf-8").text == "Line one\nLine two"
    )


def test_pdf_text_and_metadata_are_extracted():
    pdf = make_pdf(
        ["The treaty was ratified in June.", "Second page text."], title="Report", author="Ministry"
    )
    result = extract(pdf, "application/pdf")
    assert "The treaty was ratified in June." in result.text
    assert "Second page text." in result.text
    assert (result.title, result.author) == ("Report", "Ministry")


def test_a_broken_pdf_is_a_clear_failure():
    with pytest.raises(FetchError) as caught:
        extract(b"%PDF-1.4 not really", "application/pdf")
    assert caught.value.code == "bad_content"


def test_a_pdf_with_more_pages_than_the_limit_is_refused_before_its_pages_are_read(monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_PDF_PAGES", 2)
    assert extract(make_pdf(["one", "two"]), "application/pdf").text == "one\n\ntwo"
    with pytest.raises(FetchError) as caught:
        extract(make_pdf(["one", "two", "three"]), "application/pdf")
    assert caught.value.code == "too_many_pages" and not caught.value.transient
    assert "3 pages" in caught.value.message


def test_a_text_longer_than_the_limit_is_refused_with_its_own_code(monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_TEXT_CHARS", 100)
    assert len(extract(b"x" * 100, "text/plain").text) == 100
    with pytest.raises(FetchError) as caught:
        extract(b"x" * 101, "text/plain")
    assert caught.value.code == "text_too_long"
