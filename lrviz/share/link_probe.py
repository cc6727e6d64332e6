"""Notice for a link Streamlit dropped whole: the browser reports what the server never saw.

Streamlit ignores a query string of more than QUERY_MAX_FIELDS parameters or QUERY_MAX_CHARS
characters before the app runs, so st.query_params is simply empty and the server cannot tell
that from a plain visit. A tiny component (link_probe.js) reads the address the page was
opened with and reports {fields, chars} when it is over either limit; it is mounted only in
sessions that opened with no parameters, and costs nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

# streamlit.runtime.state.query_params: CLIENT_STATE_QUERY_STRING_MAX_FIELDS and _MAX_LENGTH.
QUERY_MAX_FIELDS = 1000
QUERY_MAX_CHARS = 512 * 1024
PROBE_KEY = "lrviz_link_probe"

_PROBE = st.components.v2.component(
    "lrviz.link_probe",
    js=Path(__file__).with_name("link_probe.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def _ignore() -> None:
    """The report is read from st.session_state at the top of the next run."""


def probe_ui() -> None:
    """Mount the probe (no visible output). Call once per script run, late in the page."""
    _PROBE(
        key=PROBE_KEY,
        data={"max_fields": QUERY_MAX_FIELDS, "max_chars": QUERY_MAX_CHARS},
        default={"dropped": None},
        on_dropped_change=_ignore,
    )


def dropped_notice(state: object) -> str:
    """The notice for the probe's state (plain text), or "" when it reported nothing."""
    if not isinstance(state, Mapping):
        return ""
    dropped = state.get("dropped")
    if not isinstance(dropped, Mapping):
        return ""
    fields, chars = dropped.get("fields"), dropped.get("chars")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (fields, chars)):
        return ""
    assert isinstance(fields, int) and isinstance(chars, int)
    if fields <= QUERY_MAX_FIELDS and chars <= QUERY_MAX_CHARS:
        return ""
    size = (
        f"{fields:,} parameters"
        if fields > QUERY_MAX_FIELDS
        else f"{chars:,} characters after the “?”"
    )
    return (
        f"The link this page was opened with has {size}. The server reads links of at most "
        f"{QUERY_MAX_FIELDS:,} parameters and {QUERY_MAX_CHARS:,} characters, so it ignored the "
        "whole link: the default data and settings are shown instead."
    )
