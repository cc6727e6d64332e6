"""The chain-rule panel: backprop at the epoch on screen, every number from the core's record."""

from __future__ import annotations

import streamlit as st

from lrviz.app.run import Run
from lrviz.core import Dataset, History, StepRecord, TrainConfig, TrainState, record_at
from lrviz.explain import (
    GRAPH_CAPTION,
    PerPoint,
    batch_points,
    batch_tex,
    check_tex,
    epoch_summary,
    gradient_check,
    graph_dot,
    optimum_note,
    overflow_note,
    page_rows,
    pages,
    point_label,
    single_point_tex,
    step_overflow_note,
    table_columns,
    top_rows,
    update_table,
    update_tex,
    verdict,
)
from lrviz.explain.loss_node import SAME_NOTE
from lrviz.figures.pull import plot_point_pull
from lrviz.ui import state
from lrviz.ui.number_box import box_value
from lrviz.ui.state import DETAILS, DETAILS_EPOCH, DETAILS_PANEL, EXPLAIN_PANEL, table_key

TABLE_ROWS = 50
"""Rows per page of the per-point and per-update tables."""

SELECTBOX_POINTS = 500
"""Up to this many points the selector lists them all; past it, a number box picks one."""


# Each widget in the tables reruns the page. With the run's History, record_at starts from the
# state stored for `epoch` and takes one step, so any epoch costs the same; caching keeps the
# tables' own widgets from even that. Records are immutable, so sessions share them. Bounded:
# a record holds n per-point values and one row per update (about 100 bytes an update), so
# MAX_RECORDS of the largest allowed (100,000 points) hold well under 100 MB, and an entry
# unused for RECORD_TTL_S goes.
MAX_RECORDS = 8
RECORD_TTL_S = 600


@st.cache_resource(max_entries=MAX_RECORDS, ttl=RECORD_TTL_S, show_spinner=False)
def _recorded(
    data: Dataset,
    config: TrainConfig,
    w0: float,
    b0: float,
    epoch: int,
    _history: History | None = None,
) -> tuple[TrainState, StepRecord]:
    # _history is not hashed: it is the History of (data, config, w0, b0), named by them.
    return record_at(data, config, w0, b0, epoch, history=_history)


def explain_ui(
    data: Dataset,
    config: TrainConfig,
    w0: float,
    b0: float,
    epoch: int,
    *,
    selected: int | None = None,
    recorded: tuple[TrainState, StepRecord] | None = None,
    history: History | None = None,
    key: str = EXPLAIN_PANEL,
) -> int:
    """Draw the panel for the step taken at `epoch` (0 = the first step) and return point i.

    Wire it with one line, where the app has its Dataset, TrainConfig, start and epoch on screen:

        point = explain_ui(data, config, w0, b0, epoch)

    selected: a point picked elsewhere (e.g. the data panel); it moves this panel's selector when
    it changes. recorded: `lrviz.core.record_at(data, config, w0, b0, epoch)` if the caller has
    it already; otherwise the panel computes and caches it, from the run's `history` (one step
    from the state stored for that epoch) when given. key: prefix of its widget keys.
    Returns the chosen point's index (0 … n-1), for the fit panel to highlight.
    """
    try:
        state, rec = recorded or _recorded(data, config, w0, b0, epoch, history)
    except ValueError as err:
        st.error(f"Nothing to explain yet: {err}")
        return 0 if selected is None else int(selected)
    pts = PerPoint.of(rec)
    point = _choose_point(pts, selected, key)
    overflow = overflow_note(rec)
    if overflow:
        st.warning(overflow)
        return point
    note = optimum_note(data)
    if note:
        st.info(note)
    last_step = step_overflow_note(rec)
    if last_step:
        st.warning(last_step)

    st.markdown(f"**The computation graph for point {point}, at epoch {rec.epoch}**")
    st.graphviz_chart(graph_dot(rec, point, pts), width="stretch")
    st.caption(f"{GRAPH_CAPTION} Loss: {pts.node.name}. {SAME_NOTE} {pts.node.convention}")

    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**Point {point}, step by step**")
        st.latex(single_point_tex(rec, point, pts))
    with right:
        st.markdown(f"**All {pts.n} points: the batch means**")
        st.latex(batch_tex(rec, pts))
        if len(rec.updates) > 1:
            st.caption(
                "These are the full-data means at the start of the epoch. With mini-batches each "
                "update uses the mean over its own batch instead, as spelled out below."
            )

    st.markdown("**The update**")
    st.caption(epoch_summary(rec, config))
    j = _choose_update(rec, key)
    if len(rec.updates) > 1:
        st.caption(f"Update {j} used {batch_points(rec.updates[j], pts.n)}.")
    st.latex(update_tex(rec, config, state, j))

    tab_points, tab_check, tab_updates = st.tabs(["Every point", "Gradient check", "Updates"])
    with tab_points:
        _points_table(rec, pts, point, key)
    with tab_check:
        checks = gradient_check(data, rec)
        st.caption(verdict(checks, rec.loss_name))
        for column, check in zip(st.columns(2), checks, strict=True):
            column.latex(check_tex(check))
    with tab_updates:
        _updates_table(rec, key)
    return point


