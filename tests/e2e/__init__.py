"""End-to-end tests: the real app in Debian Chromium, driven by Playwright."""
