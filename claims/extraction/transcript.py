"""Transcripts: speaker turns and cue times read from plain text, WebVTT or SRT, as ranges.

The body is kept as received; a transcript is described by its turns, each a range of the body
with its speaker and its cues (ranges of spoken text with their start times, in seconds). Claims
are extracted from an analysis copy of the body of the same length, in which everything that is
not spoken text (labels, cue numbers, timing lines, tags) is blanked: with newlines between turns,
so no sentence crosses a turn, and with spaces inside a turn, so a sentence may run across cues.
Pure Python, one pass over the lines: cost is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .core import TRANSCRIPT, Suggestion, _fields, _suggestion, analyse, extract_claims

FORMATS = ("plain", "webvtt", "srt")
# The stored turns grow with the number of turns and cues, not with the text: a line per speaker
# change ("A: x" over and over) would store some 15 bytes of turns per byte of body. Spoken turns
# run to hundreds of characters and lines or cues to dozens, so a transcript may hold one turn per
# 20 characters and one cue per 10 on average (at least 1,000 turns and 5,000 cues): the stored
# turns then stay within about 3.5 times the body. Past that, it is refused at the line that
# crosses the limit.
CHARS_PER_TURN = 20
CHARS_PER_CUE = 10


class TranscriptError(ValueError):
    """The transcript cannot be read; the message names the line (1-based) where that is known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass
class Cue:
    """Spoken text ``body[start:end]`` that starts at ``time`` seconds (None in plain text)."""

    start: int
    end: int
    time: float | None


@dataclass
class Turn:
    """One speaker's uninterrupted stretch: ``body[start:end]`` covers its cues."""

    speaker: str | None
    cues: list[Cue] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.cues[0].start

    @property
    def end(self) -> int:
        return self.cues[-1].end

    def as_dict(self) -> dict:
        """JSON-ready: {"speaker", "start", "end", "cues": [[start, end, time], ...]}."""
        return {
            "speaker": self.speaker,
            "start": self.start,
            "end": self.end,
            "cues": [[c.start, c.end, c.time] for c in self.cues],
        }


@dataclass
class Transcript:
    format: str
    turns: list[Turn]

    def as_list(self) -> list[dict]:
        return [t.as_dict() for t in self.turns]


# A speaker label at the start of a line: a name in capitals ("MR. TRUMP", "O'ROURKE") or in title
# case of one to four words ("Lester Holt", "Sen. Warren"), then a colon and a space.
_CAPS_NAME = r"[A-Z][A-Z0-9.'’\- ]{0,38}[A-Z.]"
_TITLE_NAME = r"[A-Z][\w.'’\-]*(?: (?:[A-Z][\w.'’\-]*|de|van|von|da|del|al-\w+)){0,3}"
_LABEL_RE = re.compile(rf"[ \t]*({_CAPS_NAME}|{_TITLE_NAME}|[A-Z])[ \t]*:[ \t]+(?=\S)")
_VOICE_RE = re.compile(r"[ \t]*<v(?:\.[\w.-]+)?[ \t]+([^>\n]{1,80})>[ \t]*")
_TAG_RE = re.compile(r"</?[a-z][^>\n]{0,80}>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}>")
_ARROW = "-->"
_VTT_TIME = re.compile(r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})")
_SRT_TIME = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{3})")
_LINE_RE = re.compile(r"[^\n]*\n?")
# Words that a "Word:" label is more likely to be a heading than a speaker.
_NOT_SPEAKERS = frozenset(
    [
        "note",
        "notes",
        "source",
        "sources",
        "update",
        "updates",
        "editor",
        "transcript",
        "warning",
        "caption",
        "captions",
        "subject",
        "re",
        "date",
        "time",
        "location",
        "photo",
        "video",
        "audio",
        "copyright",
    ]
)


def decode(data: bytes) -> str:
    """UTF-8 text of an upload; a 0-byte file or bytes in another encoding are refused by line."""
    if not data:
        raise TranscriptError("the file is empty (0 bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TranscriptError(
            f"not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
            "save the file as UTF-8",
            line,
        ) from None


