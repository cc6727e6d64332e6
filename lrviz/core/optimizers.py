"""Optimizers as optax-style init/update pairs over the pair (w, b), matching torch.optim.

An optimizer turns a gradient into an update: ``updates, state = opt.update(grads, state)``, then
the parameters move by ``p + updates``. Every state is an immutable NamedTuple, so a training step
stays a pure function.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

Pair = tuple[float, float]
"""Values for (w, b)."""

OPTIMIZERS = ("gd", "momentum", "nesterov", "adam")


class GdState(NamedTuple):
    """Plain gradient descent keeps no state."""


class MomentumState(NamedTuple):
    """Velocity v for (w, b), in gradient units."""

    velocity: Pair


class AdamState(NamedTuple):
    """Step count t and the running moments m (of g) and v (of g^2) for (w, b)."""

    count: int
    mu: Pair
    nu: Pair


OptState = GdState | MomentumState | AdamState


class Optimizer(NamedTuple):
    """A pure pair: ``init(params) -> state`` and ``update(grads, state) -> (updates, state)``."""

    init: Callable[[Pair], OptState]
    update: Callable[[Pair, OptState], tuple[Pair, OptState]]


def gd(lr: float) -> Optimizer:
    """torch.optim.SGD: p := p - lr*g."""

    def init(params: Pair) -> GdState:
        return GdState()

    def update(grads: Pair, state: OptState) -> tuple[Pair, OptState]:
        return (-lr * grads[0], -lr * grads[1]), state

    return Optimizer(init, update)


def momentum(lr: float, beta: float, nesterov: bool = False) -> Optimizer:
    """torch.optim.SGD(momentum=beta, dampening=0): v := beta*v + g, p := p - lr*v.

    With nesterov=True the step looks ahead along the new velocity: p := p - lr*(g + beta*v).
    torch starts v at g on the first step, which is beta*0 + g, so v starts at zero here.
    """

    def init(params: Pair) -> MomentumState:
        return MomentumState((0.0, 0.0))

    def update(grads: Pair, state: OptState) -> tuple[Pair, OptState]:
        assert isinstance(state, MomentumState)
        v = tuple(beta * vi + gi for vi, gi in zip(state.velocity, grads, strict=True))
        direction = (
            tuple(gi + beta * vi for gi, vi in zip(grads, v, strict=True)) if nesterov else v
        )
        return (-lr * direction[0], -lr * direction[1]), MomentumState((v[0], v[1]))

    return Optimizer(init, update)


def adam_bias_corrected(state: AdamState, beta1: float, beta2: float) -> tuple[Pair, Pair]:
    """(m_hat, v_hat) = (m / (1 - beta1^t), v / (1 - beta2^t)): the moments without start bias."""
    c1 = 1.0 - beta1**state.count
    c2 = 1.0 - beta2**state.count
    return (state.mu[0] / c1, state.mu[1] / c1), (state.nu[0] / c2, state.nu[1] / c2)


def adam(lr: float, beta1: float, beta2: float, eps: float) -> Optimizer:
    """torch.optim.Adam: p := p - lr * m_hat / (sqrt(v_hat) + eps), eps added after the root."""

    def init(params: Pair) -> AdamState:
        return AdamState(0, (0.0, 0.0), (0.0, 0.0))

    def update(grads: Pair, state: OptState) -> tuple[Pair, OptState]:
        assert isinstance(state, AdamState)
        mu = tuple(beta1 * m + (1.0 - beta1) * g for m, g in zip(state.mu, grads, strict=True))
        nu = tuple(beta2 * v + (1.0 - beta2) * g * g for v, g in zip(state.nu, grads, strict=True))
        new = AdamState(state.count + 1, (mu[0], mu[1]), (nu[0], nu[1]))
        m_hat, v_hat = adam_bias_corrected(new, beta1, beta2)
        updates = tuple(-lr * m / (math.sqrt(v) + eps) for m, v in zip(m_hat, v_hat, strict=True))
        return (updates[0], updates[1]), new

    return Optimizer(init, update)
