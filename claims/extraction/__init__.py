"""Claim extraction: segment news text into check-worthy claims and explain each decision.

Pure Python; imports nothing from Django so that it can be tested and benchmarked alone.
"""

from .core import THRESHOLD, ExtractionInputError, Suggestion, analyse, extract_claims

__all__ = ["THRESHOLD", "ExtractionInputError", "Suggestion", "analyse", "extract_claims"]
