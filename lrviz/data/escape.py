"""Show text from files safely: escaping for Streamlit markdown and for HTML (plotly labels).

Column names and cells are kept exactly as uploaded. Before they reach st.markdown, st.info,
st.error, st.caption, widget labels or help text (all markdown), pass them through
escape_markdown; before plotly titles, hover text or annotations (a subset of HTML), through
escape_html. Then "<img src=x onerror=alert(1)>" shows literally, as typed.
"""

from __future__ import annotations

import html
import string

# Every ASCII punctuation character may be backslash-escaped in CommonMark, which makes it a
# literal: no emphasis, links, images, HTML, tables, LaTeX ($) or Streamlit's :color[...]
# and :emoji: syntax can start from escaped text.
_MARKDOWN = {ord(c): "\\" + c for c in string.punctuation}

# Line breaks would end a markdown paragraph or start a list; bidi overrides and other
# invisible format characters can make text display differently from what it is.
_INVISIBLE = {
    **dict.fromkeys(range(0x00, 0x20), " "),  # C0 controls, tab and line breaks
    0x7F: " ",
    **dict.fromkeys(range(0x80, 0xA0), " "),  # C1 controls
    **dict.fromkeys((0x2028, 0x2029), " "),  # line and paragraph separators
    **dict.fromkeys((0x200B, 0x200E, 0x200F, 0xFEFF), ""),  # zero width, direction marks
    **dict.fromkeys(range(0x202A, 0x202F), ""),  # bidi embeddings and overrides
    **dict.fromkeys(range(0x2066, 0x206A), ""),  # bidi isolates
}


def escape_markdown(text: str) -> str:
    """text that Streamlit markdown shows literally, on one line (controls become spaces)."""
    return text.translate(_INVISIBLE).translate(_MARKDOWN)


def escape_html(text: str) -> str:
    """text that HTML (and plotly's label markup) shows literally, on one line."""
    return html.escape(text.translate(_INVISIBLE), quote=True)
