"""Safe fetching of user-supplied URLs, content extraction and quote matching. No Django here."""

from .client import (
    FetchConfig,
    FetchResult,
    PostResult,
    check_url,
    drop_kept_client,
    fetch,
    parse_retry_after,
    post,
    resolve_checked,
    system_resolver,
)
from .errors import FetchError, is_time_limit
from .extract import Extracted, content_sha256, extract
from .page import fetch_page
from .policy import UrlPolicy, blocked_reason, parse_networks
from .quotes import QuoteMatch, find_quote, normalize

__all__ = [
    "Extracted",
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "PostResult",
    "QuoteMatch",
    "UrlPolicy",
    "blocked_reason",
    "check_url",
    "content_sha256",
    "drop_kept_client",
    "extract",
    "fetch",
    "fetch_page",
    "find_quote",
    "is_time_limit",
    "normalize",
    "parse_networks",
    "parse_retry_after",
    "post",
    "resolve_checked",
    "system_resolver",
]
