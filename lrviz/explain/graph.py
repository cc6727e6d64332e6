"""The computation graph x → (×w) → (+b) → ŷ → loss node → L as Graphviz DOT, with live numbers."""

from __future__ import annotations

import numpy as np

from lrviz.core import StepRecord
from lrviz.explain.perpoint import PerPoint
from lrviz.explain.single_point import check_point
from lrviz.notation.numbers import fmt

# The app's Okabe-Ito blue and vermillion (lrviz.figures.theme), apart under colour blindness.
FORWARD = "#0072B2"
BACKWARD = "#D55E00"

CAPTION = (
    "Solid blue arrows: the forward pass for point i, each value in blue. Dashed red arrows: the "
    "backward pass, each labelled with its local derivative. A node's red ∂ is the product of the "
    "labels on the way back from Lᵢ: that product is the chain rule."
)

_SUB_I = "ᵢ"
_YHAT = "ŷ" + _SUB_I


def _node(name: str, title: str, forward: str, backward: list[str], fill: str) -> str:
    rows = [f"<b>{title}</b>", f'<font color="{FORWARD}">{forward}</font>']
    rows += [f'<font color="{BACKWARD}">{text}</font>' for text in backward]
    label = "<br/>".join(rows)
    return f'  {name} [label=<{label}>, fillcolor="{fill}"];'


def _forward(tail: str, head: str) -> str:
    return f'  {tail} -> {head} [color="{FORWARD}", penwidth=1.6];'


def _backward(tail: str, head: str, label: str) -> str:
    # Drawn tail -> head like the forward edge so the layout keeps its left-to-right ranks;
    # dir=back puts the arrowhead on the tail, so it points backwards, towards the inputs.
    return (
        f'  {tail} -> {head} [dir=back, style=dashed, color="{BACKWARD}", '
        f'fontcolor="{BACKWARD}", label=<{label}>];'
    )


def graph_dot(rec: StepRecord, i: int, pts: PerPoint | None = None) -> str:
    """DOT for point i: forward values in the nodes, local derivatives on the backward edges, and
    at w and b both this point's gradient and the mean over all n points (the record's)."""
    pts = PerPoint.of(rec) if pts is None else pts
    i = check_point(i, pts.n)
    node = pts.node
    g = fmt(pts.dL_dyhat[i])
    if pts.clipped[i]:
        g += f" ({node.clip_note})"
    n = pts.n
    # w·x_i is the one forward value the record does not hold: ŷ_i before b is added.
    with np.errstate(all="ignore"):
        wx = fmt(rec.w * pts.x[i])
    lines = [
        "digraph backprop {",
        # Streamlit draws every label at 9.6 px whatever the DOT says, then scales the drawing to
        # the column; laying out at 10 pt keeps the shapes snug round that text, so it scales up.
        '  rankdir=LR; bgcolor="transparent"; nodesep=0.15; ranksep=0.3;',
        '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled",'
        ' color="#777777", margin="0.14,0.05"];',
        '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.8];',
        _node("x", f"x{_SUB_I}", f"= {fmt(pts.x[i])}", [], "#f2f2f2"),
        _node("y", f"y{_SUB_I}", f"= {fmt(pts.y[i])}", [], "#f2f2f2"),
        _node(
            "w",
            "w",
            f"= {fmt(rec.w)}",
            [f"∂L{_SUB_I}/∂w = {fmt(pts.dL_dw_i[i])}", f"mean ∂L/∂w = {fmt(rec.dL_dw)}"],
            "#fdebd0",
        ),
        _node(
            "b",
            "b",
            f"= {fmt(rec.b)}",
            [f"∂L{_SUB_I}/∂b = {fmt(pts.dL_db_i[i])}", f"mean ∂L/∂b = {fmt(rec.dL_db)}"],
            "#fdebd0",
        ),
        _node(
            "mul",
            "× w",
            f"w·x{_SUB_I} = {wx}",
            [f"∂L{_SUB_I}/∂(w·x{_SUB_I}) = {g}"],
            "#ffffff",
        ),
        _node(
            "add",
            "+ b",
            f"{_YHAT} = {fmt(pts.y_hat[i])}",
            [f"∂L{_SUB_I}/∂{_YHAT} = {g}"],
            "#ffffff",
        ),
        _node(
            "sq",
            node.node_text,
            f"L{_SUB_I} = {fmt(pts.loss_i[i])}",
            [],
            "#ffffff",
        ),
        _node("L", "L = mean of L" + _SUB_I, f"= {fmt(rec.loss)}", [], "#e8f0fb"),
        "  { rank=same; x; w; }",
        "  { rank=same; mul; b; }",
        "  { rank=same; add; y; }",
        _forward("x", "mul"),
        _forward("w", "mul"),
        _forward("mul", "add"),
        _forward("b", "add"),
        _forward("add", "sq"),
        _forward("y", "sq"),
        _forward("sq", "L"),
        _backward("sq", "L", f"∂L/∂L{_SUB_I} = 1/{n}"),
        _backward("add", "sq", f"∂L{_SUB_I}/∂{_YHAT} = {node.local_text}<br/>= {g}"),
        _backward("mul", "add", f"∂{_YHAT}/∂(w·x{_SUB_I}) = 1"),
        _backward("b", "add", f"∂{_YHAT}/∂b = 1"),
        _backward("w", "mul", f"∂(w·x{_SUB_I})/∂w = x{_SUB_I}<br/>= {fmt(pts.x[i])}"),
        "}",
    ]
    return "\n".join(lines)
