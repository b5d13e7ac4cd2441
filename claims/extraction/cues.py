"""Lexical cues of check-worthiness: quantities, dates, events, comparisons, causes, attribution,
opinion, prediction and boilerplate. Each finder returns the matched words so that the reason a
reviewer reads quotes the text itself."""

from __future__ import annotations

import re

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
DATE_RE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?!\d)"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|\b{_MONTH}\s+(?:19|20)\d\d\b"
    rf"|(?<=\b(?:in|by|of) )(?:(?:early|late|mid-?)\s*)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
    rf"|(?<=\bsince )(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?"
    r"|\b\d{1,2}(?:\.\d{2})?\s?[ap]\.m\.|\b\d{1,2}(?:\.\d{2})?\s?[ap]m\b"
    rf"|\b(?:last|next|this|on|earlier this|later this)\s+(?:week|month|year|{_WEEKDAY}"
    rf"|spring|summer|autumn|fall|winter|quarter)\b"
    rf"|\b{_WEEKDAY}\b|\byesterday\b|\btoday\b|\btonight\b"
    r"|\b(?:1[89]|20)\d\d(?:s)?\b(?![,.]\d)"
)
_NUMWORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a|several|a few|tens of|hundreds of)"
_SCALE = r"(?:hundred|thousand|million|billion|trillion)s?"
_MOD = (
    r"(?:(?:more|less|fewer|greater|higher|lower|better|worse) than|over|under|about|around|"
    r"nearly|almost|roughly|approximately|some|up to|at least|at most|as many as|as much as|"
    r"just over|just under|only|a record)\s+"
)
_UNIT_WORD = r"(?:\s+(?:new|more|additional|extra|other|foreign|local|young|full-time|active|civilian|armed|registered|eligible))?(?:\s+(?!(?:of|to|in|on|at|the|and|or|for|from|by|with|a|an|than|as|per|is|are|was|were|will|would|has|have|had|since|last|this|that|which|who|its|their|his|her)\b)[a-z][a-z-]{2,})?"
QUANTITY_RE = re.compile(
    rf"(?:{_MOD})?(?:"
    rf"(?:[$€£¥]\s?)?(?<![\w.,:/-])\d+(?:[.,]\d+)*(?![\w:/]|[.,]\d)"
    rf"(?:\s?(?:%|percent\b|per cent\b|percentage points?\b|{_SCALE}\b|bn\b|mn\b|m\b|k\b|km\b|kg\b|tons?\b|tonnes?\b|degrees?\b|years?\b))?"
    rf"|\b{_NUMWORD}\s+{_SCALE}\b|\b(?:dozens|hundreds|thousands|millions|billions)\b"
    rf"|\b(?:doubled|tripled|quadrupled|halved|twice|a third|a quarter|half of)\b"
    rf"){_UNIT_WORD}",
    re.IGNORECASE,
)

