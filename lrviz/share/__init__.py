"""Sharing a screen: the run's settings as URL query parameters, read back defensively."""
