"""One epoch of mini-batch updates as a tight scalar loop, bit for bit what ``step`` does.

``step`` calls the optimizer's init/update pair once per batch and records every intermediate,
which costs microseconds per update. Training needs only the parameters and the optimizer state
at the end of each epoch, so these loops inline the same arithmetic, in the same order, on plain
floats: the batch's gradient (``batches``), then the update of ``optimizers``. Any change there
must be mirrored here; tests check that ``train`` equals ``step`` repeated exactly.

Each update rule and each gradient is written once, below, as the lines of a loop body; one loop
per (gradient, optimizer) pair is compiled from them at import. Sharing them through a function
call per update instead would cost about a third of an MSE update.
"""

from __future__ import annotations

import linecache
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from lrviz.core.batches import BatchMeans, PointBatches, point_batch_grad
from lrviz.core.optimizers import OPTIMIZERS, AdamState, GdState, MomentumState, OptState

if TYPE_CHECKING:
    from lrviz.core.training import TrainConfig


class _Rule(NamedTuple):
    """An optimizer on plain floats: read its state, one update from (gw, gb), its new state."""

    setup: str
    update: str
    state: str


_VELOCITY = """
vw = beta * vw + gw
vbias = beta * vbias + gb
"""

# optimizers.gd, momentum (nesterov=False and True) and adam, with nlr = -lr.
_RULES = {
    "gd": _Rule(
        "",
        """
        w = w + nlr * gw
        b = b + nlr * gb
        """,
        "GdState()",
    ),
    "momentum": _Rule(
        "vw, vbias = opt_state.velocity",
        _VELOCITY
        + """
        w = w + nlr * vw
        b = b + nlr * vbias
        """,
        "MomentumState((vw, vbias))",
    ),
    "nesterov": _Rule(
        "vw, vbias = opt_state.velocity",
        _VELOCITY
        + """
        w = w + nlr * (gw + beta * vw)
        b = b + nlr * (gb + beta * vbias)
        """,
        "MomentumState((vw, vbias))",
    ),
    "adam": _Rule(
        """
        t = opt_state.count
        mw, mb = opt_state.mu
        nw, nb = opt_state.nu
        a1 = 1.0 - beta1
        a2 = 1.0 - beta2
        sqrt = math.sqrt
        """,
        """
        mw = beta1 * mw + a1 * gw
        mb = beta1 * mb + a1 * gb
        nw = beta2 * nw + a2 * gw * gw
        nb = beta2 * nb + a2 * gb * gb
        t += 1
        c1 = 1.0 - beta1**t
        c2 = 1.0 - beta2**t
        w = w + nlr * (mw / c1) / (sqrt(nw / c2) + eps)
        b = b + nlr * (mb / c1) / (sqrt(nb / c2) + eps)
        """,
        "AdamState(t, (mw, mb), (nw, nb))",
    ),
}
assert tuple(_RULES) == OPTIMIZERS

# Where (gw, gb) comes from: the loop variable, its setup and the lines that give the gradient.
_GRADIENTS = {
    # MSE: batches.batch_grad's expression on the batch's means, inlined.
    "means": (
        "ub, vb, p, q, s",
        "",
        """
        e = my - w * mx - b
        gw = -2.0 * (p - w * q + e * s)
        gb = -2.0 * (vb - w * ub + e)
        """,
    ),
    # MAE and Huber: batches.point_batch_grad, the function step calls too.
    "points": ("j", "grad = point_batch_grad", "gw, gb = grad(pb, j, mx, my, w, b, loss, delta)"),
}

_SIGNATURE = "w, b, opt_state, batches, mx, my, pb, loss, delta, lr, beta, beta1, beta2, eps"

Loop = Callable[..., tuple[float, float, OptState]]


def _body(lines: str, depth: int) -> str:
    # Every body here is straight-line code: each line at the block's depth.
    return "\n".join("    " * depth + line.strip() for line in lines.splitlines() if line.strip())


def _compile(source: str, optimizer: str) -> Loop:
    """The loop over an epoch's batches for one gradient source and one optimizer."""
    item, setup, gradient = _GRADIENTS[source]
    rule = _RULES[optimizer]
    name = f"advance_{source}_{optimizer}"
    code = "\n".join(
        [
            f"def {name}({_SIGNATURE}):",
            "    nlr = -lr",
            *(_body(lines, 1) for lines in (setup, rule.setup) if lines),
            f"    for {item} in batches:",
            _body(gradient, 2),
            _body(rule.update, 2),
            f"    return w, b, {rule.state}",
            "",
        ]
    )
    filename = f"<lrviz.core.fastpath {name}>"
    # Tracebacks and profilers then show the generated lines.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    namespace = {
        "math": math,
        "point_batch_grad": point_batch_grad,
        "GdState": GdState,
        "MomentumState": MomentumState,
        "AdamState": AdamState,
    }
    exec(compile(code, filename, "exec"), namespace)
    loop: Loop = namespace[name]
    return loop


_LOOPS = {(s, o): _compile(s, o) for s in _GRADIENTS for o in _RULES}


def advance_epoch(
    w: float,
    b: float,
    opt_state: OptState,
    batches: BatchMeans | PointBatches,
    mx: float,
    my: float,
    config: TrainConfig,
) -> tuple[float, float, OptState]:
    """(w, b, optimizer state) after one update per batch, in batch order.

    batches: the epoch's ``batches.batch_means`` (MSE) or ``batches.point_batches`` (MAE and
    Huber); mx, my: the means the batches are centred on; config: the run's optimizer and loss.
    """
    items: Iterable[object]
    if isinstance(batches, BatchMeans):
        m = batches
        items = zip(
            m.ub.tolist(), m.vb.tolist(), m.p.tolist(), m.q.tolist(), m.s.tolist(), strict=True
        )
        loop = _LOOPS["means", config.optimizer]
    else:
        items = range(len(batches.bounds))
        loop = _LOOPS["points", config.optimizer]
    c = config
    return loop(
        w, b, opt_state, items, mx, my, batches, c.loss, c.huber_delta,
        c.lr, c.momentum, c.beta1, c.beta2, c.eps,
    )  # fmt: skip
