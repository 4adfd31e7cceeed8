"""The demo's cast, queues and case stories: what a visitor of `make run` finds.

Every status of every workflow is where at least one story ends. Stories whose status has a timer
(support_center's confirmation and customer-input waits, release_tracking's resolved) end recently
enough that the automations do not close them on the first run.
"""

from dataclasses import dataclass

from cases.models import Channel, Priority
from cases.roles import Role
from demo.planning import (
    OWNER,
    REQUESTER,
    FollowUp,
    Story,
    add_to_release,
    assign,
    auto_close,
    delete,
    delivered,
    do,
    go,
    note,
    reply,
    survey,
)

PASSWORD = "demo-pass-123"

ACME = "Acme Corp"
GLOBEX = "Globex Inc"
ORGANIZATIONS = (ACME, GLOBEX)


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str
    organization: str | None = None
    superuser: bool = False
    summary: str = ""


PEOPLE = (
    Person("customer", "Chris", "Carter", Role.CUSTOMER, ACME, summary="customer of Acme Corp"),
    Person("acme-colleague", "Dana", "Doyle", Role.CUSTOMER, ACME, summary="customer of Acme Corp"),
    Person("globex", "Gina", "Gomez", Role.CUSTOMER, GLOBEX, summary="customer of Globex Inc"),
    Person("solo", "Sam", "Solberg", Role.CUSTOMER, summary="customer without an organization"),
    Person("agent", "Avery", "Adams", Role.AGENT, summary="agent"),
    Person("agent2", "Blake", "Brooks", Role.AGENT, summary="agent"),
    Person(
        "manager",
        "Morgan",
        "Miles",
        Role.MANAGER,
        superuser=True,
        summary="manager and Django superuser (/admin/)",
    ),
)

# (queue name, workflow key, the name and the line customers see on New case)
QUEUES = (
    (
        "Technical Support",
        "technical_support",
        "Something is broken",
        "Errors, outages and anything that stopped working.",
    ),
    (
        "Support Center",
        "support_center",
        "Questions and how-to",
        "How to set something up, use a feature or plan a change.",
    ),
    (
        "Customer Service",
        "customer_service",
        "Billing and orders",
        "Invoices, charges, refunds, deliveries and your subscription.",
    ),
    (
        "Release Tracking",
        "release_tracking",
        "Bugs and feature requests",
        "A defect to fix or a change you need in a future release.",
    ),
)

# Release name -> days ago it was delivered (None: still open for cases).
RELEASES = {"4.2.1": 16.0, "4.3.0": None}
RELEASE_QUEUE = "release_tracking"

# Shared saved replies (title, body), kept by the manager: what a team answers again and again,
# with {customer_name} and {reference} filled in for the case they are inserted on.
SAVED_REPLIES = (
    (
        "Thanks, we're on it",
        "Hello {customer_name},\n\n"
        "Thank you for getting in touch. We have started on {reference} and will come back to "
        "you as soon as we know more.\n\n"
        "Kind regards,\nThe support team",
    ),
    (
        "Ask for details",
        "Hello {customer_name},\n\n"
        "To move {reference} forward we need a few more details:\n\n"
        "- what you expected to happen, and what happened instead;\n"
        "- when it started, and whether anything changed around that time;\n"
        "- the exact error message or a screenshot, if there is one.\n\n"
        "You can add them, and any files, as a reply on the case's page.\n\n"
        "Kind regards,\nThe support team",
    ),
    (
        "Please confirm the fix",
        "Hello {customer_name},\n\n"
        "We believe {reference} is solved. Could you check on your side and let us know on the "
        "case's page? If the problem is still there, just reply and we will keep working on "
        "it.\n\n"
        "Kind regards,\nThe support team",
    ),
    (
        "Closing after no reply",
        "Hello {customer_name},\n\n"
        "We have not heard from you about {reference} for a while, so we are closing it. If the "
        "problem comes back, open a follow-up from the case's page and we will pick it up from "
        "there.\n\n"
        "Kind regards,\nThe support team",
    ),
)

