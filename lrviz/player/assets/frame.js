// One epoch on screen: the status line, the panels' subtitles and their moving traces, the
// chain-rule view and the buttons, drawn from the run's arrays. Methods of Player (player.js).

function signed(text) {
  // "−0.06" -> "− 0.06", "0.06" -> "+ 0.06": the intercept as it is read aloud in ŷ = wx + b.
  return text.startsWith("−") ? `− ${text.slice(1)}` : `+ ${text}`;
}

class PlayerFrame {
  draw(full = false) {
    const p = this.p;
    if (!p) return;
    const k = this.epoch;
    const t = p.text;
    // Charts first, text after: plotly measures the page while it draws, and text written
    // before that would make it lay out the whole page again on every frame.
    this.drawFit(k);
    this.drawContour(k);
    this.drawLoss(k);
    if (full && this.show3d && this.bowlReady) this.drawBowl(k);
    this.fields.epoch.textContent = String(k);
    this.fields.loss.textContent = t.loss[k];
    this.fields.w.textContent = t.w[k];
    this.fields.b.textContent = t.b[k];
    this.fields.dw.textContent = t.dw[k];
    this.fields.db.textContent = t.db[k];
    this.scrub.value = String(k);
    // With x standardized the line is trained in z; the subtitle speaks in x's own units.
    const fw = t.fit_w || t.w;
    const fb = t.fit_b || t.b;
    const units = p.fit_units ? ` (${p.fit_units})` : "";
    this.subs.fit.textContent = `ŷ = ${fw[k]}·x ${signed(fb[k])}${units}`;
    this.subs.contour.textContent = `∂L/∂w = ${t.dw[k]}, ∂L/∂b = ${t.db[k]}`;
    this.subs.loss.textContent = `${t.loss[k]} (optimum ${p.optimum_loss_text})`;
    this.dom.dataset.epoch = String(k);
    this.dom.dataset.run = this.run;
    this.drawInfo(k);
    // The chain rule in the same frame, unless it is folded away (the lecture's panel view).
    if (this.chainMode || !this.dom.classList.contains("lrviz-presenting")) this.chain.draw(k);
    this.updateButtons();
  }

  moveTraces(name, updates) {
    // updates: [uid, xs, ys(, zs)] for the moving traces of one panel: drawn by its SVG layer,
    // or (the 3D bowl, which has none) restyled in plotly.
    const slot = this.plots[name];
    if (slot.over) {
      for (const [uid, x, y] of updates) slot.over.set(uid, x, y);
      slot.panel.dataset.epoch = String(this.epoch);
      return;
    }
    const idx = [];
    const update = { x: [], y: [], z: [] };
    for (const [uid, x, y, z] of updates) {
      if (!(uid in slot.idx)) continue;
      idx.push(slot.idx[uid]);
      update.x.push(x);
      update.y.push(y);
      update.z.push(z);
    }
    if (idx.length) restyleSafe(slot, update, idx);
  }

  drawFit(k) {
    const p = this.p;
    const w = p.traj.w[k];
    const b = p.traj.b[k];
    const [x0, x1] = p.geom.fit_x;
    const rx = [];
    const ry = [];
    p.geom.res_x.forEach((x, i) => {
      rx.push(x, x, null);
      ry.push(p.geom.res_y[i], w * x + b, null);
    });
    // The chosen point: its residual drawn bold and a ring around it, at this epoch's line.
    const m = this.mark;
    const pt = m && m.run === this.run && m.point ? m.point : null;
    const seg = pt ? [[pt.x, pt.x], [pt.y, w * pt.x + b]] : [[], []];
    const ring = pt ? [[pt.x], [pt.y]] : [[], []];
    this.moveTraces("fit", [
      [p.uids.fit[0], rx, ry],
      [p.uids.fit[1], [x0, x1], [w * x0 + b, w * x1 + b]],
      [p.uids.fit[2], seg[0], seg[1]],
      [p.uids.fit[3], ring[0], ring[1]],
    ]);
    this.dom.dataset.mark = pt ? String(pt.i) : "";
  }

  arrow(k) {
    const p = this.p;
    const s = p.geom.arrow_scale;
    const w = p.traj.w[k];
    const b = p.traj.b[k];
    return [w, b, w - s * p.traj.dw[k], b - s * p.traj.db[k]];
  }

  drawContour(k) {
    const p = this.p;
    const [w, b, w1, b1] = this.arrow(k);
    const [path, legs, arrow, current] = p.uids.contour;
    // Mini-batch and SGD: the path goes through every update inside the epochs (payload.intra).
    const it = p.intra;
    const end = it ? it.at[k] + 1 : k + 1;
    this.moveTraces("contour", [
      [path, (it || p.traj).w.slice(0, end), (it || p.traj).b.slice(0, end)],
      [legs, [w, w1, w1], [b, b, b1]],
      [arrow, [w, w1], [b, b1]],
      [current, [w], [b]],
      ...this.pinnedAt("contour", k),
    ]);
  }

  pinnedAt(name, k) {
    // Pinned runs up to epoch k (a shorter run stays at its last epoch).
    return (this.plots[name].pinned || []).map((t) => [t.uid, t.x.slice(0, k + 1), t.y.slice(0, k + 1)]);
  }

  drawLoss(k) {
    const p = this.p;
    const floor = p.geom.loss_floor;
    const it = p.intra;
    const ys = (it || p.traj).loss.slice(0, it ? it.at[k] + 1 : k + 1).map((v) => Math.max(v, floor));
    const xs = it ? it.t.slice(0, ys.length) : ys.map((_, i) => i);
    const [soFar, current] = p.uids.loss;
    this.moveTraces("loss", [
      [soFar, xs, ys],
      [current, [k], [ys[ys.length - 1]]],
      ...this.pinnedAt("loss", k),
    ]);
  }

  drawBowl(k) {
    const p = this.p;
    const top = p.geom.bowl_top;
    const z = p.traj.loss.slice(0, k + 1).map((v) => Math.min(v, top));
    const [path, current] = p.uids.bowl;
    this.moveTraces("bowl", [
      [path, p.traj.w.slice(0, k + 1), p.traj.b.slice(0, k + 1), z],
      [current, [p.traj.w[k]], [p.traj.b[k]], [z[k]]],
    ]);
  }

  updateButtons() {
    const last = this.p ? this.p.last : 0;
    const b = this.buttons;
    b.play.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    b.play.setAttribute("aria-label", this.playing ? "Pause" : "Play");
    b.play.setAttribute("aria-pressed", this.playing ? "true" : "false");
    b.back.disabled = b.reset.disabled = this.epoch <= 0;
    b.step.disabled = b.step10.disabled = this.epoch >= last;
    b.play.disabled = last <= 0;
  }
}

addMethods(Player, PlayerFrame);
