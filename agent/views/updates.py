"""Updates (/agent/updates/): the agent's in-app notifications (`web.updates`), each linking to
its case's agent page."""

from agent.access import staff_only
from web.updates import mark_all_read_view, update_list_view

update_list = update_list_view(staff_only, "agent")
mark_all_read = mark_all_read_view(staff_only, "agent")
