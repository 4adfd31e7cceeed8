"""The agent workspace's pages pass axe (no serious or critical violation) and do not scroll
sideways at a phone's width: every page of the workspace's navigation, a case page and the new
case page."""

from tests.browser.browsing import at_phone_width, axe_violations, sideways_scroll, sign_in


def test_the_agent_pages_pass_axe_and_fit_a_phone(page, shot, agent, case_in):
    case = case_in("technical_support", "work_in_progress", subject="Printer jams on page 2")
    case_in("technical_support", subject="Scanner is slow")
    sign_in(page, agent)
    at_phone_width(page)
    problems = []
    for step, url in (
        ("case-list", "/agent/"),
        ("case-page", f"/agent/cases/{case.reference}/"),
        ("new-case", "/agent/cases/new/"),
        ("releases", "/agent/releases/"),
        ("overview", "/agent/overview/"),
        ("saved-replies", "/agent/saved-replies/"),
        ("updates", "/agent/updates/"),
    ):
        page.goto(url)
        problems += axe_violations(page) + sideways_scroll(page)
        shot(page, step)
    assert not problems, "\n".join(problems)
