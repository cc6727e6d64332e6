"""Sidebar data sources (preset, generator, edit table, CSV upload), standardized x, downloads.

Wire-up, top of the script (the run is trained on ``active.dataset``):

    active = data_ui()                      # ActiveData: source, points, dataset, scaling
    ...                                     # settings and run from active.dataset
    downloads_ui(active, run.scene.history)

How it works: every source changes the data through a widget callback (or, for the edit
table, right after the table is drawn), so the data a script run trains on is decided before
the run settings and the run are. A refusal (bad file, bad cell, bad generator setting) is shown
where it happened, escaped, and the last good data stays active. Everything lives in
``lrviz.ui.state`` (DataState and the widget keys). ``set_data_source`` switches the
data from code (a shareable URL, a gallery of scenarios); ``current_data_source`` and the
functions of ``lrviz.share.data_params`` describe it back as query parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd
import streamlit as st

from lrviz.app.data_source import (
    GEN_LIMIT,
    DataSource,
    generator_source,
    points_source,
    preset_source,
    resolve,
    share_notice,
)
from lrviz.core import Dataset, History, curvature, make_dataset, optimum
from lrviz.data import (
    DEFAULT_PRESET,
    MAX_N,
    MAX_SEED,
    MAX_UPLOAD_MB,
    MIN_N,
    CsvTable,
    DataError,
    GeneratorSpec,
    Points,
    Scaling,
    data_csv,
    edited_points,
    escape_markdown,
    fit_scaling,
    generate,
    get_preset,
    history_csv,
    preset_names,
    read_csv,
    select_xy,
    standardize,
    standardize_problem,
)
from lrviz.data.csv_reader import upload_limit_text
from lrviz.notation.numbers import fmt
from lrviz.share.data_params import data_source_from_params, data_source_to_params
from lrviz.ui import state
from lrviz.ui.number_box import box_value
from lrviz.ui.state import GEN_KEYS, ActiveCache, ScalingRefused, Status, UploadedTable
from lrviz.ui.state import STANDARDIZE as STANDARDIZE_KEY
from lrviz.ui.state import UPLOAD as UPLOAD_KEY
from lrviz.ui.state import XCOL as XCOL_KEY
from lrviz.ui.state import YCOL as YCOL_KEY

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

__all__ = [
    "ActiveData",
    "DataSource",
    "apply_params",
    "current_data_source",
    "data_download",
    "data_source_from_params",
    "data_source_to_params",
    "data_ui",
    "downloads_ui",
    "load_upload",
    "set_data_source",
    "share_notice",
    "source_params",
]

EDIT_MAX_ROWS = 1_000
"""The edit table is offered up to this many points; beyond, a CSV round trip is quicker."""

TABS = ("Preset", "Generate", "Edit", "Upload")

# Session state: lrviz.ui.state.DataState; widgets keep their own values under the *_KEY names.


class ActiveData(NamedTuple):
    """The data the run trains on.

    source: where it came from (standardize flag included). points: in original units, shape
    (n,), as shown in the fit panel and downloaded. dataset: what is trained on, x replaced by
    z = (x - mean)/std when scaling is not None.
    """

    source: DataSource
    points: Points
    dataset: Dataset
    scaling: Scaling | None

    @property
    def x_scaling(self) -> tuple[float, float] | None:
        """(mean, std) of x when standardized, for the fit panel's axis in original units."""
        return None if self.scaling is None else (self.scaling.mean, self.scaling.std)


# ---- state changes (safe in callbacks and before data_ui runs) --------------------------------


def _activate(src: DataSource, points: Points, tab: str, *, from_editor: bool = False) -> None:
    """Make points the active data (the run restarts at epoch 0 because its data changed)."""
    old = state.DATA.get()
    state.DATA.update(
        origin=src.with_standardize(False),
        points=points,
        version=old.version + 1,
        status=Status(tab, "info", points.message) if points.message else None,
    )
    if not from_editor:
        # A fresh table on the new data; edits made on the old data must not carry over.
        state.DATA.update(edit_base=points, edit_version=old.edit_version + 1)
    state.DATA.update(sync=src.with_standardize(bool(state.widget(STANDARDIZE_KEY, False))))


