"""Headless Chromium with the network blocked: open a page from a file, record what it tried."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

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


def visit(page_path: Path, screenshot: Path | None = None, wait_drawn: bool = True, timeout_ms: int = 30_000) -> Visit:
    """Open a local page offline; every non-file request is blocked and counted."""
    import time

    from playwright.sync_api import sync_playwright

    result = Visit()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1300, "height": 900}, offline=True)

            def route(r):
                if r.request.url.startswith(("file:", "data:", "about:")):
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
            page.goto(page_path.resolve().as_uri())
            if wait_drawn:
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
