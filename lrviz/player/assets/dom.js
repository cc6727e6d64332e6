// Small DOM helpers shared by the player's files.

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

// Adds the methods of class `source` to class `target`: the player is one object whose methods
// are written in several files, each about one thing (charts.js, frame.js,
// transport.js, pick.js).
function addMethods(target, source) {
  for (const name of Object.getOwnPropertyNames(source.prototype)) {
    if (name === "constructor") continue;
    Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(source.prototype, name));
  }
}
