"""The chain-rule view in Chromium: every number it places equals the core's record_at.

Each row of the view marks the numbers it places (`.lrviz-v`); the test reads them at many
epochs of several runs (plain GD, momentum, Nesterov, Adam, mini-batches, a diverging run) and
compares them with `lrviz.core.record_at` for the same data and settings, formatted as the app
formats numbers. Epochs are reached with the scrubber, as a student drags it, so no script run
is involved; during Play the view's epoch is sampled against the status line's.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from lrviz.core import (
    AdamState,
    MomentumState,
    TrainConfig,
    init_state,
    make_dataset,
    record_at,
    run,
)
from lrviz.core.optimizers import adam_bias_corrected
from lrviz.explain.optimizer import batch_points, params_after, state_before
from lrviz.notation.numbers import fmt

pytestmark = pytest.mark.e2e

ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])
PLAYER = '[data-testid="lrviz-player"]'
CHAIN = '[data-testid="lrviz-chain"]'
WAIT_MS = 60_000

# Every row of the view: {data-eq: [the texts of its numbers]}, and the view's title.
READ_JS = """
() => {
  const view = document.querySelector('[data-testid="lrviz-chain"]');
  const rows = {};
  for (const row of view.querySelectorAll('[data-eq]')) {
    if (row.closest('[hidden]') || row.hidden) continue;
    rows[row.dataset.eq] = [...row.querySelectorAll('.lrviz-v')].map((s) => s.textContent);
  }
  return {title: view.querySelector('[data-chain="title"]').textContent, rows,
          end: view.querySelector('[data-eq="end"]').hidden ? null
               : view.querySelector('[data-eq="end"]').textContent};
}
"""


def op(value: float) -> str:
    """A number after an operator, as the view writes it: in parentheses if negative or x10^k."""
    text = fmt(value)
    return f"({text})" if text.startswith("−") or "×" in text else text


def expected(config: TrainConfig, epoch: int, last: int, point: int) -> dict[str, list[str]]:
    """The numbers each row must show at `epoch`, from the core's record of that epoch."""
    state, rec = record_at(ARTICLE, config, 0.0, 0.0, epoch)
    i = point
    x, y = float(rec.x[i]), float(rec.y[i])
    yh, g = float(rec.y_hat[i]), float(rec.dL_dyhat[i])
    rows = {
        "forward": [op(rec.w), op(x), op(rec.b), fmt(yh)],
        "loss": [fmt(y), op(yh), fmt((y - yh) ** 2)],
        "local": [fmt(y), op(yh), fmt(g)],
        "locals": [fmt(x)],
        "chain-w": [op(g), op(x), fmt(rec.dL_dw_i[i])],
        "chain-b": [op(g), fmt(rec.dL_db_i[i])],
    }
    terms_w = [fmt(v) for v in rec.dL_dw_i]
    rows["mean-w"] = [terms_w[0], *(_signed(t) for t in terms_w[1:]), fmt(rec.dL_dw)]
    terms_b = [fmt(v) for v in rec.dL_db_i]
    rows["mean-b"] = [terms_b[0], *(_signed(t) for t in terms_b[1:]), fmt(rec.dL_db)]
    if epoch >= last:
        return rows  # the last epoch on screen takes no step: no update is spelled out
    u = rec.updates[0]
    before, after = state_before(state, rec, 0), u.opt_state
    w1, b1 = params_after(rec, 0)
    if u.indices is not None:
        rows["batch"] = [
            batch_points(u, ARTICLE.n, 10),
            fmt(u.loss),
            fmt(u.dL_dw),
            fmt(u.dL_db),
        ]
    grads = (u.dL_dw, u.dL_db)
    for k, (p, now, new) in enumerate((("w", rec.w, w1), ("b", rec.b, b1))):
        if config.optimizer == "gd":
            rows[f"update-{p}"] = [fmt(now), op(grads[k]), fmt(new)]
        elif config.optimizer in ("momentum", "nesterov"):
            assert isinstance(before, MomentumState) and isinstance(after, MomentumState)
            v = after.velocity[k]
            rows[f"velocity-{p}"] = [op(before.velocity[k]), op(grads[k]), fmt(v)]
            if config.optimizer == "nesterov":
                rows[f"update-{p}"] = [fmt(now), fmt(grads[k]), op(v), fmt(new)]
            else:
                rows[f"update-{p}"] = [fmt(now), op(v), fmt(new)]
        else:
            assert isinstance(before, AdamState) and isinstance(after, AdamState)
            m_hat, v_hat = adam_bias_corrected(after, config.beta1, config.beta2)
            rows["adam-t"] = [str(after.count)]
            if p == "w":
                rows["m-w"] = [op(before.mu[0]), op(grads[0]), fmt(after.mu[0])]
                rows["v-w"] = [op(before.nu[0]), op(grads[0]), fmt(after.nu[0])]
                rows["hat-w"] = [fmt(m_hat[0]), fmt(v_hat[0])]
                rows["update-w"] = [fmt(now), op(m_hat[0]), fmt(v_hat[0]), fmt(new)]
            else:
                moments = (after.mu[1], after.nu[1], m_hat[1], v_hat[1])
                rows["adam-b"] = [*(fmt(v) for v in moments), fmt(now), fmt(new)]
    if u.indices is not None:
        rows["epoch-total"] = [fmt(rec.delta_w), fmt(rec.delta_b)]
    return rows


def _signed(text: str) -> str:
    return f" − {text[1:]}" if text.startswith("−") else f" + {text}"


