"""Streamlit helpers: each `*_ui()` draws one part of the page and returns what it decided."""
