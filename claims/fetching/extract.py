"""Readable text and metadata from fetched bytes: trafilatura for HTML, pypdf for PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import logging
import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .errors import FetchError, is_time_limit

logger = logging.getLogger(__name__)


# Past these a page is refused with a code of its own rather than parsed at length: a PDF's pages
# are read one by one (each can cost seconds), and a text longer than this is no article or source
# a reviewer reads, while every quote check reads all of it.
MAX_PDF_PAGES = 200
MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class Extracted:
    """The text a reviewer reads, with what the page says about itself."""

    text: str
    title: str = ""
    site_name: str = ""
    author: str = ""
    published: str = ""  # ISO date as the page gives it; the caller parses it
    language: str = ""
    sha256: str = ""


def content_sha256(body: bytes) -> str:
    """Hex SHA-256 of the decoded response body, the identity of a snapshot."""
    return hashlib.sha256(body).hexdigest()


def extract(
    body: bytes, content_type: str, *, charset: str | None = None, url: str | None = None
) -> Extracted:
    """Extract text and metadata from a body of one of the accepted content types.

    NUL characters are dropped from every field: PostgreSQL text cannot hold them, and a page
    carrying one must still be stored (the raw snapshot keeps the bytes as they came).
    """
    digest = content_sha256(body)
    if content_type == "application/pdf":
        extracted = _from_pdf(body, digest)
    elif content_type == "text/plain":
        extracted = Extracted(text=_decode(body, charset).strip(), sha256=digest)
    elif content_type in ("text/html", "application/xhtml+xml"):
        extracted = _from_html(body, charset, url, digest)
    else:
        raise FetchError("bad_content_type", f"No extractor for {content_type}.")
    if len(extracted.text) > MAX_TEXT_CHARS:
        raise FetchError(
            "text_too_long",
            f"The page's text has {len(extracted.text):,} characters; at most"
            f" {MAX_TEXT_CHARS:,} are kept.",
        )
    fields = ("text", "title", "site_name", "author", "published", "language")
    if any("\x00" in getattr(extracted, name) for name in fields):
        extracted = dataclasses.replace(
            extracted, **{name: getattr(extracted, name).replace("\x00", "") for name in fields}
        )
    return extracted


def _decode(body: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("latin-1")


# The published date comes from what the page declares (its metadata, <time> elements, the URL),
# never guessed from the story's text, where the first date mentioned is rarely the publication
# date (and the guess cost a third of the extraction's time on a page without one).
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def _from_html(body: bytes, charset: str | None, url: str | None, digest: str) -> Extracted:
    source = _decode(body, charset) if charset else body
    try:
        document = trafilatura.bare_extraction(
            source,
            url=url,
            with_metadata=True,
            include_comments=False,
            date_extraction_params=_DATE_PARAMS | {"max_date": dt.date.today().isoformat()},
        )
    except Exception as exc:  # trafilatura raises assorted errors on hostile markup
        if is_time_limit(exc):  # the worker's soft limit: stop here, not in a second parse
            raise
        logger.warning("trafilatura failed on %s", url, exc_info=True)
        document = None
    meta = document.as_dict() if document is not None else {}
    text = (meta.get("text") or "").strip()
    language = meta.get("language") or ""
    title = meta.get("title") or ""
    language = language or _html_lang(source)
    if not text or not title:  # a page too small or odd for trafilatura: read the markup directly
        fallback_text, fallback_title, _ = _html_fallback(source)
        text = text or fallback_text
        title = title or fallback_title
    return Extracted(
        text=text,
        title=title,
        site_name=meta.get("sitename") or "",
        author=meta.get("author") or "",
        published=meta.get("date") or "",
        language=language,
        sha256=digest,
    )


_HTML_LANG = re.compile(rb"<html\b[^>]*?\b(?:xml:)?lang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def _html_lang(source: bytes | str) -> str:
    """The primary language subtag of <html lang>, read without a second parse."""
    head = source[:8192]
    match = _HTML_LANG.search(head.encode("utf-8", "replace") if isinstance(head, str) else head)
    return match.group(1).decode().lower() if match else ""


def _html_fallback(source: bytes | str) -> tuple[str, str, str]:
    """Plain text, <title> and <html lang> straight from the markup."""
    try:
        root = lxml.html.fromstring(source)
    except (ValueError, lxml.etree.ParserError):
        return "", "", ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    title = (root.findtext(".//title") or "").strip()
    language = (
        root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    ).strip()
    text = "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())
    return text, title, language.split("-")[0].lower() if language else ""


def _from_pdf(body: bytes, digest: str) -> Extracted:
    try:
        reader = PdfReader(io.BytesIO(body))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise FetchError(
                "too_many_pages",
                f"The PDF has {len(reader.pages):,} pages; at most {MAX_PDF_PAGES} are read.",
            )
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise FetchError("bad_content", f"The PDF could not be read ({exc}).") from None
    return Extracted(
        text="\n\n".join(p.strip() for p in pages if p.strip()),
        title=str(info.get("/Title") or ""),
        author=str(info.get("/Author") or ""),
        sha256=digest,
    )
