// Choices made on the charts: a new start picked on the contour (and undone), a data point
// picked in the fit panel for the chain-rule view. Both go to the host as triggers; a host
// without a server (an exported page) sets canPick false. Methods of Player (player.js).

class PlayerPick {
  // ---- the start, picked on the contour and undone --------------------------------------
  // One click sets the start, once plotly's double-click window has passed without a second
  // press: a double-click zooms back out and changes nothing. Each change keeps the start it
  // replaced, so U or the Undo button goes back to it.
  //
  // Which click belongs to a double-click is told by the presses themselves, never by when a
  // handler or a timer happens to run (both run late on a loaded machine): the browser's click
  // count (detail 2 on the second press of a pair, however late it is delivered), or a press
  // inside the window of the previous one by the events' own time stamps. A pick waits out the
  // window on a timer and, when the timer comes due, still gives way to a press queued behind it.

  clickWindow() {
    // ms: plotly's double-click window (its config doubleClickDelay, 500 by default).
    const context = (this.plots.contour && this.plots.contour.plot._context) || {};
    return context.doubleClickDelay || 500;
  }

  notePress(event) {
    // Every press on the contour (mousedown, touchstart), seen before plotly's own handler
    // (capture phase). The mouse press a touch screen sends after a tap (firesTouchEvents) is
    // that tap again, not a second press: plotly counts it as one, so its click and its
    // "double-click" are left out.
    const caps = event.sourceCapabilities;
    const compat = event.type === "mousedown" && !!(caps && caps.firesTouchEvents);
    this.compatPress = compat;
    if (compat) {
      event.lrvizCompat = true;
      return;
    }
    const paired =
      event.detail >= 2 || event.timeStamp - (this.lastPressAt ?? -Infinity) < this.clickWindow();
    event.lrvizPaired = paired;
    this.lastPressAt = event.timeStamp;
    if (paired) this.cancelPick();
  }

  zoomedOut() {
    // plotly's double-click (it zooms back out): the pair never picks. Not when plotly counted a
    // tap and the mouse press sent after it as two clicks.
    if (!this.compatPress) this.cancelPick(true);
  }

  pick(event) {
    if (!this.canPick) return;
    const uid = this.p && this.p.grid_uid;
    const point = (event.points || []).find((pt) => pt.data && pt.data.uid === uid);
    if (!point) return;
    // plotly reports the click with its press (the mousedown or touchstart).
    const press = event.event || {};
    if (press.lrvizCompat) return; // the tap's own click came with its touchstart
    // The second click of a pair, a click while the first one's pick still waits, or the click
    // plotly reports right after zooming out for a double-click: no click of the pair picks.
    const double =
      press.lrvizPaired ||
      press.detail >= 2 ||
      this.pickTimer ||
      performance.now() - (this.zoomedOutAt ?? -Infinity) < this.clickWindow();
    this.cancelPick();
    if (double) return;
    this.armPick({ w: point.x, b: point.y }, this.clickWindow(), 0);
  }

  armPick(start, wait, waited) {
    this.pickTimer = setTimeout(() => {
      // A press already queued (a loaded machine delivers it late) is handled first: if it is
      // the second click of a pair, its handler cancels this pick. Bounded, so a busy page still
      // picks (at most 40 x 25 ms more).
      const sched = navigator.scheduling;
      if (waited < 40 && sched && sched.isInputPending && sched.isInputPending()) {
        this.armPick(start, 25, waited + 1);
        return;
      }
      this.pickTimer = 0;
      this.setStart(start, false);
    }, wait);
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
