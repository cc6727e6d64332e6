"""JSON that is safe to place inside an HTML <script> element."""

from __future__ import annotations

import json

# Inside <script> the HTML parser ends the element at "</script" and treats "<!--" specially,
# whatever the JSON means; escaping <, > and & as JSON unicode escapes removes every such
# sequence while JSON.parse still returns the same strings. U+2028/U+2029 are escaped so the
# text stays valid in older JavaScript parsers too.
_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: object) -> str:
    """value as compact JSON with no HTML-significant characters. Raises ValueError on nan/inf.

    These characters only ever occur inside JSON strings, so replacing them everywhere in the
    encoded text is exact.
    """
    text = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_ESCAPES)
