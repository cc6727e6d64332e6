"""The contour's gestures: one click (or tap) sets the start, a double-click (or double-tap) only
zooms out, U undoes."""

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import AppServer, open_app
from tests.e2e.test_phone import PHONE
from tests.e2e.test_playground import (
    PLAYER,
    WAIT_MS,
    grid_point_near,
    player_data,
    wait_ready,
)


def start_inputs(page: Page) -> tuple[float, float]:
    sidebar = page.locator('[data-testid="stSidebar"]')
    w0 = float(sidebar.get_by_role("spinbutton", name=re.compile(r"^Start w")).input_value())
    b0 = float(sidebar.get_by_role("spinbutton", name=re.compile(r"^Start b")).input_value())
    return w0, b0


START_SETTLED_JS = """
() => {
  const url = new URL(window.location.href).searchParams;
  const box = (name) => [...document.querySelectorAll('[data-testid="stSidebar"] input')]
    .find((i) => (i.getAttribute("aria-label") || "").startsWith(name));
  const w = box("Start w"), b = box("Start b");
  return !!(w && b && url.has("w0")) && Number(w.value) === Number(url.get("w0"))
    && Number(b.value) === Number(url.get("b0"));
}
"""


def wait_start_settled(page: Page) -> None:
    """Until the sidebar's start boxes show the start the app wrote into the URL. On a first
    load the boxes can show their minimum for a moment before the session's value arrives."""
    page.wait_for_function(START_SETTLED_JS, timeout=30_000)


def same_settings(view: str | None, other: str | None) -> bool:
    """The two views show the same run (a view is 'run id-counter')."""
    return (view or "").split("-")[0] == (other or "").split("-")[0]


def wait_new_run(page: Page, old: str | None) -> None:
    page.wait_for_function(
        """(old) => {
          const root = document.querySelector('[data-testid="lrviz-player"]');
          return root.dataset.run !== old && root.dataset.serverRun === root.dataset.run;
        }""",
        arg=old,
        timeout=WAIT_MS,
    )
    wait_ready(page)


def test_double_click_zooms_out_and_keeps_the_run_and_u_undoes_a_click(app_page: Page):
    wait_ready(app_page)
    wait_start_settled(app_page)
    run = player_data(app_page, "run")
    assert start_inputs(app_page) == (0.0, 0.0)
    target = grid_point_near(app_page, 0.6, 0.7)

    # A double-click is plotly's "zoom back out": no new start, no new run. The page's clock
    # stands still from its first press to its last release (see hold_page_clock).
    hold_page_clock(app_page)
    app_page.mouse.dblclick(target["x"], target["y"])
    release_page_clock(app_page)
    assert player_data(app_page, "run") == run
    assert start_inputs(app_page) == (0.0, 0.0)
    undo = app_page.locator(PLAYER).get_by_role("button", name="Undo start")
    expect(undo).to_be_hidden()

    # One click sets the start, and the previous start can be had back with one key.
    app_page.mouse.click(target["x"], target["y"])
    wait_new_run(app_page, run)
    picked = start_inputs(app_page)
    assert picked != (0.0, 0.0)
    expect(undo).to_be_visible()

    moved = player_data(app_page, "run")
    app_page.locator(PLAYER).locator(".lrviz-status").click()
    app_page.keyboard.press("u")
    wait_new_run(app_page, moved)
    assert start_inputs(app_page) == (0.0, 0.0)
    assert same_settings(player_data(app_page, "run"), run)
    expect(undo).to_be_hidden()


def hold_page_clock(page: Page) -> None:
    """Stop the page's clock (timers, Date, performance): a gesture's presses then come within
    the double-click window however slowly a loaded machine delivers them."""
    page.clock.install()
    page.clock.pause_at(time.time() * 1000 + 1000)


def release_page_clock(page: Page) -> None:
    """Let the page's clock run again, first well past the double-click window, so a pick the
    gesture left waiting would be sent."""
    page.clock.resume()
    page.clock.run_for(2000)
    page.wait_for_timeout(1500)


@pytest.fixture
def phone(new_page: Callable[..., Page], app_server: AppServer) -> Page:
    """The app on a 390x844 touch screen, the contour scrolled into view."""
    page = new_page(*PHONE, touch=True)
    open_app(page, app_server.url)
    wait_ready(page)
    page.evaluate(
        """() => document.querySelector('[data-testid="lrviz-player"] [data-plot="contour"]')
          .scrollIntoView({ block: "center" })"""
    )
    return page


def test_a_tap_sets_the_start_and_a_double_tap_does_not(phone: Page):
    run = player_data(phone, "run")
    target = grid_point_near(phone, 0.6, 0.7)

    # The browser follows each tap with a mouse press of its own, which plotly counts as a second
    # click: neither that nor a double-tap may pick.
    hold_page_clock(phone)
    phone.touchscreen.tap(target["x"], target["y"])
    phone.touchscreen.tap(target["x"], target["y"])
    release_page_clock(phone)
    assert player_data(phone, "run") == run
    assert player_data(phone, "undos") in (None, "0")

    phone.touchscreen.tap(target["x"], target["y"])
    wait_new_run(phone, run)
    assert player_data(phone, "undos") == "1"


def test_the_undo_button_goes_back_one_click_at_a_time(app_page: Page):
    wait_ready(app_page)
    wait_start_settled(app_page)
    runs = [player_data(app_page, "run")]
    starts = [start_inputs(app_page)]
    for fw, fb in ((0.6, 0.7), (0.3, 0.2)):
        target = grid_point_near(app_page, fw, fb)
        app_page.mouse.click(target["x"], target["y"])
        wait_new_run(app_page, runs[-1])
        runs.append(player_data(app_page, "run"))
        starts.append(start_inputs(app_page))
    undo = app_page.locator(PLAYER).get_by_role("button", name="Undo start")
    for k in (1, 0):
        view = player_data(app_page, "run")
        undo.click()
        wait_new_run(app_page, view)
        assert start_inputs(app_page) == starts[k]
        assert same_settings(player_data(app_page, "run"), runs[k])
    expect(undo).to_be_hidden()
