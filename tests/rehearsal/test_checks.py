"""The rehearsal's checks fail when what they guard went wrong: a tick run twice, a request cut at
a process that was up, an email lost or doubled, an auto-close done twice or never, mail taken in
twice, a beat that nobody replaced, a backlog no helper shared. (`make rehearsal` runs them on a
real run.)"""

from collections import Counter

from rehearsal.checks import (
    Event,
    auto_close_check,
    emails_check,
    helpers_check,
    inbound_check,
    requests_check,
    table,
    takeover_check,
    ticks_check,
    writes_check,
)
from rehearsal.load import Result
from rehearsal.processes import Outage

SWEEP = "workflows.tasks.auto_close_cases"


def ran(task_id: str, at: float, task: str = SWEEP) -> Event:
    return Event("ran", task, task_id, "worker-1", at)


def sent(node: str, at: float) -> Event:
    return Event("sent", SWEEP, f"{node}-{at}", node, at)


def test_one_run_a_tick_passes():
    assert ticks_check([ran("a", 0), ran("b", 60), ran("c", 120)], {SWEEP: 60}).ok


def test_two_beats_sending_one_tick_fail():
    check = ticks_check([ran("a", 0), ran("b", 0.4), ran("c", 60)], {SWEEP: 60})
    assert not check.ok
    assert "1 ticks ran twice" in check.detail


def test_a_message_redelivered_is_one_run():
    assert ticks_check([ran("a", 0), ran("a", 5), ran("b", 60)], {SWEEP: 60}).ok


def test_no_periodic_run_at_all_fails():
    assert not ticks_check([ran("a", 0, task="other.task")], {SWEEP: 60}).ok


def result(node: str, at: float, status: int | None, error: str = "") -> Result:
    return Result(node, at, "GET /agent/", status, (200,), error, at + 0.1)


def test_requests_cut_during_a_kill_are_excused():
    outages = {"web-2": [Outage(10.0, 14.0)]}
    results = [result("web-1", 11, 200), result("web-2", 12, None, "ConnectionRefusedError")]
    assert requests_check(results, outages).ok


def test_a_request_cut_at_a_process_that_was_up_fails():
    outages = {"web-2": [Outage(10.0, 14.0)]}
    check = requests_check([result("web-1", 12, None, "ConnectionResetError")], outages)
    assert not check.ok
    assert "web-1, which was up" in check.detail


def test_a_server_error_fails_even_during_a_kill():
    outages = {"web-2": [Outage(10.0, 14.0)]}
    assert not requests_check([result("web-2", 12, 502)], outages).ok


def test_an_unexpected_status_fails():
    assert not requests_check([result("web-1", 1, 403)], {}).ok


def test_a_long_request_cut_by_the_kill_is_excused():
    outages = {"web-2": [Outage(10.0, 14.0)]}
    slow = Result("web-2", 3.0, "POST /api/auth/token/", None, (200,), "ConnectionResetError", 10)
    assert requests_check([slow], outages).ok


def test_emails_lost_doubled_or_unrecorded_fail():
    assert emails_check(Counter({"<a>": 1, "<b>": 1}), ["<a>", "<b>"]).ok
    assert not emails_check(Counter({"<a>": 1}), ["<a>", "<b>"]).ok
    assert not emails_check(Counter({"<a>": 2}), ["<a>"]).ok
    assert not emails_check(Counter({"<a>": 1, "<c>": 1}), ["<a>"]).ok
    # Sent by a worker killed before it recorded it: at-least-once, not a loss or a double.
    assert emails_check(Counter({"<a>": 1, "<c>": 1}), ["<a>"], {"<c>"}).ok


def test_auto_close_exactly_once():
    assert auto_close_check({"RH-1": (True, 1)}).ok
    assert not auto_close_check({"RH-1": (True, 2)}).ok
    assert not auto_close_check({"RH-1": (False, 0)}).ok
    assert not auto_close_check({}).ok


def test_writes_missing_or_doubled_fail():
    assert writes_check("case", ["t1"], {"t1": 1}).ok
    assert not writes_check("case", ["t1"], {}).ok
    assert not writes_check("case", ["t1"], {"t1": 2}).ok


def test_the_standby_must_send_after_the_kill():
    events = [sent("beat-1", 0), sent("beat-2", 70)]
    assert takeover_check(events, "beat-1", 30).ok
    assert not takeover_check([sent("beat-1", 0)], "beat-1", 30).ok


def test_a_backlog_no_helper_ran_for_fails():
    helper = "workflows.tasks.help_with_sweep"
    assert helpers_check([ran("a", 0), ran("h", 1, task=helper)]).ok
    assert not helpers_check([ran("a", 0)]).ok


def test_mail_taken_in_exactly_once():
    assert inbound_check(["<m>"], {"<m>": (1, 1)}).ok
    assert not inbound_check(["<m>"], {"<m>": (2, 1)}).ok
    assert not inbound_check(["<m>"], {}).ok


def test_the_table_says_pass_or_fail():
    lines = table([writes_check("case", ["t"], {"t": 1}), auto_close_check({})]).splitlines()
    assert lines[2].startswith("PASS")
    assert lines[3].startswith("FAIL")
