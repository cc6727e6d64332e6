"""lrviz.ui.state: typed session state, one frozen value per concern, and the only door to it."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from lrviz.ui import state
from lrviz.ui.state import (
    DataState,
    Follow,
    LinkEpoch,
    LinkState,
    LrProblem,
    Notices,
    PageState,
    PinsState,
    RefusalState,
    Refused,
    SettingsNotes,
    SettingsState,
)

ROOT = Path(__file__).resolve().parents[1]
STATE_MODULE = ROOT / "lrviz" / "ui" / "state.py"

# The player layer sits below lrviz.ui and cannot import it: its one flag (plotly.js preloaded
# in this session) stays there until that module takes it as an argument.
ALLOWED_ELSEWHERE = {ROOT / "lrviz" / "player" / "preload.py"}

CONCERNS: list[tuple[Any, Any, Any, Any]] = [
    # (getter, setter, default, a changed value)
    (state.data_state, state.set_data_state, DataState(), DataState(version=3, edit_pending=True)),
    (
        state.link_state,
        state.set_link_state,
        LinkState(),
        LinkState(loaded=True, notices=Notices("v-0", ("a",)), epoch=LinkEpoch(None, 12)),
    ),
    (state.pins_state, state.set_pins_state, PinsState(), PinsState(sources={"p": None})),
    (
        state.refusal_state,
        state.set_refusal_state,
        RefusalState(),
        RefusalState(Refused("v-1", "why"), restoring=True),
    ),
    (
        state.settings_state,
        state.set_settings_state,
        SettingsState(),
        SettingsState(
            notes=SettingsNotes((1.0,), ("cut",)),
            good_start=(1.5, -2.0),
            lr_problem=LrProblem("not a number", 0.01),
        ),
    ),
    (state.lesson_state, state.set_lesson_state, state.LessonState(), state.LessonState("a", "")),
    (state.tables_state, state.set_tables_state, state.TablesState(), state.TablesState({"x": 2})),
    (state.page_state, state.set_page_state, PageState(), PageState(full_run=True)),
]


@pytest.mark.parametrize(("get", "put", "default", "changed"), CONCERNS)
def test_a_concern_reads_its_default_then_what_was_set(
    get: Any, put: Any, default: Any, changed: Any
) -> None:
    store: dict[str, Any] = {}
    assert get(store) == default
    put(changed, store)
    assert get(store) == changed
    assert len(store) == 1  # one key per concern


@pytest.mark.parametrize(("get", "put", "default", "changed"), CONCERNS)
def test_a_concern_is_frozen(get: Any, put: Any, default: Any, changed: Any) -> None:
    name = dataclasses.fields(changed)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(changed, name, None)


def test_an_update_replaces_the_whole_value_and_leaves_the_old_one_alone() -> None:
    store: dict[str, Any] = {}
    first = state.update_link_state(store, loaded=True)
    second = state.update_link_state(store, epoch=LinkEpoch("v-0", 7))
    assert first == LinkState(loaded=True)
    assert second == LinkState(loaded=True, epoch=LinkEpoch("v-0", 7))
    assert state.link_state(store) is second
    with pytest.raises(TypeError):
        state.update_link_state(store, no_such_field=1)


def test_a_value_of_another_type_under_a_key_reads_as_the_default() -> None:
    # What an old session or a stray write left there is never trusted.
    store: dict[str, Any] = {state.LINK: ("old", "tuple"), state.FOLLOW: ("v-0", 2)}
    assert state.link_state(store) == LinkState()
    assert state.follow(store) is None
    state.set_follow(Follow("v-0", 2), store)
    assert state.follow(store) == Follow("v-0", 2)


def test_the_run_on_screen_round_trips() -> None:
    store: dict[str, Any] = {}
    assert state.run_on_screen(store) is None
    marker: Any = object()
    state.set_run_on_screen(marker, store)
    assert state.run_on_screen(store) is marker


def test_widget_values_round_trip_and_defaults_are_kept() -> None:
    store: dict[str, Any] = {}
    assert state.widget(state.W0, 0.5, store) == 0.5
    assert not state.has_widget(state.W0, store)
    state.default_widget(state.W0, 1.0, store)
    state.default_widget(state.W0, 2.0, store)  # keeps the first
    state.set_widgets({state.B0: -1.0, state.LR: 0.02}, store)
    assert (store[state.W0], store[state.B0], store[state.LR]) == (1.0, -1.0, 0.02)
    assert not state.presenting(store)
    state.set_widget(state.PRESENT, True, store)
    assert state.presenting(store)


def test_every_key_is_named_once() -> None:
    keys = [
        *state.SETTINGS_KEYS,
        *state.GEN_KEYS.values(),
        *state.CONCERN_KEYS,
        state.PRESENT,
        state.LR_TEXT,
        state.PRESET,
        state.NEW_SAMPLE,
        state.UPLOAD,
        state.XCOL,
        state.YCOL,
        state.REUSE_UPLOAD,
        state.STANDARDIZE,
        state.DOWNLOAD_DATA,
        state.DOWNLOAD_HISTORY,
        state.PIN,
        state.UNPIN_ALL,
        state.EXPORT_HTML,
        state.DETAILS,
        state.DETAILS_EPOCH,
        state.PAGE_BANNER,
        state.PLAYER,
        state.PROBE,
    ]
    assert len(keys) == len(set(keys))
    made = {state.editor_key(1), state.unpin_key("p"), state.lesson_button_key("a")}
    assert not made & set(keys)
    assert state.table_key(state.DETAILS_PANEL, "point") != state.table_key(
        state.EXPLAIN_PANEL, "point"
    )


# ---- nothing else touches st.session_state, nor spells a key --------------------------------


def _sources() -> list[Path]:
    return [*sorted((ROOT / "lrviz").rglob("*.py")), ROOT / "streamlit_app.py"]


def _touches_session_state(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        named = (
            (isinstance(node, ast.Attribute) and node.attr == "session_state")
            or (isinstance(node, ast.Name) and node.id == "session_state")
            or (
                isinstance(node, ast.ImportFrom)
                and any(a.name == "session_state" for a in node.names)
            )
        )
        if named:
            lines.append(node.lineno)
    return lines


def test_only_the_state_module_reads_or_writes_session_state() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for path in _sources()
        if path != STATE_MODULE and path not in ALLOWED_ELSEWHERE
        for lines in [_touches_session_state(ast.parse(path.read_text(encoding="utf-8")))]
        if lines
    }
    assert found == {}
    assert _touches_session_state(ast.parse(STATE_MODULE.read_text(encoding="utf-8")))


def _spelled_keys(tree: ast.AST) -> list[tuple[int, str]]:
    """Keys written out in place of the state module's names: (line, text)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and str(node.value).startswith("lrviz_"):
            found.append((node.lineno, node.value))
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "key" and isinstance(kw.value, ast.Constant | ast.JoinedStr):
                    found.append((kw.value.lineno, ast.unparse(kw.value)))
            # state.widget("w0") and the like: a key written out instead of state.W0.
            func = node.func
            by_state = isinstance(func, ast.Attribute) and ast.unparse(func.value) == "state"
            if by_state and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant | ast.JoinedStr):
                    found.append((first.lineno, ast.unparse(first)))
    return found


def test_the_page_names_every_key_through_the_state_module() -> None:
    pages = [*sorted((ROOT / "lrviz" / "ui").glob("*.py")), ROOT / "streamlit_app.py"]
    found = {
        str(path.relative_to(ROOT)): spelled
        for path in pages
        if path != STATE_MODULE
        for spelled in [_spelled_keys(ast.parse(path.read_text(encoding="utf-8")))]
        if spelled
    }
    assert found == {}


def test_the_key_check_sees_a_spelled_key() -> None:
    # The checks above would pass on any tree if they looked at nothing.
    code = (
        "import streamlit as st\n"
        "st.session_state['lrviz_x'] = 1\n"
        "v = state.widget('w0')\n"
        "st.button('B', key=f'k_{v}')\n"
        "s = st.session_state.get(state.LR)\n"
        "state.set_widget(state.W0, 1.0)\n"
    )
    tree = ast.parse(code)
    assert _touches_session_state(tree) == [2, 5]
    assert sorted(line for line, _ in _spelled_keys(tree)) == [2, 3, 4]
