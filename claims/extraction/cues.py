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
_MON3 = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
_TIME_OF_DAY = r"\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?|\d{1,2}(?:\.\d{2})?\s?[ap]\.m\.|\d{1,2}(?:\.\d{2})?\s?[ap]m\b"
# One leading \b so that alternatives are only tried at word starts, and a look-ahead for the
# characters an alternative can start with so that most word starts fail at once; group 1 is the
# date inside "in June", "since February 2022".
DATE_RE = re.compile(
    rf"\b(?=[\dJFMASONDTWbeilnosty])(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+(?:19|20)\d\d\b"
    rf"|(?:in|by|of|since) ((?:(?:early|late|mid-?)\s*)?{_MON3}(?:,?\s+(?:19|20)\d\d\b)?)"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}\b|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|{_TIME_OF_DAY}"
    rf"|(?:last|next|this|on|earlier this|later this)\s+(?:week|month|year|{_WEEKDAY}"
    rf"|spring|summer|autumn|fall|winter|quarter)\b"
    rf"|{_WEEKDAY}\b|yesterday\b|today\b|tonight\b"
    r"|(?:1[89]|20)\d\d(?:s)?\b(?![,.]\d))"
)
_NUMWORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a|several|a few|tens of|hundreds of)"
_SCALE = r"(?:hundred|thousand|million|billion|trillion)s?"
_MOD = (
    r"(?:(?:more|less|fewer|greater|higher|lower|better|worse) than|over|under|about|around|"
    r"nearly|almost|roughly|approximately|some|up to|at least|at most|as many as|as much as|"
    r"just over|just under|only|a record)\s+"
)
_UNIT_WORD = r"(?:\s+(?:new|more|additional|extra|other|foreign|local|young|full-time|active|civilian|armed|registered|eligible))?(?:\s+(?!(?:of|to|in|on|at|the|and|or|for|from|by|with|a|an|than|as|per|is|are|was|were|will|would|has|have|had|since|last|this|that|which|who|its|their|his|her)\b)[a-z][a-z-]{2,})?"
# Numbers are found by a pattern that starts with a digit (fast to scan for); the character before
# is checked in Python. Spelled-out quantities have their own pattern, run only when such a word
# is present.
_QTY_NUM_RE = re.compile(
    # A class first is scanned for fast; the look-behind after it refuses a digit inside a longer
    # token (G20, COVID-19, 1.5), so that a run of n digits is read once, not from each of its
    # digits, and the possessive repeats never give back (only the longest number can be followed
    # by what the look-ahead allows).
    rf"\d(?<![\w.,:/-]\d)\d*+(?:[.,]\d++)*+(?![\w:/]|[.,]\d)"
    rf"(?:\s?(?:%|percent\b|per cent\b|percentage points?\b|{_SCALE}\b|bn\b|mn\b|m\b|k\b|km\b"
    rf"|kg\b|tons?\b|tonnes?\b|degrees?\b|years?\b))?",
    re.IGNORECASE,
)
# The look-ahead lists the letters the alternatives start with (case-folded like them): most word
# starts fail there at once instead of after each alternative.
_QTY_WORD_RE = re.compile(
    rf"\b(?=[abdefhmnoqst])(?:{_NUMWORD}\s+{_SCALE}\b|(?:dozens|hundreds|thousands|millions|billions)\b"
    rf"|(?:doubled|tripled|quadrupled|halved|twice|a third|a quarter|half of)\b)",
    re.IGNORECASE,
)
_CURRENCY = "$€£¥"
QTY_WORDS = frozenset(
    [
        "hundred",
        "thousand",
        "million",
        "billion",
        "trillion",
        "hundreds",
        "thousands",
        "millions",
        "billions",
        "dozens",
        "doubled",
        "tripled",
        "quadrupled",
        "halved",
        "twice",
        "third",
        "quarter",
        "half",
    ]
)
_MOD_BEFORE_RE = re.compile(rf"(?:^|(?<=\s)){_MOD}$", re.IGNORECASE)
_UNIT_AFTER_RE = re.compile(_UNIT_WORD)
_MOD_ENDINGS = tuple(
    f"{w} "
    for w in [
        "than",
        "over",
        "under",
        "about",
        "around",
        "nearly",
        "almost",
        "roughly",
        "approximately",
        "some",
        "to",
        "least",
        "most",
        "many",
        "much",
        "only",
        "record",
    ]
)