ACME_USER, COLLEAGUE, GLOBEX_USER, SOLO = "customer", "acme-colleague", "globex", "solo"

TECHNICAL_SUPPORT = [
    Story(
        "technical_support",
        "Office printer on the 3rd floor jams on every duplex job",
        "Since this morning the HP LaserJet next to the kitchen jams whenever someone prints "
        "double-sided. Single-sided jobs work. We have cleaned the rollers already.",
        ACME_USER,
        days=(0.15, 0.1),
    ),
    Story(
        "technical_support",
        "VPN client disconnects every 10 minutes",
        "The VPN client drops the connection about every ten minutes when I work from home, "
        "both on Wi-Fi and on a cable. Reconnecting works but kills my video calls.",
        SOLO,
        days=(0.4, 0.2),
        priority=Priority.HIGH,
        channel=Channel.EMAIL,
        steps=[
            note(OWNER, "Looks like the known MTU problem on home routers; check after stand-up.")
        ],
    ),
    Story(
        "technical_support",
        "SSO login loops back to the sign-in page",
        "After entering my password on the company sign-in page I land on the sign-in page "
        "again. Colleagues in the same office have the same problem since about 9:00.",
        ACME_USER,
        days=(6.0, 5.0),
        first_reply=(
            "Thanks for reporting. Which browser do you use, and does a private "
            "window make a difference?"
        ),
        priority=Priority.URGENT,
        steps=[
            reply(REQUESTER, "Chrome 131. A private window loops too."),
            reply(
                OWNER,
                "Thanks, that rules out cached cookies. We are checking the identity provider now.",
            ),
            note(OWNER, "IdP clock is 4 minutes ahead; SAML assertions arrive 'not yet valid'."),
        ],
    ),
    Story(
        "technical_support",
        "Invoice export to CSV drops the VAT column",
        "When we export invoices to CSV the VAT column is missing; the PDF export has it. "
        "Our accountant needs the CSV for the quarterly return.",
        GLOBEX_USER,
        days=(9.0, 3.0),
        first_reply="Could you send one affected export and the invoice numbers in it?",
        channel=Channel.EMAIL,
        steps=[go("pending_customer")],
    ),
    Story(
        "technical_support",
        "API rate limit hit at 100 requests per minute",
        "Our nightly sync gets HTTP 429 after about 100 requests per minute, although our "
        "contract says 600. Can you check the limit on our account?",
        COLLEAGUE,
        days=(4.0, 1.0),
        priority=Priority.HIGH,
        channel=Channel.API,
        owner="agent2",
        steps=[
            go("work_in_progress"),
            reply(
                OWNER,
                "The limit is counted per token. Do you send every request with the "
                "same token? Please send us a few request ids that got a 429.",
            ),
            go("pending_customer"),
            reply(REQUESTER, "We use two tokens. Request ids: 7f2a91, 7f2a9c, 7f2aa4."),
        ],
    ),
    Story(
        "technical_support",
        "Password reset emails land in spam",
        "Our users say the password reset email ends up in their spam folder (Gmail and "
        "Outlook). Some never find it.",
        SOLO,
        days=(12.0, 2.0),
        first_reply="Thanks, we are looking at the mail headers of a reset email.",
        steps=[
            note(OWNER, "SPF record of the sending domain lacks the include for our provider."),
            go(
                "solution_proposed",
                note="We have fixed the SPF record of our sending domain. New reset emails "
                "should reach the inbox; please try once more and tell us.",
            ),
        ],
    ),
    Story(
        "technical_support",
        "Dashboard charts empty after the upgrade to 4.2",
        "Since the upgrade the revenue and pipeline charts on the dashboard stay empty. The "
        "tables underneath still show data.",
        ACME_USER,
        days=(15.0, 5.0),
        priority=Priority.HIGH,
        channel=Channel.PHONE,
        owner="agent2",
        steps=[
            go("work_in_progress"),
            reply(OWNER, "We can reproduce it with accounts in time zones east of UTC."),
            go(
                "blocked",
                note="Bug ENG-4211: time zone conversion in the chart query. "
                "Waiting for the hotfix.",
            ),
        ],
    ),
    Story(
        "technical_support",
        "Outlook add-in missing after the Office update",
        "After last night's Office update the helpdesk add-in is gone from Outlook for the "
        "whole sales team.",
        GLOBEX_USER,
        days=(25.0, 20.0),
        first_reply="Sorry about that. Which Outlook version do you have now?",
        priority=Priority.LOW,
        channel=Channel.CHAT,
        steps=[
            go(
                "solution_proposed",
                note="Re-enable it under File > Options > Add-ins > COM Add-ins.",
            ),
            do("reject_solution", by=REQUESTER, note="Still missing for two users."),
            go(
                "solution_proposed",
                note="For those two, remove the add-in and install version 2.3 from the "
                "Microsoft store; the old one is blocked by the update.",
            ),
            do("accept_solution", by=REQUESTER),
        ],
    ),
    Story(
        "technical_support",
        "Shared drive quota warning",
        "The shared project drive warns that it is 95% full. We cannot delete anything before "
        "the audit.",
        ACME_USER,
        days=(30.0, 26.0),
        first_reply="We can raise the quota. How much space do you expect to need?",
        priority=Priority.LOW,
        channel=Channel.EMAIL,
        steps=[
            reply(REQUESTER, "500 GB should last until the end of the year."),
            go("closed", note="Quota raised to 500 GB; resolved."),
        ],
        follow_up=FollowUp(
            REQUESTER,
            "Shared drive quota warning again",
            "The warning is back: the drive is at 92% of the new 500 GB quota.",
        ),
    ),
]

