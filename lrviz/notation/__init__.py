"""How numbers are written for a reader: plain text and TeX, never nan or inf."""
