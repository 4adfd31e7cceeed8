"""`make rehearsal`: the helpdesk on several nodes, under load and kills, then checked.

    REHEARSAL_SECONDS=60 make rehearsal        # the short run CI does (about 3 minutes in all)
    REHEARSAL_SECONDS=600 make rehearsal       # a longer one, by hand

Needs PostgreSQL (REHEARSAL_POSTGRES_URL, a superuser's URL: a database is created for the run
and dropped after it), Redis (REHEARSAL_REDIS_URL, default database 13, emptied), Debian's
pgbouncer and the dev dependencies (moto, aiosmtpd, pymap). Prints a table of checks and the run
folder holding every process's log; exits 1 when a check fails.
"""

import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

import django

from rehearsal import checks, load, run
from rehearsal.services import S3, Database, Imap, Smtp, empty_redis, pgbouncer


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> int:
    options = run.Options.from_environment()
    folder = options.folder
    run.keep_logs(folder)
    signal.signal(signal.SIGTERM, _interrupt)
    database = Database(options.postgres_url, f"rehearsal_{uuid.uuid4().hex[:10]}")
    with ExitStack() as stack:
        step = _steps()
        step("services: PostgreSQL database, PgBouncer, Redis, S3, SMTP, IMAP")
        database.create()
        stack.callback(database.drop)
        home = Path(tempfile.mkdtemp(prefix="rehearsal-pgbouncer-"))
        stack.callback(shutil.rmtree, home, ignore_errors=True)
        logs = folder / "pgbouncer"
        bouncer = pgbouncer(home, logs, database, ignore_options=options.ignore_options)
        bouncer.start()
        stack.callback(bouncer.stop)
        bouncer.wait_ready()
        empty_redis(options.redis_url)
        s3, smtp, imap = S3(), Smtp(), Imap(folder)
        s3.start()
        stack.callback(s3.stop)
        smtp.start()
        stack.callback(smtp.stop)
        imap_process = imap.process()
        imap_process.start()
        stack.callback(imap_process.stop)
        imap_process.wait_ready()
        imap.create_folder()

        env = run.app_environment(options, database, bouncer, s3, smtp)
        step("one-shot: migrate, collectstatic, setup_schedules")
        run.one_shot(env, folder)
        os.environ.update(env)
        django.setup()
        # The in-process servers' request lines would drown the steps.
        for name in ("mail.log", "werkzeug"):
            logging.getLogger(name).setLevel(logging.WARNING)
        from rehearsal import findings, seed

        seeded = seed.seed(
            "Rehearsal-" + uuid.uuid4().hex,
            customers=run.CUSTOMERS,
            due_cases=run.DUE_CASES,
            backlog=run.BACKLOG_CASES,
            due_until=options.seconds * 0.5,
        )
        seed.mailbox(seeded.queue, imap.port, imap.mailbox_folder)
        from django.db import connection

        connection.close()

        step("nodes: 3 web processes, 2 workers, 2 beats")
        nodes = run.nodes(env, folder)
        for process in nodes.all():
            process.start()
            stack.callback(process.stop)
        for process in nodes.webs:
            process.wait_ready(90)
        web = [load.Node(p.name, p.port or 0) for p in nodes.webs]

        step(f"load: {len(seeded.customers)} customers, {len(seeded.agents)} agents, mail in")
        journal, kills = load.Journal(), run.Kills()
        started = time.monotonic()
        until = started + options.seconds
        users = [
            *(
                (
                    f"customer {p.username}",
                    lambda p=p: load.customer(journal, web, p, seeded.queue, until),
                )
                for p in seeded.customers
            ),
            *(
                (f"agent {p.username}", lambda p=p: load.agent(journal, web, p, until))
                for p in seeded.agents
            ),
            (
                "mail in",
                lambda: run.mail_in(imap, journal, started + options.seconds * 0.8, delivered),
            ),
        ]
        delivered: list[str] = []
        running = run.threads(users)
        run.chaos(nodes, options.seconds, started, folder / "events.jsonl", kills)
        for thread in running:
            thread.join()
        for line in kills.log:
            print(f"  {line}", flush=True)

        step("probes: a session, a file and presence across processes")
        owner = seeded.customers[0]
        case_id, reference, _ = next(c for c in journal.cases if c[2] == owner.email)
        load.probe_session(journal, web, seeded.agents[0])
        load.probe_presence(journal, web, seeded.agents[1], seeded.agents[2], reference)
        load.probe_file(journal, web, owner, case_id)

        step(f"settling: waiting up to {options.drain_seconds}s for what is due")
        deadline = time.monotonic() + options.drain_seconds
        while waiting := findings.work_due(seeded.due, delivered):
            if time.monotonic() > deadline:
                print(f"  still due: {', '.join(waiting)}", flush=True)
                break
            time.sleep(2)
        in_flight = findings.leased()
        if in_flight:
            print(
                f"  {len(in_flight)} emails leased by a killed worker: sent after the lease",
                flush=True,
            )
        for process in nodes.all():
            process.stop()
        connection.close()

        writes = {
            kind: [w for w in journal.writes if w.kind == kind]
            for kind in ("case", "comment", "reply", "attachment")
        }
        events = run.read_events(folder / "events.jsonl")
        from helpdesk.schedules import SCHEDULES

        periods = {s.task: s.every_seconds for s in SCHEDULES.values()}
        verdicts = [
            checks.writes_check(
                "case (API)",
                [w.token for w in writes["case"]],
                findings.cases_by_token(w.token for w in writes["case"]),
            ),
            checks.writes_check(
                "comment (API)",
                [w.token for w in writes["comment"]],
                findings.comments_by_token(w.token for w in writes["comment"]),
            ),
            checks.writes_check(
                "reply (pages)",
                [w.token for w in writes["reply"]],
                findings.comments_by_token(w.token for w in writes["reply"]),
            ),
            checks.writes_check(
                "attachment (API, S3)",
                [w.token for w in writes["attachment"]],
                findings.attachments_by_id((w.token, w.ident or 0) for w in writes["attachment"]),
            ),
            checks.requests_check(journal.results, {p.name: p.outages for p in nodes.all()}),
            checks.auto_close_check(findings.auto_closes(seeded.due)),
            checks.emails_check(smtp.received(), findings.sent_message_ids(), in_flight),
            checks.ticks_check(events, periods),
            checks.takeover_check(events, kills.beat, kills.beat_at),
            checks.helpers_check(events),
            checks.inbound_check(delivered, findings.taken_in(delivered)),
            *(checks.Check(p.name, p.ok, p.detail) for p in journal.probes),
        ]
        connection.close()
    print()
    print(checks.table(verdicts))
    print(f"\nRun folder (every process's log): {folder}")
    return 0 if all(v.ok for v in verdicts) else 1


def _steps() -> Callable[[str], None]:
    """Prints each step with the seconds since the start."""
    began = time.monotonic()

    def step(what: str) -> None:
        print(f"[{time.monotonic() - began:5.0f}s] {what}", flush=True)

    return step


if __name__ == "__main__":
    sys.exit(main())
