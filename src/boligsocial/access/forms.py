from django import forms
from django.utils.translation import gettext_lazy as _


class PledgeForm(forms.Form):
    text_hash = forms.CharField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read the statement and will keep the confidentiality it describes."),
        error_messages={"required": _("Tick the box to accept the statement.")},
    )
