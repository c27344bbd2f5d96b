"""Built-in indicators, the legal rule versions, the default points model and the statistics editors group."""

from django.db import migrations

from boligsocial.areas import builtins

GROUP_NAME = "Statistikredaktører"


def install(apps, schema_editor):
    builtins.install(apps)
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    # Permissions are normally created after all migrations; the group needs this one now.
    content_type, _ = content_type_model.objects.get_or_create(app_label="areas", model="departmentyear")
    permission, _ = permission_model.objects.get_or_create(
        codename="import_figures",
        content_type=content_type,
        defaults={"name": "Can import key figures and record assessments"},
    )
    group, _ = group_model.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
