// The data point the chain-rule view follows, {run, point: {i, x, y} | null, chain}, handed to
// the player: JSON bytes of its own, so choosing a point resends no run.
export default function mark(component) {
  const data = component.data;
  if (!data || data === PAGE.markBytes) return;
  PAGE.markBytes = data;
  try {
    PAGE.mark = data instanceof Uint8Array || data instanceof ArrayBuffer
      ? JSON.parse(new TextDecoder().decode(data))
      : data;
  } catch (error) {
    return;
  }
  if (PAGE.player) PAGE.player.setMark(PAGE.mark);
}