def _refuse(tab: str, message: str) -> None:
    """Show message in tab; the active data stays as it was."""
    state.DATA.update(status=Status(tab, "error", message))


def set_data_source(src: DataSource) -> str | None:
    """Make src the active data and its standardize flag the toggle's; None, or why not.

    For a URL being loaded or a scenario button: call it from a widget callback, or before
    data_ui() in the script run. A source that cannot be built (e.g. a large upload described
    without its points) is refused with the message returned, and the data stays as it was.
    """
    try:
        points = resolve(src)
    except DataError as error:
        return str(error)
    _activate(src, points, _tab_of(src))
    state.DATA.update(sync=src)
    return None


def current_data_source() -> DataSource:
    """The active source with the standardize toggle's state (default: the article's data).

    A source set but not yet shown by the widgets (a link, a lesson) is the active one already.
    """
    _init()
    data = state.DATA.get()
    if data.sync is not None:
        return data.sync
    assert data.origin is not None  # set by _init
    return data.origin.with_standardize(bool(state.widget(STANDARDIZE_KEY, False)))


def _tab_of(src: DataSource) -> str:
    return {"preset": "Preset", "generator": "Generate", "edited": "Edit"}.get(src.kind, "Upload")


def _init() -> None:
    if state.DATA.get().origin is None:
        src = preset_source(DEFAULT_PRESET)
        _activate(src, resolve(src), "Preset")
        state.DATA.update(status=None)


# ---- callbacks ----------------------------------------------------------------------------


def _preset_key_now() -> str:
    return state.preset_key(state.DATA.get().preset_generation)


def _on_preset(generation: int) -> None:
    if generation != state.DATA.get().preset_generation:
        return  # a picker replaced since the browser sent this (see lrviz.ui.state.preset_key)
    name = state.widget(state.preset_key(generation))
    if name is None:
        return
    src = preset_source(name)
    _activate(src, resolve(src), "Preset")


def _generator_spec() -> GeneratorSpec:
    """The spec in the generator widgets (DataError for settings it refuses)."""
    values = {field: state.widget(key) for field, key in GEN_KEYS.items()}
    values["n"], values["seed"] = int(values["n"]), int(values["seed"])
    return GeneratorSpec(**values)


def _on_generator() -> None:
    try:
        spec = _generator_spec()
        points = generate(spec)
    except DataError as error:
        _refuse("Generate", str(error))
        return
    _activate(generator_source(spec), points, "Generate")


def _on_new_sample() -> None:
    key = GEN_KEYS["seed"]
    state.set_widget(key, (int(state.widget(key)) + 1) % (MAX_SEED + 1))
    _on_generator()


def load_upload(data: bytes) -> tuple[CsvTable | None, str | None]:
    """Read an uploaded file: (table, None), or (None, the reader's message). Never raises."""
    try:
        return read_csv(data), None
    except DataError as error:
        return None, str(error)


def _on_upload() -> None:
    uploaded = state.widget(UPLOAD_KEY)
    if uploaded is None:  # the file was removed: keep the data it gave
        return
    # A 5 MB file takes about half a second to read.
    with st.spinner(f"Reading {escape_markdown(uploaded.name)}…"):
        table, error = load_upload(uploaded.getvalue())
    if table is None:
        _refuse("Upload", error or "The file cannot be read.")
        return
    state.DATA.update(table=UploadedTable(uploaded.name, table))
    state.set_widgets({XCOL_KEY: 0, YCOL_KEY: 1})
    _use_table()


def _use_table() -> None:
    stored = state.DATA.get().table
    if stored is None:
        return
    name, table = stored.name, stored.table
    x_col = int(state.widget(XCOL_KEY, 0))
    y_col = int(state.widget(YCOL_KEY, 1))
    try:
        points = select_xy(table, x_col, y_col)
    except DataError as error:
        _refuse("Upload", str(error))
        return
    _activate(points_source(points, "upload", label=name), points, "Upload")


def _on_edit() -> None:
    state.DATA.update(edit_pending=True)


