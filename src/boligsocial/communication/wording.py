"""The default wording of the resident letter and the press line, and how placeholders are filled.

The defaults follow the two plans: the police speak to the media, and residents and partners are informed on
the basis of the police statement (Varde: "Med udgangspunkt i politiets udtalelse …"; Randers: "Politi og
kommune har ansvar for at koordinere kommunikation til pressen").
"""

import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import TemplateKind

# The placeholders keep their Danish names in every language: coordinators write them into their own texts.
PLACEHOLDERS = ("niveau", "hændelsestype", "område", "dato", "politiets_udtalelse")
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}\s]{1,40})\}")


def default_template_text(kind: str) -> str:
    """The built-in text for a template kind, in the current language."""
    if kind == TemplateKind.RESIDENT_LETTER:
        return _(
            "Dear resident\n\n"
            "On {dato} there was a serious incident in {område} ({hændelsestype}). The police are handling "
            "the case. The police, the municipality and the housing organisations work together on the situation "
            "in the housing-social preparedness (level {niveau}).\n\n"
            "The police say: {politiets_udtalelse}\n\n"
            "It is natural to feel unsafe after such an event. You are welcome to talk to the housing-social "
            "staff, who are out in the area in the coming days. If you know something about the incident, "
            "contact the police on 114.\n\n"
            "Kind regards\n"
            "The housing-social secretariat"
        )
    return _(
        "The housing-social preparedness for {område} has been activated at level {niveau} after an incident on "
        "{dato} ({hændelsestype}). The police speak to the media about the incident itself: please contact the "
        "police. The municipality, the housing organisations and the housing-social staff support the police's "
        "work and are in close dialogue with the residents."
    )


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in `text` that would not be filled, e.g. a misspelt {omrade}."""
    return sorted({name for name in PLACEHOLDER_PATTERN.findall(text) if name not in PLACEHOLDERS})


def placeholder_values(*, activation, police_statement: str | None) -> dict[str, str]:
    """What each placeholder stands for in this activation."""
    incident = activation.incident
    kind = incident.incident_type.name
    return {
        "niveau": activation.get_level_display().lower(),
        # Mid-sentence in both default texts: "(skyderi)", not "(Skyderi)".
        "hændelsestype": kind[:1].lower() + kind[1:],
        "område": incident.area.name,
        "dato": date_format(timezone.localtime(incident.occurred_at), "j. F Y"),
        "politiets_udtalelse": police_statement or _("[the police statement, when it is available]"),
    }


def braced(names) -> str:
    """Placeholder names as they are written in a template: "{niveau}, {område}"."""
    return ", ".join("{" + name + "}" for name in names)


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders; any other braces are left as written."""
    return PLACEHOLDER_PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), text)
