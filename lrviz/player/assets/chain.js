// The chain-rule view: backprop for one data point at the epoch on screen, redrawn with every
// frame of the player. Python formats every number (payload.chain for the run, mark.chain for
// the followed point); this file only places the strings. Loaded ahead of player.js, in the
// same module. The loss node's words come from Python too (chain.lossnode): this file does not
// know one loss from another.

// Parts of the maths, written once so every row spells them alike.
const SYM = {
  yh: "ŷ<sub>i</sub>",
  y: "y<sub>i</sub>",
  x: "x<sub>i</sub>",
  Li: "L<sub>i</sub>",
  alpha: "α",
};

function frac(top, bottom) {
  return `<span class="lrviz-frac"><span>${top}</span><span>${bottom}</span></span>`;
}

function d(top, bottom) {
  return frac(`∂${top}`, `∂${bottom}`);
}

// A number after an operator: in parentheses when negative or a power of ten, as in the article.
function operand(text) {
  return text.startsWith("−") || text.includes("×") ? `(${text})` : text;
}

// fmt text back to a number, only for the length of a bar ("−1.5×10⁻³" -> -0.0015).
const SUPER = { "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9" };
function parseFmt(text) {
  if (!text) return NaN;
  const [mant, exp] = text.replace("−", "-").split("×10");
  const e = exp ? Number([...exp].map((c) => SUPER[c] || "").join("")) : 0;
  return Number(mant) * 10 ** e;
}

const OPT_NAMES = { gd: "gradient descent", momentum: "momentum", nesterov: "Nesterov momentum", adam: "Adam" };

class ChainView {
  constructor(player) {
    this.player = player;
    this.dom = el("section", { class: "lrviz-chain", "data-testid": "lrviz-chain", "aria-label": "Chain rule" });
    const head = el("div", { class: "lrviz-chain-head" });
    this.title = el("span", { class: "lrviz-chain-title", "data-chain": "title" }, "");
    const follow = el("label", { class: "lrviz-chain-follow", title: "The data point to follow (a click on a point in the fit panel chooses it too)" });
    this.pointSelect = el("select", { "data-ctl": "point", "aria-label": "Point to follow" });
    this.pointSelect.addEventListener("change", () => this.choose(Number(this.pointSelect.value)));
    this.pointNumber = el("input", { type: "number", min: "0", step: "1", "data-ctl": "point-number", "aria-label": "Point number", hidden: "" });
    this.pointNumber.addEventListener("change", () => this.choose(Number(this.pointNumber.value)));
    follow.append("Follow ", this.pointSelect, this.pointNumber);
    head.append(this.title, follow);
    this.graph = el("div", { class: "lrviz-graph", "data-chain": "graph" });
    const cols = el("div", { class: "lrviz-chain-cols" });
    this.left = el("div", { class: "lrviz-eqs", "data-chain": "point" });
    this.right = el("div", { class: "lrviz-eqs", "data-chain": "update" });
    this.pullBox = el("div", { class: "lrviz-pulls", "data-chain": "pulls" });
    cols.append(this.left, this.right, this.pullBox);
    this.dom.append(head, this.graph, cols);
    this.slots = []; // [span, (k) => text]: the places a number goes, refilled every frame
    this.c = null; // payload.chain of the run
    this.pt = null; // mark.chain: the followed point
    this.shownEpoch = -1;
  }

  // ---- building: once per run or point ------------------------------------------------------

  setRun(chain) {
    this.c = chain;
    this.pt = null;
    this.build();
  }

  setPoint(point) {
    // point: {i, x, y, yh, wx, li, g, gw, note} with lists by epoch, for the run on screen.
    this.pt = point;
    this.build();
  }

  choose(i) {
    if (!Number.isInteger(i) || !this.c || i < 0 || i >= this.c.n) return;
    this.player.setTrigger("point", i);
  }

  slot(fn, attrs = {}) {
    const span = el("span", { class: "lrviz-v", ...attrs });
    this.slots.push([span, fn]);
    return span;
  }

  // A row from parts: strings are static HTML, functions are numbers that change each epoch.
  row(parts, attrs = {}) {
    const row = el("div", { class: "lrviz-eq", ...attrs });
    for (const part of parts) {
      if (typeof part === "function") row.append(this.slot(part));
      else if (part instanceof Node) row.append(part);
      else row.insertAdjacentHTML("beforeend", part);
    }
    return row;
  }