def cell_text(value: float) -> str:
    """A number as the edit table shows it: the shortest text that reads back to it."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def edit_frame(points: Points) -> pd.DataFrame:
    """The edit table's frame: text columns x and y, one row per point."""
    return pd.DataFrame(
        {"x": [cell_text(v) for v in points.x], "y": [cell_text(v) for v in points.y]},
        dtype=object,
    )


def table_points(table: pd.DataFrame) -> Points:
    """Points from the edit table's x and y columns (DataError for an invalid cell)."""
    return edited_points(table["x"].tolist(), table["y"].tolist())


# ---- drawing ------------------------------------------------------------------------------


def _sync_widgets() -> None:
    """Make the widgets show the source set since they were last drawn."""
    src = state.DATA.get().sync
    if src is None:
        return
    state.DATA.update(sync=None)
    preset = src.preset if src.kind == "preset" else None
    if state.widget(_preset_key_now()) != preset:
        generation = state.DATA.get().preset_generation + 1
        state.DATA.update(preset_generation=generation)
        state.set_widget(state.preset_key(generation), preset)
    if src.kind == "generator" and src.spec is not None:
        for field, key in GEN_KEYS.items():
            state.set_widget(key, getattr(src.spec, field))
    state.set_widget(STANDARDIZE_KEY, src.standardize)


def _defaults() -> None:
    state.default_widget(_preset_key_now(), DEFAULT_PRESET)
    spec = GeneratorSpec()
    for field, key in GEN_KEYS.items():
        state.default_widget(key, getattr(spec, field))
    state.default_widget(STANDARDIZE_KEY, False)


def _status(tab: str) -> None:
    status = state.DATA.get().status
    if status is None or status.tab != tab:
        return
    show: Callable[[str], object] = st.error if status.kind == "error" else st.caption
    show(escape_markdown(status.text))


def _preset_tab() -> None:
    name = st.selectbox(
        "Preset",
        preset_names(),
        key=_preset_key_now(),
        on_change=_on_preset,
        args=(state.DATA.get().preset_generation,),
        placeholder="Pick a preset",
        label_visibility="collapsed",
    )
    if name is not None:
        st.caption(get_preset(name).lesson)
    _status("Preset")


class _GenBox(NamedTuple):
    """One number box of the generator: its GeneratorSpec field, label, range and step."""

    field: str
    label: str
    low: float
    high: float
    step: float
    format: str | None = "%g"


# Two boxes a row, then the seed row (the seed beside its New sample button).
_GEN_ROWS: tuple[tuple[_GenBox, _GenBox], ...] = (
    (_GenBox("n", "n", MIN_N, MAX_N, 10, None), _GenBox("noise", "Noise σ", 0.0, GEN_LIMIT, 0.1)),
    (
        _GenBox("true_w", "True w", -GEN_LIMIT, GEN_LIMIT, 0.1),
        _GenBox("true_b", "True b", -GEN_LIMIT, GEN_LIMIT, 0.1),
    ),
    (
        _GenBox("x_min", "x from", -GEN_LIMIT, GEN_LIMIT, 1.0),
        _GenBox("x_max", "x to", -GEN_LIMIT, GEN_LIMIT, 1.0),
    ),
)
_GEN_SEED = _GenBox("seed", "Seed", 0, MAX_SEED, 1, None)


def _gen_box(column: DeltaGenerator, box: _GenBox) -> None:
    key = GEN_KEYS[box.field]
    column.number_input(
        box.label, box.low, box.high, box_value(key, box.low, box.high), step=box.step,
        format=box.format, key=key, on_change=_on_generator,
    )  # fmt: skip


def _generator_tab() -> None:
    for row in _GEN_ROWS:
        for column, box in zip(st.columns(2), row, strict=True):
            _gen_box(column, box)
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    _gen_box(c1, _GEN_SEED)
    c2.button(
        "New sample",
        key=state.NEW_SAMPLE,
        on_click=_on_new_sample,
        help="Same settings, next seed",
        width="stretch",
    )
    _status("Generate")