def detect_format(text: str) -> str:
    """'webvtt' (starts with WEBVTT), 'srt' (a cue number, then a timing line) or 'plain'."""
    head = text.lstrip("\ufeff")
    if head.startswith("WEBVTT") and (len(head) == 6 or head[6] in " \t\r\n"):
        return "webvtt"
    lines = head.lstrip().split("\n", 2)
    if (
        len(lines) >= 2
        and lines[0].strip().isdigit()
        and (_ARROW in lines[1] or _SRT_TIME.match(lines[1].strip()))
    ):
        return "srt"
    return "plain"


def _seconds(m: re.Match) -> float:
    hours = int(m.group(1) or 0)
    return hours * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + int(m.group(4)) / 1000


def _parse_timing(line: str, pattern: re.Pattern, number: int, what: str) -> float:
    left, sep, right = line.partition(_ARROW)
    a = pattern.fullmatch(left.strip())
    b = pattern.match(right.strip()) if sep else None
    if a is None or b is None:
        raise TranscriptError(
            f"broken {what} timing {line.strip()[:60]!r}: expected "
            + (
                "'00:01:02.500 --> 00:01:04.000'"
                if what == "WebVTT"
                else "'00:01:02,500 --> 00:01:04,000'"
            ),
            number,
        )
    start, end = _seconds(a), _seconds(b)
    if end < start:
        raise TranscriptError(f"the cue ends before it starts: {line.strip()[:60]!r}", number)
    return start


class _Builder:
    """Collects turns; one spelling per speaker is chosen at the end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.turns: list[Turn] = []
        self.speaker: str | None = None
        self.n_cues = 0
        self.max_turns = max(1000, len(text) // CHARS_PER_TURN)
        self.max_cues = max(5000, len(text) // CHARS_PER_CUE)

    def _too_many(self, what: str, limit: int, per: int, offset: int) -> TranscriptError:
        line = self.text.count("\n", 0, offset) + 1
        return TranscriptError(
            f"more than {limit:,} {what} in {len(self.text):,} characters (one per {per} "
            "characters at most): this is not a transcript that can be stored",
            line,
        )

    def add(self, speaker: str | None, start: int, end: int, time: float | None) -> None:
        """Spoken text [start, end): a new turn when the speaker changes (None continues)."""
        while end > start and self.text[end - 1] in " \t\r\n":
            end -= 1
        if speaker is not None:
            speaker = " ".join(speaker.split())
        if speaker is not None and speaker != self.speaker:
            if len(self.turns) >= self.max_turns:
                raise self._too_many("speaker turns", self.max_turns, CHARS_PER_TURN, start)
            self.speaker = speaker
            self.turns.append(Turn(speaker))
        elif not self.turns:
            self.turns.append(Turn(None))
        if end > start:
            if self.n_cues >= self.max_cues:
                raise self._too_many("lines or cues", self.max_cues, CHARS_PER_CUE, start)
            self.n_cues += 1
            self.turns[-1].cues.append(Cue(start, end, time))

    def result(self, fmt: str) -> Transcript:
        turns = [t for t in self.turns if t.cues]
        if len(turns) > 1 and turns[0].speaker is None:
            # Lines before the first speaker label are a heading (title, date, programme), not
            # anybody's words: they stay in the body but belong to no turn.
            turns = turns[1:]
        names = _canonical_names([t.speaker for t in turns if t.speaker])
        merged: list[Turn] = []
        for turn in turns:
            turn.speaker = names.get(turn.speaker, turn.speaker)
            if merged and merged[-1].speaker == turn.speaker:
                merged[-1].cues.extend(turn.cues)
            else:
                merged.append(turn)
        return Transcript(fmt, merged)


def _key(name: str) -> str:
    return name.casefold().replace("’", "'").rstrip(".")


def _canonical_names(spellings: list[str]) -> dict[str, str]:
    """One spelling per speaker: the first in title case seen for a name, else the first seen;
    a lone surname ("TRUMP") joins the one full name that ends with it ("Donald Trump")."""
    first: dict[str, str] = {}
    for name in spellings:
        k = _key(name)
        current = first.get(k)
        if current is None or (current.isupper() and not name.isupper()):
            first[k] = name
    full_by_last: dict[str, set[str]] = {}
    for k in first:
        words = k.split()
        if len(words) > 1:
            full_by_last.setdefault(words[-1], set()).add(k)
    out = {}
    for name in set(spellings):
        k = _key(name)
        fulls = full_by_last.get(k.split()[-1], set()) if len(k.split()) == 1 else set()
        if len(fulls) == 1:
            k = next(iter(fulls))
        out[name] = first[k]
    return out


def _label(line: str) -> re.Match | None:
    m = _LABEL_RE.match(line)
    if m is None:
        return None
    name = m.group(1)
    if name.casefold().rstrip(".") in _NOT_SPEAKERS or name[-1] == " ":
        return None
    return m


def _payload(b: _Builder, text: str, a: int, line: str, time: float | None) -> None:
    """One line of spoken text at offset ``a``: a voice tag or a label may name a new speaker."""
    speaker = None
    m = _VOICE_RE.match(line) or _label(line)
    if m is not None:
        speaker = m.group(1).strip()
        a += m.end()
    end = a + len(line.rstrip("\n")) - (m.end() if m else 0)
    b.add(speaker, a, end, time)


def parse_plain(text: str) -> Transcript:
    """Speaker turns: ``NAME: text`` at a line's start; other lines continue the last speaker."""
    b = _Builder(text)
    pos = 0
    for line in _LINE_RE.findall(text):
        if not line:
            break
        if line.strip():
            _payload(b, text, pos, line, None)
        pos += len(line)
    return b.result("plain")


