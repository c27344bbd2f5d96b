"""Seed the incident-type catalogue from the plans' own lists (Varde, Randers)."""

from django.db import migrations

INCIDENT_TYPES = [
    ("shooting", "Skyderi"),
    ("arson", "Ildspåsættelse"),
    ("vandalism", "Hærværk"),
    ("assault", "Overfald"),
    ("fights", "Slåskampe"),
    ("harassment", "Chikane"),
    ("threats_against_staff", "Trusler mod medarbejdere"),
    ("drug_trade", "Handel med narkotika"),
    ("group_conflict", "Konflikt mellem grupperinger"),
    ("other", "Anden voldsom uro"),
]


def seed(apps, schema_editor):
    IncidentType = apps.get_model("plans", "IncidentType")
    for code, name in INCIDENT_TYPES:
        IncidentType.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
