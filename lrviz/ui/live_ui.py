"""The player's epoch-dependent part as a fragment: a Step reruns this, never the whole page.

The player reports the epoch at rest (Step, Back, scrub, Pause) and the point to follow; both
are its component state, and a component inside an ``st.fragment`` reruns only that fragment.
So a Step costs the server the echo of the epoch, the URL and a few references, not the page.
What only a full run can change (a new start, a lesson) asks for one with ``st.rerun``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from lrviz.app.run import Run
from lrviz.app.scenarios import Lesson, lessons
from lrviz.explain.live import point_data, replay
from lrviz.player.component import player_ui, screen_ui
from lrviz.player.cursor import shown_epoch
from lrviz.player.mark import encode_mark, mark_of, picked_point
from lrviz.ui import state
from lrviz.ui.gallery_ui import load_lesson
from lrviz.ui.share_ui import link_epoch, write_link_ui
from lrviz.ui.state import PAGE_BANNER as PAGE_BANNER_KEY
from lrviz.ui.state import Follow
from lrviz.ui.status import banner


def followed(view: str, n: int) -> int:
    """The point (0 … n-1) followed in run `view`: the last choice for it, else point 0."""
    stored = state.FOLLOW.get()
    if stored is not None and stored.view == view:
        point = stored.point
        if isinstance(point, int) and not isinstance(point, bool) and 0 <= point < n:
            return point
    return 0


def _on_point(view: str) -> None:
    """Callback: the player chose a point to follow (a click on the fit panel or its menu)."""
    point = picked_point(state.player_state())
    if point is not None:
        state.FOLLOW.set(Follow(view, point))


def _needs_full_run(callback: Callable[[], None]) -> Callable[[], None]:
    def run_then_flag() -> None:
        callback()
        state.PAGE.update(full_run=True)

    return run_then_flag


def _on_lesson() -> None:
    """Callback: a lesson picked in the player's menu (or by its number key) loads at once."""
    reported = state.player_state()
    key = reported.get("lesson") if isinstance(reported, Mapping) else None
    if isinstance(key, str):
        load_lesson(key)
        state.PAGE.update(full_run=True)


# A point's numbers for every epoch: made once per (run, point), shared by the session's reruns.
@st.cache_resource(max_entries=32, show_spinner=False)
def _point_bytes(view: str, point: int, _run: Run) -> bytes:
    scene = _run.scene
    s = _run.settings
    rp = replay(scene.data, s.config, s.w0, s.b0, scene.last_epoch, scene.history)
    return encode_mark(view, mark_of(scene.data, point), point_data(rp, scene.data, point))


def _stage_banners(run: Run) -> list[dict[str, Any]]:
    """The banner from each epoch on where it changes: {from, kind, text, spoiler}."""
    last = run.scene.last_epoch
    starts = sorted({0, last, *(k for k in (run.converged_at,) if k is not None and k <= last)})
    out = []
    for k in starts:
        message = banner(run, k)
        out.append(
            {
                "from": k,
                "kind": message.kind,
                "text": message.text,
                # Says how the run ends before it gets there.
                "spoiler": message.kind == "warning" or (k < last and "diverge" in message.text),
            }
        )
    return out


def screen_data(run: Run, view: str, lesson: Lesson | None, presenting: bool) -> dict[str, Any]:
    """What the player shows about the page rather than the run's numbers: the banner at each
    stage, the lesson's title and caption, the gallery's lessons, presentation mode."""
    return {
        "run": view,
        "banners": _stage_banners(run),
        "lesson": None if lesson is None else {"title": lesson.title, "caption": lesson.caption},
        "lessons": [{"key": x.key, "title": x.title} for x in lessons()],
        "present": presenting,
    }


def live_epoch(run: Run, view: str) -> int:
    """The epoch the server takes to be on screen: the player's report, else the link's."""
    last = run.scene.last_epoch
    reported = state.player_state()
    epoch = shown_epoch(reported, view, last)
    return link_epoch(view, epoch, last, reported)


def live_player_ui(
    payload: bytes,
    run: Run,
    view: str,
    epoch: int,
    on_pick: Callable[[], None],
    link: Callable[[int], Mapping[str, str]],
) -> None:
    """Mount the player and its echo of `epoch` (live_epoch's), and write the page's URL.

    Call inside an ``st.fragment``. link(epoch): the page's query parameters at that epoch.
    """
    point = followed(view, run.scene.data.n)
    player_ui(
        payload,
        view,
        epoch,
        on_pick=_needs_full_run(on_pick),
        mark=_point_bytes(view, point, run),
        on_point=lambda: _on_point(view),
        on_lesson=_on_lesson,
    )
    write_link_ui(link(epoch))
    if state.PAGE.get().full_run:
        state.PAGE.update(full_run=False)
        st.rerun(scope="app")


__all__ = [
    "PAGE_BANNER_KEY",
    "followed",
    "live_epoch",
    "live_player_ui",
    "screen_data",
    "screen_ui",
]