def _parse_captions(text: str, fmt: str) -> Transcript:
    vtt = fmt == "webvtt"
    pattern, what = (_VTT_TIME, "WebVTT") if vtt else (_SRT_TIME, "SRT")
    b = _Builder(text)
    pos = 0
    number = 0
    state = "header" if vtt else "between"  # header, between, skip (NOTE/STYLE), id, payload
    time: float | None = None
    for line in _LINE_RE.findall(text):
        if not line:
            break
        number += 1
        stripped = line.strip()
        if not stripped:
            if state in ("payload", "skip", "header", "id"):
                if state == "id":
                    raise TranscriptError(
                        f"a cue number with no {what} timing after it", number - 1
                    )
                state = "between"
        elif state == "header":
            pass  # the WEBVTT line and its header lines
        elif state == "skip":
            pass
        elif (
            state == "between" and vtt and stripped.split(None, 1)[0] in ("NOTE", "STYLE", "REGION")
        ):
            state = "skip"
        elif state in ("between", "id") and _ARROW in stripped:
            time = _parse_timing(line, pattern, number, what)
            state = "payload"
        elif state in ("between", "id") and pattern.match(stripped):
            raise TranscriptError(
                f"broken {what} timing {stripped[:60]!r}: no '-->' between start and end", number
            )
        elif state == "between":
            if not vtt and not stripped.isdigit():
                raise TranscriptError(
                    f"expected an SRT cue number or timing, found {stripped[:60]!r}", number
                )
            state = "id"
        elif state == "id":
            raise TranscriptError(
                f"expected a {what} timing line ('-->') after the cue identifier, "
                f"found {stripped[:60]!r}",
                number,
            )
        else:  # payload
            if _ARROW in stripped and pattern.search(stripped.split(_ARROW)[0]):
                raise TranscriptError(
                    f"a {what} timing line inside a cue (missing blank line?)", number
                )
            _payload(b, text, pos, line, time)
        pos += len(line)
    if state == "id":
        raise TranscriptError(f"a cue number with no {what} timing after it", number)
    return b.result(fmt)


def parse(text: str, fmt: str | None = None) -> Transcript:
    """The turns of ``text`` in ``fmt`` (detected when None); raises TranscriptError."""
    if not isinstance(text, str):
        raise TranscriptError(f"text must be str, not {type(text).__name__}")
    if not text.strip():
        raise TranscriptError("the transcript is empty")
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise TranscriptError(f"unknown transcript format {fmt!r}; use one of {', '.join(FORMATS)}")
    transcript = parse_plain(text) if fmt == "plain" else _parse_captions(text, fmt)
    if not transcript.turns:
        raise TranscriptError("the transcript holds no spoken text")
    return transcript


