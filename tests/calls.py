"""Work counted deterministically: the calls (of Python and of C functions) that
``sys.setprofile`` sees while a function runs. The same input gives the same count on any machine
under any load, so the tests of linear cost count calls rather than time."""

from __future__ import annotations

import sys
from collections.abc import Callable


def calls_made(run: Callable[[], object]) -> int:
    """How many profile events (calls and returns, Python and C) running ``run()`` makes."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        count += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count
