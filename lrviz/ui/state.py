"""Every key of ``st.session_state``: widget keys, and one frozen value per concern, typed.

Widgets keep their values under string keys (Streamlit's rule), named here once. Everything else
the page remembers between runs is one frozen dataclass per concern, stored under one key and
replaced whole (``dataclasses.replace``); nothing else in lrviz reads or writes session state.

    DATA     DataState      the active points, their version, the edit table, the last event
    LINK     LinkState      the link read when the session opened: notices, epoch, dropped links
    PINS     PinsState      the runs pinned beside the one on screen and the data of each
    RUN      Current        the run on screen (lrviz.ui.session): run, payload, key, view
    REFUSAL  RefusalState   why the last settings were refused, for the view kept on screen
    FOLLOW   Follow         the point the chain-rule view follows, in one view
    SETTINGS SettingsState  the sidebar's notes, last good start, refused typed α, restore
    LESSON   LessonState    the gallery lesson last loaded, or why one could not be
    TABLES   TablesState    the point the tables below the player were last told to follow
    PAGE     PageState      a callback's request for a full page run

Each concern is one ``Concern`` (or ``Slot``, for a value that is None until set) named after
it: ``DATA.get()``, ``DATA.set(value)``, ``DATA.update(version=2)``. Every accessor takes an
optional store (default ``st.session_state``), so AppTest's ``at.session_state`` and a plain
dict work the same way.

Names: ``view`` is the id the browser knows a run by ("<run_id>-<count>", new for each restart;
"run" in the payload, the cursor and the echo). ``Run.run_id`` names the settings and data only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lrviz.player.component import PLAYER_KEY
from lrviz.share.link_probe import PROBE_KEY

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from lrviz.app.data_source import DataSource
    from lrviz.app.pins import Pin
    from lrviz.data import CsvTable, Points
    from lrviz.ui.data_ui import ActiveData
    from lrviz.ui.session import Current

Store = MutableMapping[str, Any]
"""st.session_state, AppTest's at.session_state, or a dict in a test."""

# ---- widget keys (their values belong to the widgets; names kept stable for links and tests) --

PRESENT = "present"
"""The sidebar's presentation-mode toggle (also set from the link's present=1)."""

W0 = "w0"
B0 = "b0"
LR = "lr"
LR_TEXT = "lr_text"
"""The typed-α box beside the learning-rate slider."""
EPOCHS = "epochs"
OPTIMIZER = "optimizer"
MOMENTUM = "momentum"
BETA1 = "beta1"
BETA2 = "beta2"
EPS = "eps"
BATCH_MODE = "batch_mode"
BATCH_SIZE = "batch_size"
SEED = "seed"
LOSS = "loss"
HUBER_DELTA = "huber_delta"
SETTINGS_KEYS: tuple[str, ...] = (
    W0, B0, LR, EPOCHS, OPTIMIZER, MOMENTUM, BETA1, BETA2, EPS, BATCH_MODE, BATCH_SIZE, SEED,
    LOSS, HUBER_DELTA,
)  # fmt: skip
"""The run-setting widgets: the keys of lrviz.ui.settings.DEFAULTS and of a link's values."""

PRESET = "lrviz_data_preset"
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
"""The generator's widgets, by GeneratorSpec field."""
NEW_SAMPLE = "lrviz_data_new_sample"
UPLOAD = "lrviz_data_upload"
XCOL = "lrviz_data_xcol"
YCOL = "lrviz_data_ycol"
REUSE_UPLOAD = "lrviz_data_reuse"
STANDARDIZE = "lrviz_data_standardize"
DOWNLOAD_DATA = "lrviz_data_download_data"
DOWNLOAD_HISTORY = "lrviz_data_download_history"
_EDITOR = "lrviz_data_editor"

PIN = "lrviz_pin"
UNPIN_ALL = "lrviz_unpin_all"
EXPORT_HTML = "lrviz_export_html"
DETAILS = "lrviz_details"
"""The switch that shows the tables of one chosen epoch below the player."""
DETAILS_EPOCH = f"{DETAILS}:epoch"
PAGE_BANNER = "lrviz_banner"
"""Container of the page's banner; the player hides it while it hides the future."""

PLAYER = PLAYER_KEY
"""The player component: its state holds the cursor {run, epoch}, a pick, a point, a lesson."""
PROBE = PROBE_KEY
"""The dropped-link probe component (lrviz.share.link_probe)."""

EXPLAIN_PANEL = "explain"
DETAILS_PANEL = "details"
"""Names of the two sets of epoch tables (their widget keys start with the name)."""
TablePart = Literal[
    "point", "point_number", "update", "rows", "page", "upage", "table", "pull", "updates"
]


def editor_key(version: int) -> str:
    """The edit table's key: a new version is a fresh table on new data."""
    return f"{_EDITOR}_{version}"


def preset_key(generation: int) -> str:
    """Key of the preset picker of `generation` (DataState.preset_generation names the one drawn
    now).

    When the code changes the picked preset (the data came from elsewhere), a fresh picker is
    drawn under a new key instead of the old one being set. A browser request sent before the
    page showed that change still carries the old picker's choice; written into the old picker
    it would read as a pick of that preset and undo, say, a table edit. Under a new key it
    belongs to a picker that is gone, and is ignored.
    """
    return PRESET if generation == 0 else f"{PRESET}_{generation}"


