"""Browser tests: the admin screens driven in headless Debian Chromium through Playwright."""
