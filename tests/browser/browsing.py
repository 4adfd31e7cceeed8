"""What a browser test does besides clicking like a person: sign in through the sign-in page,
switch between a desktop's and a phone's width, and check a page the way the outside suite does
(axe finds no serious or critical violation; nothing scrolls sideways on a phone)."""

from typing import Any

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Locator, Page, ViewportSize, expect

from cases.models import User

# The password every browser test's user has (set by the fixtures, like the demo's).
PASSWORD = "demo-pass-123"
DESKTOP = ViewportSize(width=1440, height=900)
PHONE = ViewportSize(width=375, height=812)
# For screenshots of a step at both widths: shot(page, "step", widths=BOTH_WIDTHS).
BOTH_WIDTHS = (DESKTOP["width"], PHONE["width"])
# axe's impacts that fail a test (spec/ui.md: "no serious or critical violation").
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()


def sign_in(page: Page, user: User) -> None:
    """Sign in as `user` through /accounts/login/, as a person does; ends on the page the sign-in
    leads to (the portal for a customer)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def current_step(page: Page) -> Locator:
    """The case's status as "Where your case is" draws it: the step marked aria-current."""
    return page.get_by_role("region", name="Where your case is").locator("[aria-current=step]")


def at_phone_width(page: Page) -> None:
    """375x812: a phone (the page fixture starts every test at 1440x900)."""
    page.set_viewport_size(PHONE)


def axe_violations(page: Page) -> list[str]:
    """axe's serious and critical violations on the page as it is now, one readable entry each:
    the rule, what it means, and every element it found (selector and HTML)."""
    results = _axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        nodes = "\n".join(_describe_node(node) for node in violation["nodes"])
        found.append(
            f"{page.url} at {_width(page)} px: {violation['id']} ({violation['impact']}): "
            f"{violation['help']}\n{nodes}"
        )
    return found


def axe_check(page: Page) -> None:
    """Fail when axe finds a serious or critical violation on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, "axe found serious or critical violations:\n" + "\n".join(violations)


# The outermost elements that stick out on the right (their parent fits): what to fix.
_OVERFLOWING = """() => {
  const limit = window.innerWidth;
  const sticksOut = (element) => element.getBoundingClientRect().right > limit + 0.5;
  return [...document.body.querySelectorAll("*")]
    .filter((element) => sticksOut(element) && !sticksOut(element.parentElement))
    .filter((element) => getComputedStyle(element).visibility !== "hidden")
    .slice(0, 5)
    .map((element) => {
      const classes = [...element.classList].map((name) => "." + name).join("");
      const right = Math.round(element.getBoundingClientRect().right);
      const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
      return `<${element.tagName.toLowerCase()}${classes}> reaches ${right} px: "${text}"`;
    });
}"""


def sideways_scroll(page: Page) -> list[str]:
    """Empty when the page fits its width (document.documentElement.scrollWidth <=
    window.innerWidth); otherwise what sticks out."""
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width <= inner_width:
        return []
    culprits = page.evaluate(_OVERFLOWING)
    return [
        f"{page.url} at {inner_width} px scrolls sideways (scrollWidth {scroll_width}): "
        + ("; ".join(culprits) or "no single element sticks out")
    ]


def no_sideways_scroll(page: Page) -> None:
    """Fail when the page scrolls sideways at its current width."""
    problems = sideways_scroll(page)
    assert not problems, "\n".join(problems)


def _describe_node(node: dict[str, Any]) -> str:
    target = ", ".join(str(part) for part in node["target"])
    html = " ".join(node.get("html", "").split())[:200]
    why = node.get("failureSummary", "").replace("\n", " ")
    return f"  - {target}: {html}\n    {why}"


def _width(page: Page) -> int:
    size = page.viewport_size
    return size["width"] if size else 0
