"""Reference data shared by every plan: organisations, people, housing areas and departments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from boligsocial.core.phones import format_phone, normalize_phone


class OrganisationKind(models.TextChoices):
    POLICE = "police", _("Police")
    MUNICIPALITY = "municipality", _("Municipality")
    HOUSING = "housing", _("Housing organisation")
    YOUTH_SCHOOL = "youth_school", _("Youth school / SSP")
    SECRETARIAT = "secretariat", _("Housing-social secretariat")
    FIRE_SERVICE = "fire_service", _("Fire service")
    OTHER = "other", _("Other")


# Public authorities may exchange confidential information under retsplejeloven § 115.
AUTHORITY_KINDS = {OrganisationKind.POLICE, OrganisationKind.MUNICIPALITY}


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    is_public_authority = models.BooleanField(
        _("public authority"),
        default=False,
        help_text=_("Public authorities (police, municipality) may receive confidential information (§ 115)."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="people"
    )
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


class Phone(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="phone_unique_per_person"),
        ]

    def __str__(self) -> str:
        return format_phone(self.number)

    def clean(self) -> None:
        try:
            self.number = normalize_phone(self.number)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages}) from exc

    @property
    def display(self) -> str:
        return format_phone(self.number)


class HousingArea(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    municipality = models.CharField(_("municipality"), max_length=100)

    class Meta:
        verbose_name = _("housing area")
        verbose_name_plural = _("housing areas")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """An afdeling: one estate of a housing organisation, inside a housing area."""

    area = models.ForeignKey(
        HousingArea, verbose_name=_("housing area"), on_delete=models.CASCADE, related_name="departments"
    )
    housing_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("housing organisation"),
        on_delete=models.PROTECT,
        related_name="departments",
        limit_choices_to={"kind": OrganisationKind.HOUSING},
    )
    code = models.CharField(_("department number"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["housing_organisation", "code"],
                condition=~models.Q(code=""),
                name="department_code_unique_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.housing_organisation_id and self.housing_organisation.kind != OrganisationKind.HOUSING:
            raise ValidationError({"housing_organisation": _("A department must belong to a housing organisation.")})
        # The constraint spans two fields, so Django would report it without naming the field.
        same_code = Department.objects.filter(
            housing_organisation_id=self.housing_organisation_id, code=self.code
        ).exclude(pk=self.pk)
        if self.code and self.housing_organisation_id and same_code.exists():
            raise ValidationError({"code": _("The housing organisation already has a department with this number.")})
