"""Agreement with torch: the same trajectories as torch.nn.MSELoss, L1Loss and HuberLoss with
autograd gradients and torch.optim, for every optimizer, full batch and mini-batch, in float64."""

import numpy as np
import pytest
import torch

from lrviz.core import OPTIMIZERS, TrainConfig, init_state, make_dataset, step, train

RTOL = 1e-10

RNG = np.random.default_rng(42)
X = RNG.uniform(-2.0, 4.0, 23)  # 23 points: batches of 5 leave a short last batch
Y = 1.5 * X - 0.7 + RNG.normal(0.0, 0.4, 23)
Y[3] += 12.0  # an outlier, so MAE and Huber see residuals on both sides of delta


def torch_loss(loss: str, delta: float) -> torch.nn.Module:
    if loss == "mse":
        return torch.nn.MSELoss()
    if loss == "mae":
        return torch.nn.L1Loss()
    return torch.nn.HuberLoss(delta=delta)


def torch_optimizer(name: str, params: list[torch.Tensor], lr: float) -> torch.optim.Optimizer:
    if name == "gd":
        return torch.optim.SGD(params, lr=lr)
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=name == "nesterov")
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)


def torch_run(x, y, *, epochs, lr, optimizer, batch_size, seed, loss, delta, w0, b0):
    """(w, b) after each epoch, trained by torch on the batches lrviz documents: a fresh
    np.random.default_rng(seed).permutation(n) per epoch, cut into consecutive batches."""
    n = len(x)
    xt = torch.tensor(x, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(optimizer, [w, b], lr)
    criterion = torch_loss(loss, delta)
    rng = np.random.default_rng(seed)
    out = [(w0, b0)]
    for _ in range(epochs):
        if batch_size is None or batch_size >= n:
            batches = [np.arange(n)]
        else:
            perm = rng.permutation(n)
            batches = [perm[i : i + batch_size] for i in range(0, n, batch_size)]
        for idx in batches:
            ix = torch.from_numpy(np.asarray(idx))
            opt.zero_grad()
            criterion(w * xt[ix] + b, yt[ix]).backward()
            opt.step()
        out.append((w.item(), b.item()))
    return np.array(out)


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 5, 1])
def test_trajectory_matches_torch(loss, optimizer, batch_size):
    lr = 0.02 if optimizer == "adam" else 0.01
    kw = dict(lr=lr, optimizer=optimizer, batch_size=batch_size, seed=7)
    delta = 0.8
    hist = train(X, Y, epochs=30, w0=0.3, b0=-0.2, loss=loss, huber_delta=delta, **kw)
    ref = torch_run(X, Y, epochs=30, loss=loss, delta=delta, w0=0.3, b0=-0.2, **kw)
    got = np.column_stack([hist.w, hist.b])
    assert got.shape == ref.shape
    scale = np.abs(ref).max(axis=1)
    assert np.max(np.abs(got - ref).max(axis=1) / scale) <= RTOL


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_full_batch_loss_and_gradient_match_autograd(loss):
    w0, b0, delta = 0.9, 0.4, 1.3
    hist = train(X, Y, epochs=0, w0=w0, b0=b0, lr=0.01, loss=loss, huber_delta=delta)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    value = torch_loss(loss, delta)(w * torch.tensor(X) + b, torch.tensor(Y))
    value.backward()
    assert hist.loss[0] == pytest.approx(value.item(), rel=RTOL)
    assert hist.dw[0] == pytest.approx(w.grad.item(), rel=RTOL)
    assert hist.db[0] == pytest.approx(b.grad.item(), rel=RTOL)


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_step_records_the_loss_node_as_autograd_sees_it(loss):
    data = make_dataset(X, Y)
    config = TrainConfig(lr=0.01, loss=loss, huber_delta=0.5)
    _, rec = step(init_state(data, config, 1.2, 0.1), data, config)
    y_hat = torch.tensor(1.2 * X + 0.1, dtype=torch.float64, requires_grad=True)
    per_point = torch_loss(loss, 0.5)
    per_point.reduction = "sum"  # sum: d(sum L_i)/d y_hat_i = dL_i/dy_hat_i, point by point
    per_point(y_hat, torch.tensor(Y)).backward()
    np.testing.assert_allclose(rec.dL_dyhat, y_hat.grad.numpy(), rtol=1e-12, atol=0)
    per_point.reduction = "none"
    np.testing.assert_allclose(
        rec.loss_i, per_point(y_hat, torch.tensor(Y)).detach().numpy(), rtol=1e-12
    )


def test_mae_subgradient_at_zero_is_zero_as_in_torch():
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 2.0, 5.0])  # (w, b) = (1, 0) fits the first two points exactly
    data = make_dataset(x, y)
    config = TrainConfig(lr=0.01, loss="mae")
    _, rec = step(init_state(data, config, 1.0, 0.0), data, config)
    y_hat = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch.nn.L1Loss(reduction="sum")(y_hat, torch.tensor(y)).backward()
    np.testing.assert_array_equal(rec.dL_dyhat, y_hat.grad.numpy())
    np.testing.assert_array_equal(rec.dL_dyhat, [0.0, 0.0, -1.0])