_EVENT = """met meets signed ratified voted died killed visited arrived approved passed launched
elected appointed resigned arrested charged sentenced convicted fined banned closed opened attacked
struck invaded seized captured released fired dismissed won lost raised cut increased decreased
rose fell dropped grew declined reached recorded published filed sued agreed rejected vetoed
deployed sent withdrew acquired bought sold merged hired injured evacuated collapsed exploded
discovered tested completed built began ended suspended canceled cancelled postponed blocked
introduced imposed lifted adopted issued awarded received paid spent invested borrowed surged
soared plunged slumped expanded shrank contracted held hosted defeated indicted pleaded admitted
detained shot wounded destroyed damaged flooded burned fled returned confirmed ordered allocated
funded granted opposed overturned ruled upheld criticized criticised condemned recalled shut
reopened doubled tripled halved unveiled delivered produced exported imported supplied employed
treated vaccinated infected hospitalised hospitalized diagnosed measured observed found showed
shows examined surveyed analysed analyzed reduced boosted accused engaged moved took gave made
broke hit lowered|took place|took office|sworn in|called for|set up"""
_COMPARISON = """more than|less than|fewer than|higher than|lower than|greater than|bigger than|
smaller than|larger than|faster than|slower than|cheaper than|older than|younger than|better than|
worse than|largest|biggest|smallest|highest|lowest|fastest|slowest|cheapest|deadliest|worst|best|
oldest|youngest|record|first time|lowest since|highest since|most since|least since|first since|
compared with|compared to|times more|times as|outpaced|surpassed|overtook|exceeded|outnumbered|
the only|the first|the last|up from|down from|an increase of|a decrease of|a rise of|a fall of|
a drop of"""
_CAUSAL = """because|due to|as a result|caused|causes|causing|led to|leads to|leading to|resulted in|
results in|contributing factor|contributed to|responsible for|blamed on|blamed for|linked to|
thanks to|owing to|triggered|prompted|driven by|fuelled by|fueled by|attributed to|which means|
therefore|consequently"""
_OPINION = """i think|we think|i believe|we believe|i feel|we feel|i hope|we hope|i want|we want|
i wish|i guess|i suppose|in my view|in my opinion|i'm proud|i'm sure|i'm happy|i'm glad|
i'm convinced|we need to|you need to|should|ought to|must|it is time|it is clear that|shameful|
disgraceful|outrageous|ridiculous|absurd|wonderful|terrible|horrible|awful|unacceptable|hopefully|
unfortunately|frankly|let me|let's|let us|we've got to|thank you|beautiful|brilliant|amazing|
fantastic|pathetic|stupid|disaster|deserve better|deserves better|the right thing"""
_PREDICTION = """will|won't|would|wouldn't|may|might|could|shall|expected to|likely to|unlikely to|
set to|plan to|plans to|planning to|intend to|intends to|aim to|aims to|forecast|forecasts|
predict|predicts|projected to|fear|fears|feared|hope|hopes|possibly|perhaps|probably|potentially|
risk|risks|threaten to|threatens to|going to|poised to|in the coming|next year|next month|
next week|next decade|due to be|due to enter|due to start|due to open|due to begin|due to take|
due to arrive|expect|expects|expected"""
_MODALS = frozenset(
    [
        "will",
        "would",
        "may",
        "might",
        "could",
        "can",
        "should",
        "must",
        "shall",
        "to",
        "not",
        "never",
        "cannot",
        "won't",
        "wouldn't",
        "can't",
        "couldn't",
        "shouldn't",
        "mustn't",
        "don't",
        "doesn't",
        "didn't",
    ]
)
_MODAL_FILLERS = frozenset(
    [
        "also",
        "not",
        "still",
        "soon",
        "further",
        "again",
        "be",
        "have",
        "probably",
        "possibly",
        "likely",
    ]
)
ATTRIBUTION_TOKENS = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "tells",
        "stated",
        "states",
        "announced",
        "announces",
        "claimed",
        "claims",
        "alleged",
        "alleges",
        "accused",
        "accuses",
        "reported",
        "reports",
        "warned",
        "warns",
        "added",
        "noted",
        "argued",
        "argues",
        "confirmed",
        "confirms",
        "denied",
        "denies",
        "insisted",
        "insists",
        "estimated",
        "estimates",
        "wrote",
        "writes",
        "declared",
        "declares",
        "explained",
        "testified",
        "tweeted",
        "posted",
        "acknowledged",
        "admitted",
        "revealed",
        "disclosed",
        "maintained",
        "asserted",
        "stressed",
        "emphasised",
        "emphasized",
        "called",
        "calls",
        "defined",
        "described",
        "cited",
        "quoted",
        "urged",
        "charged",
        "according",
        "critici",
        "criticised",
        "criticized",
        "denounced",
    ]
)