def unpin_key(pin_id: str) -> str:
    """The Unpin button of one pinned run."""
    return f"lrviz_unpin_{pin_id}"


def lesson_button_key(lesson: str) -> str:
    """The gallery button that loads one lesson."""
    return f"lrviz_lesson_{lesson}"


def table_key(panel: str, part: TablePart) -> str:
    """A widget of the epoch tables drawn under the name panel ("details", or a test's own)."""
    return f"{panel}:{part}"


# ---- reading and writing widget values ---------------------------------------------------------


def _store(store: Store | None) -> Store:
    return st.session_state if store is None else store


def widget(key: str, default: Any = None, store: Store | None = None) -> Any:
    """The value of widget `key` (untyped: whatever the widget or a link put there)."""
    return _store(store).get(key, default)


def set_widget(key: str, value: object, store: Store | None = None) -> None:
    """Set what widget `key` shows; before it is drawn in this run, or from a callback."""
    _store(store)[key] = value


def set_widgets(values: Mapping[str, object], store: Store | None = None) -> None:
    """Set several widgets at once (a link's values, a lesson's settings)."""
    target = _store(store)
    for key, value in values.items():
        target[key] = value


def default_widget(key: str, value: object, store: Store | None = None) -> None:
    """Give widget `key` a first value, keeping any it has."""
    _store(store).setdefault(key, value)


def has_widget(key: str, store: Store | None = None) -> bool:
    """True once widget `key` has a value in this session."""
    return key in _store(store)


def presenting(store: Store | None = None) -> bool:
    """True while presentation mode is on (the toggle, or the link's present=1)."""
    return bool(widget(PRESENT, False, store))


def player_state(store: Store | None = None) -> object:
    """The player component's state as the browser last reported it (untrusted)."""
    return widget(PLAYER, None, store)


def probe_state(store: Store | None = None) -> object:
    """The link probe component's state (untrusted)."""
    return widget(PROBE, None, store)


# ---- concerns: one frozen value under one key each --------------------------------------------


@dataclass(frozen=True)
class Status:
    """The last event of the Data section, shown in its tab: kind "error" or "info", plain text."""

    tab: str
    kind: Literal["error", "info"]
    text: str


@dataclass(frozen=True)
class UploadedTable:
    """The last CSV file read: its name and its table (columns still to choose)."""

    name: str
    table: CsvTable


@dataclass(frozen=True)
class ScalingRefused:
    """Why x was not standardized (plain text), for data version `version`."""

    version: int
    text: str


@dataclass(frozen=True)
class ActiveCache:
    """The ActiveData built for (data version, standardize), reused while neither changes."""

    version: int
    standardize: bool
    data: ActiveData


@dataclass(frozen=True)
class DataState:
    """The Data section: the active points and what the widgets are to show.

    origin: the active points' source, standardize off (None until the session's first run).
    points: those points, original units. version: +1 each time the active data changes.
    sync: a source set from code (a link, a lesson) the widgets show at the next run's start.
    edit_base, edit_version: the points the edit table opened with and the name of that table;
    edit_pending: the table reported an edit this run. preset_generation: names the preset
    picker drawn now (see preset_key).
    """

    origin: DataSource | None = None
    points: Points | None = None
    version: int = 0
    active: ActiveCache | None = None
    status: Status | None = None
    sync: DataSource | None = None
    edit_base: Points | None = None
    edit_version: int = 0
    edit_pending: bool = False
    table: UploadedTable | None = None
    no_scaling: ScalingRefused | None = None
    preset_generation: int = 0


@dataclass(frozen=True)
class Notices:
    """Plain-text notices about a link, for view `view` (None: the first run to be shown)."""

    view: str | None
    texts: tuple[str, ...]


@dataclass(frozen=True)
class LinkEpoch:
    """The epoch a link asked for, for view `view` (None: the first run to be shown)."""

    view: str | None
    epoch: int


@dataclass(frozen=True)
class LinkState:
    """The session's link: read once (loaded); bare when it opened with no parameters (maybe a
    link Streamlit dropped whole), probed once that was announced."""

    loaded: bool = False
    bare: bool = False
    probed: bool = False
    notices: Notices | None = None
    epoch: LinkEpoch | None = None


@dataclass(frozen=True)
class PinsState:
    """The runs pinned, oldest first; the data each trained on by pin_id (None: no link can name
    it); the run on screen last built with them, reused while neither changes."""

    pins: tuple[Pin, ...] = ()
    sources: Mapping[str, DataSource | None] = field(default_factory=dict)
    shown: Current | None = None


@dataclass(frozen=True)
class Refused:
    """Settings refused while view `view` was kept on screen, and why (plain text)."""

    view: str
    reason: str


@dataclass(frozen=True)
class RefusalState:
    """The last refusal; restoring while one rerun puts the sidebar back to the run kept."""

    refused: Refused | None = None
    restoring: bool = False


