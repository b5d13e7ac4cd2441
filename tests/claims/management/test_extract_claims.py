"""`manage.py extract_claims PATH [--json]`: a thin shell over the extraction package."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

SEED = Path(settings.BASE_DIR) / "seeds" / "000_5fe590b60e8f00fa.txt"


def run(*args) -> str:
    out = io.StringIO()
    call_command("extract_claims", *args, stdout=out)
    return out.getvalue()


def test_json_output_indexes_the_input_exactly():
    text = SEED.read_text(encoding="utf-8")
    data = json.loads(run(str(SEED), "--json"))
    assert data["claims"]
    for claim in data["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]
        assert {"claim_type", "checkworthiness", "claimant", "reasons"} <= set(claim)
        assert claim["reasons"]
    assert any(c["claimant"] == "Volodymyr Zelensky" for c in data["claims"])


def test_stdin_with_crlf_and_non_ascii_keeps_code_point_offsets(monkeypatch):
    text = "Заглавие\r\n\r\nThe ministry said 1,200 nurses were hired in 2025. Café prices rose 4%.\r\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    data = json.loads(run("-", "--json"))
    assert data["claims"]
    for claim in data["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_the_table_lists_each_claim_with_its_reasons():
    out = run(str(SEED))
    assert "more than 10,000 troops" in out
    assert "- attributed to Volodymyr Zelensky (said)" in out
    assert "claims suggested" in out


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "nope.txt"))


def test_bytes_that_are_not_utf8_are_a_command_error(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9 prices rose 4%.".encode("latin-1"))
    with pytest.raises(CommandError, match="not valid UTF-8"):
        run(str(path))


def test_an_empty_file_suggests_nothing(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    assert json.loads(run(str(path), "--json")) == {"claims": []}


TRANSCRIPTS = Path(__file__).resolve().parents[1] / "extraction" / "transcripts"


def test_kind_transcript_names_each_claims_speaker_and_time():
    path = TRANSCRIPTS / "town_hall.srt"
    data = json.loads(run(str(path), "--kind", "transcript", "--json"))
    assert data["turns"][1]["speaker"] == "MARIA DIAZ"
    diaz = next(c for c in data["claims"] if c["speaker"] == "MARIA DIAZ")
    assert diaz["claimant"] == "MARIA DIAZ" and diaz["time"] == 3.5
    assert "MARIA DIAZ" in run(str(path), "--kind", "transcript")


def test_all_lists_the_segments_that_were_not_suggested_with_their_scores():
    path = TRANSCRIPTS / "panel_interview.txt"
    every = json.loads(run(str(path), "--kind", "transcript", "--json", "--all"))["claims"]
    suggested = json.loads(run(str(path), "--kind", "transcript", "--json"))["claims"]
    assert len(every) > len(suggested) and any(not c["suggested"] for c in every)
    assert [c for c in every if c["suggested"]] == suggested
    news = json.loads(run(str(SEED), "--json", "--all"))["claims"]
    assert any(not c["suggested"] for c in news) and "speaker" not in news[0]


def test_a_broken_transcript_names_the_line(tmp_path):
    path = tmp_path / "bad.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHi.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: broken WebVTT timing"):
        run(str(path), "--kind", "transcript")
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="0 bytes"):
        run(str(path), "--kind", "transcript")