# first token -> [(following tokens, category, phrase)], longest phrases first
_PHRASES: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
for _category, _spec in (
    ("event", _EVENT),
    ("comparison", _COMPARISON),
    ("causal", _CAUSAL),
    ("opinion", _OPINION),
    ("prediction", _PREDICTION),
):
    _chunks = [c.strip() for c in _spec.replace("\n", " ").split("|")]
    if _category == "event":  # the first chunk is a list of single verbs
        _chunks = _chunks[0].split() + _chunks[1:]
    for _phrase in _chunks:
        _words = _phrase.split()
        _PHRASES.setdefault(_words[0], []).append((tuple(_words[1:]), _category, _phrase))
for _entries in _PHRASES.values():
    _entries.sort(key=lambda e: -len(e[0]))

_PHRASE_KEYS = frozenset(_PHRASES)
# first word -> (categories and phrases of that word alone, {second word: (rest of the phrase after
# the second word, category, phrase)}), each list in the order of _PHRASES: at one position a
# longer phrase is tried first, and only the phrases whose second word follows are tried at all.
_SCAN_INDEX: dict[str, tuple[list[tuple[str, str]], dict[str, list[tuple[tuple, str, str]]]]] = {}
for _word, _entries in _PHRASES.items():
    _single = [(category, phrase) for rest, category, phrase in _entries if not rest]
    _longer: dict[str, list[tuple[tuple, str, str]]] = {}
    for _rest, _category, _phrase in _entries:
        if _rest:
            _longer.setdefault(_rest[0], []).append((_rest[1:], _category, _phrase))
    _SCAN_INDEX[_word] = (_single, _longer)
_WORD_TOKEN_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")


def word_tokens(text: str) -> list[str]:
    """Lower-cased words (no numbers) for phrase cues."""
    return _WORD_TOKEN_RE.findall(text.lower())


def scan(toks: list[str]) -> dict[str, str]:
    """The first phrase of each cue category found in ``toks`` (event verbs under a modal skipped)."""
    hits = _PHRASE_KEYS.intersection(toks)
    if not hits:
        return {}
    found: dict[str, str] = {}
    n = len(toks)
    # One pass over the positions in text order (quicker than counting and indexing each word's
    # occurrences): a category already found was found at an earlier position, or at this one by
    # a longer phrase, which is tried first.
    for i, word in enumerate(toks):
        if word not in hits:
            continue
        single, longer = _SCAN_INDEX[word]
        group = longer.get(toks[i + 1]) if longer and i + 1 < n else None
        if group:
            for more, category, phrase in group:
                if category in found:
                    continue  # found as early already
                if more and tuple(toks[i + 2 : i + 2 + len(more)]) != more:
                    continue
                if category in _IN_CONTEXT and _discounted(category, toks, i, word):
                    continue
                found[category] = phrase
        for category, phrase in single:
            if category in found:
                continue
            if category in _IN_CONTEXT and _discounted(category, toks, i, word):
                continue
            found[category] = phrase
    return found


# categories whose words count only in some contexts
_IN_CONTEXT = frozenset(["event", "prediction"])


def _discounted(category: str, toks: list[str], i: int, word: str) -> bool:
    """Whether the cue word at ``toks[i]`` does not count here: an event verb under a modal, or a
    forecast word that does not look ahead."""
    if category == "event":
        return _under_modal(toks, i)
    return _not_forecast(toks, i, word)


_PAST_BE = frozenset(["was", "were", "wasn't", "weren't"])
_BE = frozenset(["is", "are", "be", "been", "being", "isn't", "aren't", *_PAST_BE])