def analysis_text(text: str, turns: list[dict]) -> str:
    """``text`` with all but spoken text blanked: newlines between turns, spaces inside one.

    Same length as ``text``, so every offset into it is an offset into the body.
    """
    out: list[str] = []
    pos = 0
    for turn in turns:
        gap = text[pos : turn["start"]]
        out.append("\n" * len(gap) if len(gap) >= 2 else ("\n" if gap else ""))
        # a gap of one character between turns is not possible: a label or a cue line separates
        cue_pos = turn["start"]
        for start, end, _ in turn["cues"]:
            inner = text[cue_pos:start]
            out.append(_blank_inside(inner))
            out.append(_TAG_RE.sub(lambda m: " " * len(m.group()), text[start:end]))
            cue_pos = end
        pos = turn["end"]
    gap = text[pos:]
    out.append("\n" * len(gap))
    return "".join(out)


def _blank_inside(gap: str) -> str:
    """Between two cues of one turn: line breaks kept as they are, caption lines as spaces."""
    return gap if not gap.strip() else " " * len(gap)


def turn_at(turns: list[dict], offset: int, hint: int = 0) -> int:
    """The index of the turn holding ``offset``, searching forward from ``hint`` (text order)."""
    i = hint
    while i + 1 < len(turns) and turns[i]["end"] <= offset:
        i += 1
    return i


def cue_time(turn: dict, offset: int) -> float | None:
    """The start time of the cue holding ``offset`` in ``turn`` (its last cue before it)."""
    time = None
    for start, _end, t in turn["cues"]:
        if start > offset:
            break
        time = t
    return time


__all__ = [
    "FORMATS",
    "Cue",
    "Transcript",
    "TranscriptError",
    "Turn",
    "analyse_transcript",
    "analysis_text",
    "cue_time",
    "decode",
    "detect_format",
    "extract_transcript",
    "parse",
]


class _Cursor:
    """Walks turns and their cues forward in text order: linear over a document's claims."""

    def __init__(self, turns: list[dict]) -> None:
        self.turns = turns
        self.t = 0
        self.c = 0

    def at(self, offset: int) -> tuple[int, float | None]:
        turns = self.turns
        while self.t + 1 < len(turns) and turns[self.t]["end"] <= offset:
            self.t += 1
            self.c = 0
        cues = turns[self.t]["cues"]
        while self.c + 1 < len(cues) and cues[self.c + 1][0] <= offset:
            self.c += 1
        return self.t, cues[self.c][2]


def analyse_transcript(
    text: str, turns: list[dict], *, threshold: float | None = None, suggested_only: bool = False
) -> list[Suggestion]:
    """The segments of a transcript scored in transcript mode, each with its turn, speaker and
    cue time; the claimant of a turn's claim is its speaker. ``suggested_only``: only the
    suggestions (as ``extract_claims``), else every segment (as ``analyse``)."""
    if not turns:
        raise TranscriptError("the transcript has no turns")
    spoken = analysis_text(text, turns)
    run = extract_claims if suggested_only else analyse
    cursor = _Cursor(turns)
    out = []
    for s in run(spoken, threshold=threshold, mode=TRANSCRIPT):
        index, time = cursor.at(s.start)
        speaker = turns[index]["speaker"]
        words = s.text if s.text.count("  ") == 0 else " ".join(s.text.split())
        values = _fields(s)  # dataclasses.replace, without its generic machinery
        values.update(
            text=words, turn=index, speaker=speaker, time=time, claimant=speaker or s.claimant
        )
        out.append(_suggestion(values))
    return out


def extract_transcript(text: str, *, fmt: str | None = None, threshold: float | None = None):
    """Parse ``text`` as a transcript; return (Transcript, its suggested claims)."""
    transcript = parse(text, fmt)
    turns = transcript.as_list()
    return transcript, analyse_transcript(text, turns, threshold=threshold, suggested_only=True)
