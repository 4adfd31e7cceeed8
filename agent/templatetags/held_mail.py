"""The number of held messages the workspace's navigation shows beside Held mail
(`{% load held_mail %}{% held_mail_count as held %}`): one indexed count, on the pages that draw
the navigation only."""

from django import template

from agent.mail import held_mail
from cases.models import User

register = template.Library()


@register.simple_tag(takes_context=True)
def held_mail_count(context: template.Context) -> int:
    user = context.get("user")
    if not isinstance(user, User):
        return 0
    return held_mail(user).order_by().count()