SUPPORT_CENTER = [
    Story(
        "support_center",
        "Cannot upload attachments larger than 10 MB",
        "Uploading a 14 MB PDF to a case fails with 'Request entity too large'.",
        GLOBEX_USER,
        days=(0.05, 0.02),
    ),
    Story(
        "support_center",
        "Scheduled report emails stopped on Monday",
        "The weekly sales report has not arrived since Monday. Nobody changed the schedule.",
        ACME_USER,
        days=(3.0, 1.0),
        first_reply="Thanks, we are checking the report scheduler.",
        priority=Priority.HIGH,
        channel=Channel.EMAIL,
        steps=[
            go("in_progress"),
            reply(
                OWNER,
                "The report scheduler queue is stuck; we are restarting it and will "
                "resend the missed reports.",
            ),
        ],
    ),
    Story(
        "support_center",
        "Export to PDF cuts off wide tables",
        "Tables with more than eight columns are cut off at the right edge in the PDF export.",
        COLLEAGUE,
        days=(10.0, 6.0),
        first_reply="Thanks, we can reproduce it with a ten-column table.",
        steps=[
            go("in_progress"),
            reply(
                OWNER,
                "Confirmed; our developers will change the page layout for wide "
                "tables. We will keep you posted.",
            ),
            go("pending", sub_status="development"),
            note(OWNER, "Filed as DEV-872, planned for the next sprint."),
        ],
    ),
    Story(
        "support_center",
        "Calendar sync with Google shows duplicate events",
        "Every meeting shows up twice in my Google calendar since I connected the helpdesk.",
        SOLO,
        days=(5.0, 3.0),
        first_reply="Thanks, we are looking into the calendar connection.",
        priority=Priority.LOW,
        channel=Channel.CHAT,
        steps=[
            go("in_progress"),
            reply(
                OWNER,
                "Could you send a screenshot of the calendar settings page, with the "
                "list of connected calendars?",
            ),
            go("pending", sub_status="customer_input"),
        ],
    ),
    Story(
        "support_center",
        "SMS two-factor codes arrive late",
        "Two-factor codes by SMS take 5 to 10 minutes to arrive, so they expire before we can "
        "use them.",
        ACME_USER,
        days=(2.0, 1.0),
        priority=Priority.URGENT,
        channel=Channel.PHONE,
        owner="agent2",
        steps=[
            go("in_progress"),
            go("pending", sub_status="third_party_provider"),
            reply(
                OWNER,
                "Our SMS provider confirms delays on one carrier and is rerouting the "
                "traffic. Meanwhile the authenticator app works.",
            ),
        ],
    ),
    Story(
        "support_center",
        "Mobile app crashes when opening the inbox",
        "The Android app closes right after I tap Inbox. Reinstalling did not help.",
        GLOBEX_USER,
        days=(6.0, 2.0),
        first_reply="Sorry for the trouble; which Android version do you use?",
        priority=Priority.HIGH,
        channel=Channel.EMAIL,
        steps=[
            go("in_progress"),
            go(
                "awaiting_customer_confirmation",
                note="Version 3.8.2, released today, fixes the crash. Please update the app "
                "and confirm that the inbox opens.",
            ),
        ],
    ),
    Story(
        "support_center",
        "Wrong currency on the quote PDF",
        "Quotes for our German customers show USD instead of EUR.",
        ACME_USER,
        days=(8.0, 1.0),
        first_reply="Thanks, we are looking at the currency settings of your quotes.",
        steps=[
            go("in_progress"),
            go(
                "awaiting_customer_confirmation",
                note="The currency now follows the customer's country. Please check a new quote.",
            ),
            reply(REQUESTER, "The quote shows EUR now, but the totals still use USD rates."),
        ],
    ),
    Story(
        "support_center",
        "Webhook deliveries fail with HTTP 401",
        "Since yesterday every webhook delivery to our endpoint fails with HTTP 401.",
        COLLEAGUE,
        days=(7.0, 0.5),
        first_reply="Thanks, we are checking the webhook logs.",
        priority=Priority.HIGH,
        channel=Channel.API,
        steps=[
            go("in_progress"),
            reply(
                OWNER,
                "We rotated the signing secrets last week. Please rotate yours under "
                "Settings > Webhooks and tell us whether the errors stop.",
            ),
            go("pending", sub_status="customer_input"),
            reply(REQUESTER, "Rotated the secret; production works, staging still gets 401."),
        ],
    ),
    Story(
        "support_center",
        "Single sign-on for the new subsidiary domain",
        "Please enable single sign-on for users of our new domain acme-labs.example.",
        ACME_USER,
        days=(24.0, 19.0),
        first_reply="Thanks; we will send you a DNS record to verify the domain.",
        channel=Channel.EMAIL,
        steps=[
            go("in_progress"),
            go(
                "awaiting_customer_confirmation",
                note="acme-labs.example is now linked to your identity provider. Users can "
                "sign in with their new addresses.",
            ),
            do("confirm", by=REQUESTER),
        ],
        follow_up=FollowUp(
            OWNER,
            "Single sign-on for acme-labs.example: user provisioning (SCIM)",
            "Cloned: the customer also wants users of the new domain created automatically.",
        ),
    ),
    Story(
        "support_center",
        "Search results miss recently added documents",
        "Documents uploaded today do not show up in search, even with the exact title.",
        SOLO,
        days=(34.0, 17.0),
        first_reply="Thanks, we are checking the search index.",
        priority=Priority.LOW,
        steps=[
            go("in_progress"),
            go(
                "awaiting_customer_confirmation",
                at=31.0,
                note="The search index is now refreshed every 5 minutes instead of nightly. "
                "Please check whether new documents show up.",
            ),
            auto_close(at=17.0),
        ],
    ),
]

