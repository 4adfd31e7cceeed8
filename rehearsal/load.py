"""The simulated users: customers on the API (token auth) and agents on the pages (session
sign-in and CSRF), each a thread spreading its requests over every web process, plus the probes
that ask one process for what another one did (a session, a file, who else has a case open).

Every request is journaled with the process that answered (or failed to), when and how; every
write that was acknowledged is journaled with a token of its own written into it, so the checks
find it in the database, once."""

import hashlib
import http.client
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
TIMEOUT = 30
SEEN = re.compile(r'name="seen" value="([^"]*)"')
PRESENCE = "is also looking at this case"
# A case's reference or an id in a path: requests are journaled by their route.
ID_IN_PATH = re.compile(r"/[A-Z]+-\d+/|/\d+/")


@dataclass(frozen=True)
class Node:
    name: str
    port: int


@dataclass(frozen=True)
class Result:
    """One request: the node asked, when (monotonic seconds), and its status or the error that
    cut it (no status)."""

    node: str
    at: float
    what: str
    status: int | None
    expected: tuple[int, ...]
    error: str = ""
    # When the answer (or the error) came: a request is cut by a kill while it is in flight.
    ended: float = 0.0

    @property
    def unexpected(self) -> bool:
        return self.status is not None and self.status not in self.expected


@dataclass(frozen=True)
class Write:
    """A write acknowledged with a 2xx or 3xx: `token` is in its text; `ident` its id, if any."""

    kind: str
    token: str
    node: str
    ident: int | None = None


@dataclass(frozen=True)
class Probe:
    """A cross-process check done during the run: what it did, and whether it held."""

    name: str
    ok: bool
    detail: str


