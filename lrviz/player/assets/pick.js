// Choices made on the charts: a new start picked on the contour (and undone), a data point
// picked in the fit panel for the chain-rule view. Both go to the host as triggers; a host
// without a server (an exported page) sets canPick false. Methods of Player (player.js).

class PlayerPick {
  // ---- the start, picked on the contour and undone --------------------------------------
  // One click sets the start, once plotly's double-click window has passed without a second
  // click: a double-click zooms back out and changes nothing. Each change keeps the start it
  // replaced, so U or the Undo button goes back to it.

  pick(event) {
    if (!this.canPick) return;
    const uid = this.p && this.p.grid_uid;
    const point = (event.points || []).find((pt) => pt.data && pt.data.uid === uid);
    if (!point) return;
    const delay = (this.plots.contour.plot._context || {}).doubleClickDelay || 300;
    // The second click of a double-click, or the click plotly reports after one: plotly zooms
    // out, and no click of the pair picks.
    const double = this.pickTimer || performance.now() - (this.zoomedOutAt || -Infinity) < delay;
    this.cancelPick();
    if (double) return;
    this.pickTimer = setTimeout(() => {
      this.pickTimer = 0;
      this.setStart({ w: point.x, b: point.y }, false);
    }, delay + 50);
  }

  cancelPick(zoomedOut = false) {
    clearTimeout(this.pickTimer);
    this.pickTimer = 0;
    if (zoomedOut) this.zoomedOutAt = performance.now();
  }

  setStart(start, undo) {
    const p = this.p;
    if (!p) return;
    this.halt();
    this.undos = this.undos || [];
    if (!undo) this.undos.push({ w: p.traj.w[0], b: p.traj.b[0] });
    this.undoButton.hidden = !this.undos.length;
    this.setTrigger("pick", { ...start, undo });
    this.dom.dataset.undos = String(this.undos.length);
  }

  undoStart() {
    const last = this.undos && this.undos.pop();
    if (!last) return false;
    this.setStart(last, true);
    return true;
  }

  pickPoint(event) {
    // A click on a drawn data point chooses it for the chain-rule panel; the trace holds an
    // evenly spaced selection of the data, so its point number maps through geom.shown.
    const p = this.p;
    const uid = p && p.data_uid;
    const point = (event.points || []).find((pt) => pt.data && pt.data.uid === uid);
    if (!point) return;
    const i = p.geom.shown[point.pointNumber];
    if (Number.isInteger(i)) this.setTrigger("point", i);
  }
}

addMethods(Player, PlayerPick);
