"""An activation's timeline and key facts as a PDF (for the file) and as CSV (for a spreadsheet), in Danish.

Both take an activation read through `selectors.activation_get_for_user`, the selector of the page: the caller's
permission check and the prefetched seats and timeline are the page's own, so the export cannot show more.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boligsocial.core.pdf import html_to_pdf
from boligsocial.core.templatetags.deadline import deadline_date
from boligsocial.core.workdays import COPENHAGEN

from .models import Activation, Answer, EvaluationState, SeatState, TimelineEntry

# The exported file goes into the municipality's records and to Landsbyggefonden: Danish, like the plan PDF.
EXPORT_LANGUAGE = "da"

# What each kind of timeline row is called in an export; a kind not listed here (a newer step) is shown as is.
TIMELINE_KIND_LABELS = {
    "activated": gettext_lazy("Activated"),
    "police_not_consulted": gettext_lazy("Police not consulted"),
    "unreachable": gettext_lazy("Unreachable"),
    "substitutes_notified": gettext_lazy("Substitute notified"),
    "fallback_shown": gettext_lazy("Fallback shown"),
    "escalated": gettext_lazy("Alerted again"),
    "acknowledged": gettext_lazy("Acknowledged"),
    "level_changed": gettext_lazy("Level changed"),
    "closed": gettext_lazy("Closed"),
    "evaluation_requested": gettext_lazy("Evaluation requested"),
    "evaluation_done": gettext_lazy("Evaluation submitted"),
}


def timeline_kind_label(kind: str) -> str:
    """A reader's name for a kind of timeline row."""
    label = TIMELINE_KIND_LABELS.get(kind)
    return str(label) if label is not None else kind.replace("_", " ")


def _when(value: datetime.datetime | None) -> str:
    return value.astimezone(COPENHAGEN).strftime("%d.%m.%Y %H:%M") if value else ""


def _user_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class SeatRow:
    position: int
    name: str
    role: str
    state: str
    acknowledged_at: datetime.datetime | None
    acknowledged_by: str  # the substitute's name when a substitute acknowledged, else ""


def export_facts(*, activation: Activation) -> list[Fact]:
    """The key facts of an activation, in the order a reader needs them."""
    incident = activation.incident
    facts = [
        Fact(_("Plan"), activation.plan.name),
        Fact(_("Incident"), f"{incident.incident_type.name} – {incident.area.name}"),
        Fact(_("When it happened"), _when(incident.occurred_at)),
        Fact(_("Level"), activation.get_level_display()),
        Fact(_("Rationale"), activation.rationale),
        Fact(_("State"), activation.get_state_display()),
        Fact(_("Activated"), f"{_when(activation.activated_at)} ({_user_name(activation.activated_by)})"),
        Fact(_("Meeting deadline"), deadline_date(activation.meeting_deadline) or _("No meeting deadline")),
        Fact(_("Meeting held"), _when(activation.meeting_held_at) or _("No")),
    ]
    if incident.police_case_number:
        facts.append(Fact(_("Police case number"), incident.police_case_number))
    if activation.police_consulted:
        facts.append(Fact(_("Police"), _("Consulted: %(who)s") % {"who": activation.police_contact}))
    else:
        facts.append(Fact(_("Police"), _("Not consulted: %(reason)s") % {"reason": activation.no_police_reason}))
    if activation.closed_at:
        facts.append(Fact(_("Closed"), f"{_when(activation.closed_at)} ({_user_name(activation.closed_by)})"))
        facts.append(Fact(_("Summary"), activation.summary))
    return facts


def export_evaluation(*, activation: Activation) -> list[Fact]:
    """The evaluation's answers once it is done; before that, when it is due. Empty while the activation runs."""
    evaluation = getattr(activation, "evaluation", None) if activation.state == "closed" else None
    if evaluation is None:
        return []
    if evaluation.state != EvaluationState.DONE:
        return [Fact(_("Evaluation"), _("Not submitted yet; due %(due)s") % {"due": _when(evaluation.due_at)})]

    def answer(choice: str, note: str) -> str:
        return "\n".join(part for part in (str(Answer(choice).label), note) if part)

    return [
        Fact(_("Did the preparedness work as it should?"), answer(evaluation.worked, evaluation.worked_note)),
        Fact(
            _("Were the right information channels used?"),
            answer(evaluation.channels_right, evaluation.channels_note),
        ),
        Fact(_("What should be changed in the plan or in how we work?"), evaluation.changes or "–"),
        Fact(_("Other remarks"), evaluation.notes or "–"),
        Fact(_("Submitted"), f"{_when(evaluation.submitted_at)} ({_user_name(evaluation.submitted_by)})"),
    ]


