"""Shared phrasing for messages: quoting text from a file and stating limits."""

from lrviz.data.limits import MAX_ABS_VALUE

# Longest piece of file text quoted in a message; longer text is cut and ends with "…".
QUOTE_CHARS = 40


def quoted(text: str) -> str:
    """text in single quotes on one line, cut to QUOTE_CHARS characters. Not escaped."""
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 1] + "…"
    return f"'{text}'"


def number(value: float) -> str:
    """A number as a person would write it: 1e150, 0.5, 12 (4 significant digits at most)."""
    return f"{value:.4g}".replace("e+", "e")


def limit_phrase() -> str:
    """Why large values are refused, with the limit, e.g. for 'Line 3: 1e200 is too large; …'."""
    return (
        f"squares of numbers beyond ±{number(MAX_ABS_VALUE)} overflow, "
        f"so keep every value within ±{number(MAX_ABS_VALUE)}"
    )


def plural(count: int, word: str) -> str:
    """'1 row', '3 rows' (adds an s; enough for the words used here)."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def quoted_list(texts: list[str], most: int = 5) -> str:
    """ "'a', 'b', 'c'" for up to most texts, then "and N more"."""
    shown = ", ".join(quoted(t) for t in texts[:most])
    return shown if len(texts) <= most else f"{shown} and {len(texts) - most:,} more"
