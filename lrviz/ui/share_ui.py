"""The page's URL holds the whole screen: read once when a session opens, rewritten every run.

Order in the script: ``read_link_ui`` before any widget (it presets their values), then the
page, then ``link_epoch`` once the run is known, ``link_notices_ui`` where notices may show, and
``write_link_ui`` at the end with what is on screen. Every value in a link is hostile input:
``lrviz.share.url_state`` and ``lrviz.share.data_params`` clamp or drop it, with a notice shown
escaped here; nothing in a link can raise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlencode

import streamlit as st

from lrviz.app.scenarios import data_label
from lrviz.app.settings import RunSettings
from lrviz.data import escape_markdown
from lrviz.player.cursor import read_cursor
from lrviz.share.link_probe import dropped_notice, probe_ui
from lrviz.share.url_state import (
    LESSON_KEYS,
    LESSON_PARAM,
    from_params,
    lesson_from_text,
    to_params,
)
from lrviz.ui import state
from lrviz.ui.compare_ui import apply_pin_params, pin_params
from lrviz.ui.data_ui import current_data_source
from lrviz.ui.gallery_ui import active_lesson, load_lesson
from lrviz.ui.settings import widgets_of
from lrviz.ui.state import LinkEpoch, Notices

MAX_NOTICES = 8


def read_link_ui(
    data_keys: tuple[str, ...] = (),
    apply_data: Callable[[Mapping[str, str]], list[str]] | None = None,
) -> None:
    """Apply the link's parameters to this session, once, before any widget is drawn.

    data_keys: parameters the data source reads, handed to apply_data (which sets the data and
    returns plain-text notices).
    """
    if state.LINK.get().loaded:
        return
    params = {str(k): str(v) for k, v in st.query_params.to_dict().items()}
    state.LINK.update(loaded=True, bare=not params)
    parsed = from_params(params, other_keys=(*data_keys, *LESSON_KEYS))
    # The lesson first (its data, settings and pins); what else the link says comes on top.
    notices = _apply_lesson(params.get(LESSON_PARAM))
    state.set_widgets(widgets_of(parsed.fields))
    if parsed.present is not None:
        state.set_widget(state.PRESENT, parsed.present)
    notices += parsed.notices
    if apply_data is not None and any(k in params for k in data_keys):
        try:
            notices += apply_data({k: v for k, v in params.items() if k in data_keys})
        except Exception as error:  # a link must never break the page
            notices.append(f"The data in the link was ignored ({type(error).__name__}).")
    try:
        notices += apply_pin_params(params, data_keys)
    except Exception as error:  # a link must never break the page
        notices.append(f"The pinned runs in the link were ignored ({type(error).__name__}).")
    if notices:
        state.LINK.update(notices=Notices(None, tuple(notices)))
    if parsed.epoch:
        state.LINK.update(epoch=LinkEpoch(None, parsed.epoch))


def _apply_lesson(key: str | None) -> list[str]:
    """Load the gallery lesson a link names; notices (plain text) if it cannot be."""
    if key is None:
        return []
    lesson, notices = lesson_from_text(key)
    if lesson is not None:
        load_lesson(lesson.key)
    return list(notices)


def link_epoch(view: str, epoch: int, last: int, player_state: object) -> int:
    """The epoch to show: the link's, for the run it opened, until the player reports one."""
    pending = state.LINK.get().epoch
    if pending is None:
        return epoch
    owner, wanted = pending.view, pending.epoch
    cursor = read_cursor(player_state)
    if (owner is not None and owner != view) or (cursor is not None and cursor.run == view):
        state.LINK.update(epoch=None)  # the settings changed, or the player took over
        return epoch
    if owner is None:
        state.LINK.update(epoch=LinkEpoch(view, wanted))
        if wanted > last:
            _add_notice(f"The link asks for epoch {wanted:,}; this run ends at {last:,}.")
    return min(wanted, last)


def _add_notice(text: str) -> None:
    stored = state.LINK.get().notices or Notices(None, ())
    state.LINK.update(notices=Notices(stored.view, (*stored.texts, text)))


def link_notices_ui(view: str) -> None:
    """Show what the link asked for that was clamped or ignored, while its run is on screen."""
    link = state.LINK.get()
    dropped = dropped_notice(state.probe_state()) if link.bare else ""
    if dropped and not link.probed:
        earlier = link.notices.texts if link.notices is not None else ()
        link = state.LINK.update(probed=True, notices=Notices(view, (*earlier, dropped)))
    stored = link.notices
    if stored is None:
        return
    notices = stored.texts
    if stored.view is None:
        state.LINK.update(notices=Notices(view, notices))
    elif stored.view != view:
        state.LINK.update(notices=None)
        return
    shown = [f"- {escape_markdown(text)}" for text in notices[:MAX_NOTICES]]
    if len(notices) > MAX_NOTICES:
        shown.append(f"- … and {len(notices) - MAX_NOTICES} more.")
    st.warning("**Parts of this link were changed or ignored:**\n" + "\n".join(shown))


def link_params(
    settings: RunSettings,
    epoch: int,
    present: bool,
    data_params: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The query parameters of the screen: data, run settings, presentation mode (present),
    epoch, the lesson on screen (if any) and the pinned runs."""
    params = {**(data_params or {}), **to_params(settings, present=present, epoch=epoch)}
    if active_lesson(settings, data_label(current_data_source())) is not None:
        params[LESSON_PARAM] = str(state.LESSON.get().key)
    params.update(pin_params()[0])
    return params


def student_params(params: Mapping[str, str]) -> dict[str, str]:
    """The same screen without presentation mode: for students' own laptops and phones."""
    return {k: v for k, v in params.items() if k != "present"}


def write_link_ui(params: Mapping[str, str]) -> None:
    """Make the page's URL say params (only when it says something else)."""
    if st.query_params.to_dict() != dict(params):
        st.query_params.from_dict(params)


def link_probe_ui() -> None:
    """In a session that opened with no parameters, mount (once per full page run, outside any
    fragment) the probe that tells a link Streamlit dropped whole (lrviz.share.link_probe) from
    a plain visit."""
    link = state.LINK.get()
    if link.bare and not link.probed:
        probe_ui()


def link_url(params: Mapping[str, str]) -> str:
    """The full link: the app's address as the browser sees it, plus params."""
    base = st.context.url or ""
    return f"{base}?{urlencode(dict(params))}"


def share_ui(params: Mapping[str, str], note: str = "") -> None:
    """The link to this screen, with a copy button (top right of the box); in presentation
    mode also the student link, the same screen without presentation mode."""
    st.markdown("**Link to this screen**")
    st.code(link_url(params), language=None, wrap_lines=True)
    left_out = pin_params()[1]
    if left_out:
        runs = "pinned run is" if left_out == 1 else "pinned runs are"
        note = f"{note} {left_out} {runs} left out: their data cannot go in a link.".strip()
    st.caption(
        "Copy it with the button at the box's right. It opens the same data, settings, "
        "lesson, pinned runs, epoch and presentation mode in any browser."
        + (f" {escape_markdown(note)}" if note else "")
    )
    if "present" in params:
        st.markdown("**Student link**")
        st.code(link_url(student_params(params)), language=None, wrap_lines=True)
        st.caption("The same screen without presentation mode, for students' laptops and phones.")
