"""Forms for the key-figure pages. They parse input; the services decide what is allowed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Assessment, ImportLevel, Indicator

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class UploadForm(forms.Form):
    level = forms.ChoiceField(label=_("The figures are for"), choices=ImportLevel.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (semicolon or comma separated) or Excel (.xlsx); the first row holds the column headings."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB. Split it up."))
        return upload


class MappingForm(forms.Form):
    """One choice per column heading of the file: what the column holds."""

    def __init__(self, *args, headers: list[str], choices: list[tuple[str, str]], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(no heading)"), choices=choices, required=False, initial=mapping.get(header, "")
            )

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"col_{i}") or "" for i, header in enumerate(self.headers)}


class DropForm(forms.Form):
    rows = forms.TypedMultipleChoiceField(
        label=_("Leave these rows out"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, lines: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rows"].choices = [(line, _("Row %(n)s") % {"n": line}) for line in lines]


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["year", "assessed_on", "participants", "staff_view", "board_view", "caretaker_view", "conclusion"]
        widgets = {
            "assessed_on": DateInput,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "staff_view": forms.Textarea(attrs={"rows": 4}),
            "board_view": forms.Textarea(attrs={"rows": 4}),
            "caretaker_view": forms.Textarea(attrs={"rows": 4}),
            "conclusion": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "participants": _("Names and roles, e.g. the housing-social worker, the department board, the caretaker."),
            "staff_view": _("Housing-social staff, SSP, schools, day care and others who work in the area."),
            "conclusion": _("What the figures and the views add up to, and what happens next."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "unit", "direction", "aggregation", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
