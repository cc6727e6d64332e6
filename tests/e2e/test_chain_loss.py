"""The chain-rule view in Chromium with Huber on the outlier data: the loss node, its derivative
and the clipped outlier, each as the core computes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from lrviz.core import TrainConfig, make_dataset, record_at
from lrviz.data import get_preset, preset_names
from lrviz.notation.numbers import fmt

from .test_chain_view import CHAIN, READ_JS, open_run, scrub_to

pytestmark = pytest.mark.e2e

PRESET = "Outliers"

# The graph's loss node, the derivative on the edge into it, the pulls' ∂L/∂ŷ and clip marks.
LOSS_JS = """
() => {
  const view = document.querySelector('[data-testid="lrviz-chain"]');
  const lines = [...view.querySelectorAll('.lrviz-pull')];
  return {
    node: view.querySelector('.lrviz-n-sq .lrviz-node-title').textContent,
    local: view.querySelector('[data-chain="local-label"]').textContent,
    same: view.querySelector('[data-chain="same"]').textContent,
    clipped: view.querySelector('[data-chain="clipped"]').textContent,
    pulls: lines.map((l) => ({
      point: Number(l.dataset.point),
      g: l.querySelector('[data-pull="g"]').textContent,
      boxed: l.querySelector('[data-pull="g"]').classList.contains('lrviz-clipped'),
    })),
  };
}
"""


def test_huber_on_the_outliers_shows_its_loss_node_and_the_clipped_pull(
    goto_app: Callable[..., Page], shots_dir: Path
) -> None:
    assert PRESET in preset_names()
    preset = get_preset(PRESET)
    data = make_dataset(preset.x, preset.y)
    config = TrainConfig(lr=0.01, loss="huber", huber_delta=1.0)
    # The page's own defaults (α = 0.01, w = b = 0) otherwise: the link of the task.
    page, last = open_run(goto_app, loss="huber", delta=1, data="preset", preset=PRESET)
    outlier = int(preset.y.argmax())
    page.select_option(f'{CHAIN} select[data-ctl="point"]', str(outlier))
    page.wait_for_function(
        f"() => document.querySelector('{CHAIN} [data-chain=\"title\"]').textContent"
        f".includes('point {outlier}')",
        timeout=60_000,
    )
    for epoch in (0, 5, last // 2, last):
        scrub_to(page, epoch)
        shown = page.evaluate(LOSS_JS)
        rows = page.evaluate(READ_JS)
        assert f"at epoch {epoch}" in rows["title"]
        _, rec = record_at(data, config, 0.0, 0.0, epoch)
        assert shown["node"] == "Hδ(yi − ŷi), δ = 1", shown["node"]
        g = fmt(rec.dL_dyhat[outlier])
        assert shown["local"] == f"← ∂Li/∂ŷi = −clip(yi − ŷi, −1, 1) = {g} (clipped at ±1)"
        assert "−2·(" not in shown["local"] and "²" not in shown["node"]
        assert "Only this factor" in shown["same"]
        # The point's rows carry Huber's numbers: L_i and ∂L_i/∂ŷ_i from the record.
        assert rows["rows"]["loss"][-1] == fmt(rec.loss_i[outlier])
        assert rows["rows"]["local"][-1] == g
        for pull in shown["pulls"]:
            p = pull["point"]
            clipped = abs(rec.residual[p]) > config.huber_delta
            assert pull["g"] == fmt(rec.dL_dyhat[p]) and pull["boxed"] == clipped
            if clipped:
                assert pull["g"] in ("1", "−1")  # ±δ
        assert shown["clipped"].startswith("clipped at ±1")
        clipped = [p["point"] for p in shown["pulls"] if p["boxed"]]
        assert outlier in clipped  # the outlier's pull is capped at every epoch shown
        if len(clipped) <= 3:  # few: named, the outlier among them
            assert f"point {outlier} (x = {fmt(preset.x[outlier])})" in shown["clipped"]
        else:
            assert f": {len(clipped)} of the {len(shown['pulls'])} points" in shown["clipped"]
    scrub_to(page, last // 2)
    page.locator(CHAIN).screenshot(path=str(shots_dir / "chain_huber_outliers.png"))
