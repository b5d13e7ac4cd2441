"""Claim extraction: segment news text or transcripts into check-worthy claims and explain each
decision.

Pure Python; imports nothing from Django so that it can be tested and benchmarked alone.
"""

# The public names, re-exported explicitly ("X as X"), so the list is not written twice.
from .core import NEWS as NEWS
from .core import THRESHOLD as THRESHOLD
from .core import TRANSCRIPT as TRANSCRIPT
from .core import ExtractionInputError as ExtractionInputError
from .core import Mode as Mode
from .core import Suggestion as Suggestion
from .core import analyse as analyse
from .core import extract_claims as extract_claims
from .core import iter_claims as iter_claims
