"""Claim extraction: segment news text or transcripts into check-worthy claims and explain each
decision.

Pure Python; imports nothing from Django so that it can be tested and benchmarked alone.
"""

from .core import (
    NEWS,
    THRESHOLD,
    TRANSCRIPT,
    ExtractionInputError,
    Mode,
    Suggestion,
    analyse,
    extract_claims,
)

__all__ = [
    "NEWS",
    "THRESHOLD",
    "TRANSCRIPT",
    "ExtractionInputError",
    "Mode",
    "Suggestion",
    "analyse",
    "extract_claims",
]
