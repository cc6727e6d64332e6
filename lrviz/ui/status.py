"""The one-line banner above the player: how the run ends, or how its learning rate compares.

Exactly one message is shown at any time, so the panels below never move when it changes.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from lrviz.app.run import Run
from lrviz.catalog.optimizers import OPTIMIZER_NAMES, OPTIMIZER_TABLE
from lrviz.notation.numbers import fmt


class Banner(NamedTuple):
    """kind: error | warning | success | info. text: plain text with **bold** markdown only."""

    kind: str
    text: str


def _limit_phrase(run: Run) -> str:
    config = run.settings.config
    lr, limit = fmt(config.lr), fmt(run.scene.curvature.max_stable_lr, 3)
    plain = OPTIMIZER_TABLE[config.optimizer].stable_limit_exact and config.batch_size is None
    if config.loss != "mse":
        # Only MSE has an exact stable limit; say what the run did, not a bound it lacks.
        return f"α = {lr} is too large for this run on {run.scene.loss_label}"
    if plain and config.lr > run.scene.curvature.max_stable_lr:
        return f"α = {lr} is above the stable limit {limit}"
    name = OPTIMIZER_NAMES[config.optimizer].lower()
    batch = "" if config.batch_size is None else f" with batches of {config.batch_size}"
    return (
        f"α = {lr} is too large for {name}{batch} here "
        f"(plain full-batch gradient descent is stable below {limit})"
    )


def banner(run: Run, epoch: int) -> Banner:
    """The message for run with epoch on screen (pure: the app and its tests share it)."""
    scene = run.scene
    last = scene.last_epoch
    config = run.settings.config
    diverged = scene.history.diverged_at
    if diverged is not None:
        if epoch >= last:
            return Banner(
                "error",
                f"**Diverged at epoch {diverged}:** {_limit_phrase(run)}. "
                f"The panels show the last finite state, epoch {last}.",
            )
        return Banner(
            "warning",
            f"{_limit_phrase(run)}: this run **diverges at epoch {diverged}**. "
            "Press Play to watch it.",
        )
    if run.converged_at is not None and epoch >= run.converged_at:
        return Banner(
            "success",
            f"**Converged at epoch {run.converged_at}:** the loss is within "
            f"{fmt(run.tolerance, 2)} of the optimum's, {fmt(scene.optimum.loss)} "
            "(10⁻¹² of the larger of that loss and the variance of y).",
        )
    if not scene.optimum.unique:
        return Banner("info", scene.optimum.message)
    if run.settings.epochs == 0:
        return Banner(
            "info", "The epoch budget is 0: only the start is shown. Raise it in the sidebar."
        )
    ratio = config.lr / scene.curvature.max_stable_lr
    head = f"**End of the budget, {last} epochs.** " if epoch >= last else ""
    plain = OPTIMIZER_TABLE[config.optimizer].stable_limit_exact and config.batch_size is None
    tail = "" if plain else " That limit is for plain full-batch gradient descent."
    if config.loss == "mae":
        return Banner(
            "info",
            f"{head}MAE has no stable limit: its gradient keeps its size near the minimum, "
            f"so at α = {fmt(config.lr)} gradient descent ends up circling it, closer for a "
            "smaller α.",
        )
    if config.loss == "huber":
        return Banner(
            "info",
            f"{head}α = {fmt(config.lr)} is {fmt(ratio / 2, 2)}× 4/λ_max = "
            f"{fmt(2 * scene.curvature.max_stable_lr, 3)}, below which gradient descent on "
            f"{scene.loss_label} is sure to be stable (2/λ_max is MSE's limit).{tail}",
        )
    return Banner(
        "info",
        f"{head}α = {fmt(config.lr)} is {fmt(ratio, 2)}× the stable limit 2/λ_max = "
        f"{fmt(scene.curvature.max_stable_lr, 3)}.{tail}",
    )


def banner_ui(run: Run, epoch: int) -> Banner:
    """Show the banner for run at epoch; returns it."""
    message = banner(run, epoch)
    show = {"error": st.error, "warning": st.warning, "success": st.success, "info": st.info}
    show[message.kind](message.text)
    return message