@dataclass(frozen=True)
class Follow:
    """Point `point` (0 … n-1) followed by the chain-rule view in view `view`."""

    view: str
    point: int


@dataclass(frozen=True)
class SettingsNotes:
    """Plain-text notes about the settings named `about` (start, epochs and config)."""

    about: tuple[object, ...] | None
    texts: tuple[str, ...]


@dataclass(frozen=True)
class LrProblem:
    """Why a typed α was refused (plain text), shown while α stays `lr`."""

    text: str
    lr: float


@dataclass(frozen=True)
class SettingsState:
    """The sidebar's memory: notes on the settings on screen, the last start accepted, the last
    refused typed α, and widget values to put back before the widgets are drawn."""

    notes: SettingsNotes | None = None
    good_start: tuple[float, float] = (0.0, 0.0)
    lr_problem: LrProblem | None = None
    restore: Mapping[str, object] | None = None


@dataclass(frozen=True)
class LessonState:
    """The gallery lesson last loaded (its key), and why the last click could not load one."""

    key: str | None = None
    problem: str = ""


@dataclass(frozen=True)
class TablesState:
    """The point each tables panel was last told to follow, by panel name."""

    told: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PageState:
    """full_run: a callback's change needs the whole page run again, not just the fragment.
    preloaded, first_paint_held: the session's first run has mounted the plotly.js preloader,
    and has held back what is below the player (lrviz.player.preload): both happen once."""

    full_run: bool = False
    preloaded: bool = False
    first_paint_held: bool = False


T = TypeVar("T")
D = TypeVar("D", bound="DataclassInstance")


class Concern(Generic[D]):
    """One concern's frozen value under one key: typed get, set and update (dataclasses.replace).

    A value of another type under the key (an old session's, a stray write) reads as the default.
    """

    def __init__(self, key: str, kind: type[D], default: D) -> None:
        self.key = key
        self.kind = kind
        self.default = default

    def get(self, store: Store | None = None) -> D:
        """The value (the default until one is set)."""
        value = _store(store).get(self.key)
        return value if isinstance(value, self.kind) else self.default

    def set(self, value: D, store: Store | None = None) -> None:
        """Replace the whole value."""
        _store(store)[self.key] = value

    def update(self, store: Store | None = None, **changes: Any) -> D:
        """Replace fields of the value; returns the new value."""
        new = dataclasses.replace(self.get(store), **changes)
        self.set(new, store)
        return new


class Slot(Generic[T]):
    """One value under one key that is None until set: typed get and set.

    kind None: the value's class cannot be imported here at run time (it imports this module),
    so what is under the key is trusted as this module's own write.
    """

    def __init__(self, key: str, kind: type[T] | None) -> None:
        self.key = key
        self.kind = kind

    def get(self, store: Store | None = None) -> T | None:
        """The value, None before the first set."""
        value = _store(store).get(self.key)
        if self.kind is None:
            return cast("T | None", value)
        return value if isinstance(value, self.kind) else None

    def set(self, value: T, store: Store | None = None) -> None:
        """Replace the value."""
        _store(store)[self.key] = value


DATA = Concern("lrviz_data", DataState, DataState())
"""The Data section's state (DataState() before the first run)."""
LINK = Concern("lrviz_link", LinkState, LinkState())
"""The session's link state (LinkState() until the link is read)."""
PINS = Concern("lrviz_pins", PinsState, PinsState())
"""The pinned runs (none at first)."""
RUN: Slot[Current] = Slot("lrviz_run", None)
"""The run on screen (lrviz.ui.session.Current), None before the first."""
REFUSAL = Concern("lrviz_refusal", RefusalState, RefusalState())
"""The last refusal of settings (none at first)."""
FOLLOW = Slot("lrviz_follow", Follow)
"""The point last chosen to follow, and the view it was chosen in."""
SETTINGS = Concern("lrviz_settings", SettingsState, SettingsState())
"""The sidebar's memory (SettingsState() at first)."""
LESSON = Concern("lrviz_lesson", LessonState, LessonState())
"""The gallery's state (no lesson at first)."""
TABLES = Concern("lrviz_tables", TablesState, TablesState())
"""The points the epoch tables were told to follow (none at first)."""
PAGE = Concern("lrviz_page", PageState, PageState())
"""Requests to the page run (none at first)."""

CONCERN_KEYS: tuple[str, ...] = tuple(
    c.key for c in (DATA, LINK, PINS, RUN, REFUSAL, FOLLOW, SETTINGS, LESSON, TABLES, PAGE)
)
"""The keys of the concerns, one each."""


def later_reader() -> Callable[[], Store]:
    """A reader of this session's player and follow state, for a callable that runs after the
    script run (a download built on the click: a Step since, a fragment rerun, moved the epoch);
    the copy it returns is a store the getters read."""
    ctx = get_script_run_ctx()
    live = None if ctx is None else ctx.session_state

    def read() -> Store:
        keys = (PLAYER, FOLLOW.key)
        return {} if live is None else {k: live[k] for k in keys if k in live}

    return read
