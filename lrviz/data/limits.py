"""Size limits on data, kept in one place so the reader, the generator and the app agree."""

from lrviz.core import MAX_ABS_VALUE

# Same number as server.maxUploadSize in .streamlit/config.toml. Streamlit reads that number in
# megabytes of 10^6 bytes (not MiB), so 5 means 5,000,000 bytes, and the reader refuses exactly
# past the same byte; the app also passes it to st.file_uploader(max_upload_size=MAX_UPLOAD_MB).
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1_000_000

# Rows of data (header excluded) in an uploaded file or the edit table.
MAX_ROWS = 100_000

# A pick-list of more columns than this would be unusable, and a one-row file with a
# million columns is a cheap way to stall the page.
MAX_COLUMNS = 1_000

__all__ = ["MAX_ABS_VALUE", "MAX_COLUMNS", "MAX_ROWS", "MAX_UPLOAD_BYTES", "MAX_UPLOAD_MB"]
