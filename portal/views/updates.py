"""Updates (/portal/updates/): the customer's in-app notifications (`web.updates`)."""

from portal.access import customer_only
from web.updates import mark_all_read_view, update_list_view

update_list = update_list_view(customer_only, "portal")
mark_all_read = mark_all_read_view(customer_only, "portal")
