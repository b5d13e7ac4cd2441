"""Segment an article, score each sentence or clause, and explain every decision."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from operator import attrgetter

from . import cues
from .attribution import Attribution, find_attribution, is_person
from .clauses import clauses
from .scorer import TRANSCRIPT_MODEL_PATH, load_model, sigmoid, tokens
from .segment import spans as segment_spans

# Chosen on the ClaimBuster dev sample and the news dev set (bench/extraction_eval.py --tune).
THRESHOLD = 0.4
MAX_CHARS = 50_000_000

# Weights of the rule cues, added to the learned model's logit. Hand-set, then checked on dev.
MODEL_WEIGHT = 1.0
BIAS = -0.3
RULE_SCALE = 0.5
VETO = ("prediction",)
W_QUANTITY = 1.3
W_EVENT = 1.1
W_ATTRIBUTION = 1.0
W_NAMED_ATTRIBUTION = 0.4
W_DIRECT_QUOTE = 0.6
W_COMPARISON = 0.5
W_CAUSAL = 0.4
W_DATE = 0.3
W_OPINION = -1.6
W_PREDICTION = -1.3
W_FIRST_PERSON = -0.4
W_SHORT = -1.0


@dataclass(frozen=True)
class Mode:
    """The weights and rules of one kind of text (news articles, or spoken transcripts)."""

    name: str
    threshold: float
    model_weight: float
    bias: float
    rule_scale: float
    veto: tuple[str, ...]
    w_opinion: float
    w_prediction: float
    w_first_person: float
    w_short: float
    # An unpunctuated line among several blocks is a headline or a label in news; in a transcript
    # it is a speaker's words (captions rarely carry full stops).
    headlines: bool = True
    # Context (transcripts): added to a piece's logit, w_context times the learned model's logit of
    # the sentence before (less context_mean, the model's mean logit on debate sentences), and
    # w_answer when the sentence before is a question. Zero turns it off at no cost.
    w_context: float = 0.0
    w_answer: float = 0.0
    context_mean: float = 0.0
    # The learned model's file (None: the news model, claims/extraction/scorer_model.json).
    model: str | None = None


NEWS = Mode(
    name="news",
    threshold=THRESHOLD,
    model_weight=MODEL_WEIGHT,
    bias=BIAS,
    rule_scale=RULE_SCALE,
    veto=VETO,
    w_opinion=W_OPINION,
    w_prediction=W_PREDICTION,
    w_first_person=W_FIRST_PERSON,
    w_short=W_SHORT,
)
# Chosen on the ClaimBuster dev sample (bench/transcript_tune.py), never on the test sets. Debate
# claims are said in the first person and often look ahead ("we will cut taxes by..."): first
# person is not held against a sentence and there is no forecast veto. The learned model is the
# transcript model (words and character 4-grams, scorer_transcript.json), weighed three times the
# news model's weight against rules scaled down to 0.35, at threshold 0.5: dev F1 0.692 (news
# mode 0.664; the earlier transcript mode, news model at weight 2 and threshold 0.4: 0.686). Some
# cells reach 0.699 (weight 1.5, rules 0.2), a difference of a few rows, but they score plain
# debate claims of the labelled test transcripts ("The council cut library hours by a third last
# spring.") below the threshold; cross-validating the choice in 5 folds of the dev sample gives
# 0.684. Context (the sentence before: its learned score, whether it is a question) was tried on
# the same dev sample with out-of-fold scores for the neighbours (bench/context_tune.py): it does
# not help there (the best cell is zero weights), so both context weights stay 0.
TRANSCRIPT = Mode(
    name="transcript",
    threshold=0.5,
    model_weight=3.0,
    bias=BIAS,
    rule_scale=0.35,
    veto=(),
    w_opinion=W_OPINION,
    w_prediction=W_PREDICTION,
    w_first_person=0.0,
    w_short=W_SHORT,
    headlines=False,
    model=str(TRANSCRIPT_MODEL_PATH),
)
MODES = {"news": NEWS, "article": NEWS, "transcript": TRANSCRIPT}


CLAIM_TYPES = ("quantity", "event", "quote", "comparison", "causal")
_CHECKABLE = frozenset(["event", "comparison", "causal"])


class ExtractionInputError(ValueError):
    """The input cannot be analysed (not text, or larger than MAX_CHARS)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A scored span of the input with the reasons for the decision about it.

    Slotted: an instance is one object for CPython's cyclic garbage collector, not an instance and
    its dict (a 1 MB text can keep 77,000 of them alive while it is read)."""

    start: int
    end: int
    text: str
    claim_type: str | None
    checkworthiness: float
    claimant: str | None
    attribution_verb: str | None
    reasons: tuple[str, ...]
    quantities: tuple[str, ...]
    dates: tuple[str, ...]
    suggested: bool
    rejected_as: str | None
    # In a transcript: the index of the speaker turn, its speaker and the cue's start in seconds.
    turn: int | None = None
    speaker: str | None = None
    time: float | None = None

    def as_dict(self) -> dict:
        """JSON-ready dict (tuples become lists; the transcript keys only for a transcript)."""
        d = asdict(self)
        for key in ("reasons", "quantities", "dates"):
            d[key] = list(d[key])
        if self.turn is None:
            del d["turn"], d["speaker"], d["time"]
        return d


_DIGIT_RE = re.compile(r"\d")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_ASCII_LETTER_RE = re.compile(r"[A-Za-z]")
_QUOTE_OPENERS = ('"', "“")
_QUESTION_END = re.compile(r"\?[\"”’)\]]*$")


def _has_digit(text: str) -> bool:
    """Whether ``text`` holds a ``\\d``; in ASCII text that is [0-9], a set quicker to test."""
    return (_ASCII_DIGIT_RE if text.isascii() else _DIGIT_RE).search(text) is not None


def _has_letter(text: str) -> bool:
    """``any(ch.isalpha() for ch in text)``: the first character, then a regex search for the
    common ASCII letter, before looking at every character."""
    return (
        text[:1].isalpha()
        or _ASCII_LETTER_RE.search(text) is not None
        or any(ch.isalpha() for ch in text)
    )


def _clauses(text: str, masked: str) -> list[tuple[int, int]]:
    """Split a sentence where it holds two claims that each stand alone."""
    return clauses(text, masked)


@dataclass
class _Context:
    last_person: str | None = None
    multi_block: bool = False


def _analyse_piece(
    text: str,
    kind: str,
    ctx: _Context,
    inherited: Attribution | None,
    masked: str | None = None,
    threshold: float | None = None,
    w: Mode = NEWS,
    context: float = 0.0,
):
    """Score one sentence or clause: (fields, reasons, negatives, hard rejection, soft rejection).

    ``masked`` is ``cues.mask_quotes(text)`` when the caller has it. With a ``threshold``, a piece
    that can never be suggested returns None instead, as soon as that is known: one rejected before
    scoring (boilerplate, a question, a fragment...), vetoed, or scored below the threshold.
    ``extract_claims`` has no use for its score or reasons. ``context`` is what the sentence
    before adds to the logit (``Mode.w_context``, ``Mode.w_answer``).
    """
    rejected_too = threshold is None
    if masked is None:
        masked = cues.mask_quotes(text)
    n_words = len(text.split(None, 6))  # words counted up to 7: only fewer than 4 or 6 matters
    has_digit = _has_digit(text)
    model_toks = tokens(text, has_digit)
    # masked is text with quotations blanked: no digit in it unless there is one in text
    toks = model_toks if masked is text else tokens(masked, None if has_digit else False)
    tokset = set(toks)

    attribution = inherited
    if not cues.ATTRIBUTION_TOKENS.isdisjoint(tokset):
        attribution = find_attribution(text, masked) or inherited
    claimant = verb = None
    named_person = False  # the claimant is a person's name
    if attribution:
        verb = attribution.verb
        claimant = attribution.claimant
        if attribution.pronoun and ctx.last_person:
            claimant = ctx.last_person
        named_person = bool(claimant) and is_person(claimant)
        if named_person:
            ctx.last_person = claimant

    hard = None
    date_possible = has_digit or not cues.DATE_TOKENS.isdisjoint(tokset)
    date_spans = None
    if not rejected_too:
        # The same conditions as below, cheapest first: only whether one holds matters here.
        if (
            kind == "dateline"
            or n_words < 4
            or (kind == "headline" and ctx.multi_block and w.headlines)
            or ("?" in text and _QUESTION_END.search(text))
            or not _has_letter(text)
        ):
            return None
        # A short piece with a digit is furniture when its dates are most of it: they are found
        # once, for both (a long one is not searched for dates unless it is not furniture).
        if has_digit and len(text) < 80:
            date_spans = cues.find_dates(text)
        if cues.boilerplate_reason(
            text, tokset, has_digit, None if date_spans is None else bool(date_spans)
        ):
            return None
        if date_spans is None:
            date_spans = cues.find_dates(text) if date_possible else []
    else:
        # with a digit, date_spans holds every match of DATE_RE in text
        date_spans = cues.find_dates(text) if date_possible else []
        if kind == "dateline":
            hard = ("boilerplate", "a dateline")
        else:
            why = cues.boilerplate_reason(text, tokset, has_digit, bool(date_spans))
            if why:
                hard = ("boilerplate", why)
            elif "?" in text and _QUESTION_END.search(text):
                hard = ("question", "a question, not a statement")
            elif not _has_letter(text):
                hard = ("no_claim", "no words to check")
            elif kind == "headline" and ctx.multi_block and w.headlines:
                hard = (
                    "headline",
                    "a headline or label without a full stop; the body states the claim",
                )
            elif n_words < 4:
                hard = ("no_claim", "a fragment too short to hold a claim")

    reasons: list[str] = []
    negatives: list[str] = []
    qty_spans = (  # without a digit or a quantity word, there is nothing to look for
        cues.find_quantities(text, date_spans, tokset, has_digit)
        if has_digit or not cues.QTY_WORDS.isdisjoint(tokset)
        else []
    )
    quantities = tuple([text[a:b].strip() for a, b in qty_spans]) if qty_spans else ()
    dates = tuple([text[a:b].strip() for a, b in date_spans]) if date_spans else ()

    found = cues.scan(toks)
    event = found.get("event")
    comparison = found.get("comparison")
    causal = found.get("causal")
    opinion = found.get("opinion")
    prediction = found.get("prediction")
    has_quote = masked != text
    # A direct quotation is rewarded as one only when it says something checkable: not an opinion
    # or a forecast, and with a quantity, a date, an event, a comparison or a cause in it.
    quote_is_view = False
    if has_quote:
        # The masked text scanned above leaves quotations out; what they say counts too.
        inside = cues.scan(model_toks)
        quote_is_view = (
            (not opinion and "opinion" in inside)
            or (not prediction and "prediction" in inside)
            or not (quantities or dates or _CHECKABLE.intersection(inside))
        )
        opinion = opinion or inside.get("opinion")
        prediction = prediction or inside.get("prediction")
    if (
        not rejected_too
        and not (quantities or event)
        and any(map(found.get, w.veto))
        and not (claimant and (has_quote or named_person))
    ):
        return None  # vetoed below (not reported speech either): no score makes it a suggestion

    model = load_model(w.model)
    logit = 0.0
    if quantities:
        logit += W_QUANTITY
        reasons.append(f"contains a quantity: {quantities[0]}")
    if event:
        logit += W_EVENT
        reasons.append(f"reports an event: {event}")
    # A quotation of that kind that is most of the piece ('"...," said X', not a few quoted words
    # in reported speech) is weighed by what it says alone: who said it adds nothing to check.
    quote_led = quote_is_view and len("".join(masked.split())) * 2 <= len("".join(text.split()))
    if attribution:
        if not quote_led:
            logit += W_ATTRIBUTION
            if claimant:
                logit += W_NAMED_ATTRIBUTION + (
                    W_DIRECT_QUOTE if has_quote and not quote_is_view else 0.0
                )
        if claimant:
            reasons.append(f"attributed to {claimant} ({verb})")
        else:
            reasons.append(f"attributed ({verb})")
    if comparison:
        logit += W_COMPARISON
        reasons.append(f"makes a comparison: {comparison}")
    if causal:
        logit += W_CAUSAL
        reasons.append(f"states a cause: {causal}")
    # a time of day alone ("between 9am and 5pm") says when, not that something happened then
    day = next((d for d in dates if not cues.is_clock_time(d)), None) if dates else None
    if day:
        logit += W_DATE
        reasons.append(f"dated: {day}")
    if opinion:
        logit += w.w_opinion
        negatives.append(f"opinion: {opinion}")
    if prediction:
        logit += w.w_prediction
        negatives.append(f"prediction or speculation: {prediction}")
    if toks and toks[0] in cues.FIRST_PERSON:
        logit += w.w_first_person
    if n_words < 6:
        logit += w.w_short
    logit = w.bias + w.rule_scale * logit
    if model is not None:
        if (
            attribution
            and has_quote
            and (text.startswith(_QUOTE_OPENERS) or ': "' in text or ": “" in text)
        ):
            # A direct quotation ('"...," she said', 'He said: "..."') is weighed by what it says:
            # the rules weigh the attribution, and the debate-trained model, for which "said"
            # marks a claim, would count it a second time.
            said = verb.lower().split()[0]  # "according" of "according to", not every "to"
            model_toks = [t for t in model_toks if t != said]
        model_logit, present = model.weigh_tokens(model_toks)
        logit += w.model_weight * model_logit
    logit += context
    score = round(sigmoid(logit), 4)
    if not rejected_too and score < threshold:
        return None
    if model is not None:
        top = model.top_features(present)
        if top:
            reasons.append(
                f"learned score {sigmoid(model_logit):.2f} (debate-trained model); "
                f"words: {', '.join(top)}"
            )
    if context:
        reasons.append(f"context: the sentence before adds {context:+.2f} to the logit")

    claim_type = None
    if quantities:
        claim_type = "quantity"
    elif attribution and (has_quote or verb in ("said", "says", "told", "stated", "announced")):
        claim_type = "quote"
    elif comparison:
        claim_type = "comparison"
    elif event:
        claim_type = "event"
    elif causal:
        claim_type = "causal"
    elif attribution:
        claim_type = "quote"

    soft = None
    if opinion:
        soft = ("opinion", negatives[0])
    elif prediction:
        soft = ("prediction", negatives[0])
    reported = bool(claimant) and (has_quote or named_person)
    if not hard and not (quantities or event or reported):
        # Speculation with no quantity or event in it, and not what a named person said: nothing
        # a reviewer can check.
        for category in w.veto:
            if found.get(category):
                hard = (category, next(n for n in negatives if n.startswith(category[:4])))
                break
    fields = {
        "claim_type": claim_type,
        "checkworthiness": score,
        "claimant": claimant,
        "attribution_verb": verb,
        "quantities": quantities,
        "dates": dates,
    }
    return fields, reasons, negatives, hard, soft


def _decide(fields, reasons, negatives, hard, soft, threshold: float):
    if hard:
        return False, hard[0], (f"not suggested: {hard[1]}", *reasons)
    if fields["checkworthiness"] >= threshold and reasons:
        return True, None, (*reasons, *negatives)
    if soft:
        return False, soft[0], (f"not suggested: {soft[1]}", *reasons)
    return (
        False,
        "no_claim",
        (
            f"not suggested: check-worthiness {fields['checkworthiness']:.2f} below {threshold:.2f}",
            *reasons,
        ),
    )


def _check_input(text: object) -> str:
    if not isinstance(text, str):
        raise ExtractionInputError(f"text must be str, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ExtractionInputError(f"text too long: {len(text)} characters > {MAX_CHARS}")
    return text


def _iter_pieces(text: str, threshold: float | None = None, w: Mode = NEWS):
    # plain tuples (start, end, kind, block), not Spans: the collector leaves them alone
    spans = segment_spans(text)
    # blocks are numbered in text order: more than one if the first and last spans differ
    ctx = _Context(multi_block=bool(spans) and spans[0][3] != spans[-1][3])
    if not (w.w_context or w.w_answer):
        for span in spans:
            pieces = _pieces_of(text, span, ctx, threshold, w)
            if pieces:
                yield from pieces
        return
    model = load_model(w.model) if w.w_context else None
    context = 0.0  # nothing before the first sentence
    for span in spans:
        yield from _pieces_of(text, span, ctx, threshold, w, context)
        before = text[span[0] : span[1]]
        context = 0.0
        if model is not None:
            context += w.w_context * (model.logit(before) - w.context_mean)
        if w.w_answer and "?" in before and _QUESTION_END.search(before):
            context += w.w_answer


def _pieces_of(
    text: str,
    span: tuple[int, int, str, int],
    ctx: _Context,
    threshold: float | None = None,
    w: Mode = NEWS,
    context: float = 0.0,
) -> list[tuple[int, int, str, tuple]]:
    """The pieces of one span (a sentence, or its clauses) with their analyses, in text order: a
    list, not a generator, since most spans make one piece or none. ``span`` is a tuple of
    ``segment.spans``: (start, end, kind, block)."""
    start, end, kind, _ = span
    sentence = text[start:end]
    if threshold is not None and len(sentence.split(None, 2)) < 3:
        # Neither suggested (fewer than 4 words) nor naming a person for the next sentence (a name
        # of two words and its verb are three): a run of marks or initials makes many of these.
        return []
    masked = None
    parts = [(0, len(sentence))]
    if kind == "sentence":
        masked = cues.mask_quotes(sentence)
        parts = _clauses(sentence, masked)
    sentence_attr = None
    if len(parts) > 1:
        sentence_attr = find_attribution(sentence, masked)
    if len(parts) == 1 and parts[0] == (0, len(sentence)):
        # a span is trimmed, so a sentence that is not cut into clauses is its own piece
        result = _analyse_piece(sentence, kind, ctx, None, masked, threshold, w, context)
        return [] if result is None else [(start, end, sentence, result)]
    out = []
    for a, b in parts:
        while a < b and sentence[a].isspace():
            a += 1
        while b > a and (
            sentence[b - 1].isspace() or (b < len(sentence) and sentence[b - 1] == ",")
        ):
            b -= 1
        if a >= b:
            continue
        inherited = sentence_attr if sentence_attr and sentence_attr.position <= a else None
        piece = sentence[a:b]
        # a span is trimmed, so a sentence that is not cut into clauses is its own piece
        piece_masked = masked if b - a == len(sentence) else None
        result = _analyse_piece(piece, kind, ctx, inherited, piece_masked, threshold, w, context)
        if result is not None:
            out.append((start + a, start + b, piece, result))
    return out


_new = object.__new__
_FIELD_NAMES = Suggestion.__slots__  # the fields, in the order of the class
_field_values = attrgetter(*_FIELD_NAMES)


class _Unfrozen:
    """Suggestion's slots (the same layout) without its frozen ``__setattr__``: filled by plain
    attribute stores, then made a Suggestion by assigning ``__class__``."""

    __slots__ = _FIELD_NAMES


def _make(
    start,
    end,
    text,
    claim_type,
    checkworthiness,
    claimant,
    attribution_verb,
    reasons,
    quantities,
    dates,
    suggested,
    rejected_as,
    turn=None,
    speaker=None,
    time=None,
) -> Suggestion:
    """``Suggestion(...)`` with the same arguments.

    The ``__init__`` of a frozen dataclass sets each of the 15 fields through
    ``object.__setattr__``; storing them into an instance of the same layout and giving it the
    class makes the same instance (no ``__post_init__``, no default to compute) in a fraction of
    the time, which counts on a text dense in claims (a test holds the two equal)."""
    s = _new(_Unfrozen)
    s.start = start
    s.end = end
    s.text = text
    s.claim_type = claim_type
    s.checkworthiness = checkworthiness
    s.claimant = claimant
    s.attribution_verb = attribution_verb
    s.reasons = reasons
    s.quantities = quantities
    s.dates = dates
    s.suggested = suggested
    s.rejected_as = rejected_as
    s.turn = turn
    s.speaker = speaker
    s.time = time
    s.__class__ = Suggestion
    return s


def _suggestion(values: dict) -> Suggestion:
    """``Suggestion(**values)``, built as ``_make`` builds it."""
    return _make(**values)


def _fields(s: Suggestion) -> dict:
    """The fields of ``s`` by name, in the order of the class (``dataclasses.asdict`` without
    copying the tuples)."""
    return dict(zip(_FIELD_NAMES, _field_values(s), strict=True))


def _build(start, end, piece, result, threshold) -> Suggestion:
    fields, reasons, negatives, hard, soft = result
    suggested, rejected_as, all_reasons = _decide(fields, reasons, negatives, hard, soft, threshold)
    return _make(
        start,
        end,
        piece,
        fields["claim_type"],
        fields["checkworthiness"],
        fields["claimant"],
        fields["attribution_verb"],
        tuple(all_reasons),
        fields["quantities"],
        fields["dates"],
        suggested,
        rejected_as,
    )


def _mode(mode: str | Mode) -> Mode:
    if isinstance(mode, Mode):
        return mode
    try:
        return MODES[mode]
    except KeyError:
        raise ExtractionInputError(
            f"unknown mode {mode!r}; use one of {', '.join(sorted(MODES))}"
        ) from None


def analyse(
    text: str, *, threshold: float | None = None, mode: str | Mode = NEWS
) -> list[Suggestion]:
    """Every segment of ``text`` with its score and decision, suggested or not, in text order.

    ``mode`` is ``"news"`` (the default) or ``"transcript"``: the weights, not the segmentation.
    """
    text = _check_input(text)
    w = _mode(mode)
    th = w.threshold if threshold is None else float(threshold)
    return [_build(s, e, piece, result, th) for s, e, piece, result in _iter_pieces(text, None, w)]


def extract_claims(
    text: str, *, threshold: float | None = None, mode: str | Mode = NEWS
) -> list[Suggestion]:
    """The suggested claims of ``text`` (score at or above ``threshold``), in text order.

    The same as the suggested items of ``analyse``, without building the rejected ones.
    """
    return list(iter_claims(text, threshold=threshold, mode=mode))


def iter_claims(
    text: str, *, threshold: float | None = None, mode: str | Mode = NEWS
) -> Iterator[Suggestion]:
    """``extract_claims`` one suggestion at a time, as each is found (the input is checked at
    once): a consumer can store the first while the rest are still being found."""
    text = _check_input(text)
    w = _mode(mode)
    th = w.threshold if threshold is None else float(threshold)
    return _suggested(text, th, w)


def _suggested(text: str, th: float, w: Mode) -> Iterator[Suggestion]:
    for start, end, piece, result in _iter_pieces(text, threshold=th, w=w):
        fields, reasons, _, hard, _ = result
        if not hard and fields["checkworthiness"] >= th and reasons:
            yield _build(start, end, piece, result, th)


__all__ = [
    "MODES",
    "NEWS",
    "THRESHOLD",
    "TRANSCRIPT",
    "ExtractionInputError",
    "Mode",
    "Suggestion",
    "analyse",
    "extract_claims",
    "iter_claims",
]
