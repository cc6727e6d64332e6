"""How the optimizer turned each batch's gradient into an update, from the record's own numbers."""

from __future__ import annotations

import numpy as np

from lrviz.catalog.optimizers import uses
from lrviz.core import AdamState, MomentumState, StepRecord, TrainConfig, TrainState, UpdateRecord
from lrviz.core.optimizers import OptState, adam_bias_corrected
from lrviz.explain.recompute import fit
from lrviz.explain.symbols import ALPHA, DL_DB, DL_DW, DLB_DB, DLB_DW, aligned
from lrviz.notation.numbers import fmt

POINTS_SHOWN = 20
"""A batch lists at most this many of its point numbers."""


def state_before(state: TrainState, rec: StepRecord, j: int) -> OptState:
    """Optimizer state before update j: the epoch's starting state, else update j-1's result."""
    return state.opt_state if j == 0 else rec.updates[j - 1].opt_state


def params_after(rec: StepRecord, j: int) -> tuple[float, float]:
    """(w, b) after update j, as the record holds them: the next update's start, or the new w, b."""
    if j + 1 < len(rec.updates):
        nxt = rec.updates[j + 1]
        return nxt.w, nxt.b
    return rec.w_new, rec.b_new


def batch_points(u: UpdateRecord, n: int, limit: int = POINTS_SHOWN) -> str:
    """'all 5 points' or 'points 0, 3, 4' (sorted), cut after `limit` with '… (+k more)'."""
    if u.indices is None:
        return f"all {n} points"
    # Only the first `limit` are written: a partial sort keeps this O(batch) for any batch.
    size = len(u.indices)
    idx = np.asarray(u.indices)
    if size > limit:
        idx = np.partition(idx, limit - 1)[:limit]
    text = ", ".join(str(int(i)) for i in np.sort(idx)[:limit])
    more = f", … (+{size - limit} more)" if size > limit else ""
    word = "point" if size == 1 else "points"
    return f"{word} {text}{more}"


def _grad_symbols(u: UpdateRecord) -> tuple[str, str]:
    return (DL_DW, DL_DB) if u.indices is None else (DLB_DW, DLB_DB)


def _gd_rows(u: UpdateRecord, config: TrainConfig, after: tuple[float, float]) -> list[str]:
    rows = []
    lr = config.lr
    for p, g_sym, value, g, new in zip(
        "wb", _grad_symbols(u), (u.w, u.b), (u.dL_dw, u.dL_db), after, strict=True
    ):
        rows.append(_descent_row(p, g_sym, value, lr, g, new))
    return rows


def _descent_row(p: str, d_sym: str, value: float, lr: float, d: float, new: float) -> str:
    """p := p - alpha d with its numbers: gd's step along the gradient, momentum's along v."""
    s = fit(lambda p, a, d: p - a * d, (value, lr, d), new)
    return (
        rf"{p} &:= {p} - {ALPHA}\,{d_sym} = {s.value(value)} - {s.value(lr)}"
        rf" \cdot {s.operand(d)} = {s.answer}"
    )


def _momentum_rows(
    u: UpdateRecord, config: TrainConfig, before: OptState, after: tuple[float, float]
) -> list[str]:
    assert isinstance(before, MomentumState) and isinstance(u.opt_state, MomentumState)
    beta, lr = config.momentum, config.lr
    rows = []
    for k, (p, g_sym) in enumerate(zip("wb", _grad_symbols(u), strict=True)):
        g, v_old, v = (u.dL_dw, u.dL_db)[k], before.velocity[k], u.opt_state.velocity[k]
        value, new = (u.w, u.b)[k], after[k]
        s = fit(lambda b, v, g: b * v + g, (beta, v_old, g), v)
        rows.append(
            rf"v_{p} &:= \beta\,v_{p} + {g_sym} = {s.value(beta)} \cdot {s.operand(v_old)}"
            rf" + {s.operand(g)} = {s.answer}"
        )
        if config.optimizer == "nesterov":
            s = fit(lambda p, a, g, b, v: p - a * (g + b * v), (value, lr, g, beta, v), new)
            rows.append(
                rf"{p} &:= {p} - {ALPHA}\left({g_sym} + \beta\,v_{p}\right) = {s.value(value)}"
                rf" - {s.value(lr)} \cdot \left({s.value(g)} + {s.value(beta)} \cdot"
                rf" {s.operand(v)}\right) = {s.answer}"
            )
        else:
            rows.append(_descent_row(p, f"v_{p}", value, lr, v, new))
    return rows


