"""The chain-rule panel in a running script shows the core's record, by Streamlit's AppTest."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.core import TrainConfig, make_dataset, record_at
from lrviz.notation.numbers import fmt, tex

SCRIPT = Path(__file__).with_name("explain_app.py")
ARTICLE = make_dataset([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])


def run_app(**widgets: object) -> AppTest:
    """The script run once, then again with each keyed widget set to its value."""
    at = AppTest.from_file(str(SCRIPT), default_timeout=60)
    at.run()
    for key, value in widgets.items():
        chosen = key in ("optimizer", "loss")
        widget = at.selectbox(key=key) if chosen else at.number_input(key=key)
        widget.set_value(value)
    if widgets:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def latex(at: AppTest) -> list[str]:
    """The LaTeX of every st.latex on the page, without the $$ … $$ Streamlit wraps it in."""
    return [element.value.strip().strip("$").strip() for element in at.latex]


def ends_with(block: str, left: str, value: float) -> bool:
    """Some row of the block reads `left … = value` as the module writes numbers."""
    body = block.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    rows = re.split(r" \\\\\[\d+pt\] ", body)
    return any(r.startswith(left) and r.endswith(f"= {tex(value)}") for r in rows)


@pytest.mark.parametrize("epoch", [0, 1, 1000])
def test_panel_shows_the_record_of_the_epoch(epoch):
    _, rec = record_at(ARTICLE, TrainConfig(lr=0.01), 0.0, 0.0, epoch)
    at = run_app(epoch=epoch)
    point_tex, batch, update, check_w, check_b = latex(at)
    assert ends_with(batch, r"&= \tfrac{1}{5}", rec.dL_dw)
    assert ends_with(batch, r"&= \tfrac{1}{5}", rec.dL_db)
    assert ends_with(batch, r"&= \tfrac{1}{5}", rec.loss)
    assert ends_with(update, "w &:=", rec.w_new)
    assert ends_with(update, "b &:=", rec.b_new)
    assert ends_with(point_tex, r"\hat{y}_i &=", rec.y_hat[0])
    assert f"backprop: }} \\dfrac{{\\partial L}}{{\\partial w}} &= {tex(rec.dL_dw)}" in check_w
    assert f"backprop: }} \\dfrac{{\\partial L}}{{\\partial b}} &= {tex(rec.dL_db)}" in check_b
    table = at.dataframe[0].value
    assert list(table["∂L/∂w contribution"]) == [*(fmt(v) for v in rec.dL_dw_i), fmt(rec.dL_dw)]
    assert list(table["∂L/∂b contribution"]) == [*(fmt(v) for v in rec.dL_db_i), fmt(rec.dL_db)]
    dot = at.get("graphviz_chart")[0].proto.spec
    assert f"mean ∂L/∂w = {fmt(rec.dL_dw)}" in dot and f"mean ∂L/∂b = {fmt(rec.dL_db)}" in dot
    assert f"Epoch {epoch} made one update" in at.caption[1].value


def test_article_numbers_at_epochs_0_and_1():
    first = run_app(epoch=0)
    assert ends_with(latex(first)[1], r"&= \tfrac{1}{5}", -22.0)
    assert ends_with(latex(first)[1], r"&= \tfrac{1}{5}", -6.0)
    assert ends_with(latex(first)[2], "w &:=", 0.22) and ends_with(latex(first)[2], "b &:=", 0.06)
    second = run_app(epoch=1)
    assert ends_with(latex(second)[1], r"&= \tfrac{1}{5}", -16.8)
    assert ends_with(latex(second)[1], r"&= \tfrac{1}{5}", -4.56)


def test_choosing_a_point_changes_the_derivation_and_is_returned():
    _, rec = record_at(ARTICLE, TrainConfig(lr=0.01), 0.0, 0.0, 1)
    at = run_app(epoch=1)
    at.selectbox(key="explain:point").set_value(3).run()
    assert ends_with(latex(at)[0], r"\dfrac{\partial L_i}{\partial w} &=", rec.dL_dw_i[3])
    assert at.text[0].value == "returned point 3"
    assert (
        f'xᵢ</b><br/><font color="#0072B2">= {fmt(rec.x[3])}'
        in at.get("graphviz_chart")[0].proto.spec
    )


def test_a_point_chosen_elsewhere_moves_the_selector():
    at = run_app(outside=4)
    assert at.selectbox(key="explain:point").value == 4
    assert at.text[0].value == "returned point 4"


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov", "adam"])
def test_optimizer_internals_end_in_the_records_parameters(optimizer):
    config = TrainConfig(lr=0.01, optimizer=optimizer)
    _, rec = record_at(ARTICLE, config, 0.0, 0.0, 2)
    at = run_app(epoch=2, optimizer=optimizer)
    update = latex(at)[2]
    assert ends_with(update, "w &:=", rec.w_new) and ends_with(update, "b &:=", rec.b_new)
    first = "m_w &:=" if optimizer == "adam" else "v_w &:="
    assert first in update


def test_mini_batches_show_each_update_and_its_points():
    config = TrainConfig(lr=0.01, batch_size=2)
    _, rec = record_at(ARTICLE, config, 0.0, 0.0, 1)
    at = run_app(epoch=1, batch=2)
    at.number_input(key="explain:update").set_value(2).run()
    assert ends_with(latex(at)[2], "w &:=", rec.w_new)
    updates = at.dataframe[1].value
    assert len(updates) == len(rec.updates) == 3
    shown = {int(i) for cell in updates["batch"] for i in re.findall(r"\d+", cell)}
    assert shown == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_the_tables_of_one_epoch_write_the_runs_loss(loss: str) -> None:
    at = run_app(loss=loss, epoch=3)
    config = TrainConfig(lr=0.01, loss=loss)
    _, rec = record_at(ARTICLE, config, 0.0, 0.0, 3)
    blocks = latex(at)
    word = "sign" if loss == "mae" else "clip"
    assert any(rf"\operatorname{{{word}}}" in b for b in blocks)
    assert not any(r"-2 \cdot (y_i - \hat{y}_i)" in b for b in blocks)
    assert any(ends_with(b, "L &= ", rec.loss) or f"= {tex(rec.loss)}" in b for b in blocks)
    captions = " ".join(c.value for c in at.caption)
    assert "Only this factor" in captions
    graph = at.get("graphviz_chart")[0].proto.spec
    assert ("|yᵢ − ŷᵢ|" if loss == "mae" else "Hδ(yᵢ − ŷᵢ)") in graph
    table = at.dataframe[0].value
    assert list(table["∂L/∂ŷ"][:-1]) == [fmt(v) for v in rec.dL_dyhat]
    if loss == "huber":  # y = 1 … 5 against ŷ near 0: points 1 … 4 sit outside δ = 1
        assert list(table["Huber clip"][:-1]) == [
            "clipped at ±1" if abs(r) > 1 else "" for r in rec.residual
        ]
