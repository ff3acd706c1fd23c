"""report.html in a real browser: Debian's Chromium, driven by Playwright, with the network cut.

Two reports are opened from disk (file://): the demo's (the whole pipeline on
examples/openesx-mini with rules/openesx.toml) and a hand-built one full of hostile text (a
path and a holder with script tags, an onerror attribute in a message). Every request the page
makes is recorded and anything that is not the report file itself is aborted: the page must
make none, log no console error, filter and sort its findings, expand evidence, browse folders,
and run none of the injected scripts. A screenshot of the demo report is kept as a test
artefact (tests/artifacts/report.png, git-ignored); report-1400.png and report-390.png are the
first screen at those widths, which docs/ copies.

A missing Chromium is an error, not a skip: CI runs as root and ``make test`` installs it
(the Makefile's ``browser`` target).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from openesx_license.reports import write_reports

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test needs Debian's chromium "
            "(run 'make browser' as root, or 'sudo apt-get install chromium')",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's report.html: the real pipeline on a copy of examples/openesx-mini."""
    from openesx_license.config.loader import load_policy
    from openesx_license.pipeline import run_audit

    base = tmp_path_factory.mktemp("demo")
    tree = base / "openesx-mini"
    shutil.copytree(REPO / "examples" / "openesx-mini", tree)
    result = run_audit(
        tree,
        load_policy(REPO / "rules" / "openesx.toml"),
        cache_dir=base / "cache",
        jobs=1,
    )
    return write_reports(result, base / "out", ["html"])[0]


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built report of the unit tests, with script tags in paths, holders, messages."""
    from tests.helpers.html_sample import sample_result, write_tree

    base = tmp_path_factory.mktemp("hostile")
    tree = base / "tree"
    tree.mkdir()
    write_tree(tree)
    return write_reports(sample_result(tree), base / "out", ["html"])[0]


class OpenedReport:
    """A report opened in a fresh page, with what it requested and logged."""

    def __init__(self, browser: Any, report: Path) -> None:
        self.url = report.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url == self.url else route.abort(),
        )
        self.page.goto(self.url)
        self.page.wait_for_selector("html[data-ready='1']", timeout=30_000)

    def finding_rows(self) -> int:
        return int(self.page.locator("#findings-table tbody tr.finding").count())


@pytest.fixture
def demo(browser: Any, demo_report: Path) -> Iterator[OpenedReport]:
    opened = OpenedReport(browser, demo_report)
    yield opened
    opened.context.close()


@pytest.fixture
def hostile(browser: Any, hostile_report: Path) -> Iterator[OpenedReport]:
    opened = OpenedReport(browser, hostile_report)
    yield opened
    opened.context.close()


@pytest.mark.scancode
def test_demo_report_works_offline(demo: OpenedReport) -> None:
    page = demo.page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert demo.requests == [demo.url], "the report made a network request"
    assert demo.errors == []
    verdict = page.locator("#verdict p.plain").inner_text()
    assert verdict.startswith(("No.", "Yes")), verdict


@pytest.mark.scancode
def test_demo_filter_narrows_findings_and_evidence_expands(demo: OpenedReport) -> None:
    page = demo.page
    total = demo.finding_rows()
    rules = page.eval_on_selector_all(
        "#finding-filters select[name=rule] option", "os => os.map(o => o.value).filter(Boolean)"
    )
    assert total >= 2 and len(rules) >= 2, "the demo should violate several rules"
    page.select_option("#finding-filters select[name=rule]", "boundary-crossing")
    narrowed = demo.finding_rows()
    assert 0 < narrowed < total
    cells = page.locator("#findings-table tbody tr.finding td:nth-child(2)").all_inner_texts()
    assert set(cells) == {"boundary-crossing"}

    toggle = page.locator("#findings-table button.toggle").first
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    evidence = page.locator("#findings-table tr.evidence").first
    assert evidence.is_visible()
    assert evidence.locator("pre.code .line.hit").count() >= 1  # the offending line
    assert "What to do" in evidence.inner_text() or "WHAT TO DO" in evidence.inner_text()

    page.fill("#finding-filters input[name=q]", "no-such-text-anywhere")
    expect(page.locator("#findings-count")).to_have_text(re.compile(r"^0 of "))
    assert demo.finding_rows() == 0
    assert demo.requests == [demo.url] and demo.errors == []


def test_hostile_text_stays_text(hostile: OpenedReport) -> None:
    page = hostile.page
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script").count() == 2  # the JSON data and the page's script
    assert page.locator("img").count() == 0
    page.fill("#file-filters input[name=q]", "odd name")
    expect(page.locator("#files-count")).to_have_text(re.compile(r"^1 of 6 files"))
    path_cell = page.locator("#files-table tbody td.path").first.inner_text()
    assert "<script>window.__pwned=1</script>" in path_cell
    page.locator("#findings-table button.toggle").nth(1).click()  # the proprietary-code one
    code = page.locator("#findings-table tr.evidence pre.code").first.inner_text()
    assert "</script><script>window.__pwned=4</script>" in code
    assert page.evaluate("window.__pwned") is None
    # a file without detections: its concluded licence comes from the inventory rows
    page.locator("#findings-table button.toggle").nth(3).click()  # unknown-license, waived
    waived = page.locator("#findings-table tr.evidence").nth(3).inner_text()
    assert "Concluded: (no licence found) (from: none)" in waived
    assert "build helper, not shipped" in waived  # the waiver's note
    assert hostile.requests == [hostile.url] and hostile.errors == []


def test_folders_sorting_and_pages(hostile: OpenedReport) -> None:
    page = hostile.page
    count = page.locator("#files-count")
    assert count.inner_text().startswith("6 of 6 files")
    page.locator("#subfolders button", has_text="vmkernel/").click()
    assert count.inner_text() == "1 of 6 files in vmkernel/"
    page.locator("#folder-crumbs button", has_text="All files").click()
    assert count.inner_text().startswith("6 of 6")

    sev = page.locator("#findings-table th[data-key=s]")
    sev.locator("button").click()
    assert sev.get_attribute("aria-sort") == "ascending"
    first = page.locator("#findings-table tbody tr.finding td:first-child").first.inner_text()
    assert "note" in first
    sev.locator("button").click()
    first = page.locator("#findings-table tbody tr.finding td:first-child").first.inner_text()
    assert "error" in first

    page.select_option("#finding-filters select[name=status]", "waived")
    assert hostile.finding_rows() == 1
    page.click("#verdict a.rule-link[data-rule=boundary-crossing]")  # summary table -> filter
    assert page.locator("#finding-filters select[name=rule]").input_value() == "boundary-crossing"
    assert page.locator("#finding-filters select[name=status]").input_value() == ""
    assert hostile.finding_rows() == 1
    page.click("#finding-filters button[type=reset]")
    expect(page.locator("#findings-table tr.finding")).to_have_count(5)


def test_print_layout_opens_all_evidence(hostile: OpenedReport) -> None:
    page = hostile.page
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("#finding-filters").is_hidden()
    evidence = page.locator("#findings-table tr.evidence")
    assert evidence.count() == 5
    assert all(evidence.nth(i).is_visible() for i in range(5))
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator("#findings-table tr.evidence:visible").count() == 0


#: every element outside a box that scrolls sideways, whose right edge passes the viewport
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const node of document.querySelectorAll('body *')) {
    const box = node.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (node.closest('.skip, .sr')) continue;  // off-screen until focused, by design
    let up = node.parentElement, boxed = false;
    while (up && up !== document.body) {
      const o = getComputedStyle(up).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { boxed = true; break; }
      up = up.parentElement;
    }
    if (!boxed && (box.right > width + 0.5 || box.left < -0.5)) {
      out.push(node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') + ' ' +
               Math.round(box.left) + '..' + Math.round(box.right));
    }
  }
  return {width: width, scrollWidth: document.documentElement.scrollWidth, out: out};
}"""


