"""The chain-rule view in Chromium at epoch 0 and after one Step, and the tables of one epoch.

Expected numbers come from the core's step record for the epoch on screen, written as the app
writes them (Unicode minus). The view places each number in a `.lrviz-v` of a row named by
`data-eq`; the tables below the player are KaTeX, read as a student sees them.
"""

from playwright.sync_api import Page

from lrviz.core import TrainConfig, make_dataset, record_at
from lrviz.notation.numbers import fmt

ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])
ARTICLE_CONFIG = TrainConfig(lr=0.01)
PLAYER = '[data-testid="lrviz-player"]'
CHAIN = '[data-testid="lrviz-chain"]'
WAIT_MS = 60_000

ROWS_JS = f"""
() => Object.fromEntries([...document.querySelectorAll('{CHAIN} [data-eq]')].map((row) =>
  [row.dataset.eq, [...row.querySelectorAll('.lrviz-v')].map((s) => s.textContent)]))
"""


def view_reads(page: Page, epoch: int) -> None:
    """The view says `at epoch {epoch}` and its means and update are the core's for it."""
    _, rec = record_at(ARTICLE, ARTICLE_CONFIG, 0.0, 0.0, epoch)
    page.wait_for_function(
        f"(k) => document.querySelector('{CHAIN} [data-chain=\"title\"]')"
        ".textContent.includes(`at epoch ${k},`)",
        arg=epoch,
        timeout=WAIT_MS,
    )
    rows = page.evaluate(ROWS_JS)
    assert rows["mean-w"][-1] == fmt(rec.dL_dw)
    assert rows["mean-b"][-1] == fmt(rec.dL_db)
    assert rows["update-w"] == [fmt(rec.w), f"({fmt(rec.dL_dw)})", fmt(rec.w_new)]
    assert rows["update-b"] == [fmt(rec.b), f"({fmt(rec.dL_db)})", fmt(rec.b_new)]


def test_view_reads_the_article_numbers_at_epoch_0_and_after_one_step(app_page: Page):
    app_page.wait_for_function(
        f"() => document.querySelector('{PLAYER}')?.dataset.serverEpoch === '0'",
        timeout=WAIT_MS,
    )
    # The article: ∂L/∂w = −22, ∂L/∂b = −6, then w = 0.22, b = 0.06.
    view_reads(app_page, 0)
    assert app_page.evaluate(ROWS_JS)["update-w"] == ["0", "(−22)", "0.22"]

    app_page.locator(PLAYER).get_by_role("button", name="Step", exact=True).click()
    app_page.wait_for_function(
        f"() => document.querySelector('{PLAYER}')?.dataset.serverEpoch === '1'",
        timeout=WAIT_MS,
    )
    # Epoch 1: ∂L/∂w = −16.8, ∂L/∂b = −4.56.
    view_reads(app_page, 1)


def test_tables_of_a_chosen_epoch_show_its_gradient(app_page: Page):
    main = app_page.locator('[data-testid="stMain"]')
    main.get_by_text("Tables of one epoch").click()
    field = main.get_by_label("Epoch to tabulate", exact=False)
    field.fill("1")
    field.press("Enter")
    _, rec = record_at(ARTICLE, ARTICLE_CONFIG, 0.0, 0.0, 1)
    want = fmt(rec.dL_dw).replace("−", "−")
    app_page.wait_for_function(
        """(want) => [...document.querySelectorAll('[data-testid="stMain"] .katex-html')]
             .some((n) => n.innerText.replace(/[\\s\\u200b]+/g, '').includes('=' + want))""",
        arg=want,
        timeout=WAIT_MS,
    )
