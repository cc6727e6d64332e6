"""The loss node in the tables of one epoch: each loss's words beside that loss's numbers."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.core import TrainConfig, make_dataset, record_at
from lrviz.explain import (
    PerPoint,
    batch_tex,
    gradient_check,
    graph_dot,
    page_rows,
    single_point_tex,
    table_columns,
    verdict,
)
from lrviz.explain.loss_node import SAME_NOTE, LossNode
from lrviz.explain.table import CLIP_COLUMN
from lrviz.notation.numbers import fmt, tex

LOSSES = ("mse", "mae", "huber")
OUTLIERS = make_dataset(range(1, 11), [2.41, 1.83, 3.53, 4.03, 4.86, 5.74, 5.99, 7.33, 7.94, 24])

# The loss node as each view names it, and the derivative's formula, per loss (δ = 1).
GRAPH_WORDS = {
    "mse": ("(yᵢ − ŷᵢ)²", "−2·(yᵢ − ŷᵢ)"),
    "mae": ("|yᵢ − ŷᵢ|", "−sign(yᵢ − ŷᵢ)"),
    "huber": ("Hδ(yᵢ − ŷᵢ), δ = 1", "−clip(yᵢ − ŷᵢ, −1, 1)"),
}
LOCAL_TEX = {
    "mse": r"-2 \cdot (y_i - \hat{y}_i)",
    "mae": r"-\operatorname{sign}(y_i - \hat{y}_i)",
    "huber": r"-\operatorname{clip}(y_i - \hat{y}_i,\, -1,\, 1)",
}

values = st.floats(-30, 30, allow_nan=False).map(lambda v: round(v, 2))


@st.composite
def runs(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(2, 8))
    x = draw(st.lists(values, min_size=n, max_size=n))
    y = draw(st.lists(values, min_size=n, max_size=n))
    loss = draw(st.sampled_from(LOSSES))
    delta = draw(st.sampled_from([0.25, 1.0, 3.0]))
    config = TrainConfig(
        lr=draw(st.sampled_from([1e-3, 0.01])),
        optimizer=draw(st.sampled_from(["gd", "momentum", "adam"])),
        loss=loss,
        huber_delta=delta,
    )
    epoch = draw(st.integers(0, 30))
    return make_dataset(x, y), config, epoch, draw(st.integers(0, n - 1))


@settings(max_examples=60, deadline=None)
@given(runs())
def test_graph_labels_and_values_follow_the_runs_loss(run: tuple) -> None:
    data, config, epoch, i = run
    _, rec = record_at(data, config, 0.0, 0.0, epoch)
    node = LossNode(config.loss, config.huber_delta)
    dot = graph_dot(rec, i)
    with np.errstate(all="ignore"):
        loss_i, g = rec.loss_i[i], rec.dL_dyhat[i]
    # The loss node's title, its value L_i, and the derivative's formula with its value.
    assert f"<b>{node.node_text}</b>" in dot
    assert f"L{'ᵢ'} = {fmt(loss_i)}" in dot
    assert f"∂Lᵢ/∂ŷᵢ = {node.local_text}<br/>= {fmt(g)}" in dot
    assert ("−2·(yᵢ − ŷᵢ)" in dot) == (config.loss == "mse")
    assert ("(yᵢ − ŷᵢ)²" in dot) == (config.loss == "mse")
    clipped = config.loss == "huber" and abs(rec.residual[i]) > config.huber_delta
    assert (f"clipped at ±{fmt(config.huber_delta)}" in dot) == clipped
    # The rest of the chain is the same whatever the loss.
    assert "∂(w·xᵢ)/∂w = xᵢ" in dot and "∂ŷᵢ/∂b = 1" in dot


@settings(max_examples=60, deadline=None)
@given(runs())
def test_equations_and_table_follow_the_runs_loss(run: tuple) -> None:
    data, config, epoch, i = run
    _, rec = record_at(data, config, 0.0, 0.0, epoch)
    node = LossNode(config.loss, config.huber_delta)
    block = batch_tex(rec)
    assert r"\dfrac{1}{n}\sum_{i=1}^{n}" in block
    assert node.loss_tex in block and node.local_tex in block
    assert (r"\sum_{i=1}^{n}(y_i - \hat{y}_i)^2" in block) == (config.loss == "mse")
    assert tex(rec.loss) in block  # L is the record's mean loss
    one = single_point_tex(rec, i)
    assert node.local_tex in one
    cols = table_columns(rec, page_rows(data.n, 0, 50))
    with np.errstate(all="ignore"):
        assert cols["∂L/∂ŷ"][:-1] == [fmt(v) for v in rec.dL_dyhat]
    clipped = np.abs(rec.residual) > config.huber_delta
    if config.loss == "huber":
        note = f"clipped at ±{fmt(config.huber_delta)}"
        assert cols[CLIP_COLUMN][:-1] == [note if c else "" for c in clipped]
        assert cols[CLIP_COLUMN][-1].startswith(f"{int(clipped.sum())} of {data.n}")
        for k in np.flatnonzero(clipped):  # a clipped point pulls with exactly ±δ
            assert abs(rec.dL_dyhat[k]) == config.huber_delta
    else:
        assert CLIP_COLUMN not in cols


@pytest.mark.parametrize("loss", LOSSES)
def test_the_outlier_preset_names_each_loss_node(loss: str) -> None:
    _, rec = record_at(OUTLIERS, TrainConfig(lr=0.01, loss=loss), 0.0, 0.0, 100)
    title, local = GRAPH_WORDS[loss]
    dot = graph_dot(rec, 9)
    assert f"<b>{title}</b>" in dot and f"∂Lᵢ/∂ŷᵢ = {local}<br/>" in dot
    assert LOCAL_TEX[loss] in batch_tex(rec)
    pts = PerPoint.of(rec)
    assert np.array_equal(pts.loss_i, rec.loss_i)
    assert bool(pts.clipped[9]) == (loss == "huber")  # the outlier, 14 above the line
    if loss == "huber":
        assert fmt(rec.dL_dyhat[9]) == "−1"
        assert r"\text{clipped at }\pm 1\text{: " in batch_tex(rec)
        assert r"\text{(clipped at }\pm 1\text{)}" in single_point_tex(rec, 9)


def test_the_exact_formulas_match_the_core() -> None:
    """loss_exact and local_exact (what the page's numbers re-compute by) are the core's L_i and
    ∂L_i/∂ŷ_i, on both sides of Huber's band and at MAE's kink."""
    for loss in LOSSES:
        node = LossNode(loss, 1.5)
        for y, y_hat in ((3.0, 3.0), (3.0, 2.0), (3.0, 7.25), (-4.0, -1.0)):
            cfg = TrainConfig(lr=0.01, loss=loss, huber_delta=1.5)
            data = make_dataset([0.0, 1.0], [y, y_hat + 1.0])
            _, rec = record_at(data, cfg, 1.0, y_hat, 0)  # point 0: x = 0, so ŷ = b = y_hat
            assert node.loss_exact(Decimal(y), Decimal(y_hat)) == Decimal(rec.loss_i[0])
            assert node.local_exact(Decimal(y), Decimal(y_hat)) == Decimal(rec.dL_dyhat[0])


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_the_gradient_check_differences_the_runs_own_loss(loss: str) -> None:
    _, rec = record_at(OUTLIERS, TrainConfig(lr=0.01, loss=loss), 0.0, 0.0, 20)
    checks = gradient_check(OUTLIERS, rec)
    assert all(c.agrees for c in checks), [c.relative_error for c in checks]
    assert "agree" in verdict(checks, loss)


def test_one_line_says_only_the_loss_factor_changes() -> None:
    assert "Only this factor" in SAME_NOTE and "∂ŷᵢ/∂w = xᵢ" in SAME_NOTE
    assert "sign(0) = 0" in LossNode("mae").convention
    assert "±2" in LossNode("huber", 2.0).convention and LossNode("mse").convention == ""