def export_seats(*, activation: Activation) -> list[SeatRow]:
    """Each fixed member's seat: whether and when they (or a substitute) acknowledged."""
    rows = []
    for seat in activation.seats.all():
        by = seat.acknowledged_by
        rows.append(
            SeatRow(
                position=seat.position,
                name=seat.person.name,
                role=seat.role,
                state=seat.get_state_display(),
                acknowledged_at=seat.acknowledged_at if seat.state == SeatState.ACKNOWLEDGED else None,
                acknowledged_by=by.name if by is not None and by.pk != seat.person_id else "",
            )
        )
    return rows


def export_context(*, activation: Activation) -> dict:
    """Everything the PDF template shows (also used for the CSV)."""
    entries: list[TimelineEntry] = list(activation.timeline.all())
    for entry in entries:
        entry.kind_label = timeline_kind_label(entry.kind)
        entry.actor_name = _user_name(entry.actor)
    return {
        "activation": activation,
        "facts": export_facts(activation=activation),
        "seats": export_seats(activation=activation),
        "evaluation": export_evaluation(activation=activation),
        "entries": entries,
        "printed_at": timezone.now(),
    }


def export_filename(*, activation: Activation, extension: str) -> str:
    """E.g. tidslinje-skyderi-vestparken-2026-04-01.pdf."""
    incident = activation.incident
    day = activation.activated_at.astimezone(COPENHAGEN).date().isoformat()
    prefix = _("timeline")
    name = slugify(f"{prefix} {incident.incident_type.name} {incident.area.name} {day}", allow_unicode=True)
    return f"{name}.{extension}"


def timeline_pdf(*, activation: Activation) -> tuple[bytes, str]:
    """The timeline and key facts as an A4 PDF in Danish, and its filename."""
    with translation.override(EXPORT_LANGUAGE):
        html = render_to_string("activations/timeline_pdf.html", export_context(activation=activation))
        return html_to_pdf(html), export_filename(activation=activation, extension="pdf")


class _SafeWriter:
    """A CSV writer that keeps a spreadsheet from reading a user's text as a formula ("=…", "+…", "@…")."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def writerow(self, row: list[str]) -> None:
        self._writer.writerow(["'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell for cell in row])


def timeline_csv(*, activation: Activation) -> tuple[str, str]:
    """The key facts, the seats and the timeline as one CSV table in Danish, and its filename.

    One table with a "section" column (facts, members, timeline) so that a spreadsheet can filter it; semicolons
    and a byte-order mark because that is what a Danish Excel opens correctly.
    """
    with translation.override(EXPORT_LANGUAGE):
        context = export_context(activation=activation)
        out = io.StringIO()
        out.write("\ufeff")
        writer = _SafeWriter(out)
        writer.writerow([_("Section"), _("Time"), _("Subject"), _("Text"), _("By")])
        facts, members, timeline = _("Facts"), _("Member"), _("Timeline")
        for fact in context["facts"]:
            writer.writerow([facts, "", fact.label, fact.value, ""])
        for seat in context["seats"]:
            state = seat.state
            if seat.acknowledged_by:
                state = _("%(state)s by substitute %(name)s") % {"state": state, "name": seat.acknowledged_by}
            subject = f"{seat.name} ({seat.role})" if seat.role else seat.name
            writer.writerow([members, _when(seat.acknowledged_at), subject, state, ""])
        for entry in context["entries"]:
            writer.writerow([timeline, _when(entry.at), entry.kind_label, entry.text, entry.actor_name])
        evaluation = _("Evaluation")
        for fact in context["evaluation"]:
            writer.writerow([evaluation, "", fact.label, fact.value, ""])
        return out.getvalue(), export_filename(activation=activation, extension="csv")