def _opened_at(browser: Any, report: Path, width: int) -> OpenedReport:
    opened = OpenedReport.__new__(OpenedReport)
    opened.url = report.resolve().as_uri()
    opened.requests, opened.errors = [], []
    opened.context = browser.new_context(viewport={"width": width, "height": 900})
    opened.page = opened.context.new_page()
    opened.page.on("request", lambda req: opened.requests.append(req.url))
    opened.page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
    opened.page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    opened.page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url == opened.url else route.abort(),
    )
    opened.page.goto(opened.url)
    opened.page.wait_for_selector("html[data-ready='1']", timeout=30_000)
    return opened


def _no_overflow(page: Any) -> None:
    measured = page.evaluate(OVERFLOW_JS)
    assert measured["scrollWidth"] <= measured["width"], measured
    assert measured["out"] == [], measured


@pytest.mark.scancode
@pytest.mark.parametrize("width", [1400, 390])
def test_demo_fits_the_screen_and_answers_first(
    browser: Any, demo_report: Path, width: int
) -> None:
    demo = _opened_at(browser, demo_report, width)
    page = demo.page
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # docs/report-1400.png and docs/report-390.png are copies of these
        page.screenshot(path=str(ARTIFACTS / f"report-{width}.png"))
        _no_overflow(page)
        # the first screen: the verdict words, what blocks it, and the blocker matrix
        words = page.locator("#verdict-words")
        assert words.inner_text().startswith("Release: not ready · Gate: fail (--fail-on error")
        assert words.bounding_box()["y"] < 900
        matrix = page.locator("#blocker-matrix")
        assert matrix.bounding_box()["y"] < 900, "the matrix should start on the first screen"
        assert (
            "Once the proprietary components are removed:" in page.locator("#verdict").inner_text()
        )
        heads = matrix.locator("thead th").all_inner_texts()
        assert heads[1].startswith("GPL-2.0-only") and len(heads) == 7
        assert matrix.locator("tbody tr").count() < 12  # one row per component, not per blocker
        # filters and evidence at this width (cards below 800 px)
        page.select_option("#finding-filters select[name=rule]", "copied-code")
        expect(page.locator("#findings-count")).to_have_text(re.compile(r"^1 of "))
        if width < 800:
            assert page.locator("#findings-table thead").is_hidden()  # cards, not a table
        page.locator("#findings-table button.toggle").first.click()
        pair = page.locator("#findings-table tr.evidence table.pair")
        expect(pair).to_be_visible()
        assert pair.locator("mark").count() >= 10  # shared tokens marked on both sides
        head = pair.locator("thead").inner_text()
        assert "Open code (vmkernel/mem/dirty_track.c)" in head
        assert "Proprietary code (vmotion/dirtylog.c)" in head
        details = page.locator("#findings-table tr.evidence dl.data").inner_text()
        assert "Similarity" in details and "open_lines" not in details
        _no_overflow(page)  # the opened evidence fits too (its code scrolls in its box)
        page.click("#finding-filters button[type=reset]")
        expect(page.locator("#findings-count")).to_have_text(re.compile(r"^16 of 16"))
        _no_overflow(page)
        assert demo.requests == [demo.url] and demo.errors == []
    finally:
        demo.context.close()


