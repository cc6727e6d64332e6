"""Export a run as one self-contained, offline, interactive HTML page for slides or a course."""

from lrviz.export.html_export import export_html

__all__ = ["export_html"]