CUSTOMER_SERVICE = [
    Story(
        "customer_service",
        "Order #48213 arrived damaged",
        "The box was crushed and two of the six glasses are broken. Photos attached.",
        SOLO,
        days=(0.2, 0.1),
        channel=Channel.EMAIL,
    ),
    Story(
        "customer_service",
        "Refund not received after 10 days",
        "I returned the headset on the 3rd and still have no refund.",
        GLOBEX_USER,
        days=(0.8, 0.5),
        priority=Priority.HIGH,
        channel=Channel.PHONE,
        steps=[assign("agent2")],
    ),
    Story(
        "customer_service",
        "Change the billing address of Acme Corp",
        "We moved: please bill us at 12 Harbour Street, Springfield from now on.",
        ACME_USER,
        days=(2.0, 1.0),
        priority=Priority.LOW,
        steps=[
            assign("agent"),
            do("accept", by="agent"),
            reply(
                OWNER,
                "Thanks, we will update it today. Should open invoices be reissued "
                "with the new address?",
            ),
        ],
    ),
    Story(
        "customer_service",
        "Invoice for March shows the wrong plan",
        "The March invoice charges the Business plan, but we are on Team since February.",
        COLLEAGUE,
        days=(9.0, 2.0),
        first_reply="Thanks, we are checking your plan history.",
        steps=[
            go("open"),
            go("resolved", close_notes="We have issued a credit note for the difference."),
            do("reject_solution", by=REQUESTER),
            reply(REQUESTER, "The credit note covers March only; February was wrong too."),
        ],
    ),
    Story(
        "customer_service",
        "Upgrade from Team to Business plan",
        "We would like to upgrade to Business before our next billing date.",
        GLOBEX_USER,
        days=(3.0, 2.0),
        channel=Channel.CHAT,
        owner="agent2",
        steps=[
            go("open"),
            reply(OWNER, "Happy to help. Monthly or yearly billing?"),
            go("awaiting_info"),
        ],
    ),
    Story(
        "customer_service",
        "Duplicate charge on the credit card",
        "My card was charged twice for the same order (49.00 EUR each).",
        ACME_USER,
        days=(5.0, 1.0),
        priority=Priority.URGENT,
        channel=Channel.PHONE,
        steps=[
            go("open"),
            reply(
                OWNER,
                "Sorry about that. Please send the last four digits of the card and "
                "the dates of both charges.",
            ),
            go("awaiting_info"),
            reply(REQUESTER, "Card ending 4242, both charges on the 12th."),
            note(OWNER, "Payment provider confirms a retried capture; refund approved."),
            go(
                "resolved",
                close_notes="We refunded the duplicate charge of 49.00 EUR; it shows on your "
                "statement within 5 business days.",
            ),
        ],
    ),
    Story(
        "customer_service",
        "Cannot download the VAT invoice for February",
        "The download link for the February invoice gives an error page.",
        SOLO,
        days=(14.0, 10.0),
        first_reply="Sorry about that, we are looking at the invoice link now.",
        steps=[
            go("open"),
            go(
                "resolved",
                close_notes="We regenerated the invoice; the link in your account works again.",
            ),
            do("accept_solution", by=REQUESTER),
            survey(5, "Quick and friendly, thanks!"),
        ],
    ),
    Story(
        "customer_service",
        "Cancel the extra seat on our subscription",
        "We added a seat by mistake last week; please remove it.",
        GLOBEX_USER,
        days=(20.0, 18.0),
        first_reply="Thanks, we will remove the seat and credit the difference.",
        priority=Priority.LOW,
        channel=Channel.EMAIL,
        owner="agent2",
        steps=[
            go("open"),
            go("closed", close_notes="Seat removed; the prorated credit is on the next invoice."),
        ],
    ),
    Story(
        "customer_service",
        "Duplicate: order #48213 damaged",
        "Sent twice from the contact form, sorry.",
        SOLO,
        days=(0.19, 0.15),
        priority=Priority.LOW,
        steps=[
            go("open"),
            note(OWNER, "Duplicate of the damaged order case; deleting this one."),
            delete(OWNER),
        ],
    ),
]

