"""The article body with claims marked in place, from code-point offsets."""

from __future__ import annotations

import re
import time

from frontend.highlight import MAX_NEST, Span, assign_lanes, render_body


def span(id, start, end, status="open", number=None):
    return Span(id, number or id, start, end, status, status.title())


def text_of(html: str) -> str:
    """What a browser shows as the body text, labels left out."""
    html = re.sub(r'<span class="claim-label"[^>]*>.*?</span>', "", html)
    html = re.sub(r"<[^>]+>", "", html)
    return (
        html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
    )


def test_a_body_without_claims_is_only_escaped():
    assert render_body("a <b> & c", []) == "a &lt;b&gt; &amp; c"


def test_each_claim_is_a_mark_with_a_visible_label_and_an_accessible_name():
    html = render_body("Tax rose 5%. Then fell.", [span(7, 0, 12, "suggested", number=1)])
    assert html.startswith('<mark id="claim-7" class="claim st-suggested lane-0"')
    assert 'aria-label="Claim 1, Suggested"' in html
    assert '<span class="claim-label" aria-hidden="true">1\u00a0Suggested</span>' in html
    assert text_of(html) == "Tax rose 5%. Then fell."


def test_offsets_are_code_points_so_astral_characters_do_not_shift_marks():
    body = "😀 émoji 👩‍👩‍👧 then the claim."
    start = body.index("the claim")
    html = render_body(body, [span(1, start, start + 9)])
    assert re.search(r"</span>the claim</mark>", html)
    assert text_of(html) == body


def test_overlapping_claims_nest_and_take_separate_lanes():
    body = "one two three four"
    spans = [span(1, 0, 13), span(2, 4, 18)]
    assert assign_lanes(spans) == {1: 0, 2: 1}
    html = render_body(body, spans)
    # "two three" is inside both marks; claim 2 continues alone after claim 1 ends.
    assert html.count('data-claim="1"') == 2
    assert html.count('data-claim="2"') == 2
    assert html.count("<mark") == html.count("</mark>")
    assert text_of(html) == body


def test_a_claim_nested_inside_another_keeps_both_readable():
    spans = [span(1, 0, 10), span(2, 2, 5)]
    html = render_body("abcdefghij", spans)
    assert assign_lanes(spans) == {1: 0, 2: 1}
    assert text_of(html) == "abcdefghij"


def test_article_text_is_escaped_inside_marks():
    body = '<img src=x onerror="alert(1)"> said <script>alert(2)</script>'
    html = render_body(body, [span(1, 0, 30), span(2, 36, len(body))])
    assert "<img" not in html and "<script" not in html
    assert text_of(html) == body


def test_carriage_returns_survive_html_parsing_as_character_references():
    body = "line one\r\nline two"
    html = render_body(body, [span(1, 10, 18)])
    assert "&#13;" in html
    assert text_of(html) == body


def test_spans_outside_the_body_are_ignored():
    assert render_body("short", [span(1, 2, 99)]) == "short"


def test_a_segment_is_wrapped_in_its_innermost_claims_and_every_claim_keeps_its_label():
    body = "x" * 40
    spans = [span(i, i, 40 - i) for i in range(1, 16)]  # fifteen claims, each inside the last
    html = render_body(body, spans)
    # the innermost segment (claim 15, ten characters) sits in MAX_NEST marks: the innermost claims
    inner = re.search(
        r'((?:<mark[^>]*>(?:<span class="claim-label"[^>]*>[^<]*</span>)?)*)x{10}<', html
    )
    assert re.findall(r'data-claim="(\d+)"', inner.group(1)) == [str(i) for i in range(8, 16)]
    assert MAX_NEST == 8
    for i in range(1, 16):
        assert html.count(f'id="claim-{i}"') == 1
        assert f'data-claim="{i}"' in html
    assert html.count("<mark") == html.count("</mark>")
    assert text_of(html) == body


def test_2000_nested_claims_render_in_linear_time_and_size():
    n, body = 2000, "word " * 4000
    spans = [span(i + 1, i, len(body) - i) for i in range(n)]
    began = time.process_time()
    html = render_body(body, spans)
    elapsed = time.process_time() - began
    assert elapsed < 0.3, f"{elapsed:.3f} s of CPU"
    # each segment holds at most MAX_NEST marks: about 2 * n segments, not n * n marks
    assert html.count("<mark") <= 2 * n * MAX_NEST
    assert text_of(html) == body
    assert assign_lanes(spans)[n] == n - 1
