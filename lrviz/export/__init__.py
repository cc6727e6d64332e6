"""Export a run as one self-contained, offline HTML page: the app's player, a host of its own."""

from lrviz.export.html_export import export_html, export_run, point_mark

__all__ = ["export_html", "export_run", "point_mark"]
