"""Forms for incidents and activations: parsing only; the flows decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boligsocial.directory.models import Department, HousingArea
from boligsocial.plans.models import IncidentType, Level, Plan

from .models import Answer, IncidentSource

ACTIVATION_LEVELS = [(Level.YELLOW, Level.YELLOW.label), (Level.RED, Level.RED.label)]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ActivationForm(forms.Form):
    """The level and the police consultation: what activating asks for."""

    level = forms.ChoiceField(label=_("Level"), choices=ACTIVATION_LEVELS, widget=forms.RadioSelect)
    rationale = forms.CharField(label=_("Why this level (one line)"), max_length=300)
    police_consulted = forms.BooleanField(label=_("The police were consulted before activation"), required=False)
    police_contact = forms.CharField(label=_("Who at the police"), required=False, max_length=200)
    police_consulted_at = forms.DateTimeField(
        label=_("When were they consulted"), required=False, widget=DateTimeInput()
    )
    police_advice = forms.CharField(
        label=_("What the police said"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    no_police_reason = forms.CharField(label=_("If not: why not"), required=False, max_length=300)

    def activation_data(self) -> dict:
        keys = (
            "level",
            "rationale",
            "police_consulted",
            "police_contact",
            "police_consulted_at",
            "police_advice",
            "no_police_reason",
        )
        return {k: self.cleaned_data[k] for k in keys}


class IncidentForm(ActivationForm):
    """The incident, then the level and the police consultation, on one page that works on a phone."""

    incident_type = forms.ModelChoiceField(label=_("What happened"), queryset=IncidentType.objects.none())
    area = forms.ModelChoiceField(label=_("Housing area"), queryset=HousingArea.objects.none())
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    police_case_number = forms.CharField(label=_("Police case number (if any)"), required=False, max_length=50)
    reported_by = forms.CharField(label=_("Reported by"), required=False, max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=IncidentSource.choices, initial=IncidentSource.POLICE)

    INCIDENT_FIELDS = (
        "incident_type",
        "area",
        "department",
        "occurred_at",
        "description",
        "police_case_number",
        "reported_by",
        "source",
    )
    field_order = INCIDENT_FIELDS

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident_type"].queryset = plan.incident_types.all()
        self.fields["area"].queryset = plan.areas.all()
        self.fields["department"].queryset = Department.objects.filter(area__in=plan.areas.all()).select_related("area")

    def incident_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.INCIDENT_FIELDS}


class LevelChangeForm(forms.Form):
    level = forms.ChoiceField(label=_("New level"), choices=ACTIVATION_LEVELS)
    rationale = forms.CharField(label=_("Why (one line)"), max_length=300)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(label=_("Reason for declining"), max_length=300)


class EvaluationForm(forms.Form):
    """The coordinator's evaluation after closing: the Randers questions, then free text."""

    worked = forms.ChoiceField(
        label=_("Did the preparedness work as it should?"), choices=Answer.choices, widget=forms.RadioSelect
    )
    worked_note = forms.CharField(
        label=_("What worked, and what did not?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    channels_right = forms.ChoiceField(
        label=_("Were the right information channels used?"),
        help_text=_("E.g. did the alerts, phone calls and messages to residents and partners reach the right people?"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
    )
    channels_note = forms.CharField(
        label=_("Channels: what reached people, and what did not?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    changes = forms.CharField(
        label=_("What should be changed in the plan or in how we work?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(label=_("Other remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