def details_ui(data: Dataset, run: Run, point: int) -> None:
    """Below the player: every point, the gradient check and each update of one chosen epoch.

    Off until asked for, and for an epoch typed here, not the one on screen: the live view in the
    player follows the epoch on screen; these tables are drawn by the server, so they do not.
    """
    last = run.scene.last_epoch
    if not st.toggle(
        "Tables of one epoch: every point, the gradient check, each update",
        key=DETAILS,
        help="The chain-rule view in the player follows every frame; these tables are for one "
        "epoch you choose.",
    ):
        return
    top = max(last, 0)
    label = f"Epoch to tabulate, 0 to {last}"
    epoch = int(st.number_input(label, 0, top, box_value(DETAILS_EPOCH, 0, top), key=DETAILS_EPOCH))
    s = run.settings
    history = run.scene.history
    explain_ui(
        data, s.config, s.w0, s.b0, epoch, selected=point, history=history, key=DETAILS_PANEL
    )


def _choose_point(pts: PerPoint, selected: int | None, key: str) -> int:
    """A selector over the points, moved to `selected` whenever the caller's choice changes."""
    widget = table_key(key, "point" if pts.n <= SELECTBOX_POINTS else "point_number")
    told = state.TABLES.get().told
    if selected is not None and told.get(key) != selected:
        state.TABLES.update(told={**told, key: selected})
        state.set_widget(widget, int(selected))
    chosen = state.widget(widget, 0)
    # The selectbox keeps a choice set from code as its label; once the data changes, that label
    # names no option and comes back as a str.
    if isinstance(chosen, bool) or not isinstance(chosen, int) or not 0 <= chosen < pts.n:
        state.set_widget(widget, 0)  # the data changed under the old choice
    if pts.n <= SELECTBOX_POINTS:
        return int(
            st.selectbox(
                "Point i to follow",
                range(pts.n),
                format_func=lambda i: point_label(pts, i),
                key=widget,
            )
        )
    top = pts.n - 1
    point = int(st.number_input("Point i to follow", 0, top, box_value(widget, 0, top), key=widget))
    st.caption(point_label(pts, point))
    return point


def _choose_update(rec: StepRecord, key: str) -> int:
    """Which of the epoch's updates to spell out; only asked when there is more than one."""
    count = len(rec.updates)
    widget = table_key(key, "update")
    if count == 1:
        return 0
    if not 0 <= state.widget(widget, 0) < count:
        state.set_widget(widget, 0)
    label = f"Update (batch) to spell out, 0 to {count - 1}"
    return int(st.number_input(label, 0, count - 1, box_value(widget, 0, count - 1), key=widget))


def _points_table(rec: StepRecord, pts: PerPoint, point: int, key: str) -> None:
    """Per-point table (paged, or the hardest pullers, past TABLE_ROWS) and the pull chart."""
    if pts.n <= TABLE_ROWS:
        page = page_rows(pts.n, 0, TABLE_ROWS)
    else:
        modes = ["Points that pull hardest", "All points, by page"]
        mode = st.radio("Rows", modes, horizontal=True, key=table_key(key, "rows"))
        if mode == modes[1]:
            last = pages(pts.n, TABLE_ROWS)
            box, label = table_key(key, "page"), f"Page, 1 to {last}"
            number = st.number_input(label, 1, last, box_value(box, 1, last), key=box)
            page = page_rows(pts.n, int(number) - 1, TABLE_ROWS)
        else:
            page = top_rows(pts, TABLE_ROWS)
        st.caption(page.caption)
    st.dataframe(table_columns(rec, page, pts), hide_index=True, key=table_key(key, "table"))
    st.plotly_chart(plot_point_pull(rec, point, pts), key=table_key(key, "pull"))


def _updates_table(rec: StepRecord, key: str) -> None:
    """One row per update of the epoch: its batch, gradient, change and optimizer state."""
    count = len(rec.updates)
    start = 0
    if count > TABLE_ROWS:
        last = pages(count, TABLE_ROWS)
        box = table_key(key, "upage")
        number = st.number_input(f"Page, 1 to {last}", 1, last, box_value(box, 1, last), key=box)
        start = (int(number) - 1) * TABLE_ROWS
    st.dataframe(
        update_table(rec, start, TABLE_ROWS), hide_index=True, key=table_key(key, "updates")
    )
