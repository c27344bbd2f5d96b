"""Forms for the plan pages. They parse input; the services decide what is allowed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from boligsocial.directory.models import HousingArea, Organisation

from .models import Membership, MembershipKind, Plan


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.ModelForm):
    areas = forms.ModelMultipleChoiceField(
        label=_("Housing areas"), queryset=HousingArea.objects.all(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Plan
        fields = [
            "name",
            "areas",
            "valid_from",
            "valid_until",
            "legal_basis",
            "purpose",
            "organisation_text",
            "powers_text",
            "communication_text",
            "prevention_text",
            "confidentiality_text",
            "preventive_meetings_per_year",
            "closed_may_1",
            "closed_june_5",
            "closed_dec_24",
            "closed_dec_31",
        ]
        widgets = {"valid_from": DateInput, "valid_until": DateInput}


def _split_phones(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class MemberForm(forms.Form):
    """A member's person details and their place in the plan, edited together."""

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
        label=_("Substitute for"), queryset=Membership.objects.none(), required=False
    )
    contact_priority = forms.IntegerField(
        label=_("Priority on the contact list"),
        min_value=1,
        required=False,
        help_text=_("1 is called first in a sudden crisis. Leave empty to keep off the contact list."),
    )

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["substitute_for"].queryset = plan.memberships.filter(
            kind=MembershipKind.FIXED
        ).select_related("person")

    def clean_phones(self) -> list[str]:
        return _split_phones(self.cleaned_data["phones"])

    def person_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "title", "organisation", "email")}

    def membership_data(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("kind", "role", "is_coordinator", "substitute_for", "contact_priority")
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


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