def _edit_tab() -> None:
    base = state.DATA.get().edit_base
    assert base is not None  # set with the first data
    if base.n > EDIT_MAX_ROWS:
        st.caption(
            f"The table is offered up to {EDIT_MAX_ROWS:,} points; this data has {base.n:,}. "
            "Download it as CSV, edit it, and upload it."
        )
        return
    # Text cells parsed by the app: Streamlit's number column drops the "e" of 2.5e3 (it
    # stores 2.53), so what was typed is kept as typed and read by edited_points.
    edited = st.data_editor(
        edit_frame(base),
        key=state.editor_key(state.DATA.get().edit_version),
        num_rows="dynamic",
        hide_index=True,
        height=min(36 + 35 * (base.n + 1), 250),
        width="stretch",
        on_change=_on_edit,
        column_config={
            "x": st.column_config.TextColumn("x", help="A number, e.g. 2.5, -3 or 2.5e3"),
            "y": st.column_config.TextColumn("y", help="A number, e.g. 2.5, -3 or 2.5e3"),
        },
    )
    if state.DATA.get().edit_pending:
        state.DATA.update(edit_pending=False)
        try:
            points = table_points(edited)
        except DataError as error:
            _refuse("Edit", str(error))
        else:
            _activate(points_source(points, "edited"), points, "Edit", from_editor=True)
    data = state.DATA.get()
    if data.status is None and data.origin is not None and data.origin.kind != "edited":
        st.caption("Edit, add or delete rows; the run restarts on the edited data at once.")
    _status("Edit")


def _upload_tab() -> None:
    st.file_uploader(
        "CSV file: x and y columns, comma or semicolon",
        key=UPLOAD_KEY,
        on_change=_on_upload,
        max_upload_size=MAX_UPLOAD_MB,
        label_visibility="collapsed",
    )
    st.caption(
        "A CSV file with x and y columns, comma or semicolon separated, up to "
        f"{upload_limit_text()}."
    )
    data = state.DATA.get()
    stored = data.table
    if stored is not None and stored.table.needs_choice:
        names = stored.table.names
        c1, c2 = st.columns(2)
        for column, key, label in ((c1, XCOL_KEY, "x column"), (c2, YCOL_KEY, "y column")):
            column.selectbox(
                label,
                range(len(names)),
                key=key,
                format_func=lambda i: names[i],
                on_change=_use_table,
            )
    if stored is not None and data.origin is not None and data.origin.kind != "upload":
        st.button(
            f"Use {escape_markdown(stored.name)} again",
            key=state.REUSE_UPLOAD,
            on_click=_use_table,
        )
    _status("Upload")


def _standardize_ui(points: Points) -> bool:
    if state.widget(STANDARDIZE_KEY):
        # Refused before the toggle is drawn, so the toggle, the run and the link all say off.
        problem = standardize_problem(points.x)
        if problem:
            state.set_widget(STANDARDIZE_KEY, False)
            version = state.DATA.get().version
            state.DATA.update(no_scaling=ScalingRefused(version, problem))
    on = bool(st.toggle("Standardize x", key=STANDARDIZE_KEY, help="Train on z = (x − mean)/std"))
    data = state.DATA.get()
    refused = data.no_scaling
    if refused is not None and (on or refused.version != data.version):
        state.DATA.update(no_scaling=None)
    elif refused is not None:
        st.warning(escape_markdown(refused.text))
    raw = curvature(points.x, points.y).max_stable_lr
    if on:
        scaling = fit_scaling(points.x)
        z = curvature(standardize(points.x, scaling), points.y).max_stable_lr
        st.caption(
            f"Trains on z = (x − {fmt(scaling.mean)}) / {fmt(scaling.std)}. "
            f"Stable α limit for MSE: {fmt(raw, 3)} on x, **{fmt(z, 3)}** on z. "
            f"{scaling.message}"
        )
    else:
        st.caption(f"Stable α limit for MSE on x as it is: {fmt(raw, 3)}.")
    return on


def build_active(points: Points, src: DataSource) -> ActiveData:
    """The data to train on: points, with x standardized when src says so (pure)."""
    scaling = fit_scaling(points.x) if src.standardize else None
    x = points.x if scaling is None else standardize(points.x, scaling)
    return ActiveData(src, points, make_dataset(x, points.y), scaling)


