"""Journey: replies, a subject and a description that carry script (a <script> element, an
onerror handler, a javascript: link) run nothing in the browser and are shown as harmless text."""

from playwright.sync_api import Dialog, expect

from services.conversation import comment_post
from tests.browser.browsing import sign_in

SCRIPT = "<script>window.pwned = 'script'; alert('script')</script>"
IMAGE = "<img src=x onerror=\"window.pwned = 'img'; alert('img')\">"
LINK = "[a harmless link](javascript:window.pwned='link')"
PAYLOAD = f"{SCRIPT}\n\n{IMAGE}\n\n{LINK}"
SUBJECT = "<img src=x onerror=\"window.pwned = 'subject'\"> Printer"


def test_script_in_replies_and_subjects_runs_nothing(page, shot, customer, agent, case_in):
    case = case_in("technical_support", "work_in_progress", subject=SUBJECT, description=PAYLOAD)
    comment_post(case_id=case.pk, actor=agent, body=PAYLOAD)
    dialogs: list[str] = []

    def remember(dialog: Dialog) -> None:
        dialogs.append(dialog.message)

    page.on("dialog", remember)

    sign_in(page, customer)
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
    assert page.evaluate("() => window.pwned") is None
    shot(page, "my-cases")

    page.get_by_role("link", name=SUBJECT).click()
    reply = page.get_by_role("region", name="Reply")
    reply.get_by_label("Reply").fill(PAYLOAD)
    reply.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_be_visible()

    conversation = page.get_by_role("region", name="Conversation")
    messages = conversation.get_by_role("listitem").filter(has_text="window.pwned")
    expect(messages).to_have_count(3)  # the description, the agent's reply, the customer's
    for message in messages.all():
        expect(message).to_contain_text(SCRIPT)
        expect(message).to_contain_text("onerror")
    expect(conversation.locator("script")).to_have_count(0)
    expect(conversation.locator("img")).to_have_count(0)
    expect(conversation.locator("[onerror]")).to_have_count(0)
    expect(conversation.locator("a[href^='javascript']")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    assert page.evaluate("() => window.pwned") is None
    assert dialogs == []
    shot(page, "case-page")
