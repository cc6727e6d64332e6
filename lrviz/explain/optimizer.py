"""How the optimizer turned each batch's gradient into an update, from the record's own numbers."""

from __future__ import annotations

from lrviz.core import AdamState, MomentumState, StepRecord, TrainConfig, TrainState, UpdateRecord
from lrviz.core.optimizers import OptState, adam_bias_corrected
from lrviz.explain.numbers import fmt, tex, tex_operand
from lrviz.explain.symbols import ALPHA, DL_DB, DL_DW, DLB_DB, DLB_DW, aligned

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
    idx = sorted(int(i) for i in u.indices)
    text = ", ".join(str(i) for i in idx[:limit])
    more = f", … (+{len(idx) - limit} more)" if len(idx) > limit else ""
    word = "point" if len(idx) == 1 else "points"
    return f"{word} {text}{more}"


def _grad_symbols(u: UpdateRecord) -> tuple[str, str]:
    return (DL_DW, DL_DB) if u.indices is None else (DLB_DW, DLB_DB)


def _gd_rows(u: UpdateRecord, config: TrainConfig, after: tuple[float, float]) -> list[str]:
    rows = []
    for p, g_sym, value, g, new in zip(
        "wb", _grad_symbols(u), (u.w, u.b), (u.dL_dw, u.dL_db), after, strict=True
    ):
        rows.append(
            rf"{p} &:= {p} - {ALPHA}\,{g_sym} = {tex(value)} - {tex(config.lr)}"
            rf" \cdot {tex_operand(g)} = {tex(new)}"
        )
    return rows


def _momentum_rows(
    u: UpdateRecord, config: TrainConfig, before: OptState, after: tuple[float, float]
) -> list[str]:
    assert isinstance(before, MomentumState) and isinstance(u.opt_state, MomentumState)
    beta = tex(config.momentum)
    rows = []
    for k, (p, g_sym) in enumerate(zip("wb", _grad_symbols(u), strict=True)):
        g, v_old, v = (u.dL_dw, u.dL_db)[k], before.velocity[k], u.opt_state.velocity[k]
        value, new = (u.w, u.b)[k], after[k]
        rows.append(
            rf"v_{p} &:= \beta\,v_{p} + {g_sym} = {beta} \cdot {tex_operand(v_old)}"
            rf" + {tex_operand(g)} = {tex(v)}"
        )
        if config.optimizer == "nesterov":
            rows.append(
                rf"{p} &:= {p} - {ALPHA}\left({g_sym} + \beta\,v_{p}\right) = {tex(value)}"
                rf" - {tex(config.lr)} \cdot \left({tex(g)} + {beta} \cdot {tex_operand(v)}\right)"
                rf" = {tex(new)}"
            )
        else:
            rows.append(
                rf"{p} &:= {p} - {ALPHA}\,v_{p} = {tex(value)} - {tex(config.lr)}"
                rf" \cdot {tex_operand(v)} = {tex(new)}"
            )
    return rows


def _adam_rows(
    u: UpdateRecord, config: TrainConfig, before: OptState, after: tuple[float, float]
) -> list[str]:
    assert isinstance(before, AdamState) and isinstance(u.opt_state, AdamState)
    s = u.opt_state
    m_hat, v_hat = adam_bias_corrected(s, config.beta1, config.beta2)
    b1, b2, t = tex(config.beta1), tex(config.beta2), s.count
    rows = [rf"t &= {t}"]
    for k, (p, g_sym) in enumerate(zip("wb", _grad_symbols(u), strict=True)):
        g = (u.dL_dw, u.dL_db)[k]
        value, new = (u.w, u.b)[k], after[k]
        rows += [
            rf"m_{p} &:= \beta_1 m_{p} + (1 - \beta_1)\,{g_sym} = {b1} \cdot"
            rf" {tex_operand(before.mu[k])} + (1 - {b1}) \cdot {tex_operand(g)} = {tex(s.mu[k])}",
            rf"v_{p} &:= \beta_2 v_{p} + (1 - \beta_2)\left({g_sym}\right)^2 = {b2} \cdot"
            rf" {tex_operand(before.nu[k])} + (1 - {b2}) \cdot {tex_operand(g)}^2"
            rf" = {tex(s.nu[k])}",
            rf"\hat{{m}}_{p} &= \frac{{m_{p}}}{{1 - \beta_1^{{t}}}} = \frac{{{tex(s.mu[k])}}}"
            rf"{{1 - {b1}^{{{t}}}}} = {tex(m_hat[k])}, \qquad "
            rf"\hat{{v}}_{p} = \frac{{v_{p}}}{{1 - \beta_2^{{t}}}} = \frac{{{tex(s.nu[k])}}}"
            rf"{{1 - {b2}^{{{t}}}}} = {tex(v_hat[k])}",
            rf"{p} &:= {p} - {ALPHA}\,\frac{{\hat{{m}}_{p}}}{{\sqrt{{\hat{{v}}_{p}}} + \epsilon}}"
            rf" = {tex(value)} - {tex(config.lr)} \cdot \frac{{{tex(m_hat[k])}}}"
            rf"{{\sqrt{{{tex(v_hat[k])}}} + {tex(config.eps)}}} = {tex(new)}",
        ]
    return rows


def update_rows(rec: StepRecord, config: TrainConfig, state: TrainState, j: int = 0) -> list[str]:
    """LaTeX rows (aligned on '&') of update j of the epoch, ending in the parameters after it."""
    if not 0 <= j < len(rec.updates):
        raise ValueError(f"This epoch made {len(rec.updates)} updates; there is no update {j}.")
    u, before, after = rec.updates[j], state_before(state, rec, j), params_after(rec, j)
    if config.optimizer in ("momentum", "nesterov"):
        return _momentum_rows(u, config, before, after)
    if config.optimizer == "adam":
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
    return (
        f"Epoch {rec.epoch} made {how}: w went from {fmt(rec.w)} to {fmt(rec.w_new)} "
        f"(Δw = {fmt(rec.delta_w)}) and b from {fmt(rec.b)} to {fmt(rec.b_new)} "
        f"(Δb = {fmt(rec.delta_b)})."
    )
