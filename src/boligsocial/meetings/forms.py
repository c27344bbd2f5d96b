"""Forms for meetings, records, decisions and actions: parsing only; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from boligsocial.activations.forms import DateTimeInput

from .models import ActionStatus, DecisionWay


class MeetingTimeForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends (optional)"), required=False, widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    video_link = forms.URLField(label=_("Video link"), required=False, max_length=500, assume_scheme="https")

    def meeting_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("starts_at", "ends_at", "place", "video_link")}
        data["video_link"] = data["video_link"] or ""
        return data


class InviteForm(forms.Form):
    adhoc_resources = forms.ModelMultipleChoiceField(
        label=_("Ad hoc participants from the plan's pool"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("Also invite"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The fixed members are always invited."),
    )

    def __init__(self, *args, adhoc_resources, invitees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adhoc_resources"].queryset = adhoc_resources
        self.fields["invited"].queryset = invitees
        self.fields["invited"].label_from_instance = lambda p: f"{p.name} ({p.organisation.name})"


class ScheduleForm(MeetingTimeForm, InviteForm):
    """When and where, and who besides the fixed members."""


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RecordForm(forms.Form):
    situation = forms.CharField(label=_("Situation picture"), widget=forms.Textarea(attrs={"rows": 4}))
    media = forms.CharField(
        label=_("How the media describe it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attended = forms.MultipleChoiceField(
        label=_("Who attended"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One decision per line."),
    )

    def __init__(self, *args, attendees, **kwargs) -> None:
        """`attendees`: (value, label) pairs and a lookup from value to object, supplied by the view."""
        super().__init__(*args, **kwargs)
        self._attendees = dict(attendees)
        self.fields["attended"].choices = [(str(k), v.name) for k, v in self._attendees.items()]

    def record_data(self) -> dict[str, Any]:
        return {
            "situation": self.cleaned_data["situation"],
            "media": self.cleaned_data["media"],
            "attended": [self._attendees[int(v)] for v in self.cleaned_data["attended"]],
            "decisions": _lines(self.cleaned_data["decisions"]),
        }


class UnscheduledRecordForm(RecordForm):
    """A meeting held at short notice without being scheduled here."""

    starts_at = forms.DateTimeField(label=_("When was it held"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    video_link = forms.URLField(label=_("Video link"), required=False, max_length=500, assume_scheme="https")
    field_order = ["starts_at", "place", "video_link", "attended", "situation", "media", "decisions"]

    def record_data(self) -> dict[str, Any]:
        data = super().record_data()
        data.update(
            starts_at=self.cleaned_data["starts_at"],
            place=self.cleaned_data["place"],
            video_link=self.cleaned_data["video_link"] or "",
        )
        return data


WAYS_WITHOUT_MEETING = [(w.value, w.label) for w in DecisionWay if w != DecisionWay.MEETING]


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    way = forms.ChoiceField(
        label=_("How it was agreed"), choices=WAYS_WITHOUT_MEETING, initial=DecisionWay.PHONE, widget=forms.RadioSelect
    )
    agreed_by = forms.ModelMultipleChoiceField(
        label=_("Who agreed"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    decided_at = forms.DateTimeField(label=_("When (leave empty for now)"), required=False, widget=DateTimeInput())

    def __init__(self, *args, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].queryset = members
        self.fields["agreed_by"].label_from_instance = lambda p: f"{p.name} ({p.organisation.name})"


class ActionForm(forms.Form):
    title = forms.CharField(label=_("What is to be done"), max_length=300)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DateTimeInput())
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.TypedChoiceField(label=_("From decision"), required=False, coerce=int, empty_value=None)

    OWNER_FIELDS = {"member": "owner_member", "staff": "owner_staff", "org": "owner_organisation"}

    def __init__(self, *args, members, staff, organisations, decisions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._owners = {
            **{f"member:{p.pk}": ("owner_member", p) for p in members},
            **{f"staff:{p.pk}": ("owner_staff", p) for p in staff},
            **{f"org:{o.pk}": ("owner_organisation", o) for o in organisations},
        }
        self.fields["owner"].choices = [
            ("", _("Choose the owner")),
            (_("Plan members"), [(f"member:{p.pk}", f"{p.name} ({p.organisation.name})") for p in members]),
            (_("Housing-social staff"), [(f"staff:{p.pk}", f"{p.name} ({p.organisation.name})") for p in staff]),
            (_("Organisations"), [(f"org:{o.pk}", o.name) for o in organisations]),
        ]
        self._decisions = {d.pk: d for d in decisions}
        self.fields["decision"].choices = [("", "—")] + [(d.pk, str(d)) for d in decisions]

    @staticmethod
    def owner_value(action) -> str:
        prefix = {"member": "member", "staff": "staff", "organisation": "org"}[action.owner_kind]
        return f"{prefix}:{action.owner.pk}"

    def owner_data(self) -> dict[str, Any]:
        """The owner as the service takes it: one of owner_member/owner_staff/owner_organisation, or none."""
        data: dict[str, Any] = {"owner_member": None, "owner_staff": None, "owner_organisation": None}
        chosen = self._owners.get(self.cleaned_data["owner"])
        if chosen is not None:
            data[chosen[0]] = chosen[1]
        return data

    def action_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("title", "deadline", "status", "notes")}
        data.update(self.owner_data())
        return data

    def chosen_decision(self):
        return self._decisions.get(self.cleaned_data.get("decision"))
