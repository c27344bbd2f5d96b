"""Forms for the communication log, outreach tasks, reports and templates: parsing only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boligsocial.activations.forms import DateTimeInput
from boligsocial.plans.models import Audience

from . import wording
from .models import Channel, EntryKind, OutreachTask


class CommunicationEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices, widget=forms.RadioSelect)
    audience = forms.ChoiceField(label=_("To whom"), choices=Audience.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    channel_other = forms.CharField(label=_("Other channel"), required=False, max_length=100)
    sender = forms.CharField(
        label=_("Sender"),
        max_length=200,
        help_text=_("Who sent it or said it. The plan's communication roles are suggested."),
        widget=forms.TextInput(attrs={"list": "sender-suggestions", "autocomplete": "off"}),
    )
    sent_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was said or published. No CPR numbers or other personal data about residents."),
    )
    template = forms.CharField(required=False, widget=forms.HiddenInput())
    confirm_without_police_statement = forms.BooleanField(
        label=_("Yes, publish it before the police statement"), required=False
    )


class OutreachTaskForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("The task"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the staff member should do, e.g. call the caretakers and visit the youth club tonight."),
    )

    def __init__(self, *args, staff_choices, group_choices, task: OutreachTask | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_choices
        self.fields["staff"].label_from_instance = lambda p: f"{p.name} ({p.organisation.name})"
        self.fields["groups"].queryset = group_choices
        if task is not None:
            # The staff member of a task is fixed; a task for someone else is a new task.
            del self.fields["staff"]


class OutreachReportForm(forms.Form):
    """One count per target group of the task, a note and "done"; built from the task's targets."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Names of residents are not needed: give the number of contacts and a short note on the mood and "
            "what you heard. No CPR numbers."
        ),
    )
    done = forms.BooleanField(label=_("The task is done"), required=False)

    def __init__(self, *args, task: OutreachTask, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count_fields = []
        for target in task.targets.all():
            name = f"count_{target.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Contacts: %(group)s") % {"group": target.name},
                required=False,
                min_value=0,
                max_value=100_000,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.count_fields.append((target, name))
        self.order_fields([name for _target, name in self.count_fields] + ["note", "done"])

    def counts(self) -> dict[int, int | None]:
        return {target.pk: self.cleaned_data.get(name) for target, name in self.count_fields}


class TemplateForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Set here, not on the class, so the text is in the language of the request.
        self.fields["text"].help_text = _(
            "Placeholders filled in when a log entry is started from the template: %(placeholders)s."
        ) % {"placeholders": wording.braced(wording.PLACEHOLDERS)}
