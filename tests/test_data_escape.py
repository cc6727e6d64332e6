"""Escaping text from files for markdown and HTML: it must show literally, as typed."""

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from lrviz.data import escape_html, escape_markdown

HOSTILE = "<img src=x onerror=alert(1)>"


def _unescape_markdown(text: str) -> str:
    # CommonMark: a backslash before ASCII punctuation stands for that character.
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def test_hostile_header_is_escaped_for_markdown() -> None:
    escaped = escape_markdown(HOSTILE)
    assert escaped == r"\<img src\=x onerror\=alert\(1\)\>"
    assert _unescape_markdown(escaped) == HOSTILE


def test_hostile_header_is_escaped_for_html() -> None:
    assert escape_html(HOSTILE) == "&lt;img src=x onerror=alert(1)&gt;"
    assert escape_html("a \"b\" & 'c'") == "a &quot;b&quot; &amp; &#x27;c&#x27;"


def test_markdown_syntax_is_neutralised() -> None:
    for text in ["**bold**", "[link](javascript:alert(1))", "![i](http://x)", "$x^2$", ":red[x]"]:
        escaped = escape_markdown(text)
        assert _unescape_markdown(escaped) == text
        assert not re.search(r"(?<!\\)[*\[\]()!$:]", escaped)


def test_line_breaks_and_direction_overrides_do_not_survive() -> None:
    assert escape_markdown("a\nb\r\nc\td") == "a b  c d"
    assert escape_markdown("abc\u202edef\u2066") == "abcdef"
    assert escape_html("x\n<y>") == "x &lt;y&gt;"


@given(st.text())
def test_every_ascii_punctuation_is_escaped_and_nothing_else_changes(text: str) -> None:
    escaped = escape_markdown(text)
    i = 0
    while i < len(escaped):
        if escaped[i] in string.punctuation:
            assert escaped[i] == "\\", f"unescaped {escaped[i]!r} at {i} in {escaped!r}"
            assert escaped[i + 1] in string.punctuation
            i += 2
        else:
            i += 1
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", escaped)
    printable = "".join(c for c in text if c.isprintable() and c not in "\u200b\u200e\u200f")
    if printable == text:
        assert _unescape_markdown(escaped) == text


@given(st.text())
def test_html_escape_leaves_no_markup(text: str) -> None:
    escaped = escape_html(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert '"' not in escaped