_EXPECT = frozenset(["expect", "expects", "expected"])


def _not_forecast(toks: list[str], i: int, word: str) -> bool:
    """Whether the forecast word at ``toks[i]`` does not look ahead here.

    "was going to" reports a past plan, as checkable as any other past fact. "expect" forecasts
    with a "to" after what is expected ("expected freight to remain weak"; "expected to" is a
    phrase of its own) or in the passive ("talks are expected later this week"): "grew faster than
    expected" and "had expected a figure of 3.4%" do not.
    """
    if word in _EXPECT:
        return "to" not in toks[i + 1 : i + 6] and (i == 0 or toks[i - 1] not in _BE)
    return word == "going" and i > 0 and toks[i - 1] in _PAST_BE


def _under_modal(toks: list[str], i: int) -> bool:
    j = i - 1
    while j >= 0 and j >= i - 3 and toks[j] in _MODAL_FILLERS:  # further back never counts
        j -= 1
    return j >= 0 and j >= i - 3 and toks[j] in _MODALS


ATTRIBUTION_VERBS = (
    r"said|says|say|told|tells|stated|states|announced|announces|claimed|claims|alleged|"
    r"alleges|accused|accuses|reported|reports|warned|warns|added|noted|argued|argues|confirmed|"
    r"confirms|denied|denies|insisted|insists|estimated|estimates|wrote|writes|declared|"
    r"declares|explained|testified|tweeted|posted|acknowledged|admitted|revealed|disclosed|"
    r"maintained|asserted|stressed|emphasi[sz]ed|called for|calls for|defined|described|"
    r"cited|quoted|urged|charged|according to"
)
ATTRIBUTION_RE = re.compile(rf"\b(?:{ATTRIBUTION_VERBS})\b")
FIRST_PERSON = frozenset(["i", "we", "you", "i'm", "we're", "you're", "i've", "we've"])
DATE_TOKENS = frozenset(
    [
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "yesterday",
        "today",
        "tonight",
        "week",
        "month",
        "year",
        "spring",
        "summer",
        "autumn",
        "fall",
        "winter",
        "quarter",
    ]
)
_NOTICE_TOKENS = frozenset(
    [
        "publishes",
        "opinion",
        "opinions",
        "expressed",
        "necessarily",
        "reserved",
        "copyright",
        "terms",
        "privacy",
        "cookie",
        "cookies",
    ]
)
_GALLERY_RE = re.compile(r"\s[-–]\s\d{1,3}$")

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
            r"^[Bb]y\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von))*"
            r"(?:\s*[,|/–-]\s*(?:[A-Z][\w.'’-]*|and|&|of|the|for)(?:\s+(?:[A-Z][\w.'’-]*|and|&|of|the|for))*)?$"
        ),
        "a byline",
    ),
    (
        re.compile(r"^(?:updated|published|posted|last updated|first published)\b.{0,40}\d", re.I),
        "a publication timestamp",
    ),
]
BOILERPLATE_HEAD = [(p, why) for p, why in BOILERPLATE if "$" not in p.pattern]
BOILERPLATE_WHOLE = [(p, why) for p, why in BOILERPLATE if "$" in p.pattern]


def _first_of(patterns: list[tuple[re.Pattern, str]]) -> re.Pattern:
    """One pattern that matches where the first of ``patterns`` to match does; group ``b<i>``
    tells which. The alternatives are tried in order, each with its own flags."""
    return re.compile(
        "|".join(
            f"(?P<b{i}>(?{'i' if p.flags & re.I else ''}:{p.pattern}))"
            for i, (p, _) in enumerate(patterns)
        )
    )


def _for_lowered_ascii(pattern: re.Pattern) -> bool:
    """Whether, in ASCII text, ``pattern`` finds the same matches as its source compiled without
    IGNORECASE finds in the lower-cased text (lower-casing ASCII keeps every offset). True when it
    is IGNORECASE and written in lower case (no upper-case letter, nor an escape such as \\S): an
    ASCII character then matches a pattern character exactly when its lower case does. Without
    IGNORECASE, the engine skips an alternative at its first character."""
    return bool(pattern.flags & re.I) and pattern.pattern == pattern.pattern.lower()