  build() {
    this.slots = [];
    this.shownEpoch = -1;
    this.graph.replaceChildren();
    this.left.replaceChildren();
    this.right.replaceChildren();
    this.pullBox.replaceChildren();
    const c = this.c;
    const p = this.player.p;
    if (!c || !p) return;
    this.buildPointMenu();
    const pt = this.pt && this.pt.i < c.n ? this.pt : null;
    if (pt) {
      this.buildGraph(pt);
      this.buildPoint(pt);
    } else {
      this.left.append(el("div", { class: "lrviz-eq lrviz-wait" }, "Loading the followed point's numbers…"));
    }
    this.buildUpdate();
    this.buildPulls();
    this.draw(this.player.epoch, true);
  }

  buildPointMenu() {
    const c = this.c;
    const pulls = c.pulls;
    const current = this.pt ? this.pt.i : 0;
    const listed = [...pulls.points];
    if (!listed.includes(current)) listed.push(current);
    listed.sort((a, b) => a - b);
    this.pointSelect.replaceChildren();
    for (const i of listed) {
      const j = pulls.points.indexOf(i);
      const label = j >= 0 ? `point ${i}: x = ${pulls.x[j]}, y = ${pulls.y[j]}` : `point ${i}`;
      const option = el("option", { value: String(i) }, label);
      if (i === current) option.selected = true;
      this.pointSelect.append(option);
    }
    // Past the listed points any point can be typed.
    this.pointNumber.hidden = c.n <= pulls.points.length;
    this.pointNumber.max = String(c.n - 1);
    this.pointNumber.value = String(current);
  }

  node(cls, title, lines) {
    const box = el("div", { class: `lrviz-node ${cls}` });
    box.append(this.row([`<b>${title}</b>`], { class: "lrviz-node-title" }));
    for (const [kind, parts] of lines) box.append(this.row(parts, { class: `lrviz-${kind}` }));
    return box;
  }

  edge(cls, arrow, parts, attrs = {}) {
    const box = el("div", { class: `lrviz-edge ${cls}` });
    box.append(el("div", { class: "lrviz-fwd" }, arrow));
    if (parts) box.append(this.row(parts, { class: "lrviz-bwd", ...attrs }));
    return box;
  }

  // The words a clipped point carries ("(clipped at ±1)"), outside the numbers (.lrviz-v).
  note(pt) {
    return this.slot((k) => (pt.note ? pt.note[k] : ""), { class: "lrviz-clip" });
  }

  buildGraph(pt) {
    const t = this.player.p.text;
    const lx = this.c.lossnode;
    const n = this.c.n;
    const g = this.graph;
    // Row 1: the forward chain for point i; row 2: arrows up from the inputs; row 3: inputs.
    g.append(
      this.node("lrviz-n-x", SYM.x, [["fwd", ["= ", () => pt.x]]]),
      this.edge("lrviz-e-h", "→", null),
      this.node("lrviz-n-mul", "× w", [
        ["fwd", [`w·${SYM.x} = `, (k) => pt.wx[k]]],
        ["bwd", [`∂${SYM.Li}/∂(w·${SYM.x}) = `, (k) => pt.g[k]]],
      ]),
      this.edge("lrviz-e-h", "→", [`← ∂${SYM.yh}/∂(w·${SYM.x}) = 1`]),
      this.node("lrviz-n-add", "+ b", [
        ["fwd", [`${SYM.yh} = `, (k) => pt.yh[k]]],
        ["bwd", [`∂${SYM.Li}/∂${SYM.yh} = `, (k) => pt.g[k]]],
      ]),
      this.edge("lrviz-e-h", "→", [`← ∂${SYM.Li}/∂${SYM.yh} = ${lx.local} = `, (k) => pt.g[k], this.note(pt)], { "data-chain": "local-label" }),
      this.node("lrviz-n-sq", lx.node, [
        ["fwd", [`${SYM.Li} = `, (k) => pt.li[k]]],
        ["bwd", [`∂L/∂${SYM.Li} = 1/${n}`]],
      ]),
      this.edge("lrviz-e-h", "→", [`← ∂L/∂${SYM.Li} = 1/${n}`]),
      this.node("lrviz-n-L", "L = mean of L<sub>i</sub>", [["fwd", ["= ", (k) => t.loss[k]]]]),
      this.edge("lrviz-e-v lrviz-at-mul", "↑", [`← ∂(w·${SYM.x})/∂w = ${SYM.x} = `, () => pt.x]),
      this.edge("lrviz-e-v lrviz-at-add", "↑", [`← ∂${SYM.yh}/∂b = 1`]),
      this.edge("lrviz-e-v lrviz-at-sq", "↑", null),
      this.node("lrviz-n-w lrviz-param", "w", [
        ["fwd", ["= ", (k) => t.w[k]]],
        ["bwd", [`∂${SYM.Li}/∂w = `, (k) => pt.gw[k]]],
        ["bwd lrviz-mean", ["mean ∂L/∂w = ", (k) => t.dw[k]]],
      ]),
      this.node("lrviz-n-b lrviz-param", "b", [
        ["fwd", ["= ", (k) => t.b[k]]],
        ["bwd", [`∂${SYM.Li}/∂b = `, (k) => pt.g[k]]],
        ["bwd lrviz-mean", ["mean ∂L/∂b = ", (k) => t.db[k]]],
      ]),
      this.node("lrviz-n-y", SYM.y, [["fwd", ["= ", () => pt.y]]]),
    );
  }

