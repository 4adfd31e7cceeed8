"""Saved replies: an agent keeps their own, a manager the shared ones too; customers none. The
variables {customer_name} and {reference} are filled in for a case."""

import pytest

from cases.errors import Forbidden, InvalidInput, NotVisible
from cases.models import SavedReply
from cases.selectors import saved_replies_for
from cases.text import MAX_NAME
from services.saved_replies import (
    saved_reply_create,
    saved_reply_delete,
    saved_reply_fill,
    saved_reply_update,
)


def test_an_agent_creates_their_own(agent):
    reply = saved_reply_create(actor=agent, title="  Thanks ", body=" Thank you! ")
    assert (reply.title, reply.body, reply.owner) == ("Thanks", "Thank you!", agent)
    assert not reply.is_shared


def test_a_manager_creates_a_shared_one(manager):
    reply = saved_reply_create(actor=manager, title="Hello", body="Hi", shared=True)
    assert reply.owner is None
    assert reply.is_shared


def test_an_agent_may_not_create_a_shared_one(agent):
    with pytest.raises(Forbidden):
        saved_reply_create(actor=agent, title="Hello", body="Hi", shared=True)


def test_a_customer_is_refused(customer):
    with pytest.raises(Forbidden):
        saved_reply_create(actor=customer, title="Hello", body="Hi")
    assert not saved_replies_for(customer).exists()


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "Hi", "title"), ("Hello", "   ", "body"), ("x" * (MAX_NAME + 1), "Hi", "title")],
)
def test_validation(agent, title, body, field):
    with pytest.raises(InvalidInput) as refused:
        saved_reply_create(actor=agent, title=title, body=body)
    assert field in refused.value.errors
    assert not SavedReply.objects.exists()


def test_the_list_is_their_own_and_the_shared_ones(agent, other_agent, manager):
    mine = saved_reply_create(actor=agent, title="Mine", body="a")
    shared = saved_reply_create(actor=manager, title="Shared", body="b", shared=True)
    saved_reply_create(actor=other_agent, title="Theirs", body="c")
    saved_reply_create(actor=manager, title="The manager's own", body="d")
    assert set(saved_replies_for(agent)) == {mine, shared}


def test_an_agent_updates_and_deletes_their_own(agent):
    reply = saved_reply_create(actor=agent, title="Old", body="old")
    saved_reply_update(reply_id=reply.pk, actor=agent, title="New", body="new")
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("New", "new")
    saved_reply_delete(reply_id=reply.pk, actor=agent)
    assert not SavedReply.objects.exists()


def test_an_update_is_validated(agent):
    reply = saved_reply_create(actor=agent, title="Old", body="old")
    with pytest.raises(InvalidInput):
        saved_reply_update(reply_id=reply.pk, actor=agent, title="New", body="")
    reply.refresh_from_db()
    assert reply.body == "old"


def test_an_agent_may_not_change_another_agents(agent, other_agent):
    theirs = saved_reply_create(actor=other_agent, title="Theirs", body="c")
    with pytest.raises(NotVisible):
        saved_reply_update(reply_id=theirs.pk, actor=agent, title="x", body="y")
    with pytest.raises(NotVisible):
        saved_reply_delete(reply_id=theirs.pk, actor=agent)
    assert SavedReply.objects.get().title == "Theirs"


def test_an_agent_may_not_change_a_shared_one(agent, manager):
    shared = saved_reply_create(actor=manager, title="Shared", body="b", shared=True)
    with pytest.raises(Forbidden):
        saved_reply_update(reply_id=shared.pk, actor=agent, title="x", body="y")
    with pytest.raises(Forbidden):
        saved_reply_delete(reply_id=shared.pk, actor=agent)
    saved_reply_update(reply_id=shared.pk, actor=manager, title="Shared!", body="b")
    assert SavedReply.objects.get().title == "Shared!"


def test_the_variables_are_filled_in(make_case, customer):
    customer.first_name, customer.last_name = "Alice", "Smith"
    customer.save()
    case = make_case()
    body = "Hi {customer_name}, about {reference}: {unknown} {customer_name} {} {{reference}}"
    assert saved_reply_fill(body=body, case=case) == (
        f"Hi Alice Smith, about {case.reference}: {{unknown}} Alice Smith {{}} {{{case.reference}}}"
    )


def test_the_customer_name_falls_back_to_the_username(make_case):
    case = make_case()
    assert saved_reply_fill(body="Dear {customer_name}", case=case) == "Dear alice"
