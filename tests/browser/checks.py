"""The checks every browser journey runs on the pages it visits: the page fits the screen's
width, and axe-core finds no serious or critical violation.

axe-core is the npm package (package.json, installed by `npm ci` in `make test`), injected from
its own file with Playwright's init script (`new_context`): no CDN, and the Content-Security-
Policy users get is left as it is. Where it is not installed the accessibility half is skipped
and the width half still runs.

Each check first waits for the page to settle: a check straight after a click that navigates
can otherwise run while the old document is being torn down (a null body or document element),
which failed CI once on the learning journey and once on the SPO journey.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.slice(0, 3)
      .map((n) => n.target.join(" ")).join(" | ")}]`);
}
"""
WIDTH_WHEN_SETTLED = (
    "() => document.readyState === 'complete' && document.body !== null"
    " && document.documentElement.scrollWidth"
)
SETTLED = "() => document.readyState === 'complete' && document.body !== null"


def new_context(browser: Browser, width: int, height: int = 900) -> BrowserContext:
    """A British browser at `width`, with axe-core loaded into every page where installed."""
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": width, "height": height}
    )
    if AXE.exists():
        context.add_init_script(path=str(AXE))
    return context


def settle(page: Page) -> None:
    """Wait until the current document has loaded (not the one a click is leaving)."""
    page.wait_for_load_state("load")
    page.wait_for_function(SETTLED)


def page_width(page: Page) -> int:
    """The document's width, polled until a loaded document has one (a null element while
    a navigation swaps documents is waited out, not read)."""
    page.wait_for_load_state("load")
    return int(page.wait_for_function(WIDTH_WHEN_SETTLED).json_value())


def axe_violations(page: Page) -> list[str]:
    """Serious and critical violations on the current page ([] where axe is not installed)."""
    if not AXE.exists():
        return []
    settle(page)
    return list(page.evaluate(RUN_AXE))


def assert_fits(page: Page, width: int) -> None:
    scroll = page_width(page)
    assert scroll <= width, f"{page.url} is {scroll}px wide at {width}px"


def assert_fits_and_accessible(page: Page, width: int) -> None:
    """The page is no wider than the screen and has no serious or critical axe violation."""
    assert_fits(page, width)
    assert axe_violations(page) == [], page.url
