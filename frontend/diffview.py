"""Diffs for people: an article's revision against the one before, a claim's text as checked
against its text now. Server-rendered and escaped (article text is hostile: it may hold HTML);
the cost is bounded like re-anchoring's (lines first, words only inside small changed runs)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from claims.anchoring import line_opcodes

_TOKEN = re.compile(r"\w+(?:[.,]\w+)*|\s+|[^\w\s]")  # "4.2" is one word
WORD_DIFF_MAX_TOKENS = 3_000  # a changed run longer than this is shown as removed and added
# Tokens diffed word by word in one page, all changed runs together (each costs up to its square):
# past it, changed runs are shown as removed and added.
WORD_DIFF_BUDGET_TOKENS = 2 * WORD_DIFF_MAX_TOKENS
CONTEXT_LINES = 2  # unchanged lines shown around each change
MAX_HUNKS = 400  # a diff with more changes than this shows the first ones and says so


def _words(old: str, new: str) -> tuple[str, str]:
    """Both texts escaped, the removed words in <del> (old) and the added ones in <ins> (new)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) + len(b) > 2 * WORD_DIFF_MAX_TOKENS:
        return f"<del>{escape(old)}</del>", f"<ins>{escape(new)}</ins>"
    left, right = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f"<del>{removed}</del>")
        if added:
            right.append(f"<ins>{added}</ins>")
    return "".join(left), "".join(right)


def side_by_side(old: str, new: str) -> tuple[SafeString, SafeString]:
    """A claim's text as checked and as it reads now, each with its changes marked."""
    left, right = _words(old, new)
    return mark_safe(left), mark_safe(right)  # noqa: S308 (every piece escaped above)


def inline_diff(old: str, new: str) -> SafeString:
    """The new text with what was removed in <del> and what was added in <ins>, unchanged runs of
    lines folded to CONTEXT_LINES around each change."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[str] = []
    hunks = 0
    opcodes = line_opcodes(a, b)  # linear past LINE_DIFF_MAX_LINES, like re-anchoring's
    budget = [WORD_DIFF_BUDGET_TOKENS]
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            lines = a[i1:i2]
            head = lines[:CONTEXT_LINES] if n > 0 else []
            tail = lines[-CONTEXT_LINES:] if n < len(opcodes) - 1 else []
            if len(lines) <= len(head) + len(tail) + 1:
                out.append(escape("".join(lines)))
                continue
            folded = len(lines) - len(head) - len(tail)
            out.append(escape("".join(head)))
            out.append(f'<span class="folded">… {folded} unchanged line(s) …</span>\n')
            out.append(escape("".join(tail)))
            continue
        hunks += 1
        if hunks > MAX_HUNKS:
            out.append(f'<span class="folded">… and more changes (over {MAX_HUNKS}) …</span>')
            break
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "replace":
            out.append(_inline_words(removed, added, budget))
        elif removed:
            out.append(f"<del>{escape(removed)}</del>")
        else:
            out.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(out))  # noqa: S308 (every piece escaped above)


def _inline_words(old: str, new: str, budget: list[int]) -> str:
    """A replaced run once: unchanged words as they are, removed ones in <del>, added in <ins>
    (while the page's budget of tokens lasts; past it, the run removed and added)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) + len(b) > min(2 * WORD_DIFF_MAX_TOKENS, budget[0]):
        return f"<del>{escape(old)}</del><ins>{escape(new)}</ins>"
    budget[0] -= len(a) + len(b)
    # autojunk (from 200 tokens on): spaces and full stops in every line are not matched one by one
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=True).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            out.append(added)
            continue
        if removed:
            out.append(f"<del>{removed}</del>")
        if added:
            out.append(f"<ins>{added}</ins>")
    return "".join(out)
