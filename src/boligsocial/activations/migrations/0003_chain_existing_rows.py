"""Hash the timeline rows written before the timeline was chained: one chain per activation."""

from django.db import migrations

from boligsocial.core.chain import chain_existing_rows


def forwards(apps, schema_editor):
    chain_existing_rows(
        model=apps.get_model("activations", "TimelineEntry"),
        head_model=apps.get_model("core", "ChainHead"),
        key="activations.timelineentry",
        # Frozen copy of TimelineEntry.CHAINED_FIELDS / REDACTABLE_FIELDS at the time of this migration.
        chained_fields=("activation_id", "at", "actor_id", "kind", "data"),
        redactable_fields=("text",),
        partition="activation_id",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activations", "0002_timeline_chain_pseudonymised"),
        ("core", "0002_chain_access_log"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
