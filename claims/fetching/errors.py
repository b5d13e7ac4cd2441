"""The one error type the fetcher raises, with a code a person understands."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that did not produce content.

    `code` is stable and machine-readable (stored on the Source row), `message` is for people,
    `transient` says whether trying again later may succeed.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        transient: bool = False,
        status_code: int | None = None,
        retry_after: float | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.transient = transient
        self.status_code = status_code
        self.retry_after = retry_after
        self.url = url

    def __reduce__(self):  # picklable across process boundaries (Celery results, multiprocessing)
        return (
            _rebuild,
            (self.code, self.message, self.transient, self.status_code, self.retry_after, self.url),
        )


def _rebuild(code, message, transient, status_code, retry_after, url) -> FetchError:
    return FetchError(
        code,
        message,
        transient=transient,
        status_code=status_code,
        retry_after=retry_after,
        url=url,
    )


def is_time_limit(exc: BaseException) -> bool:
    """Whether ``exc`` is the worker's soft time limit (billiard's SoftTimeLimitExceeded), which a
    catch-all must let through so the task stops and records parse_timeout."""
    from billiard.exceptions import SoftTimeLimitExceeded

    return isinstance(exc, SoftTimeLimitExceeded)
