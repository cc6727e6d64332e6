"""Sidebar data sources (preset, generator, edit table, CSV upload), standardized x, downloads.

Wire-up, top of the script (the run is trained on ``active.dataset``):

    active = data_ui()                      # ActiveData: source, points, dataset, scaling
    ...                                     # settings and run from active.dataset
    downloads_ui(active, run.scene.history)

How it works: every source changes the data through a widget callback (or, for the edit
table, right after the table is drawn), so the data a script run trains on is decided before
the run settings and the run are. A refusal (bad file, bad cell, bad generator setting) is shown
where it happened, escaped, and the last good data stays active. Everything lives in
``st.session_state`` under keys starting with ``lrviz_data_``. ``set_data_source`` switches the
data from code (a shareable URL, a gallery of scenarios); ``current_data_source`` and the
functions of ``lrviz.ui.data_source`` describe it back as query parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

import pandas as pd
import streamlit as st

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
from lrviz.explain.numbers import fmt
from lrviz.ui.data_source import (
    GEN_LIMIT,
    MAX_INLINE_POINTS,
    DataSource,
    data_source_from_params,
    data_source_to_params,
    generator_source,
    points_source,
    preset_source,
    resolve,
    share_notice,
)
from lrviz.ui.number_box import box_value

__all__ = [
    "MAX_INLINE_POINTS",
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
    "preset_key",
    "set_data_source",
    "share_notice",
    "source_params",
]

EDIT_MAX_ROWS = 1_000
"""The edit table is offered up to this many points; beyond, a CSV round trip is quicker."""

TABS = ("Preset", "Generate", "Edit", "Upload")

# Session state. Widgets keep their own values under the *_KEY names.
_ORIGIN = "lrviz_data_origin"  # DataSource of the active points, standardize off
_POINTS = "lrviz_data_points"  # Points: the active data in original units
_VERSION = "lrviz_data_version"  # int, +1 each time the active data changes
_ACTIVE = "lrviz_data_active"  # (version, standardize, ActiveData) built from them
_STATUS = "lrviz_data_status"  # (tab, kind "error" | "info", plain text) of the last event
_SYNC = "lrviz_data_sync"  # DataSource the widgets are to show at the next run's start
_EDIT_BASE = "lrviz_data_edit_base"  # Points the edit table opened with
_EDIT_VERSION = "lrviz_data_edit_version"  # int, names a fresh edit table
_EDIT_PENDING = "lrviz_data_edit_pending"  # True after the table reported an edit
_TABLE = "lrviz_data_table"  # (file name, CsvTable) of the last file read
_NO_SCALING = "lrviz_data_no_scaling"  # (data version, plain text): why x was not standardized
_PRESET_GEN = "lrviz_data_preset_gen"  # int, names the preset picker drawn now (see preset_key)
PRESET_KEY = "lrviz_data_preset"
"""Key of the preset picker as first drawn; preset_key() names the one drawn now."""
GEN_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "n": "lrviz_data_gen_n",
        "true_w": "lrviz_data_gen_w",
        "true_b": "lrviz_data_gen_b",
        "noise": "lrviz_data_gen_noise",
        "x_min": "lrviz_data_gen_xmin",
        "x_max": "lrviz_data_gen_xmax",
        "seed": "lrviz_data_gen_seed",
    }
)
UPLOAD_KEY = "lrviz_data_upload"
XCOL_KEY = "lrviz_data_xcol"
YCOL_KEY = "lrviz_data_ycol"
STANDARDIZE_KEY = "lrviz_data_standardize"
EDITOR_KEY = "lrviz_data_editor"


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
    state = st.session_state
    state[_ORIGIN] = src.with_standardize(False)
    state[_POINTS] = points
    state[_VERSION] = state.get(_VERSION, 0) + 1
    state[_STATUS] = (tab, "info", points.message) if points.message else None
    if not from_editor:
        # A fresh table on the new data; edits made on the old data must not carry over.
        state[_EDIT_BASE] = points
        state[_EDIT_VERSION] = state.get(_EDIT_VERSION, 0) + 1
    state[_SYNC] = src.with_standardize(bool(state.get(STANDARDIZE_KEY, False)))


def _refuse(tab: str, message: str) -> None:
    """Show message in tab; the active data stays as it was."""
    st.session_state[_STATUS] = (tab, "error", message)


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
    st.session_state[_SYNC] = src
    return None


def current_data_source() -> DataSource:
    """The active source with the standardize toggle's state (default: the article's data).

    A source set but not yet shown by the widgets (a link, a lesson) is the active one already.
    """
    _init()
    pending: DataSource | None = st.session_state.get(_SYNC)
    if pending is not None:
        return pending
    origin: DataSource = st.session_state[_ORIGIN]
    return origin.with_standardize(bool(st.session_state.get(STANDARDIZE_KEY, False)))


def _tab_of(src: DataSource) -> str:
    return {"preset": "Preset", "generator": "Generate", "edited": "Edit"}.get(src.kind, "Upload")


def _init() -> None:
    state = st.session_state
    if _ORIGIN not in state:
        src = preset_source(DEFAULT_PRESET)
        _activate(src, resolve(src), "Preset")
        state[_STATUS] = None


# ---- callbacks ----------------------------------------------------------------------------


def preset_key(generation: int | None = None) -> str:
    """Key of the preset picker of `generation` (default: the one drawn now).

    When the code changes the picked preset (the data came from elsewhere), a fresh picker is
    drawn under a new key instead of the old one being set. A browser request sent before the
    page showed that change still carries the old picker's choice; written into the old picker
    it would read as a pick of that preset and undo, say, a table edit. Under a new key it
    belongs to a picker that is gone, and is ignored.
    """
    if generation is None:
        generation = int(st.session_state.get(_PRESET_GEN, 0))
    return PRESET_KEY if generation == 0 else f"{PRESET_KEY}_{generation}"


def _on_preset(generation: int) -> None:
    if generation != st.session_state.get(_PRESET_GEN, 0):
        return  # a picker replaced since the browser sent this (see preset_key)
    name = st.session_state.get(preset_key(generation))
    if name is None:
        return
    src = preset_source(name)
    _activate(src, resolve(src), "Preset")


def _generator_spec() -> GeneratorSpec:
    """The spec in the generator widgets (DataError for settings it refuses)."""
    state = st.session_state
    values = {field: state[key] for field, key in GEN_KEYS.items()}
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
    st.session_state[key] = (int(st.session_state[key]) + 1) % (MAX_SEED + 1)
    _on_generator()


def load_upload(data: bytes) -> tuple[CsvTable | None, str | None]:
    """Read an uploaded file: (table, None), or (None, the reader's message). Never raises."""
    try:
        return read_csv(data), None
    except DataError as error:
        return None, str(error)


def _on_upload() -> None:
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:  # the file was removed: keep the data it gave
        return
    # A 5 MB file takes about half a second to read.
    with st.spinner(f"Reading {escape_markdown(uploaded.name)}…"):
        table, error = load_upload(uploaded.getvalue())
    if table is None:
        _refuse("Upload", error or "The file cannot be read.")
        return
    st.session_state[_TABLE] = (uploaded.name, table)
    st.session_state[XCOL_KEY], st.session_state[YCOL_KEY] = 0, 1
    _use_table()


def _use_table() -> None:
    stored: tuple[str, CsvTable] | None = st.session_state.get(_TABLE)
    if stored is None:
        return
    name, table = stored
    x_col = int(st.session_state.get(XCOL_KEY, 0))
    y_col = int(st.session_state.get(YCOL_KEY, 1))
    try:
        points = select_xy(table, x_col, y_col)
    except DataError as error:
        _refuse("Upload", str(error))
        return
    _activate(points_source(points, "upload", label=name), points, "Upload")


def _on_edit() -> None:
    st.session_state[_EDIT_PENDING] = True


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
    state = st.session_state
    src: DataSource | None = state.pop(_SYNC, None)
    if src is None:
        return
    preset = src.preset if src.kind == "preset" else None
    if state.get(preset_key()) != preset:
        state[_PRESET_GEN] = int(state.get(_PRESET_GEN, 0)) + 1
        state[preset_key()] = preset
    if src.kind == "generator" and src.spec is not None:
        for field, key in GEN_KEYS.items():
            state[key] = getattr(src.spec, field)
    state[STANDARDIZE_KEY] = src.standardize


def _defaults() -> None:
    state = st.session_state
    state.setdefault(preset_key(), DEFAULT_PRESET)
    spec = GeneratorSpec()
    for field, key in GEN_KEYS.items():
        state.setdefault(key, getattr(spec, field))
    state.setdefault(STANDARDIZE_KEY, False)


def _status(tab: str) -> None:
    status = st.session_state.get(_STATUS)
    if status is None or status[0] != tab:
        return
    show: Callable[[str], object] = st.error if status[1] == "error" else st.caption
    show(escape_markdown(status[2]))


def _preset_tab() -> None:
    name = st.selectbox(
        "Preset",
        preset_names(),
        key=preset_key(),
        on_change=_on_preset,
        args=(int(st.session_state.get(_PRESET_GEN, 0)),),
        placeholder="Pick a preset",
        label_visibility="collapsed",
    )
    if name is not None:
        st.caption(get_preset(name).lesson)
    _status("Preset")


def _generator_tab() -> None:
    n_key, seed_key = GEN_KEYS["n"], GEN_KEYS["seed"]
    c1, c2 = st.columns(2)
    c1.number_input(
        "n", MIN_N, MAX_N, box_value(n_key, MIN_N, MAX_N), step=10, key=n_key,
        on_change=_on_generator,
    )  # fmt: skip
    c2.number_input(
        "Noise σ", 0.0, GEN_LIMIT, box_value(GEN_KEYS["noise"], 0.0, GEN_LIMIT), step=0.1,
        format="%g", key=GEN_KEYS["noise"], on_change=_on_generator,
    )  # fmt: skip
    c1, c2 = st.columns(2)
    for column, field, label in ((c1, "true_w", "True w"), (c2, "true_b", "True b")):
        column.number_input(
            label, -GEN_LIMIT, GEN_LIMIT, box_value(GEN_KEYS[field], -GEN_LIMIT, GEN_LIMIT),
            step=0.1, format="%g", key=GEN_KEYS[field], on_change=_on_generator,
        )  # fmt: skip
    c1, c2 = st.columns(2)
    for column, field, label in ((c1, "x_min", "x from"), (c2, "x_max", "x to")):
        column.number_input(
            label, -GEN_LIMIT, GEN_LIMIT, box_value(GEN_KEYS[field], -GEN_LIMIT, GEN_LIMIT),
            step=1.0, format="%g", key=GEN_KEYS[field], on_change=_on_generator,
        )  # fmt: skip
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    c1.number_input(
        "Seed", 0, MAX_SEED, box_value(seed_key, 0, MAX_SEED), step=1, key=seed_key,
        on_change=_on_generator,
    )  # fmt: skip
    c2.button(
        "New sample",
        key="lrviz_data_new_sample",
        on_click=_on_new_sample,
        help="Same settings, next seed",
        width="stretch",
    )
    _status("Generate")


def _edit_tab() -> None:
    state = st.session_state
    base: Points = state[_EDIT_BASE]
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
        key=f"{EDITOR_KEY}_{state[_EDIT_VERSION]}",
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
    if state.pop(_EDIT_PENDING, False):
        try:
            points = table_points(edited)
        except DataError as error:
            _refuse("Edit", str(error))
        else:
            _activate(points_source(points, "edited"), points, "Edit", from_editor=True)
    if state.get(_STATUS) is None and state[_ORIGIN].kind != "edited":
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
    stored: tuple[str, CsvTable] | None = st.session_state.get(_TABLE)
    if stored is not None and stored[1].needs_choice:
        names = stored[1].names
        c1, c2 = st.columns(2)
        for column, key, label in ((c1, XCOL_KEY, "x column"), (c2, YCOL_KEY, "y column")):
            column.selectbox(
                label,
                range(len(names)),
                key=key,
                format_func=lambda i: names[i],
                on_change=_use_table,
            )
    if stored is not None and st.session_state[_ORIGIN].kind != "upload":
        st.button(
            f"Use {escape_markdown(stored[0])} again",
            key="lrviz_data_reuse",
            on_click=_use_table,
        )
    _status("Upload")


def _standardize_ui(points: Points) -> bool:
    state = st.session_state
    if state.get(STANDARDIZE_KEY):
        # Refused before the toggle is drawn, so the toggle, the run and the link all say off.
        problem = standardize_problem(points.x)
        if problem:
            state[STANDARDIZE_KEY] = False
            state[_NO_SCALING] = (state[_VERSION], problem)
    on = bool(st.toggle("Standardize x", key=STANDARDIZE_KEY, help="Train on z = (x − mean)/std"))
    refused = state.get(_NO_SCALING)
    if refused is not None and (on or refused[0] != state[_VERSION]):
        del state[_NO_SCALING]
    elif refused is not None:
        st.warning(escape_markdown(refused[1]))
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
    state = st.session_state
    version = state[_VERSION]
    cached = state.get(_ACTIVE)
    if cached is not None and cached[:2] == (version, standardized):
        return cached[2]
    src = state[_ORIGIN].with_standardize(standardized)
    try:
        active = build_active(state[_POINTS], src)
    except ValueError as error:  # make_dataset refusing standardized x; not expected
        if cached is None:
            raise
        st.error(f"This data cannot be trained on: {escape_markdown(str(error))}")
        return cached[2]
    state[_ACTIVE] = (version, standardized, active)
    return active


def data_ui() -> ActiveData:
    """Draw the Data section of the sidebar and return the data to train on."""
    _init()
    _defaults()
    state = st.session_state
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
        points: Points = state[_POINTS]
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
            key="lrviz_data_download_data",
            on_click="ignore",
            width="stretch",
        )
        c2.download_button(
            "History CSV",
            history_bytes,
            "lrviz-history.csv",
            "text/csv",
            key="lrviz_data_download_history",
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