def _adam_rows(
    u: UpdateRecord, config: TrainConfig, before: OptState, after: tuple[float, float]
) -> list[str]:
    assert isinstance(before, AdamState) and isinstance(u.opt_state, AdamState)
    st = u.opt_state
    m_hat, v_hat = adam_bias_corrected(st, config.beta1, config.beta2)
    b1, b2, t, lr, eps = config.beta1, config.beta2, st.count, config.lr, config.eps
    rows = [rf"t &= {t}"]
    for k, (p, g_sym) in enumerate(zip("wb", _grad_symbols(u), strict=True)):
        g = (u.dL_dw, u.dL_db)[k]
        value, new = (u.w, u.b)[k], after[k]
        sm = fit(lambda b, m, g: b * m + (1 - b) * g, (b1, before.mu[k], g), st.mu[k])
        sv = fit(lambda b, v, g: b * v + (1 - b) * g * g, (b2, before.nu[k], g), st.nu[k])
        hm = fit(lambda m, b: m / (1 - b**t), (st.mu[k], b1), m_hat[k])
        hv = fit(lambda v, b: v / (1 - b**t), (st.nu[k], b2), v_hat[k])
        su = fit(
            lambda p, a, m, v, e: p - a * m / (v.sqrt() + e),
            (value, lr, m_hat[k], v_hat[k], eps),
            new,
        )
        rows += [
            rf"m_{p} &:= \beta_1 m_{p} + (1 - \beta_1)\,{g_sym} = {sm.value(b1)} \cdot"
            rf" {sm.operand(before.mu[k])} + (1 - {sm.value(b1)}) \cdot {sm.operand(g)}"
            rf" = {sm.answer}",
            rf"v_{p} &:= \beta_2 v_{p} + (1 - \beta_2)\left({g_sym}\right)^2 = {sv.value(b2)}"
            rf" \cdot {sv.operand(before.nu[k])} + (1 - {sv.value(b2)}) \cdot {sv.operand(g)}^2"
            rf" = {sv.answer}",
            rf"\hat{{m}}_{p} &= \frac{{m_{p}}}{{1 - \beta_1^{{t}}}} = \frac{{{hm.value(st.mu[k])}}}"
            rf"{{1 - {hm.value(b1)}^{{{t}}}}} = {hm.answer}, \qquad "
            rf"\hat{{v}}_{p} = \frac{{v_{p}}}{{1 - \beta_2^{{t}}}} = \frac{{{hv.value(st.nu[k])}}}"
            rf"{{1 - {hv.value(b2)}^{{{t}}}}} = {hv.answer}",
            rf"{p} &:= {p} - {ALPHA}\,\frac{{\hat{{m}}_{p}}}{{\sqrt{{\hat{{v}}_{p}}} + \epsilon}}"
            rf" = {su.value(value)} - {su.value(lr)} \cdot \frac{{{su.value(m_hat[k])}}}"
            rf"{{\sqrt{{{su.value(v_hat[k])}}} + {su.value(eps)}}} = {su.answer}",
        ]
    return rows


def update_rows(rec: StepRecord, config: TrainConfig, state: TrainState, j: int = 0) -> list[str]:
    """LaTeX rows (aligned on '&') of update j of the epoch, ending in the parameters after it."""
    if not 0 <= j < len(rec.updates):
        raise ValueError(f"This epoch made {len(rec.updates)} updates; there is no update {j}.")
    u, before, after = rec.updates[j], state_before(state, rec, j), params_after(rec, j)
    if uses(config.optimizer, "momentum"):
        return _momentum_rows(u, config, before, after)
    if uses(config.optimizer, "beta1"):
        return _adam_rows(u, config, before, after)
    return _gd_rows(u, config, after)


def update_tex(rec: StepRecord, config: TrainConfig, state: TrainState, j: int = 0) -> str:
    """Update j as one aligned LaTeX block. `state` is record_at's state (the epoch's start)."""
    return aligned(update_rows(rec, config, state, j))


def state_text(s: OptState) -> str:
    """The optimizer's state in plain text: '', 'v = (…, …)', or 't = 3, m = (…), v = (…)'."""
    if isinstance(s, MomentumState):
        return f"v = ({fmt(s.velocity[0])}, {fmt(s.velocity[1])})"
    if isinstance(s, AdamState):
        m, v = s.mu, s.nu
        return f"t = {s.count}, m = ({fmt(m[0])}, {fmt(m[1])}), v = ({fmt(v[0])}, {fmt(v[1])})"
    return ""


def update_table(rec: StepRecord, start: int = 0, count: int = 50) -> dict[str, list[str]]:
    """Columns of plain text for updates start … start+count-1 of the epoch, one row each."""
    cols: dict[str, list[str]] = {
        k: []
        for k in (
            "update",
            "batch",
            "batch loss",
            "∂L/∂w",
            "∂L/∂b",
            "Δw",
            "Δb",
            "w after",
            "b after",
            "optimizer state",
        )
    }
    n = len(rec.x)
    for j in range(max(0, start), min(len(rec.updates), start + count)):
        u = rec.updates[j]
        w_after, b_after = params_after(rec, j)
        values = (
            str(j),
            batch_points(u, n),
            fmt(u.loss),
            fmt(u.dL_dw),
            fmt(u.dL_db),
            fmt(u.delta_w),
            fmt(u.delta_b),
            fmt(w_after),
            fmt(b_after),
            state_text(u.opt_state),
        )
        for key, value in zip(cols, values, strict=True):
            cols[key].append(value)
    return cols


def epoch_summary(rec: StepRecord, config: TrainConfig) -> str:
    """One plain sentence on how many updates the epoch made and how w and b moved in total."""
    k = len(rec.updates)
    if k == 1 and rec.updates[0].indices is None:
        how = "one update on all points"
    elif config.batch_size == 1:
        how = f"{k} updates, one per point, in shuffled order"
    else:
        size = config.batch_size
        how = f"{k} updates, one per shuffled batch of {size} points (the last may have fewer)"
    # "from a to c (Δ = d)" is arithmetic too: a and c get the digits that make c - a give d.
    sw = fit(lambda a, c: c - a, (rec.w, rec.w_new), rec.delta_w)
    sb = fit(lambda a, c: c - a, (rec.b, rec.b_new), rec.delta_b)
    return (
        f"Epoch {rec.epoch} made {how}: w went from {fmt(rec.w, sw.digits)} to "
        f"{fmt(rec.w_new, sw.digits)} (Δw = {fmt(sw.result)}) and b from {fmt(rec.b, sb.digits)} "
        f"to {fmt(rec.b_new, sb.digits)} (Δb = {fmt(sb.result)})."
    )
