"""Who made a claim: the claimant and the attribution verb, where the sentence says so."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import ATTRIBUTION_VERBS

_CAP = r"[A-Z][\w.'’-]*"
_GLUE = r"(?:of|the|and|for|de|al|bin|van|von|der|la|le|du|da|&)"
_LOW = (
    r"(?!(?:has|have|had|was|were|is|are|recently|also|who|which|that|and|said|says|will|would|"
    r"could|may|might|not|did|does|do|been|being|be)\b)[a-z][a-z'’-]*(?<!ed)\b"
)
_NP = rf"(?:{_CAP}(?:\s(?:{_CAP}|{_GLUE})){{0,9}}(?<![a-z]\s)(?<!\s&)(?<=[\w.])(?<!\sand)(?<!\sof)(?<!\sthe))"
_LOWER_NP = (
    rf"(?:(?:the|a|an|its|his|her|their|one|two|three|several|many|some|local|senior)"
    rf"(?:\s(?:{_CAP}|{_GLUE}|{_LOW})){{1,8}}(?<!\sand)(?<!\sof)(?<!\sthe)(?<!\sfor))"
)
_ACCORDING_RE = re.compile(
    rf"\b[Aa]ccording to ((?:{_NP}|{_LOWER_NP}))(?=,|\.|;|$| in | on | at | who | which )"
)
_AFTER_QUOTE_RE = re.compile(
    rf"[”\"],?\s+(?:({ATTRIBUTION_VERBS})\s+((?:{_NP}|{_LOWER_NP}))(?=[.,;]|$| of | at | in | who | on )"
    rf"|((?:{_NP}|{_LOWER_NP}|he|she|they))\s+({ATTRIBUTION_VERBS})\b)"
)
_TRAILING_RE = re.compile(
    rf",\s+(?:({ATTRIBUTION_VERBS})\s+((?:{_NP}|{_LOWER_NP}))(?=[.,;]$|[.,;]\s|$)"
    rf"|((?:{_NP}|{_LOWER_NP}))\s+({ATTRIBUTION_VERBS})(?=[.,;]|\s+(?:on|in|at|last|yesterday|today|"
    rf"without|adding|citing|earlier|late|this)\b|$))"
)
# A role in lower case before a name: "Finance minister Ana Costa", "Chief executive Paolo Ferri"
_ROLE_NAME = rf"(?:{_CAP}(?:\s[a-z][a-z-]*){{1,3}}\s[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){{1,3}})"
_SUBJECT_RE = re.compile(
    rf"^(?:[^,]{{1,60}},\s+)?((?:{_ROLE_NAME}|{_NP}|{_LOWER_NP}|[Aa]nalysts|[Oo]fficials|[Ee]xperts|[Cc]ritics|"
    rf"[Pp]olice|[Rr]esearchers|[Ss]cientists|[Dd]octors|[Ww]itnesses|[Rr]esidents|[Ii]nvestigators|"
    rf"[Pp]rosecutors|[Ss]he|[Hh]e|[Tt]hey))\s+"
    rf"(?:(?:has|have|had|also|recently|previously|publicly|repeatedly|later|earlier|again|"
    rf"first|then|on \w+ \d+|last \w+|on \w+)\s+)*({ATTRIBUTION_VERBS})\b"
)
_PASSIVE_BY_RE = re.compile(
    rf"\b(?:cited|described|quoted|reported|denounced|critici[sz]ed|confirmed|claimed)\b"
    rf"[^.;]{{0,30}}?\bby ((?:{_NP}|{_LOWER_NP}))(?=,|\.|;| as | in | on )"
)
_SUBJECT_CHAIN_RE = re.compile(
    r"^((?:(?:[A-Z][\w.'’-]*|of|the|and|for|de|al|bin|von|van)\s+){0,8}[A-Z][\w.'’-]*)\s+"
    r"(?:[a-z]+ly\s+)?[a-z]+ed\b[^.;]*?\band\s+(" + ATTRIBUTION_VERBS + r")\b"
)
_TITLES = re.compile(
    r"\b(?:President|Vice-President|Minister|Secretary|Chancellor|Premier|Governor|Senator|Mayor|"
    r"General|Gen\.|Dr\.|Prof\.|Professor|[Ss]pokes(?:man|woman|person)|CEO|[Cc]hief|[Dd]irector|"
    r"[Ll]eader|Ambassador|King|Queen|Pope|Judge|Chair(?:man|woman)?|Commissioner|[Ee]conomist|"
    r"[Aa]nalyst|Sen\.|Rep\.|Gov\.|Mr\.|Mrs\.|Ms\.|Speaker|Councillor|Councilor|Commander|"
    r"Admiral|Colonel|Col\.|Lt\.|Captain|Sheriff|Attorney General|Prosecutor|[Cc]oach|[Ff]ounder|"
    r"[Hh]ead|[Mm]anager|[Rr]esearcher|[Ss]cientist|[Ee]pidemiologist|[Oo]fficer|[Ee]ditor)\s+"
)
_NAME_TAIL = re.compile(r"(?:[A-Z][\w.'’-]*)(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|bin|al))*$")
_PRONOUNS = {"he", "she", "they"}
# the name after a role in lower case (not after a word that joins names: "the US and South Korea")
_ROLE_TAIL = re.compile(
    r"\s(?!(?:and|of|the|for|de|al|bin|van|von|der|la|le|du|da)\s)[a-z][a-z-]*"
    r"\s([A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){1,3})$"
)
_TRAILING_AUX_RE = re.compile(r"\s+(?:has|have|had|also|recently|was|were|is|are)$")
_SPACES_RE = re.compile(r"\s+")
_ORGANISATION_RE = re.compile(
    r"\b(?:Ministry|Agency|Institute|Office|Bank|Council|Department|"
    r"Korea|States|Union|Nations|Party|Government|Police|Court|Service|"
    r"University|Association|Company|Group|News|Times|Post)\b"
)
_BAD_HEADS = re.compile(
    r"^(?:It|This|That|There|What|Which|When|If|But|And|So|However|Meanwhile|Yet|The report|"
    r"I|We|You|Here|Now|Then|As|Although|While|After|Before)\b"
)


@dataclass(frozen=True)
class Attribution:
    """Who said it and with which verb; ``position`` is where the attribution ends in the text."""

    claimant: str | None
    verb: str
    position: int
    pronoun: bool = False


def _clean(np: str) -> str | None:
    np = np.strip(" \"“”'’,.")
    np = _TRAILING_AUX_RE.sub("", np)
    np = _SPACES_RE.sub(" ", np)
    if not np or len(np.split()) > 12:
        return None
    if " of " in np and is_person(np.split(" of ")[0]):
        np = np.split(" of ")[0]
    role = _ROLE_TAIL.search(np)
    if role and is_person(role.group(1)):
        return role.group(1)
    title = None
    for title in _TITLES.finditer(np):  # noqa: B007 - the last title wins
        pass
    if title is not None:
        tail = np[title.end() :]
        name = _NAME_TAIL.match(tail)
        if name and name.group() == tail and tail[:1].isupper():
            return tail
    return np


def find_attribution(text: str, masked: str) -> Attribution | None:
    """The first attribution the sentence states, searched in a fixed order of reliability.

    ``masked`` is ``text`` with quotations blanked, so a verb inside a quotation is not taken for
    the attribution of the sentence.
    """
    m = _ACCORDING_RE.search(masked) if "ccording to" in masked else None
    if m:
        c = _clean(text[m.start(1) : m.end(1)])
        if c:
            return Attribution(c, "according to", m.end())
    m = _AFTER_QUOTE_RE.search(masked) if ('"' in masked or "”" in masked) else None
    if m:
        if m.group(1):
            verb, np, end = m.group(1), text[m.start(2) : m.end(2)], m.end()
        else:
            verb, np, end = m.group(4), text[m.start(3) : m.end(3)], m.end()
        return _make(np, verb, end)
    m = _SUBJECT_RE.match(masked)
    if (m and not _BAD_HEADS.match(text[m.start(1) : m.end(1)] + " ")) or (
        m and text[m.start(1) : m.end(1)].lower() in _PRONOUNS
    ):
        return _make(text[m.start(1) : m.end(1)], m.group(2), m.end())
    m = _SUBJECT_CHAIN_RE.match(masked) if "and" in masked else None  # a match needs its "and"
    if m and not _BAD_HEADS.match(m.group(1) + " "):
        return _make(m.group(1), m.group(2), m.end())
    m = _TRAILING_RE.search(masked) if ", " in masked else None
    if m:
        if m.group(1):
            return _make(text[m.start(2) : m.end(2)], m.group(1), m.end())
        return _make(text[m.start(3) : m.end(3)], m.group(4), m.end())
    m = _PASSIVE_BY_RE.search(masked) if " by " in masked else None
    if m:
        c = _clean(text[m.start(1) : m.end(1)])
        if c:
            return Attribution(c, "by", m.end())
    return None


def _make(np: str, verb: str, end: int) -> Attribution | None:
    if np.strip().lower() in _PRONOUNS:
        return Attribution(None, verb, end, pronoun=True)
    if _BAD_HEADS.match(np.strip() + " "):
        return None
    c = _clean(np)
    if not c:
        return None
    return Attribution(c, verb, end)


def is_person(name: str) -> bool:
    """A name of two or more capitalised words without an organisation word."""
    words = name.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and not _ORGANISATION_RE.search(name)
    )
