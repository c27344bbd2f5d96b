"""Forms for the plan pages. They parse input; the services decide what is allowed."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boligsocial.directory.models import HousingArea, Organisation, Person

from .models import (
    AdHocResource,
    CommunicationRole,
    FallbackProcedure,
    IncidentType,
    LevelRule,
    Membership,
    MembershipKind,
    OutreachGroup,
    Plan,
)
from .services import PLAN_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        # A date input only accepts ISO dates; the Danish display format would leave it empty.
        super().__init__(attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    field_order = ["name", "areas"]

    areas = forms.ModelMultipleChoiceField(
        label=_("Housing areas"), queryset=HousingArea.objects.all(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Plan
        # The fields the plan_create/plan_update services accept, and the areas they take separately.
        fields = ["areas", *PLAN_FIELDS]
        widgets = {"valid_from": DateInput, "valid_until": DateInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left empty (or sent by a client that predates the setting), the plan keeps its period: 5 years if new.
        self.fields["retention_years"].required = False

    def clean_retention_years(self) -> int:
        value = self.cleaned_data.get("retention_years")
        return self.instance.retention_years if value is None else value


def _split_phones(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class PersonChoiceField(forms.ModelChoiceField):
    """People shown with their organisation, since names alone are ambiguous across organisations."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", Person.objects.select_related("organisation"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} ({obj.organisation.name})"


PERSON_FIELDS = ("name", "title", "organisation", "email", "phones")


class MemberForm(forms.Form):
    """A member's person details and their place in the plan, edited together.

    When adding, an existing person from the directory may be chosen instead of typing a new one.
    """

    person = PersonChoiceField(
        label=_("Existing person"),
        required=False,
        help_text=_("Choose someone already in the directory, or leave empty and fill in a new person below."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    email = forms.EmailField(label=_("Email"), required=False)
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        help_text=_("One or more, separated by commas. Danish numbers can be written with 8 digits."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MembershipKind.choices)
    role = forms.CharField(label=_("Role in the group"), max_length=200, required=False)
    is_coordinator = forms.BooleanField(label=_("Coordinator"), required=False)
    substitute_for = forms.ModelChoiceField(
        label=_("Substitute for"),
        queryset=Membership.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a fixed member of this plan.")},
    )
    contact_priority = forms.IntegerField(
        label=_("Priority on the contact list"),
        min_value=1,
        required=False,
        help_text=_("1 is called first in a sudden crisis. Leave empty to keep off the contact list."),
    )

    def __init__(self, *args, plan: Plan, people: QuerySet[Person] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["substitute_for"].queryset = plan.memberships.filter(kind=MembershipKind.FIXED).select_related(
            "person"
        )
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people
            self.fields["name"].required = False
            self.fields["organisation"].required = False

    def clean_phones(self) -> list[str]:
        return _split_phones(self.cleaned_data["phones"])

    def clean(self) -> dict:
        data = super().clean()
        if "person" not in self.fields:
            return data
        if data.get("person"):
            if any(data.get(field) for field in PERSON_FIELDS):
                self.add_error(
                    "person",
                    _("Choose an existing person or fill in a new person's details, not both."),
                )
        else:
            for field in ("name", "organisation"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, self.fields[field].error_messages["required"])
        return data

    def person_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "title", "organisation", "email")}

    def membership_data(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in ("kind", "role", "is_coordinator", "substitute_for", "contact_priority")
        }

    @classmethod
    def initial_for(cls, membership: Membership) -> dict:
        person = membership.person
        return {
            "name": person.name,
            "title": person.title,
            "organisation": person.organisation_id,
            "email": person.email,
            "phones": ", ".join(p.display for p in person.phones.all()),
            "kind": membership.kind,
            "role": membership.role,
            "is_coordinator": membership.is_coordinator,
            "substitute_for": membership.substitute_for_id,
            "contact_priority": membership.contact_priority,
        }


class MemberLeaveForm(forms.Form):
    """A member's departure: when, and who takes their place (someone in the directory, or a new person)."""

    left_on = forms.DateField(label=_("Left on"), widget=DateInput, initial=timezone.localdate)
    successor = PersonChoiceField(
        label=_("Successor"),
        required=False,
        help_text=_("Choose the successor from the directory, or leave empty and fill in a new person below."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all(), required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        help_text=_("One or more, separated by commas. Danish numbers can be written with 8 digits."),
    )

    def __init__(self, *args, people: QuerySet[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = people

    def clean_phones(self) -> list[str]:
        return _split_phones(self.cleaned_data["phones"])

    def clean(self) -> dict:
        data = super().clean()
        new_person = any(data.get(field) for field in PERSON_FIELDS)
        if data.get("successor") and new_person:
            self.add_error("successor", _("Choose an existing person or fill in a new person's details, not both."))
        elif not data.get("successor") and "successor" not in self.errors:
            for field in ("name", "organisation"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, _("Fill in the successor's name and organisation, or choose a person."))
        return data

    def person_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "title", "organisation", "email")}


class LevelRuleForm(forms.ModelForm):
    class Meta:
        model = LevelRule
        fields = ["description", "examples", "deadline_kind", "deadline_value", "acknowledge_wait_minutes"]


class FallbackProcedureForm(forms.ModelForm):
    class Meta:
        model = FallbackProcedure
        fields = ["position", "condition", "instruction", "phone"]
        help_texts = {
            "condition": _("For example: if neither police contact answers."),
            "phone": _("Short numbers such as 114 are allowed here."),
        }


class OutreachGroupForm(forms.ModelForm):
    contact_person = PersonChoiceField(label=_("Contact person"), required=False)

    class Meta:
        model = OutreachGroup
        fields = ["name", "contact_person", "channel", "position"]
        help_texts = {"channel": _("How the group is reached, if not through a person: a meeting, a list, …")}


class CommunicationRoleForm(forms.ModelForm):
    person = PersonChoiceField(label=_("Person"), required=False)

    class Meta:
        model = CommunicationRole
        fields = ["audience", "person", "organisation", "is_spokesperson", "description", "position"]
        help_texts = {"organisation": _("Instead of a person, for example a press office.")}


class AdHocResourceForm(forms.ModelForm):
    class Meta:
        model = AdHocResource
        fields = ["name", "organisation", "description"]


class IncidentTypesForm(forms.Form):
    incident_types = forms.ModelMultipleChoiceField(
        label=_("Incident types"),
        queryset=IncidentType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class SignatureForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Signing party"), queryset=Organisation.objects.all())
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    signer_title = forms.CharField(label=_("Title"), max_length=200, required=False)
    signed_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, offer: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The list offers the parties still missing; any organisation parses, and the service says why
        # one is refused.
        self.fields["organisation"].widget.choices = [("", "---------"), *((o.pk, o.name) for o in offer)]


class ApproveForm(forms.Form):
    approved_on = forms.DateField(
        label=_("Approved by Landsbyggefonden on"), widget=DateInput, initial=timezone.localdate
    )


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
