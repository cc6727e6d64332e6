"""Links at the extremes in a real browser: a heavy link answers with a cut run and its note; a
link Streamlit drops whole (over 1,000 parameters) is announced; crash links answer in words."""

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.browser import save_screenshot, streamlit_exceptions
from tests.e2e.test_data_upload import active_line, open_tab, select_cell, type_in_cell
from tests.e2e.test_playground import wait_ready

WAIT_MS = 120_000


def test_heavy_link_answers_with_a_cut_run(goto_app: Callable[..., Page], shots_dir: Path) -> None:
    page = goto_app("data=generator&gen_n=10000&batch=sgd&epochs=5000&opt=adam")
    note = page.get_by_text("Showing the first 20 epochs", exact=False)
    expect(note).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("lrviz-player")).to_be_visible(timeout=WAIT_MS)
    save_screenshot(page, shots_dir, "robust-heavy-link")
    assert streamlit_exceptions(page) == []
    # The address now names the run on screen.
    expect(page).to_have_url(re.compile(r"[?&]epochs=20(&|$)"), timeout=WAIT_MS)


def test_a_link_streamlit_drops_is_announced(
    goto_app: Callable[..., Page], shots_dir: Path
) -> None:
    query = "&".join(f"p{i}=1" for i in range(1001)) + "&lr=0.05"
    page = goto_app(query)
    notice = page.get_by_text("has 1,002 parameters", exact=False)
    expect(notice).to_be_visible(timeout=WAIT_MS)
    save_screenshot(page, shots_dir, "robust-dropped-link")
    assert streamlit_exceptions(page) == []


def test_a_start_whose_loss_overflows_answers_in_words(goto_app: Callable[..., Page]) -> None:
    page = goto_app("data=points&xs=1e150,-1e150&ys=0,0&w0=100000&opt=adam")
    expect(page.get_by_text("Starting from (0, 0) instead", exact=False)).to_be_visible(
        timeout=WAIT_MS
    )
    expect(page.get_by_test_id("lrviz-player")).to_be_visible(timeout=WAIT_MS)
    assert streamlit_exceptions(page) == []


def test_a_typed_alpha_runs_exactly(goto_app: Callable[..., Page], shots_dir: Path) -> None:
    page = goto_app("data=preset&preset=Unscaled%20x")
    box = page.get_by_role("textbox", name="Or type α")
    box.fill("1.33e-6")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]lr=1\.33e-06(&|$)"), timeout=WAIT_MS)
    expect(box).to_have_value("1.33e-06", timeout=WAIT_MS)
    save_screenshot(page, shots_dir, "robust-typed-alpha")
    assert streamlit_exceptions(page) == []


def test_standardized_units_are_named(goto_app: Callable[..., Page], shots_dir: Path) -> None:
    page = goto_app("data=preset&preset=Unscaled%20x&standardize=1&lr=0.3&epoch=5")
    player = page.get_by_test_id("lrviz-player")
    # w_z and b_z: w and b with a subscript z, the units of the contour panel.
    expect(player.locator(".lrviz-label sub")).to_have_text(["z", "z"], timeout=WAIT_MS)
    expect(player.get_by_text("(original x units)", exact=False)).to_be_visible(timeout=WAIT_MS)
    save_screenshot(page, shots_dir, "robust-standardized-units")


def test_edit_table_keeps_scientific_notation(app_page: Page) -> None:
    page = app_page
    # The player drawn and its epoch echoed: the page's first runs are over before the edit.
    wait_ready(page)
    open_tab(page, "Edit")
    select_cell(page, 1, 0)
    type_in_cell(page, "2.5e3")
    page.keyboard.press("Enter")
    expect(active_line(page)).to_have_text("Active: Edited table, 5 points", timeout=WAIT_MS)
    # x = 2500, 2, 3, 4, 5 against y = 1 … 5 at w = b = 0: dL/dw = -2 mean(x y) = -1021.6,
    # shown to 4 figures (a number column would have stored 2.53, giving -22.61).
    status = page.get_by_test_id("lrviz-player").locator('[data-field="dw"]')
    expect(status).to_have_text("−1022", timeout=WAIT_MS)
