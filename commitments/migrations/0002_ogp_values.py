from django.db import migrations

KEYS = ["access_to_information", "civic_participation", "public_accountability", "technology_innovation"]


def create_values(apps, schema_editor):
    OgpValue = apps.get_model("commitments", "OgpValue")
    for key in KEYS:
        OgpValue.objects.get_or_create(key=key)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(create_values, migrations.RunPython.noop)]