  buildPoint(pt) {
    const t = this.player.p.text;
    const L = this.left;
    const lx = this.c.lossnode;
    L.append(el("div", { class: "lrviz-eqs-head" }, `Point ${pt.i}, step by step (loss: ${lx.name})`));
    L.append(
      this.row([`${SYM.yh} = w·${SYM.x} + b = `, (k) => operand(t.w[k]), " · ", () => operand(pt.x), " + ", (k) => operand(t.b[k]), " = ", (k) => pt.yh[k]], { "data-eq": "forward" }),
      this.row([`${SYM.Li} = ${lx.loss} = ${lx.loss_open}`, () => pt.y, " − ", (k) => operand(pt.yh[k]), `${lx.loss_close} = `, (k) => pt.li[k]], { "data-eq": "loss" }),
      this.row([`${d(SYM.Li, SYM.yh)} = ${lx.local} = ${lx.local_open}`, () => pt.y, " − ", (k) => operand(pt.yh[k]), `${lx.local_close} = `, (k) => pt.g[k], this.note(pt)], { "data-eq": "local" }),
      this.row([`${d(SYM.yh, "w")} = ${SYM.x} = `, () => pt.x, `, &nbsp; ${d(SYM.yh, "b")} = 1`], { "data-eq": "locals" }),
      this.row([`${d(SYM.Li, "w")} = ${d(SYM.Li, SYM.yh)}·${d(SYM.yh, "w")} = `, (k) => operand(pt.g[k]), " · ", () => operand(pt.x), " = ", (k) => pt.gw[k]], { "data-eq": "chain-w" }),
      this.row([`${d(SYM.Li, "b")} = ${d(SYM.Li, SYM.yh)}·${d(SYM.yh, "b")} = `, (k) => operand(pt.g[k]), " · 1 = ", (k) => pt.g[k]], { "data-eq": "chain-b" }),
      el("div", { class: "lrviz-eq lrviz-same", "data-chain": "same" }, lx.same),
    );
    if (lx.convention) L.append(el("div", { class: "lrviz-eq lrviz-same", "data-chain": "convention" }, lx.convention));
  }

  mean(param) {
    // ∂L/∂w = (1/n) Σ ∂L_i/∂w, with the terms written out when every point is listed and few.
    const c = this.c;
    const t = this.player.p.text;
    const pulls = c.pulls;
    const values = param === "w" ? pulls.pw : pulls.pb;
    const parts = [`${d("L", param)} = ${frac("1", "n")}Σ<sub>i</sub> ${d(SYM.Li, param)} = `];
    if (c.n <= 5 && pulls.points.length === c.n) {
      parts.push(`${frac("1", String(c.n))}(`);
      values.forEach((list, j) => {
        if (j === 0) parts.push((k) => list[k]);
        else parts.push((k) => (list[k].startsWith("−") ? ` − ${list[k].slice(1)}` : ` + ${list[k]}`));
      });
      parts.push(") = ");
    }
    parts.push((k) => (param === "w" ? t.dw[k] : t.db[k]));
    return this.row(parts, { "data-eq": `mean-${param}` });
  }

