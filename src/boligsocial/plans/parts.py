"""The registry of a plan's simple parts, which share one set of add / edit / delete pages.

Each kind names its form (and through it the model), where the plan keeps its rows, and the section of the
plan document to return to. Members, signatures and incident types have their own pages: their rules differ.
"""

from dataclasses import dataclass

from django import forms
from django.db import models
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .forms import (
    AdHocResourceForm,
    CommunicationRoleForm,
    FallbackProcedureForm,
    LevelRuleForm,
    OutreachGroupForm,
)
from .models import Plan


@dataclass(frozen=True)
class PartKind:
    slug: str
    form_class: type[forms.ModelForm]
    related_name: str
    section: str
    add_title: Promise | str
    # The three levels always exist: they are edited, never added or deleted.
    fixed_set: bool = False

    @property
    def model(self) -> type[models.Model]:
        return self.form_class._meta.model

    @property
    def verbose_name(self) -> str:
        return self.model._meta.verbose_name

    def new_part(self, plan: Plan) -> models.Model:
        """An unsaved part for `plan`, placed last when the kind is ordered."""
        part = self.model(plan=plan)
        if hasattr(part, "position"):
            positions = [p.position for p in getattr(plan, self.related_name).all()]
            part.position = max(positions, default=0) + 1
        return part


PART_KINDS = {
    kind.slug: kind
    for kind in (
        PartKind("levels", LevelRuleForm, "level_rules", "purpose", "", fixed_set=True),
        PartKind("fallbacks", FallbackProcedureForm, "fallbacks", "powers", _("Add fallback procedure")),
        PartKind("outreach", OutreachGroupForm, "outreach_groups", "communication", _("Add target group")),
        PartKind(
            "communication",
            CommunicationRoleForm,
            "communication_roles",
            "communication",
            _("Add communication role"),
        ),
        PartKind("adhoc", AdHocResourceForm, "adhoc_resources", "participants", _("Add to the ad hoc pool")),
    )
}


def part_kind_get(*, slug: str, adding_or_deleting: bool = False) -> PartKind:
    """The kind named in the URL, or 404; also 404 for adding or deleting one of the fixed levels."""
    kind = PART_KINDS.get(slug)
    if kind is None or (adding_or_deleting and kind.fixed_set):
        raise Http404(_("No such part of a plan."))
    return kind