def _lowercase_first_of(patterns: list[tuple[re.Pattern, str]]) -> re.Pattern | None:
    """``_first_of(patterns)`` for lower-cased ASCII text, without IGNORECASE (see
    ``_for_lowered_ascii``); None if a pattern does not allow it."""
    if not all(_for_lowered_ascii(p) for p, _ in patterns):
        return None
    return re.compile("|".join(f"(?P<b{i}>{p.pattern})" for i, (p, _) in enumerate(patterns)))


_HEAD_RE = _first_of(BOILERPLATE_HEAD)
_HEAD_LOWER_RE = _lowercase_first_of(BOILERPLATE_HEAD)
_WHOLE_RE = _first_of(BOILERPLATE_WHOLE)
# What a match of _WHOLE_RE can begin with, in ASCII: a digit (a count), or the first letter, in
# either case, of a credit's word (photo, image, video, caption, graphic, file photo...), of a
# counter's (comments, likes, reads, shares, views) or of "by". A line that begins with another
# ASCII character is not tried (the alternation costs a microsecond even where it fails at once);
# one that begins outside ASCII always is, since IGNORECASE also matches letters such as the long
# s (U+017F) for "s". A test holds this to the patterns' words.
_WHOLE_STARTS = frozenset("0123456789BbCcFfGgIiLlPpRrSsVv")
BOILERPLATE_ANYWHERE = [
    (
        re.compile(
            r"(?:publishes opinions|opinions? expressed|views expressed|"
            r"do(?:es)? not necessarily (?:reflect|represent)|all rights reserved|©|copyright|"
            r"terms of (?:use|service)|privacy policy|cookie)",
            re.I,
        ),
        "a publisher's notice",
    ),
]

# Two runs of letters with something else between them: text that, with its non-letters made
# spaces, splits into more than one word. The look-behind starts a try only at the start of a run,
# and the possessive repeats never give back: one pass over the text.
_TWO_WORDS_RE = re.compile(r"(?<![^\W\d_])[^\W\d_]++[\W\d_]++[^\W\d_]")


def boilerplate_reason(
    text: str, tokset: set[str] | None = None, has_digit: bool = True, dated: bool | None = None
):
    """Why ``text`` is page furniture rather than article prose, or None.

    ``tokset`` is the set of ``text``'s word tokens and ``has_digit`` whether it holds a digit
    (``\\d``), when the caller knows: the checks that need a notice word or a digit are skipped
    without. ``dated`` is whether ``DATE_RE`` finds a date in ``text``, when the caller knows."""
    if _HEAD_LOWER_RE is not None and text.isascii():
        m = _HEAD_LOWER_RE.match(text[:60].lower())
    else:
        m = _HEAD_RE.match(text, 0, 60)  # as if text ended after 60 characters
    if m:
        return BOILERPLATE_HEAD[int(m.lastgroup[1:])][1]
    if len(text) <= 120 and (text[:1] in _WHOLE_STARTS or not text[:1].isascii()):
        m = _WHOLE_RE.match(text)
        if m:
            return BOILERPLATE_WHOLE[int(m.lastgroup[1:])][1]
    if tokset is None or not _NOTICE_TOKENS.isdisjoint(tokset) or "©" in text:
        for pattern, why in BOILERPLATE_ANYWHERE:
            if pattern.search(text):
                return why
    if has_digit:
        tail = text[-8:]  # the pattern needs a dash, which most lines do not end near
        if ("-" in tail or "–" in tail) and _GALLERY_RE.search(tail):
            return "a gallery caption"
    if has_digit and len(text) < 80:
        # At most one word once dates are taken out and the rest that is not a letter (digits,
        # marks) is a space: a dateline, a time or a count. Without a date, nothing to take out.
        rest = text if dated is False else DATE_RE.sub(" ", text)
        if _TWO_WORDS_RE.search(rest) is None:
            return "a dateline, timestamp or counter"
    return None


def _lowered_ascii_form(pattern: re.Pattern) -> re.Pattern | None:
    """``pattern`` compiled without IGNORECASE for lower-cased ASCII text, where
    ``_for_lowered_ascii`` says that it finds the same matches; else None."""
    return re.compile(pattern.pattern) if _for_lowered_ascii(pattern) else None


