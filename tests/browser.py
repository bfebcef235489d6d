"""Headless Chromium with the network blocked: open a page from a file, record what it tried."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# screenshots of the page tests, to look at: a temporary folder (never the checkout) unless
# JIANDU_SCREENSHOTS names another
SHOTS = Path(os.environ.get("JIANDU_SCREENSHOTS") or Path(tempfile.gettempdir()) / f"jiandu-screenshots-{os.getuid()}")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@dataclass
class Visit:
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    drawn_ms: float | None = None
    text: str = ""


def visit(page_path: Path | str, screenshot: Path | None = None, wait_drawn: bool = True, timeout_ms: int = 30_000,
          wait_for: str | None = None) -> Visit:
    """Open a local page offline; every request but for files (or, for a page given as a URL, its own
    origin: a server of ours on loopback) is blocked and counted."""
    import time

    from playwright.sync_api import sync_playwright

    result = Visit()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            served = isinstance(page_path, str)  # a URL of our own server: loopback must stay reachable
            context = browser.new_context(viewport={"width": 1300, "height": 900}, offline=not served)

            own = ("file:", "data:", "about:")
            if served:
                own += (page_path.split("/", 3)[0] + "//" + page_path.split("/", 3)[2] + "/",)

            def route(r):
                if r.request.url.startswith(own):
                    r.continue_()
                else:
                    result.external.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: result.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: result.console_errors.append(str(e)))
            page.on("requestfailed", lambda r: result.failed.append(r.url))
            started = time.perf_counter()
            page.goto(page_path if isinstance(page_path, str) else page_path.resolve().as_uri(), timeout=timeout_ms)
            if wait_for:
                page.wait_for_selector(wait_for, timeout=timeout_ms)
            elif wait_drawn:
                page.wait_for_selector("body[data-drawn='1']", state="attached", timeout=timeout_ms)
                result.drawn_ms = (time.perf_counter() - started) * 1000
            else:
                page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            result.text = page.inner_text("body")
            if screenshot:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    return result
