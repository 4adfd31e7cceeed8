"""Journey: at 375 px nothing scrolls sideways on any page a customer meets, even with a very long
subject, a long unbroken word in a reply and a long file name."""

from django.core.files.uploadedfile import SimpleUploadedFile

from services.conversation import comment_post
from tests.browser.browsing import at_phone_width, sideways_scroll
from tests.browser.tour import account_pages, portal_pages

LONG_SUBJECT = (
    "Exporting the quarterly invoices of every subsidiary to PDF fails with error 0x80070005 "
    "after the latest update of the accounting suite, on Windows and macOS alike, for every "
    "user of the finance department"
)
UNBROKEN = "https://billing.example.com/exports/quarterly/" + "x" * 120 + "?format=pdf"


def test_no_page_scrolls_sideways_at_375_px(page, shot, customer, agent, case_in, portal_scene):
    long = case_in("technical_support", "work_in_progress", subject=LONG_SUBJECT)
    comment_post(
        case_id=long.pk,
        actor=agent,
        body=f"Please try this link: {UNBROKEN}\n\n`{UNBROKEN}`\n\n    {UNBROKEN}",
        files=[SimpleUploadedFile("export-" + "quarterly-" * 12 + "log.txt", b"error")],
    )
    at_phone_width(page)
    problems = []
    for step in account_pages(page, customer):
        problems += sideways_scroll(page)
        shot(page, step)
    for step in portal_pages(page, customer, {"long": long, **portal_scene}):
        problems += sideways_scroll(page)
        shot(page, step)
    assert not problems, "\n".join(problems)
