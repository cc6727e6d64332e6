"""The application model, pure (no streamlit): run settings, runs, data sources, lessons."""
