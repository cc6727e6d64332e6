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

ALLOWED_ELSEWHERE: set[Path] = set()

CONCERNS: list[tuple[state.Concern[Any], Any]] = [
    # (concern, a value other than its default)
    (state.DATA, DataState(version=3, edit_pending=True)),
    (
        state.LINK,
        LinkState(loaded=True, notices=Notices("v-0", ("a",)), epoch=LinkEpoch(None, 12)),
    ),
    (state.PINS, PinsState(sources={"p": None})),
    (state.REFUSAL, RefusalState(Refused("v-1", "why"), restoring=True)),
    (
        state.SETTINGS,
        SettingsState(
            notes=SettingsNotes((1.0,), ("cut",)),
            good_start=(1.5, -2.0),
            lr_problem=LrProblem("not a number", 0.01),
        ),
    ),
    (state.LESSON, state.LessonState("a", "")),
    (state.TABLES, state.TablesState({"x": 2})),
    (state.PAGE, PageState(full_run=True)),
]
DEFAULTS = [
    DataState(),
    LinkState(),
    PinsState(),
    RefusalState(),
    SettingsState(),
    state.LessonState(),
    state.TablesState(),
    PageState(),
]


@pytest.mark.parametrize(
    ("concern", "default", "changed"),
    [(c, d, v) for (c, v), d in zip(CONCERNS, DEFAULTS, strict=True)],
    ids=[c.key for c, _ in CONCERNS],
)
def test_a_concern_reads_its_default_then_what_was_set(
    concern: state.Concern[Any], default: Any, changed: Any
) -> None:
    store: dict[str, Any] = {}
    assert concern.get(store) == default
    assert changed != default
    concern.set(changed, store)
    assert concern.get(store) == changed
    assert list(store) == [concern.key]  # one key per concern


@pytest.mark.parametrize(("concern", "changed"), CONCERNS, ids=[c.key for c, _ in CONCERNS])
def test_a_concern_is_frozen(concern: state.Concern[Any], changed: Any) -> None:
    assert isinstance(changed, concern.kind)
    name = dataclasses.fields(changed)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(changed, name, None)


@pytest.mark.parametrize(("concern", "changed"), CONCERNS, ids=[c.key for c, _ in CONCERNS])
def test_an_update_replaces_the_whole_value_and_leaves_the_old_one_alone(
    concern: state.Concern[Any], changed: Any
) -> None:
    store: dict[str, Any] = {}
    changes = {
        f.name: getattr(changed, f.name)
        for f in dataclasses.fields(changed)
        if getattr(changed, f.name) != getattr(concern.default, f.name)
    }
    name, *rest = changes
    first = concern.update(store, **{name: changes[name]})
    second = concern.update(store, **{k: changes[k] for k in rest})
    assert first == dataclasses.replace(concern.default, **{name: changes[name]})
    assert second == changed
    assert concern.get(store) is second
    assert concern.default != changed  # the default itself was never changed
    with pytest.raises(TypeError):
        concern.update(store, no_such_field=1)


def test_a_value_of_another_type_under_a_key_reads_as_the_default() -> None:
    # What an old session or a stray write left there is never trusted.
    store: dict[str, Any] = {state.LINK.key: ("old", "tuple"), state.FOLLOW.key: ("v-0", 2)}
    assert state.LINK.get(store) == LinkState()
    assert state.FOLLOW.get(store) is None
    state.FOLLOW.set(Follow("v-0", 2), store)
    assert state.FOLLOW.get(store) == Follow("v-0", 2)


def test_the_run_on_screen_round_trips() -> None:
    store: dict[str, Any] = {}
    assert state.RUN.get(store) is None
    marker: Any = object()
    state.RUN.set(marker, store)
    assert state.RUN.get(store) is marker


def test_every_concern_has_its_own_key() -> None:
    assert len(state.CONCERN_KEYS) == len(set(state.CONCERN_KEYS)) == 10
    assert all(key.startswith("lrviz_") for key in state.CONCERN_KEYS)


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
