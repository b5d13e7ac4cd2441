"""Create the role groups (reviewers, editors) and the default rating scale."""

from django.db import migrations


def create_reference_data(apps, schema_editor):
    from claims.reference import ensure_reference_data

    ensure_reference_data(
        group_model=apps.get_model("auth", "Group"),
        scale_model=apps.get_model("claims", "RatingScale"),
        rating_model=apps.get_model("claims", "Rating"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