  buildUpdate() {
    const c = this.c;
    const t = this.player.p.text;
    const R = this.right;
    R.append(el("div", { class: "lrviz-eqs-head" }, `All ${c.n} points, then the update (${OPT_NAMES[c.opt] || c.opt}, α = ${c.lr})`));
    R.append(this.mean("w"), this.mean("b"));
    this.stepRows = el("div", { class: "lrviz-steprows" });
    this.endRow = el("div", { class: "lrviz-eq lrviz-end", "data-eq": "end", hidden: "" }, "");
    R.append(this.stepRows, this.endRow);
    const S = this.stepRows;
    const next = (list) => (k) => list[k + 1];
    // The gradient update 0 uses: the full-data mean, or its batch's mean.
    const gw = c.mini ? (k) => c.gw[k] : (k) => t.dw[k];
    const gb = c.mini ? (k) => c.gb[k] : (k) => t.db[k];
    const w1 = c.mini ? (k) => c.w1[k] : next(t.w);
    const b1 = c.mini ? (k) => c.b1[k] : next(t.b);
    const gsym = (p) => (c.mini ? d("L<sub>B</sub>", p) : d("L", p));
    // The optimizer's state before update 0: sent per epoch with mini-batches; on the full
    // batch it is the state after the epoch before (the start's for epoch 0).
    const prior = (name, after) => (c[name] ? (k) => c[name][k] : (k) => (k === 0 ? c.first[name] : after[k - 1]));
    if (c.mini) {
      S.append(this.row([`Update 1 of ${c.updates} this epoch uses `, (k) => c.batch[k], ": batch loss L<sub>B</sub> = ", (k) => c.bl[k], `, ${gsym("w")} = `, gw, `, ${gsym("b")} = `, gb], { "data-eq": "batch" }));
    }
    if (c.opt === "gd") {
      S.append(
        this.row([`w := w − α·${gsym("w")} = `, (k) => t.w[k], ` − ${c.lr} · `, (k) => operand(gw(k)), " = ", w1], { "data-eq": "update-w" }),
        this.row([`b := b − α·${gsym("b")} = `, (k) => t.b[k], ` − ${c.lr} · `, (k) => operand(gb(k)), " = ", b1], { "data-eq": "update-b" }),
      );
    } else if (c.opt === "momentum" || c.opt === "nesterov") {
      for (const [p, g, v0, v, after, now] of [["w", gw, prior("v0w", c.vw), c.vw, w1, t.w], ["b", gb, prior("v0b", c.vb), c.vb, b1, t.b]]) {
        S.append(this.row([`v<sub>${p}</sub> := β·v<sub>${p}</sub> + ${gsym(p)} = ${c.beta} · `, (k) => operand(v0(k)), " + ", (k) => operand(g(k)), " = ", (k) => v[k]], { "data-eq": `velocity-${p}` }));
        if (c.opt === "nesterov") {
          S.append(this.row([`${p} := ${p} − α(${gsym(p)} + β·v<sub>${p}</sub>) = `, (k) => now[k], ` − ${c.lr} · (`, (k) => g(k), ` + ${c.beta} · `, (k) => operand(v[k]), ") = ", after], { "data-eq": `update-${p}` }));
        } else {
          S.append(this.row([`${p} := ${p} − α·v<sub>${p}</sub> = `, (k) => now[k], ` − ${c.lr} · `, (k) => operand(v[k]), " = ", after], { "data-eq": `update-${p}` }));
        }
      }
    } else if (c.opt === "adam") {
      S.append(this.row(["Adam, step t = ", (k) => c.t[k], `: β₁ = ${c.beta1}, β₂ = ${c.beta2}, ε = ${c.eps}`], { "data-eq": "adam-t" }));
      // w in full, step by step; b the same way in one line, so the view fits a projector.
      const m0 = prior("m0w", c.mw), s0 = prior("s0w", c.sw);
      S.append(
        this.row([`m<sub>w</sub> := β₁m<sub>w</sub> + (1 − β₁)${gsym("w")} = ${c.beta1} · `, (k) => operand(m0(k)), ` + ${c.c1} · `, (k) => operand(gw(k)), " = ", (k) => c.mw[k]], { "data-eq": "m-w" }),
        this.row([`v<sub>w</sub> := β₂v<sub>w</sub> + (1 − β₂)(${gsym("w")})² = ${c.beta2} · `, (k) => operand(s0(k)), ` + ${c.c2} · `, (k) => operand(gw(k)), "² = ", (k) => c.sw[k]], { "data-eq": "v-w" }),
        this.row([`m̂<sub>w</sub> = m<sub>w</sub>/(1 − β₁<sup>t</sup>) = `, (k) => c.mhw[k], `, &nbsp;v̂<sub>w</sub> = v<sub>w</sub>/(1 − β₂<sup>t</sup>) = `, (k) => c.shw[k]], { "data-eq": "hat-w" }),
        this.row([`w := w − α·m̂<sub>w</sub>/(√v̂<sub>w</sub> + ε) = `, (k) => t.w[k], ` − ${c.lr} · `, (k) => operand(c.mhw[k]), "/(√", (k) => c.shw[k], " + ε) = ", w1], { "data-eq": "update-w" }),
        this.row(["b likewise: m<sub>b</sub> = ", (k) => c.mb[k], ", v<sub>b</sub> = ", (k) => c.sb[k], ", m̂<sub>b</sub> = ", (k) => c.mhb[k], ", v̂<sub>b</sub> = ", (k) => c.shb[k], ", b := ", (k) => t.b[k], " − α·m̂<sub>b</sub>/(√v̂<sub>b</sub> + ε) = ", b1], { "data-eq": "adam-b" }),
      );
    }
    if (c.mini) {
      S.append(this.row([`This epoch's ${c.updates} updates moved w by `, (k) => c.dW[k], " and b by ", (k) => c.dB[k]], { "data-eq": "epoch-total" }));
    }
  }