def _spans_ignorecase(pattern: re.Pattern, lowered_form: re.Pattern | None, text: str):
    """``pattern.finditer(text)``, or the same matches found in the lower-cased text when it is
    ASCII: for their spans only (their text is lower case)."""
    if lowered_form is not None and text.isascii():
        return lowered_form.finditer(text.lower())
    return pattern.finditer(text)


_QTY_WORD_LOWER_RE = _lowered_ascii_form(_QTY_WORD_RE)
_QTY_NUM_LOWER_RE = _lowered_ascii_form(_QTY_NUM_RE)


_CLOCK_RE = re.compile(_TIME_OF_DAY)


def is_clock_time(date: str) -> bool:
    """Whether a span of ``find_dates`` is a time of day only ("14:05", "2 p.m.", "9am")."""
    return _CLOCK_RE.fullmatch(date) is not None


def find_dates(text: str) -> list[tuple[int, int]]:
    """Spans of date and time expressions."""
    return [m.span(1) if m.group(1) else m.span() for m in DATE_RE.finditer(text)]


def _number_spans(text: str) -> list[tuple[int, int, bool]]:
    out = []
    # in ASCII text, the same spans in the lower-cased copy, without IGNORECASE's case folding
    found = (
        _QTY_NUM_LOWER_RE.finditer(text.lower())
        if _QTY_NUM_LOWER_RE is not None and text.isascii()
        else _QTY_NUM_RE.finditer(text)
    )
    for m in found:
        s, e = m.span()
        if s:
            before = text[s - 1]  # neither a word character nor one of .,:/- (the look-behind)
            if before in _CURRENCY:
                s -= 1
            elif before == " " and s > 1 and text[s - 2] in _CURRENCY:
                s -= 2
        out.append((s, e, True))
    return out


# A name and a comma before a number: "Elin Berg, 34, said" gives the person's age
_NAME_COMMA_RE = re.compile(r"[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*, \Z")


def _is_age(text: str, s: int, e: int) -> bool:
    """Whether the number ``text[s:e]``, followed by a comma, is an age in apposition to a name:
    news style for who someone is, not a quantity to check."""
    return text[s:e].isdigit() and _NAME_COMMA_RE.search(text, max(0, s - 40), s) is not None


def find_quantities(
    text: str, dates: list[tuple[int, int]], tokset: set[str] | None = None, has_digit: bool = True
) -> list[tuple[int, int]]:
    """Spans of quantities (numbers with their modifier and unit), dates excluded."""
    out: list[tuple[int, int]] = []
    cores = _number_spans(text) if has_digit else []
    if tokset is None or not QTY_WORDS.isdisjoint(tokset):
        words = _spans_ignorecase(_QTY_WORD_RE, _QTY_WORD_LOWER_RE, text)
        cores.extend((m.start(), m.end(), False) for m in words)
        cores.sort()
    for s, e, numeric in cores:
        # begun in a date or time (what lies wholly inside one, a number of it, begins in it)
        if dates and any(ds <= s < de for ds, de in dates):
            continue
        if numeric and e - s <= 3 and text.startswith(",", e) and _is_age(text, s, e):
            continue
        # Each ending is a word and a space, and a unit begins with a space (\\s is isspace()):
        # without one, neither pattern can match, and nothing is read or lower-cased.
        if s and text[s - 1] == " " and text[max(0, s - 24) : s].lower().endswith(_MOD_ENDINGS):
            mod = _MOD_BEFORE_RE.search(text, max(0, s - 24), s)
            if mod:
                s = mod.start()
        if e < len(text) and text[e].isspace():
            unit = _UNIT_AFTER_RE.match(text, e)
            if unit:
                e = unit.end()
        if out and s < out[-1][1]:
            continue
        out.append((s, e))
    return out


def mask_quotes(text: str) -> str:
    """``text`` with the inside of quotations blanked, same length: cues outside quotes only."""
    if '"' not in text and "“" not in text:
        return text  # the same object: callers test ``masked is text``
    return _QUOTE_RE.sub(lambda m: m.group()[0] + " " * (len(m.group()) - 2) + m.group()[-1], text)


_QUOTE_RE = re.compile(r'"[^"]{1,600}+"|“[^”]{1,600}+”')
