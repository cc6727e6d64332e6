// Reports a link the server never saw: Streamlit drops a query string of more than 1000
// parameters (or 512 Ki characters) whole, before the app runs. The page's own navigation entry
// keeps the address it was opened with, even after the app rewrites the URL.
export default function probe(component) {
  const { data, setStateValue } = component;
  const nav = performance.getEntriesByType("navigation")[0];
  const href = (nav && nav.name) || window.location.href;
  let query = "";
  try {
    query = new URL(href).search.replace(/^\?/, "");
  } catch (error) {
    return;
  }
  if (!query) return;
  const fields = query.split("&").length;
  const chars = query.length;
  const seen = `${fields}:${chars}`;
  if (window.__lrvizProbe === seen) return; // reported once per page
  if (fields > data.max_fields || chars > data.max_chars) {
    window.__lrvizProbe = seen;
    setStateValue("dropped", { fields, chars });
  }
}
