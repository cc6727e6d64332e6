"""Export the run on screen as one self-contained interactive HTML page (lrviz.export).

The page is the app's player with the same payload (pinned runs included), opening at the epoch
on screen with the followed point. It inlines plotly.js (about 5 MB), so it is built only when
the button is clicked, not on every script run.
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from lrviz.app.run import Run
from lrviz.catalog.optimizers import OPTIMIZER_NAMES
from lrviz.data import escape_html
from lrviz.export import export_html, point_mark
from lrviz.notation.numbers import fmt
from lrviz.player.cursor import read_cursor
from lrviz.ui import state
from lrviz.ui.live_ui import followed, screen_data
from lrviz.ui.session import Current
from lrviz.ui.state import EXPORT_HTML


def export_title(run: Run, data_name: str) -> str:
    """The page's title: the data, the run's loss (unless it is the article's MSE), optimizer
    and learning rate (plain text)."""
    config = run.settings.config
    loss = "" if config.loss == "mse" else f"{run.scene.loss_label}, "
    return f"lrviz: {data_name}, {loss}{OPTIMIZER_NAMES[config.optimizer]}, α = {fmt(config.lr)}"


def html_page(
    shown: Current,
    data_name: str,
    epoch: int = 0,
    point: int | None = 0,
    screen: dict[str, Any] | None = None,
) -> str:
    """The exported page of shown (the run as the player shows it, pins included) at epoch,
    following point; a short page saying why, if it cannot be exported."""
    title = export_title(shown.run, data_name)
    try:
        mark = None if point is None else point_mark(shown.run, shown.view, point)
        # The page keeps the player's 3D bowl toggle, so it carries the full plotly.js.
        return export_html(
            shown.payload, title=title, epoch=epoch, mark=mark, screen=screen, bowl=True
        )
    except ValueError as error:
        return (
            '<!DOCTYPE html><html lang="en"><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>"
            f"<p>This run could not be exported: {escape_html(str(error))}</p></html>"
        )


def export_ui(shown: Current, data_name: str, epoch: int) -> None:
    """A download button for the run as an interactive page (the CSV is under Download).

    epoch: the epoch on screen during this script run; the one on screen at the click wins.
    """
    view, n, last = shown.view, shown.run.scene.data.n, shown.run.scene.last_epoch
    screen = screen_data(shown.run, view, None, False)
    read = state.later_reader()
    point = followed(view, n)

    def page() -> str:
        store = read()
        cursor = read_cursor(state.player_state(store))
        at = min(max(cursor.epoch, 0), last) if cursor and cursor.run == view else epoch
        chosen = state.FOLLOW.get(store)
        now = None if chosen is None else chosen.point
        fresh = chosen is not None and chosen.view == view and isinstance(now, int) and 0 <= now < n
        return html_page(shown, data_name, at, now if fresh else point, screen)

    st.download_button(
        "Interactive page (HTML)",
        page,
        file_name="lrviz-run.html",
        mime="text/html",
        key=EXPORT_HTML,
        on_click="ignore",
        icon=":material/download:",
        help="One file with plotly inside: the player as it is now (epoch, pinned runs, "
        "chain rule), playable offline. For slides or a course page. The history as CSV is "
        "under Download.",
    )
