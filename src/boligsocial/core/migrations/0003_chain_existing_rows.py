"""Hash the audit rows written before the trail was chained, so verify_chain checks them too."""

from django.db import migrations

from boligsocial.core.chain import chain_existing_rows


def forwards(apps, schema_editor):
    chain_existing_rows(
        model=apps.get_model("core", "AuditEntry"),
        head_model=apps.get_model("core", "ChainHead"),
        key="core.auditentry",
        # Frozen copy of AuditEntry.CHAINED_FIELDS / REDACTABLE_FIELDS at the time of this migration.
        chained_fields=("at", "actor_id", "action", "target_type_id", "target_id", "data"),
        redactable_fields=("summary",),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_chain_access_log")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