  buildPulls() {
    const c = this.c;
    const pulls = c.pulls;
    const B = this.pullBox;
    const more = c.n > pulls.points.length ? ` (${pulls.points.length} of ${c.n})` : "";
    B.append(el("div", { class: "lrviz-eqs-head" }, `Each point's pull ∂Lⱼ/∂w, then ∂Lⱼ/∂ŷⱼ${more}`));
    this.bars = [];
    pulls.points.forEach((i, j) => {
      const line = el("div", { class: "lrviz-pull", "data-point": String(i) });
      const label = el("span", { class: "lrviz-pull-label" }, `x = ${pulls.x[j]}`);
      const track = el("span", { class: "lrviz-track" });
      const bar = el("span", { class: "lrviz-bar" });
      track.append(bar);
      const local = this.slot((k) => pulls.pg[j][k], { class: "lrviz-v lrviz-pull-g", "data-pull": "g", title: pulls.clip_note });
      line.append(label, track, this.slot((k) => pulls.pw[j][k], { "data-pull": "w" }), local);
      this.bars.push([line, bar, j, local]);
      B.append(line);
    });
    // Which listed points the loss clips at this epoch, in words (Huber only: else never).
    if (pulls.clip.some((flags) => flags.includes("1"))) {
      const row = el("div", { class: "lrviz-eq lrviz-clipped-row", "data-chain": "clipped" });
      row.append(this.slot((k) => {
        const names = pulls.points.map((i, j) => [i, j]).filter(([, j]) => pulls.clip[j][k] === "1").map(([i, j]) => `point ${i} (x = ${pulls.x[j]})`);
        if (!names.length) return `none ${pulls.clip_note}`;
        // Named while few, so the outlier stands out; counted when most points are clipped.
        return names.length <= 3 ? `${pulls.clip_note}: ${names.join(", ")}` : `${pulls.clip_note}: ${names.length} of the ${pulls.points.length} points listed`;
      }, { class: "lrviz-clip" }));
      B.append(row);
    }
  }

  // ---- every frame --------------------------------------------------------------------------

  draw(k, force = false) {
    if (!this.c || !this.player.p) return;
    if (!force && k === this.shownEpoch) return;
    this.shownEpoch = k;
    const c = this.c;
    const last = this.player.p.last;
    const pt = this.pt;
    const where = pt ? `point ${pt.i} (x = ${pt.x}, y = ${pt.y})` : "";
    this.title.textContent = `Chain rule at epoch ${k}${where ? `, for ${where}` : ""}`;
    this.dom.dataset.epoch = String(k);
    const ended = k >= last;
    for (const [span, fn] of this.slots) {
      if (ended && span.closest(".lrviz-steprows")) continue;
      const text = fn(k);
      if (span.textContent !== text) span.textContent = text === undefined ? "–" : text;
    }
    this.stepRows.hidden = ended;
    this.endRow.hidden = !ended;
    if (ended) this.endRow.textContent = this.endText(k);
    // Bars: each point's pull on w relative to the strongest of the listed points.
    const values = this.bars.map(([, , j]) => parseFmt(c.pulls.pw[j][k]));
    const top = Math.max(...values.map((v) => (Number.isFinite(v) ? Math.abs(v) : 0)));
    const followed = pt ? pt.i : -1;
    for (const [line, bar, j, local] of this.bars) {
      local.classList.toggle("lrviz-clipped", c.pulls.clip[j][k] === "1");
      const v = values[j];
      const share = top > 0 && Number.isFinite(v) ? Math.abs(v) / top : 0;
      bar.style.width = `${(50 * share).toFixed(1)}%`;
      bar.style.left = v < 0 ? `${(50 - 50 * share).toFixed(1)}%` : "50%";
      bar.classList.toggle("lrviz-neg", v < 0);
      line.classList.toggle("lrviz-followed", c.pulls.points[j] === followed);
    }
  }

  endText(k) {
    const p = this.player.p;
    if (p.last < p.budget) {
      return `Epoch ${k} is the last finite one: the next update leaves the range of numbers, so the run stops here.`;
    }
    return `Epoch ${k} ends the budget of ${p.budget} epochs: no update is taken from here.`;
  }
}
