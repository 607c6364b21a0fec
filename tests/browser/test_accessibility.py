"""Accessibility: an axe-core audit of every tab, and the whole page used with the keyboard alone.

The audit runs axe-core's WCAG 2.0 and 2.1 level A and AA rules at desktop and phone size (and on
a phone in dark mode), with an answer, a verdict and an article on screen; a critical or serious
violation fails, and so does text whose contrast axe cannot measure. axe-core is pinned in
tests/browser/axe/ (`npm ci` there, run by `make pytest`). Served with the fake embedder: what
matters here is the page, not the ranking. Set MSCQA_SCREENSHOT_DIR=docs/screenshots to refresh
the phone screenshot in the README.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from served import (
    BOT,
    WAIT_MS,
    Server,
    ask,
    chromium,
    copy_corpus,
    open_tab,
    screenshot,
    serve,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
# Width, height and colour scheme: Gradio follows the system's dark mode, common on phones.
VIEWPORTS = {
    "desktop": (1280, 900, "light"),
    "phone": (390, 844, "light"),
    "phone, dark": (390, 844, "dark"),
}
QUESTION = "Which nerve cells die in ALS?"
OUT_OF_SCOPE = "Which knitting patterns suit a winter scarf?"
STATEMENT = "ALS damages the motor neurons of the brain and spinal cord."
WRONG_STATEMENT = "ALS damages the motor neurons of 95% of patients."
# More than any tab's controls: a walk that has not come round by then is stuck in a loop.
MAX_STOPS = 80

# Violations of the blocking impacts, and text whose contrast could not be measured (over a
# gradient or an image): an unmeasured contrast is an unchecked one.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations', 'incomplete']});
  const flat = (rules, kind) => rules.flatMap((rule) => rule.nodes.map((node) => ({
    kind, rule: rule.id, impact: node.impact || rule.impact || '', help: rule.help,
    target: node.target.join(' '), summary: (node.failureSummary
      || node.any.concat(node.all, node.none).map((check) => check.message).join('; '))
      .replace(/\\s+/g, ' ').trim()})));
  return flat(result.violations, 'violation').concat(
    flat(result.incomplete.filter((rule) => rule.id === 'color-contrast'), 'unmeasured'));
}"""


@dataclass(frozen=True)
class Finding:
    where: str
    kind: str
    rule: str
    impact: str
    help: str
    target: str
    summary: str

    def __str__(self) -> str:
        return (
            f"[{self.where}] {self.rule} ({self.impact}, {self.kind}): {self.help}\n"
            f"    at {self.target}: {self.summary}"
        )


# Resolves once the page has stopped scrolling for a while (at most after two seconds).
SETTLED = """() => new Promise((resolve) => {
  let last = -1, still = 0, frames = 0;
  const look = () => {
    const now = window.scrollY + document.documentElement.scrollHeight;
    still = now === last ? still + 1 : 0; last = now; frames += 1;
    if (still >= 12 || frames > 120) resolve(); else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})"""


def settle(page: Any) -> None:
    """Let scrolls the page started (to a quote, to a new message) end: contrast and focus
    rings are measured where the elements are, and an element moving meanwhile looks
    overlapped or unchanged."""
    page.evaluate(SETTLED)