EVENT_RE = re.compile(
    r"\b(?:met|meets|signed|ratified|voted|died|killed|visited|arrived|approved|passed|launched|"
    r"elected|appointed|resigned|arrested|charged|sentenced|convicted|fined|banned|closed|opened|"
    r"attacked|struck|invaded|seized|captured|released|fired|dismissed|won|lost|raised|cut|"
    r"increased|decreased|rose|fell|dropped|grew|declined|reached|recorded|published|filed|sued|"
    r"agreed|rejected|vetoed|deployed|sent|withdrew|acquired|bought|sold|merged|hired|injured|"
    r"evacuated|collapsed|exploded|discovered|tested|completed|built|began|ended|suspended|"
    r"cancell?ed|postponed|blocked|introduced|imposed|lifted|adopted|issued|awarded|received|"
    r"paid|spent|invested|borrowed|surged|soared|plunged|slumped|expanded|shrank|contracted|"
    r"took place|held|hosted|took office|sworn in|defeated|indicted|pleaded|admitted|detained|"
    r"shot|wounded|destroyed|damaged|flooded|burned|fled|returned|confirmed|ordered|allocated|"
    r"funded|granted|opposed|overturned|ruled|upheld|criticized|criticised|condemned|"
    r"recalled|shut|reopened|doubled|tripled|halved|unveiled|delivered|produced|exported|"
    r"imported|supplied|employed|treated|vaccinated|infected|hospitali[sz]ed|diagnosed|"
    r"measured|observed|found|showed|shows|published|examined|surveyed|analysed|analyzed|"
    r"reduced|boosted|accused|engaged|moved|called for|took|gave|made|set up|broke|hit|lowered)\b",
    re.IGNORECASE,
)
COMPARISON_RE = re.compile(
    r"\b(?:(?:more|less|fewer|higher|lower|greater|bigger|smaller|larger|faster|slower|"
    r"cheaper|older|younger|better|worse) than|largest|biggest|smallest|highest|lowest|fastest|"
    r"slowest|cheapest|deadliest|worst|best|oldest|youngest|record(?:-\w+)?|first time|"
    r"(?:lowest|highest|most|least|first) since|compared (?:with|to)|times (?:more|as)|"
    r"outpaced|surpassed|overtook|exceeded|outnumbered|the only|the first|the last|"
    r"up from|down from|an increase of|a decrease of|a rise of|a fall of|a drop of)\b",
    re.IGNORECASE,
)
CAUSAL_RE = re.compile(
    r"\b(?:because(?: of)?|due to|as a result(?: of)?|caused|causes|causing|led to|leads to|"
    r"leading to|resulted in|results in|contributing factor|contributed to|responsible for|"
    r"blamed (?:on|for)|linked to|thanks to|owing to|triggered|prompted|driven by|"
    r"fu?ell?ed by|attributed to|which means|therefore|consequently)\b",
    re.IGNORECASE,
)
ATTRIBUTION_VERBS = (
    r"said|says|say|told|tells|stated|states|announced|announces|claimed|claims|alleged|"
    r"alleges|accused|accuses|reported|reports|warned|warns|added|noted|argued|argues|confirmed|"
    r"confirms|denied|denies|insisted|insists|estimated|estimates|wrote|writes|declared|"
    r"declares|explained|testified|tweeted|posted|acknowledged|admitted|revealed|disclosed|"
    r"maintained|asserted|stressed|emphasi[sz]ed|called for|calls for|defined|described|"
    r"cited|quoted|urged|charged|according to"
)
ATTRIBUTION_RE = re.compile(rf"\b(?:{ATTRIBUTION_VERBS})\b")
OPINION_RE = re.compile(
    r"\b(?:I|we) (?:think|believe|feel|hope|want|wish|guess|suppose|know that)\b|"
    r"\b(?:in my (?:view|opinion)|I'm (?:proud|sure|happy|glad|convinced)|"
    r"(?:we|you|they|it|he|she|this|that|government|country) (?:should|must|ought to|need to)|"
    r"should|ought to|must|it is (?:time|high time|clear that|obvious)|shameful|disgraceful|"
    r"outrageous|ridiculous|absurd|wonderful|terrible|horrible|awful|unacceptable|"
    r"hopefully|unfortunately|frankly|let me|let's|let us|we've got to|thank you|"
    r"beautiful|brilliant|amazing|fantastic|pathetic|stupid|disaster|"
    r"deserves? better|the right thing)\b",
    re.IGNORECASE,
)
PREDICTION_RE = re.compile(
    r"\b(?:will|won't|would|wouldn't|may|might|could|shall|expected to|likely to|unlikely to|"
    r"set to|plans? to|planning to|intends? to|aims? to|forecasts?|predicts?|projected to|"
    r"fears?|feared|hopes?|possibly|perhaps|probably|potentially|risks?|threatens? to|"
    r"going to|is poised to|due to (?:be|enter|start|open|begin|take|arrive)|in the coming|next (?:year|month|week|decade)|by (?:20[3-9]\d))\b",
    re.IGNORECASE,
)
FIRST_PERSON_RE = re.compile(r"^(?:\W*)(?:I|we|you|I'm|we're|you're|I've|we've)\b", re.IGNORECASE)