def scrub_to(page: Page, epoch: int) -> None:
    """Drag the scrubber to `epoch` (an input event, as a drag makes) and wait for the view."""
    page.evaluate(
        """(k) => {
          const s = document.querySelector('[data-ctl="scrub"]');
          s.value = String(k);
          s.dispatchEvent(new Event('input', {bubbles: true}));
        }""",
        epoch,
    )
    page.wait_for_function(
        f"(k) => document.querySelector('{CHAIN}')?.dataset.epoch === String(k)", arg=epoch
    )


def open_run(goto_app: Callable[..., Page], **params: object) -> tuple[Page, int]:
    """The app at ?params with its chain-rule view drawn; returns the page and the last epoch."""
    page = goto_app(**params)
    page.wait_for_function(
        f"""() => document.querySelector('{CHAIN} [data-eq="forward"]')
                  && document.querySelector('{PLAYER}')?.dataset.epoch === '0'""",
        timeout=WAIT_MS,
    )
    last = int(page.evaluate(f"document.querySelector('{PLAYER} [data-ctl=\"scrub\"]').max"))
    return page, last


RUNS = {
    "gd": ({"lr": 0.01, "epochs": 40}, TrainConfig(lr=0.01)),
    "momentum": (
        {"lr": 0.01, "epochs": 40, "opt": "momentum"},
        TrainConfig(lr=0.01, optimizer="momentum"),
    ),
    "nesterov": (
        {"lr": 0.01, "epochs": 30, "opt": "nesterov"},
        TrainConfig(lr=0.01, optimizer="nesterov"),
    ),
    "adam": ({"lr": 0.1, "epochs": 40, "opt": "adam"}, TrainConfig(lr=0.1, optimizer="adam")),
    "mini-batch": ({"lr": 0.01, "epochs": 30, "batch": 2}, TrainConfig(lr=0.01, batch_size=2)),
    "diverging": ({"lr": 0.3, "epochs": 50}, TrainConfig(lr=0.3)),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_view_shows_record_at_numbers_at_many_epochs(
    goto_app: Callable[..., Page], name: str
) -> None:
    params, config = RUNS[name]
    page, last = open_run(goto_app, **params)
    history = run(ARTICLE, config, init_state(ARTICLE, config), int(params["epochs"]))
    assert last == history.epochs_run  # the view plays the run the core trains
    if name == "diverging":
        assert history.diverged_at is not None and last < int(params["epochs"])
    epochs = sorted({0, 1, 2, 3, last // 2, last - 1, last} - {-1})
    for epoch in epochs:
        scrub_to(page, epoch)
        shown = page.evaluate(READ_JS)
        assert f"at epoch {epoch}" in shown["title"], shown["title"]
        want = expected(config, epoch, last, 0)
        for row, values in want.items():
            assert shown["rows"].get(row) == values, (name, epoch, row, shown["rows"].get(row))
        if epoch >= last:
            assert shown["end"], "the last epoch says that no update is taken"
        else:
            assert shown["end"] is None


def test_following_another_point_shows_its_numbers_without_a_new_run(
    goto_app: Callable[..., Page],
) -> None:
    params, config = RUNS["momentum"]
    page, last = open_run(goto_app, **params)
    key_before = page.evaluate(f"document.querySelector('{PLAYER}').dataset.run")
    scrub_to(page, 5)
    page.select_option(f'{CHAIN} select[data-ctl="point"]', "3")
    page.wait_for_function(
        f"() => document.querySelector('{CHAIN} [data-chain=\"title\"]').textContent"
        ".includes('point 3')",
        timeout=WAIT_MS,
    )
    # Still at epoch 5 of the same run: following a point is no restart.
    assert page.evaluate(f"document.querySelector('{PLAYER}').dataset.epoch") == "5"
    assert page.evaluate(f"document.querySelector('{PLAYER}').dataset.run") == key_before
    for epoch in (5, 6, last):
        scrub_to(page, epoch)
        shown = page.evaluate(READ_JS)
        want = expected(config, epoch, last, 3)
        for row in ("forward", "loss", "local", "chain-w", "chain-b"):
            assert shown["rows"][row] == want[row], (epoch, row)


def test_during_play_the_view_shows_the_status_lines_epoch(goto_app: Callable[..., Page]) -> None:
    page, _ = open_run(goto_app, lr=0.01, epochs=400)
    page.select_option(f'{PLAYER} select[data-ctl="speed"]', "30")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press(" ")
    # Sample both epochs in the same task, on frames spread over at least two seconds of Play:
    # eight samples (a busy machine draws fewer frames; the wait is bounded at 12 s).
    samples = page.evaluate(
        """() => new Promise((done) => {
          const out = [];
          const t0 = performance.now();
          const look = () => {
            const status = document.querySelector('[data-field="epoch"]').textContent;
            const title = document.querySelector('[data-chain="title"]').textContent;
            const view = title.match(/at epoch (\\d+)/);
            out.push([Number(status), view ? Number(view[1]) : -1]);
            const t = performance.now() - t0;
            const more = (out.length < 8 || t < 2000) && t < 12000;
            if (more) setTimeout(() => requestAnimationFrame(look), 230);
            else done(out);
          };
          requestAnimationFrame(look);
        })"""
    )
    page.keyboard.press(" ")
    assert len(samples) >= 6
    assert len({status for status, _ in samples}) >= 5, "the run played"
    assert all(status == view for status, view in samples), samples
