"""A session's first run holds back for the browser's first paint, once, and only for a browser."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lrviz.player import preload
from lrviz.ui import state
from tests.app_driver import open_app


def _fake_page(monkeypatch: pytest.MonkeyPatch, headers: dict[str, str]) -> list[float]:
    """preload's view of Streamlit as one session with these request headers; returns the
    seconds it sleeps, in order."""
    slept: list[float] = []
    fake_st = SimpleNamespace(context=SimpleNamespace(headers=headers))
    monkeypatch.setattr(preload, "st", fake_st)
    monkeypatch.setattr(preload, "time", SimpleNamespace(sleep=slept.append))
    return slept


def test_a_browser_session_is_held_once_after_the_player(monkeypatch: pytest.MonkeyPatch) -> None:
    slept = _fake_page(monkeypatch, {"Host": "127.0.0.1:8501", "User-Agent": "Chromium"})
    preload.after_player_ui(first_run=True)
    preload.after_player_ui(first_run=False)  # a later run of the same session: all at once
    assert slept == [preload.AFTER_PLAYER_PAUSE_S]


def test_a_session_with_no_browser_is_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    slept = _fake_page(monkeypatch, {})
    preload.after_player_ui(first_run=True)
    assert slept == []


def test_the_app_asks_for_the_hold_on_its_first_run() -> None:
    at = open_app()
    page = state.PAGE.get(at.session_state)
    assert page.preloaded and page.first_paint_held
    at.run()  # a later run: still marked, so it is not held again
    assert state.PAGE.get(at.session_state).first_paint_held
