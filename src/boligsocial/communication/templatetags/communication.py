"""The crisis-communication and outreach section of the activation page, kept in this app so that the
activation page needs one line to show it."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("communication/_activation_section.html", takes_context=True)
def communication_section(context, activation):
    """Links to the log and the outreach tasks, the police-statement status and the latest entries."""
    user = context["request"].user
    return {
        "activation": activation,
        "summary": selectors.activation_summary(user=user, activation=activation),
    }