BOILERPLATE = [
    (
        re.compile(
            r"^(?:subscribe|sign up|sign in|log ?in|register now|newsletter|follow us|like us|"
            r"share(?: this| on| article)?|tweet this|email this|print(?: this)?)\b",
            re.I,
        ),
        "a subscription or sharing prompt",
    ),
    (
        re.compile(
            r"^(?:read (?:also|more|next)|see also|more from|related(?: articles| stories| news)?|"
            r"recommended|most read|trending|latest news|last news|continue reading|"
            r"click here|back to top|advertisement|sponsored)\b",
            re.I,
        ),
        "a navigation or promotion line",
    ),
    (
        re.compile(
            r"^(?:photo|photograph|image|picture|video|caption|credit|illustration|"
            r"graphic|screenshot|file photo)s?\b\s*(?::|by\b|-|–|$)",
            re.I,
        ),
        "a photo or caption credit",
    ),
    (
        re.compile(
            r"^(?:translation|translated|editing|edited|reporting|writing|additional reporting|"
            r"compiled|produced|source|sources)\b(?:\s+\w+){0,3}\s*(?::|by\b)",
            re.I,
        ),
        "a translation or production credit",
    ),
    (
        re.compile(r"^(?:tags?|keywords?|categories|category|topics?|filed under)\s*:", re.I),
        "a tag list",
    ),
    (
        re.compile(
            r"^(?:\d[\d,.]*\s+)?(?:comments?|views?|shares?|likes?|reads?)\b(?:\s*[:(]?\s*\d[\d,.]*\)?)?$"
            r"|^\d[\d,.]*\s+(?:comments?|views?|shares?|likes?|reads?)$",
            re.I,
        ),
        "a comment or view counter",
    ),
    (
        re.compile(
            r"^[Bb]y\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von))*\s*(?:[,|/–-].{0,60})?$"
        ),
        "a byline",
    ),
    (
        re.compile(
            r"(?:publishes opinions|opinions? expressed|views expressed|"
            r"do(?:es)? not necessarily (?:reflect|represent)|all rights reserved|©|copyright|"
            r"terms of (?:use|service)|privacy policy|cookie)",
            re.I,
        ),
        "a publisher's notice",
    ),
    (
        re.compile(r"^(?:updated|published|posted|last updated|first published)\b.{0,40}\d", re.I),
        "a publication timestamp",
    ),
    (re.compile(r"\s[-–]\s\d{1,3}$"), "a gallery caption"),
]

_RESIDUE_RE = re.compile(r"[\W\d_]+")


def boilerplate_reason(text: str) -> str | None:
    """Why ``text`` is page furniture rather than article prose, or None."""
    for pattern, why in BOILERPLATE:
        if pattern.search(text):
            return why
    residue = _RESIDUE_RE.sub(" ", DATE_RE.sub(" ", text)).split()
    if len(residue) <= 1 and any(ch.isdigit() for ch in text):
        return "a dateline, timestamp or counter"
    return None


def find_dates(text: str) -> list[tuple[int, int]]:
    """Spans of date and time expressions."""
    return [m.span() for m in DATE_RE.finditer(text)]


def find_quantities(text: str, dates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of quantities (numbers with their modifier and unit), dates excluded."""
    out = []
    for m in QUANTITY_RE.finditer(text):
        s, e = m.span()
        core = m.group()
        if any(ds <= s < de or ds < e <= de for ds, de in dates):
            # "in 2019 more than 300" - keep only what lies outside the date
            if not any(ch.isdigit() for ch in core) or any(ds <= s and e <= de for ds, de in dates):
                continue
            if any(ds <= s < de for ds, de in dates):
                continue
        out.append((s, e))
    return out


def mask_quotes(text: str) -> str:
    """``text`` with the inside of quotations blanked, same length: cues outside quotes only."""
    if '"' not in text and "“" not in text:
        return text
    return _QUOTE_RE.sub(lambda m: m.group()[0] + " " * (len(m.group()) - 2) + m.group()[-1], text)


_QUOTE_RE = re.compile(r'"[^"]{1,600}"|“[^”]{1,600}”')


_MODAL_BEFORE_RE = re.compile(
    r"\b(?:will|would|may|might|could|can|should|must|shall|to|not|n't|never|cannot)"
    r"(?:\s+(?:also|not|still|soon|further|again|be|have))*\s+$",
    re.IGNORECASE,
)


def find_event(masked: str) -> re.Match | None:
    """The first event verb that reports something done, not something that may or should be."""
    for m in EVENT_RE.finditer(masked):
        if not _MODAL_BEFORE_RE.search(masked, max(0, m.start() - 30), m.start()):
            return m
    return None