def _active(standardized: bool) -> ActiveData:
    """The ActiveData for the current points and toggle, rebuilt only when either changed."""
    data = state.DATA.get()
    version = data.version
    cached = data.active
    if cached is not None and (cached.version, cached.standardize) == (version, standardized):
        return cached.data
    assert data.origin is not None and data.points is not None  # set by _init
    src = data.origin.with_standardize(standardized)
    try:
        active = build_active(data.points, src)
    except ValueError as error:  # make_dataset refusing standardized x; not expected
        if cached is None:
            raise
        st.error(f"This data cannot be trained on: {escape_markdown(str(error))}")
        return cached.data
    state.DATA.update(active=ActiveCache(version, standardized, active))
    return active


def data_from_state() -> ActiveData:
    """The data data_ui will return, read from the session state without drawing anything.

    For a session's first run, which draws the sidebar after the player (lrviz.ui.sidebar_ui):
    no widget has reported anything yet, so the Data section's state decides alone. The same
    cached ActiveData object comes back from data_ui when both agree.
    """
    _init()
    _defaults()
    _sync_widgets()  # a link's or a lesson's source sets the toggle too
    points = state.DATA.get().points
    assert points is not None  # set by _init
    on = bool(state.widget(STANDARDIZE_KEY)) and not standardize_problem(points.x)
    return _active(on)


def data_ui() -> ActiveData:
    """Draw the Data section of the sidebar and return the data to train on."""
    _init()
    _defaults()
    with st.sidebar:
        st.subheader("Data")
        summary = st.empty()
        tabs = st.tabs(list(TABS))
        # The edit table first: an edit it reports changes the data, and the other tabs'
        # widgets must be drawn after that so they show the source it leaves.
        with tabs[2]:
            _edit_tab()
        _sync_widgets()
        with tabs[0]:
            _preset_tab()
        with tabs[1]:
            _generator_tab()
        with tabs[3]:
            _upload_tab()
        points = state.DATA.get().points
        assert points is not None  # set by _init
        active = _active(_standardize_ui(points))
        with summary.container():
            st.caption(f"**Active:** {escape_markdown(active.source.describe())}")
            opt = optimum(active.dataset)
            if not opt.unique:
                st.info(opt.message)
    return active


def data_download(points: Points) -> bytes:
    """The Data CSV button's file: points in original units, under their column names."""
    return data_csv(points.x, points.y, names=(points.x_name, points.y_name))


def downloads_ui(active: ActiveData, history: History) -> None:
    """Download buttons in the sidebar: the data (original units) and the run's history.

    The files are made when a button is clicked, not on every rerun: a 100,000-point CSV is
    a few megabytes.
    """
    data_bytes = functools.partial(data_download, active.points)
    history_bytes = functools.partial(history_csv, history)
    units = " (w, b for standardized x)" if active.scaling is not None else ""
    with st.sidebar:
        st.subheader("Download")
        c1, c2 = st.columns(2)
        c1.download_button(
            "Data CSV",
            data_bytes,
            "lrviz-data.csv",
            "text/csv",
            key=state.DOWNLOAD_DATA,
            on_click="ignore",
            width="stretch",
        )
        c2.download_button(
            "History CSV",
            history_bytes,
            "lrviz-history.csv",
            "text/csv",
            key=state.DOWNLOAD_HISTORY,
            on_click="ignore",
            width="stretch",
            help=f"epoch, w, b, loss, ∂L/∂w, ∂L/∂b{units}",
        )


def source_params() -> dict[str, str]:
    """Query parameters for the active data ({} when it cannot be shared)."""
    return data_source_to_params(current_data_source())


def apply_params(params: Mapping[str, str]) -> list[str]:
    """Set the data named in query params, if any; notices (plain text) about what was
    ignored. Call before data_ui() or from a callback."""
    src, notices = data_source_from_params(params)
    if src is not None:
        problem = set_data_source(src)
        if problem:
            notices.append(problem)
    return notices