def audit(page: Any, where: str) -> list[Finding]:
    """What axe-core finds on the page as it is now that must be fixed."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make pytest` (or `npm ci` in {AXE.parents[2]})")
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(path=str(AXE))
    settle(page)
    found = [Finding(where=where, **item) for item in page.evaluate(RUN_AXE, WCAG_TAGS)]
    return [f for f in found if f.kind == "unmeasured" or f.impact in BLOCKING]


def report(findings: list[Finding]) -> str:
    return f"{len(findings)} accessibility problems:\n" + "\n".join(map(str, findings))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("accessible")
    with serve(root, copy_corpus(root), MSCQA_EMBEDDER="fake") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


def _open(browser: Any, url: str, viewport: tuple[int, int, str]) -> Any:
    width, height, scheme = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.locator("#question textarea").wait_for(state="visible")
    return page


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def sized_page(request: pytest.FixtureRequest, browser: Any, server: Server) -> Iterator[Any]:
    page = _open(browser, server.url, VIEWPORTS[request.param])
    page.viewport_name = request.param
    try:
        yield page
    finally:
        page.context.close()


def test_the_audit_reports_what_it_finds(sized_page: Any) -> None:
    """A list that holds buttons, the kind of markup the example questions once had, fails."""
    sized_page.evaluate(
        """() => { const list = document.createElement('div');
        list.id = 'broken-list'; list.setAttribute('role', 'list');
        list.innerHTML = '<button>Broken</button>';
        document.querySelector('#notice').append(list); }"""
    )
    try:
        found = audit(sized_page, "planted")
    finally:
        sized_page.evaluate("() => document.querySelector('#broken-list').remove()")
    assert [(f.rule, f.impact, f.target) for f in found] == [
        ("aria-required-children", "critical", "#broken-list")
    ], report(found)


def test_every_tab_passes_the_audit_with_answers_on_screen(sized_page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page, size = sized_page, sized_page.viewport_name
    # What a screen reader announces: the question box and the examples by name, and the
    # chat as a live region, so that answers are read out as they arrive.
    expect(page.get_by_role("textbox", name="Your question")).to_be_visible()
    examples = page.get_by_role("group", name="Example questions")
    expect(examples.get_by_role("button").first).to_be_visible()
    expect(page.locator('#chatbot [role="log"]')).to_have_attribute("aria-live", "polite")
    findings = audit(page, f"{size} Ask, before the first question")

    bot = ask(page, QUESTION)
    expect(bot.locator("blockquote").first).to_be_visible()
    if size == "phone":
        settle(page)
        screenshot(page, server, "ask-phone", full_page=False)

    page.locator("#show-source-0").click()
    expect(page.locator("#article-view mark")).to_be_in_viewport()
    findings += audit(page, f"{size} Articles, opened at a quote")

    open_tab(page, "Ask")
    ask(page, OUT_OF_SCOPE)
    findings += audit(page, f"{size} Ask, with an answer and a 'not covered' reply")

    open_tab(page, "Check a statement")
    page.locator("#statement textarea").fill(STATEMENT)
    page.locator("#check-button").click()
    expect(page.locator("#check-result .evidence mark").first).to_be_visible()
    findings += audit(page, f"{size} Check a statement, with a verdict")
    # A verdict with its reason: the reason's text sits on the verdict's light box.
    page.locator("#statement textarea").fill(WRONG_STATEMENT)
    page.locator("#check-button").click()
    expect(page.locator("#check-result .reason")).to_be_visible()
    findings += audit(page, f"{size} Check a statement, with a verdict and its reason")
    # An upload area says what the file is for: its name starts with its block's label.
    for upload in page.locator("button.upload-container").all():
        label = upload.locator("xpath=ancestor::*[contains(@class, 'block')][1]").get_by_test_id(
            "block-label"
        )
        named = " ".join(label.inner_text().split())
        expect(upload).to_have_accessible_name(re.compile("^" + re.escape(named)))

    open_tab(page, "Index")
    expect(page.locator("#index-status")).to_contain_text("Up to date")
    findings += audit(page, f"{size} Index")
    assert not findings, report(findings)


# Keyboard alone


# The focused element, marked so that the walk knows where it has been (and the ring measured
# on it by an earlier walk); null when focus has left the page. A control is one a Tab press
# should reach: visible, enabled, in the tab order.
FOCUSED = """(stop) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const seen = el.hasAttribute('data-kb-stop');
  if (!seen) el.setAttribute('data-kb-stop', String(stop));
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.placeholder
                || el.getAttribute('title') || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  return {seen, ring: el.getAttribute('data-kb-ring'), name,
          tag: el.tagName.toLowerCase(), role: el.getAttribute('role') || '',
          id: el.id || (el.closest('[id]') || {}).id || ''};
}"""
CONTROLS_NOT_REACHED = """() => [...document.querySelectorAll(
    'button, a[href], input, textarea, select, summary, [tabindex]')]
  .filter((el) => el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]')
          && el.checkVisibility({visibilityProperty: true, opacityProperty: true})
          && el.getBoundingClientRect().width > 0 && !el.hasAttribute('data-kb-stop'))
  .map((el) => `${el.tagName.toLowerCase()} '${(el.getAttribute('aria-label') || el.innerText
                 || '').trim().slice(0, 60)}' in #${(el.closest('[id]') || {}).id}`)"""
# The page may have scrolled since the focus moved (to a quote it opened): back into view.
FOCUSED_BOX = """() => { const el = document.activeElement;
  el.scrollIntoView({block: 'nearest', inline: 'nearest', behavior: 'instant'});
  const r = el.getBoundingClientRect();
  return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""
# Read once the ring is drawn: buttons fade their outline in from the text colour.
FOCUS_STYLE = """() => { const el = document.activeElement; const style = getComputedStyle(el);
  return {outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
          shadow: style.boxShadow, visible: el.matches(':focus-visible')}; }"""


@dataclass(frozen=True)
class Ring:
    """How a focused control looks, and how many pixels around it change when focus leaves."""

    outline: str
    shadow: str
    focus_visible: bool
    changed_pixels: int
    perimeter: int

    @property
    def visible(self) -> bool:
        # A ring changes at least as many pixels as a one-pixel line around the control.
        return self.focus_visible and self.changed_pixels >= self.perimeter

    def __str__(self) -> str:
        return (
            f"outline {self.outline}; box-shadow {self.shadow}; :focus-visible "
            f"{self.focus_visible}; {self.changed_pixels} pixels changed, {self.perimeter} needed"
        )


@dataclass(frozen=True)
class Stop:
    """One control reached with Tab."""

    number: int
    tag: str
    role: str
    name: str
    id: str
    ring: Ring

    def __str__(self) -> str:
        where = f"{self.tag} role={self.role!r} '{self.name}' in #{self.id}"
        return f"{self.number}: {where} ({self.ring})"


def _changed_pixels(before: bytes, after: bytes) -> int:
    from PIL import Image, ImageChops

    first, second = (Image.open(io.BytesIO(png)).convert("RGB") for png in (before, after))
    difference = ImageChops.difference(first, second).convert("L")
    # A change a person can see, not anti-aliasing: more than 48 of 255 levels of grey.
    return int(sum(difference.histogram()[49:]))


# Forgets the last walk and puts the keyboard at the top of the page, as on a fresh visit.
TO_THE_TOP = """() => {
  window.scrollTo({top: 0, behavior: 'instant'});
  document.querySelectorAll('[data-kb-stop]').forEach((el) => el.removeAttribute('data-kb-stop'));
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute('tabindex');
}"""


def _ring(page: Any) -> Ring:
    box = page.evaluate(FOCUSED_BOX)
    viewport = page.viewport_size
    margin = 8  # room for a ring drawn outside the box
    x, y = max(0.0, box["x"] - margin), max(0.0, box["y"] - margin)
    right = min(float(viewport["width"]), box["x"] + box["width"] + margin)
    bottom = min(float(viewport["height"]), box["y"] + box["height"] + margin)
    clip = {"x": x, "y": y, "width": max(1.0, right - x), "height": max(1.0, bottom - y)}
    # "disabled" ends transitions, so both pictures show the finished look.
    focused = page.screenshot(clip=clip, animations="disabled", caret="initial")
    style = page.evaluate(FOCUS_STYLE)
    page.evaluate("() => { window.kbFocused = document.activeElement; window.kbFocused.blur(); }")
    unfocused = page.screenshot(clip=clip, animations="disabled", caret="initial")
    # Focus comes back from a script after a key press, so it is shown as keyboard focus again.
    page.evaluate("() => window.kbFocused.focus({preventScroll: true, focusVisible: true})")
    return Ring(
        outline=style["outline"],
        shadow=style["shadow"],
        focus_visible=style["visible"],
        changed_pixels=_changed_pixels(focused, unfocused),
        perimeter=int(2 * (min(box["width"], clip["width"]) + min(box["height"], clip["height"]))),
    )


def tab_walk(page: Any, until: str | None = None) -> list[Stop]:
    """Tab from the top of the page through every control (or to the one matching `until`)."""
    settle(page)
    page.evaluate(TO_THE_TOP)
    stops: list[Stop] = []
    for number in range(MAX_STOPS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, number)
        if focused is None or focused["seen"]:
            break
        del focused["seen"]
        # A control keeps its ring from walk to walk (the tabs are in every one): measured once.
        known = focused.pop("ring")
        if known is None:
            known = str(len(page.rings))
            page.rings.append(_ring(page))
            page.evaluate("(n) => document.activeElement.setAttribute('data-kb-ring', n)", known)
        stops.append(Stop(number=number, ring=page.rings[int(known)], **focused))
        if until is not None and page.locator(until).evaluate("e => e === document.activeElement"):
            return stops
    else:
        pytest.fail(f"Tab went on past {MAX_STOPS} controls without coming round")
    if until is not None:
        pytest.fail(f"Tab never reached {until}:\n" + "\n".join(map(str, stops)))
    return stops


def check_walk(page: Any, where: str, stops: list[Stop]) -> list[str]:
    """Problems of one walk: controls that Tab skipped and controls focused without a ring."""
    walked = "\n".join(f"    {stop}" for stop in stops)
    problems = [
        f"[{where}] not reachable with Tab: {control}\n  walked:\n{walked}"
        for control in page.evaluate(CONTROLS_NOT_REACHED)
    ]
    problems += [
        f"[{where}] no visible focus ring: {stop}" for stop in stops if not stop.ring.visible
    ]
    return problems


def press_on(page: Any, selector: str, key: str = "Enter") -> None:
    """Tab from the top of the page to the control at `selector` and press `key` on it."""
    tab_walk(page, until=selector)
    page.keyboard.press(key)


def test_the_whole_page_works_with_the_keyboard_alone(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    page = _open(browser, server.url, VIEWPORTS["desktop"])
    page.rings = []
    problems: list[str] = []
    try:
        problems += check_walk(page, "Ask, before the first question", tab_walk(page))
        # From the top of the page to the question box: past the tabs and the example questions.
        to_question = tab_walk(page, until="#question textarea")
        roles = [stop.role for stop in to_question]
        assert roles.count("tab") == 4, "\n".join(map(str, to_question))
        assert any("example" in stop.name.lower() for stop in to_question)
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        expect(page.locator(BOT)).to_have_count(1)
        expect(page.locator(BOT).first.locator("blockquote").first).to_be_visible()
        ask_stops = tab_walk(page)
        problems += check_walk(page, "Ask, with an answer", ask_stops)
        names = [stop.name for stop in ask_stops]
        for control in ("Like", "Dislike", "Show in article"):
            assert any(control in name for name in names), f"{control}: {names}"

        press_on(page, "#show-source-0")
        expect(page.get_by_role("tab", name="Articles", exact=True)).to_have_attribute(
            "aria-selected", "true"
        )
        expect(page.locator("#article-view mark")).to_be_in_viewport()
        problems += check_walk(page, "Articles, opened at a quote", tab_walk(page))

        press_on(page, "#tab-check-button")
        expect(page.locator("#statement textarea")).to_be_visible()
        problems += check_walk(page, "Check a statement", tab_walk(page))
        tab_walk(page, until="#statement textarea")
        page.keyboard.type(STATEMENT)
        page.keyboard.press("Tab")
        expect(page.locator("#check-button")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#check-result .verdict")).to_be_visible()
        # With a verdict on screen: its citation, and whatever else a verdict brings.
        problems += check_walk(page, "Check a statement, with a verdict", tab_walk(page))

        press_on(page, "#tab-index-button", key="Space")
        expect(page.locator("#index-status")).to_contain_text("Up to date")
        problems += check_walk(page, "Index", tab_walk(page))
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)