@dataclass
class Journal:
    results: list[Result] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    # (id, reference, customer's email) of the cases created, for the agents and the mail.
    cases: list[tuple[int, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: Result | Write | Probe) -> None:
        with self.lock:
            if isinstance(item, Result):
                self.results.append(item)
            elif isinstance(item, Write):
                self.writes.append(item)
            else:
                self.probes.append(item)

    def add_case(self, ident: int, reference: str, email: str) -> None:
        with self.lock:
            self.cases.append((ident, reference, email))

    def some_case(self) -> tuple[int, str, str] | None:
        with self.lock:
            return random.choice(self.cases) if self.cases else None


class Refused(Exception):
    """A request cut before it had an answer (the process was killed, or not listening)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    cookies: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """One person's browser or script: its cookies and token, journaling every request."""

    journal: Journal
    nodes: list[Node]
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def node(self, avoid: Node | None = None) -> Node:
        return random.choice([node for node in self.nodes if node != avoid] or self.nodes)

    def request(
        self,
        node: Node,
        method: str,
        path: str,
        expected: tuple[int, ...],
        *,
        body: bytes | None = None,
        content_type: str = "",
    ) -> Answer:
        headers = {"Host": f"{HOST}:{node.port}"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        what = f"{method} {ID_IN_PATH.sub('/{id}/', path.split('?')[0])}"
        at = time.monotonic()
        connection = http.client.HTTPConnection(HOST, node.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            failed = Result(
                node.name, at, what, None, expected, type(exc).__name__, time.monotonic()
            )
            self.journal.add(failed)
            raise Refused(f"{what} at {node.name}: {exc!r}") from exc
        finally:
            connection.close()
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed: SimpleCookie = SimpleCookie(header)
            cookies.update({name: morsel.value for name, morsel in parsed.items()})
        self.cookies.update(cookies)
        self.journal.add(
            Result(node.name, at, what, response.status, expected, "", time.monotonic())
        )
        return Answer(response.status, content, cookies)

    def post_json(self, node: Node, path: str, data: dict[str, Any], ok: int) -> Answer:
        return self.request(
            node, "POST", path, (ok,), body=json.dumps(data).encode(), content_type=JSON
        )

    def post_form(self, node: Node, path: str, data: dict[str, str], ok: int) -> Answer:
        data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        return self.request(
            node, "POST", path, (ok,), body=urlencode(data).encode(), content_type=FORM
        )


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def token() -> str:
    return f"rh{uuid.uuid4().hex[:16]}"


def retrying(action: Callable[[], Any], until: float) -> Any:
    """`action` again while processes are down (a kill refuses it), up to `until`."""
    while True:
        try:
            return action()
        except Refused:
            if time.monotonic() > until:
                raise
            time.sleep(0.5)


def sign_in_api(client: Client, username: str, password: str, until: float) -> None:
    answer = retrying(
        lambda: client.post_json(
            client.node(), "/api/auth/token/", {"username": username, "password": password}, 200
        ),
        until,
    )
    client.token = answer.json()["token"]


def sign_in_pages(client: Client, node: Node, username: str, password: str) -> bool:
    client.request(node, "GET", "/accounts/login/", (200,))
    answer = client.post_form(
        node, "/accounts/login/", {"username": username, "password": password}, 302
    )
    return answer.status == 302 and "sessionid" in client.cookies


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/plain\r\n\r\n"
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client: Client, node: Node, case_id: int, content: bytes) -> int | None:
    body, content_type = multipart("rehearsal.log", content)
    answer = client.request(
        node,
        "POST",
        f"/api/cases/{case_id}/attachments/",
        (201,),
        body=body,
        content_type=content_type,
    )
    return int(answer.json()["id"]) if answer.status == 201 else None


@dataclass(frozen=True)
class Person:
    username: str
    password: str
    email: str
    name: str


def customer(journal: Journal, nodes: list[Node], who: Person, queue: int, until: float) -> None:
    """Opens cases, comments on them and attaches files through the API, until `until`."""
    client = Client(journal, nodes)
    sign_in_api(client, who.username, who.password, until)
    mine: list[int] = []
    while time.monotonic() < until:
        node = client.node()
        mark = token()
        try:
            if not mine or random.random() < 0.3:
                answer = client.post_json(
                    node,
                    "/api/cases/",
                    {"queue": queue, "subject": f"Printer {mark}", "description": mark},
                    201,
                )
                if answer.status == 201:
                    case = answer.json()
                    mine.append(case["id"])
                    journal.add(Write("case", mark, node.name, case["id"]))
                    journal.add_case(case["id"], case["reference"], who.email)
            elif random.random() < 0.8:
                case_id = random.choice(mine)
                answer = client.post_json(
                    node, f"/api/cases/{case_id}/comments/", {"body": f"Still {mark}"}, 201
                )
                if answer.status == 201:
                    journal.add(Write("comment", mark, node.name, answer.json()["id"]))
            else:
                ident = upload(client, node, random.choice(mine), mark.encode() * 64)
                if ident is not None:
                    journal.add(Write("attachment", mark, node.name, ident))
        except Refused:
            pass
        time.sleep(random.uniform(0.05, 0.3))


def agent(journal: Journal, nodes: list[Node], who: Person, until: float) -> None:
    """Signs in on the pages, opens cases (their page and presence poll) and replies, until
    `until`, each request on any process: the session is shared through the database and cache."""
    client = Client(journal, nodes)
    while not retrying(
        lambda: sign_in_pages(client, client.node(), who.username, who.password), until
    ):
        time.sleep(1)
    while time.monotonic() < until:
        found = journal.some_case()
        try:
            if found is None:
                client.request(client.node(), "GET", "/agent/", (200,))
            else:
                reference = found[1]
                page = client.request(client.node(), "GET", f"/agent/cases/{reference}/", (200,))
                seen = SEEN.search(page.body.decode())
                client.request(client.node(), "GET", f"/agent/cases/{reference}/presence/", (200,))
                if seen and random.random() < 0.5:
                    node = client.node()
                    mark = token()
                    answer = client.post_form(
                        node,
                        f"/agent/cases/{reference}/reply/",
                        {"body": f"Try {mark}", "seen": seen[1], "send_anyway": "yes"},
                        302,
                    )
                    if answer.status == 302:
                        journal.add(Write("reply", mark, node.name))
        except Refused:
            pass
        time.sleep(random.uniform(0.1, 0.5))


def probe_session(journal: Journal, nodes: list[Node], who: Person) -> None:
    """Signed in at one process, signed in at every other."""
    client = Client(journal, nodes)
    if not sign_in_pages(client, nodes[0], who.username, who.password):
        journal.add(Probe("session across processes", False, f"sign-in at {nodes[0].name}"))
        return
    answers = {node.name: client.request(node, "GET", "/agent/", (200,)).status for node in nodes}
    ok = all(status == 200 for status in answers.values())
    detail = f"signed in at {nodes[0].name}; /agent/ " + ", ".join(
        f"{name} {status}" for name, status in answers.items()
    )
    journal.add(Probe("session across processes", ok, detail))


def probe_presence(
    journal: Journal, nodes: list[Node], first: Person, second: Person, reference: str
) -> None:
    """One agent has a case open at one process; the other, at another, is told so."""
    one, two = Client(journal, nodes), Client(journal, nodes)
    sign_in_pages(one, nodes[0], first.username, first.password)
    sign_in_pages(two, nodes[1], second.username, second.password)
    path = f"/agent/cases/{reference}/presence/"
    one.request(nodes[0], "GET", path, (200,))
    told = two.request(nodes[1], "GET", path, (200,)).body.decode()
    ok = first.name in told and PRESENCE in told
    detail = (
        f"{first.username} polled at {nodes[0].name}; {second.username} at {nodes[1].name} "
        + ("was told" if ok else f"was not told: {told[:120]!r}")
    )
    journal.add(Probe("someone else is here, across processes", ok, detail))


def probe_file(journal: Journal, nodes: list[Node], who: Person, case_id: int) -> None:
    """A file uploaded through one process downloads through each other one, byte for byte."""
    client = Client(journal, nodes)
    sign_in_api(client, who.username, who.password, time.monotonic() + 30)
    content = hashlib.sha256(uuid.uuid4().bytes).hexdigest().encode() * 1000
    ident = upload(client, nodes[0], case_id, content)
    if ident is None:
        journal.add(Probe("file across processes", False, f"upload at {nodes[0].name} refused"))
        return
    same = {
        node.name: client.request(node, "GET", f"/api/attachments/{ident}/", (200,)).body == content
        for node in nodes[1:]
    }
    detail = f"{len(content)} bytes up at {nodes[0].name}; down equal at " + ", ".join(
        f"{name}: {'yes' if equal else 'NO'}" for name, equal in same.items()
    )
    journal.add(Probe("file across processes", all(same.values()), detail))