@pytest.mark.scancode
def test_demo_csv_zoom_and_signoff(browser: Any, demo_report: Path) -> None:
    demo = _opened_at(browser, demo_report, 1400)
    page = demo.page
    try:
        page.select_option("#finding-filters select[name=severity]", "warning")
        with page.expect_download() as info:
            page.click("#csv-button")
        download = info.value
        assert download.suggested_filename == "findings.csv"
        rows = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
        assert rows[0].startswith("severity,rule,path,line")
        assert len(rows) == 4 and all(r.startswith("warning,") for r in rows[1:])
        svg = page.locator("#component-picture svg.graph")
        before = svg.bounding_box()["width"]
        page.click("[data-zoom=in]")
        page.click("[data-zoom=in]")
        assert svg.bounding_box()["width"] > before * 1.2
        page.click("[data-zoom=fit]")
        # warning-level crossings are drawn apart from forbidden ones
        assert page.locator("#component-picture path.edge.warn").count() == 2
        assert page.locator("#component-picture path.edge.bad").count() >= 4
        page.fill("#signoff-form input[name=reviewer]", "A. Reviewer")
        page.check("#signoff-form input[value=conditions]")
        page.emulate_media(media="print")
        assert page.locator("#signoff").is_visible()
        assert page.locator("#csv-button").is_hidden()
        _no_overflow(page)
        assert demo.requests == [demo.url] and demo.errors == []
    finally:
        demo.context.close()