RELEASE_TRACKING = [
    Story(
        "release_tracking",
        "Feature request: bulk edit of contacts",
        "We would like to change the owner of many contacts at once.",
        ACME_USER,
        days=(0.7, 0.5),
        priority=Priority.LOW,
    ),
    Story(
        "release_tracking",
        "Report builder times out for yearly ranges",
        "Reports over a full year stop with 'Gateway timeout' after 30 seconds.",
        GLOBEX_USER,
        days=(3.0, 2.0),
        channel=Channel.EMAIL,
        steps=[go("ticket_assigned", by="manager", assignee="agent2")],
    ),
    Story(
        "release_tracking",
        "Sync job duplicates contacts with accents in their names",
        "Every sync creates a second 'José Núñez' and 'Zoë Brandt'.",
        COLLEAGUE,
        days=(4.0, 1.0),
        first_reply="Thanks for the examples; we are looking into how the sync matches names.",
        priority=Priority.HIGH,
        channel=Channel.API,
        steps=[
            go("investigation_underway"),
            note(OWNER, "Probably Unicode normalisation (NFC vs NFD) in the matcher."),
        ],
    ),
    Story(
        "release_tracking",
        "CSV import rejects dates in DD.MM.YYYY",
        "The importer says 'invalid date' for 31.12.2026, which is how our ERP writes dates.",
        GLOBEX_USER,
        days=(6.0, 2.0),
        first_reply="Thanks, we are looking at the date parsing of the importer.",
        steps=[
            go("investigation_underway"),
            reply(OWNER, "Could you attach a sample file with a few rows?"),
            go("waiting_for_customer_response"),
        ],
    ),
    Story(
        "release_tracking",
        "API returns 500 for empty filter lists",
        "GET /contacts?tags= answers HTTP 500 instead of an empty filter.",
        ACME_USER,
        days=(8.0, 1.0),
        first_reply="Thanks, we see the errors in our logs.",
        priority=Priority.HIGH,
        channel=Channel.API,
        steps=[
            go("investigation_underway"),
            go("waiting_for_customer_response"),
            reply(OWNER, "Which client library version do you use?"),
            reply(REQUESTER, "Python SDK 2.7.0; request id 9f3c2e."),
            go("send_to_development"),
        ],
    ),
    Story(
        "release_tracking",
        "Dark mode for the customer portal",
        "Several of our users asked for a dark theme.",
        SOLO,
        days=(20.0, 12.0),
        first_reply="Thanks for the suggestion; we will pass it to the product team.",
        priority=Priority.LOW,
        steps=[go("backlog")],
    ),
    Story(
        "release_tracking",
        "Rate limiter counts failed logins twice",
        "Users get locked out after 3 failed logins instead of 5.",
        ACME_USER,
        days=(5.0, 0.5),
        first_reply="Thanks, we can reproduce the lockout after 3 attempts and are on it.",
        priority=Priority.URGENT,
        channel=Channel.EMAIL,
        owner="agent2",
        steps=[
            go("development_in_progress"),
            note(OWNER, "The middleware and the auth backend both increment the counter."),
        ],
    ),
    Story(
        "release_tracking",
        "Attachments over 25 MB fail silently",
        "Large attachments seem to upload but are missing from the case afterwards.",
        GLOBEX_USER,
        days=(12.0, 1.0),
        first_reply="Thanks for reporting; we can reproduce it with a 30 MB file.",
        priority=Priority.HIGH,
        channel=Channel.EMAIL,
        steps=[
            go("development_in_progress"),
            go(
                "blocked",
                note="Waiting for the storage team to raise the object size limit (INFRA-311).",
            ),
            go("testing_and_verification"),
        ],
    ),
    Story(
        "release_tracking",
        "Audit log export misses time zone offsets",
        "Timestamps in the audit export have no offset, so our SIEM reads them as UTC.",
        COLLEAGUE,
        days=(14.0, 3.0),
        first_reply="Thanks, we see the missing offsets in the export and are investigating.",
        steps=[
            go("development_in_progress"),
            go("blocked", note="Blocked by the logging library bug LOG-77; patch under review."),
        ],
    ),
    Story(
        "release_tracking",
        "Two-factor setup QR code unreadable in dark mode",
        "Phones cannot scan the QR code when the browser uses a dark theme.",
        ACME_USER,
        days=(10.0, 1.0),
        first_reply="Thanks, confirmed in Firefox and Chrome with a dark theme.",
        release="4.3.0",
        steps=[go("done_awaiting_release"), add_to_release()],
    ),
    Story(
        "release_tracking",
        "Typo in the password reset email",
        "The reset email says 'pasword'.",
        SOLO,
        days=(7.0, 2.0),
        first_reply="Thanks for spotting it, we will fix the text.",
        priority=Priority.LOW,
        channel=Channel.EMAIL,
        steps=[go("done_awaiting_release")],
    ),
    Story(
        "release_tracking",
        "Invoice PDF shows the wrong due date",
        "The due date on invoices is the issue date plus 30 days, but our terms are 14 days.",
        GLOBEX_USER,
        days=(30.0, 16.0),
        first_reply="Thanks, the PDF ignores the payment terms of the account; we are on it.",
        priority=Priority.HIGH,
        release="4.2.1",
        steps=[go("done_awaiting_release"), add_to_release(), delivered()],
    ),
    Story(
        "release_tracking",
        "Search ignores the status filter",
        "Filtering search results by status has no effect.",
        ACME_USER,
        days=(32.0, 2.0),
        first_reply="Thanks, we can reproduce it and have passed it on to investigation.",
        channel=Channel.EMAIL,
        release="4.2.1",
        steps=[
            go("done_awaiting_release"),
            add_to_release(),
            delivered(),
            do("resolve", at=2.0),
        ],
    ),
    Story(
        "release_tracking",
        "Slow dashboard with more than 50 widgets",
        "The dashboard takes 20 seconds to load for our team leads.",
        COLLEAGUE,
        days=(34.0, 12.0),
        first_reply="Thanks; could you tell us which widgets your team leads use most?",
        release="4.2.1",
        steps=[
            go("done_awaiting_release"),
            add_to_release(),
            delivered(),
            reply(REQUESTER, "Much faster now, thanks!"),
            do("close", by=REQUESTER),
        ],
    ),
    Story(
        "release_tracking",
        "Email notifications show HTML tags",
        "Notification emails show raw <p> and <br> tags in some mail clients.",
        SOLO,
        days=(36.0, 6.0),
        first_reply="Thanks, we see it in Outlook 2016; investigating.",
        priority=Priority.LOW,
        channel=Channel.EMAIL,
        release="4.2.1",
        steps=[
            go("done_awaiting_release"),
            add_to_release(),
            delivered(),
            do("resolve", at=14.0),
            auto_close(at=6.9),
        ],
    ),
    Story(
        "release_tracking",
        "Calendar export misses recurring events",
        "The iCal export lists only the first occurrence of recurring events.",
        ACME_USER,
        days=(33.0, 4.0),
        first_reply="Thanks for the details, we are checking the iCal export.",
        priority=Priority.HIGH,
        channel=Channel.API,
        release="4.2.1",
        steps=[
            go("done_awaiting_release"),
            add_to_release(),
            delivered(),
            reply(REQUESTER, "Weekly events work now, monthly ones are still missing."),
            do("reject_solution", by=REQUESTER, note="Monthly recurring events still missing."),
        ],
    ),
    Story(
        "release_tracking",
        "Session expires too early in Safari",
        "Safari users are signed out after about 10 minutes of inactivity instead of 8 hours.",
        GLOBEX_USER,
        days=(38.0, 1.0),
        first_reply="Thanks, we can reproduce it in Safari 18; investigating.",
        release="4.2.1",
        steps=[
            go("done_awaiting_release"),
            add_to_release(),
            delivered(),
            do("close", by=REQUESTER, at=13.0),
            do("reopen", by=REQUESTER, at=2.0),
            reply(REQUESTER, "It is back since the Safari 18.2 update, sorry."),
        ],
    ),
]

STORIES = TECHNICAL_SUPPORT + SUPPORT_CENTER + CUSTOMER_SERVICE + RELEASE_TRACKING
