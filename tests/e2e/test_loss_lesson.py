"""The lesson "one outlier: MSE vs Huber" on screen: both losses named, played to its end."""

from pathlib import Path

from playwright.sync_api import Page, expect

from lrviz.app.run import make_run
from lrviz.app.scenarios import dataset_of, lessons
from tests.e2e.browser import save_screenshot
from tests.e2e.test_lesson_screens import load
from tests.e2e.test_playground import PLAYER, WAIT_MS, wait_server_echo

LESSON = {lesson.key: lesson for lesson in lessons()}["robust"]

LEGEND_JS = """
(panel) => Array.from(
  document.querySelectorAll(`[data-plot="${panel}"] .legendtext`), (node) => node.textContent
)
"""

TITLE_JS = """
(panel) => document.querySelector(`[data-panel="${panel}"] .lrviz-title`)?.textContent ?? ""
"""


def test_the_outlier_lesson_names_both_losses_and_plays_to_its_end(app_page: Page, shots_dir: Path):
    run = make_run(dataset_of(LESSON.source), LESSON.settings)
    last = run.scene.last_epoch
    load(app_page, "robust")
    expect(app_page.locator('[data-panel="contour"] .lrviz-title')).to_have_text(
        "Loss (Huber, δ = 1) over (w, b)"
    )
    assert app_page.evaluate(TITLE_JS, "loss") == "Loss (Huber, δ = 1) per epoch"
    contour = " | ".join(app_page.evaluate(LEGEND_JS, "contour"))
    assert "Huber, δ = 1" in contour and "(now)" in contour
    assert "MSE" in contour and "(pinned)" in contour
    fit = " | ".join(app_page.evaluate(LEGEND_JS, "fit"))
    assert "MSE" in fit and "at its end" in fit and "best line (Huber, δ = 1)" in fit
    app_page.locator(PLAYER).get_by_role("slider", name="Epoch").focus()
    app_page.keyboard.press("End")
    expect(app_page.locator(f'{PLAYER} [data-field="epoch"]')).to_have_text(str(last))
    alerts = app_page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    expect(alerts.filter(has_text=f"Converged at epoch {run.converged_at}")).to_be_visible(
        timeout=WAIT_MS
    )
    wait_server_echo(app_page, last)
    save_screenshot(app_page, shots_dir, "lesson-robust-end")
