"""{% activation_follow_up activation %}: the activation page's section on meetings, decisions and actions.

A tag rather than view context, so the activation page needs one line and its view does not change.
"""

from django import template

from boligsocial.meetings.selectors import activation_follow_up as follow_up_for

register = template.Library()


@register.inclusion_tag("meetings/_activation_section.html", takes_context=True)
def activation_follow_up(context, activation) -> dict:
    """The meetings, decisions and actions of an activation the page's user can already read."""
    return {"activation": activation, "follow_up": follow_up_for(user=context["request"].user, activation=activation)}
