from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import F, OuterRef, Q, Subquery

# What the portal computed before the rule became data. The sources do not give the council's rule, so this
# rule says so and links no source: the coordination replaces it from a date once the real rule is known.
DEFAULT_NOTE = (
    "Regla provisional del portal: las fuentes publicadas no establecen la regla de quórum del consejo. "
    "Se cuenta a todos los miembros en funciones, incluidos el asiento de la presidencia y la secretaría "
    "técnica, y se exige más de la mitad."
)
COORDINATION_GROUP = "Coordinación del plan"
COORDINATION_CODENAMES = ["add_quorumrule", "change_quorumrule", "view_quorumrule"]


def create_default_rule(apps, schema_editor):
    """The rule from the start, the coordination's permission to edit rules, and the rule kept by held sessions."""
    rule_model = apps.get_model("council", "QuorumRule")
    if not rule_model.objects.exists():
        rule_model.objects.create(
            valid_from=None, counts_chair=True, counts_technical_secretary=True, threshold="majority",
            note=DEFAULT_NOTE, source_url="",
        )  # fmt: skip
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    group, _created = apps.get_model("auth", "Group").objects.get_or_create(name=COORDINATION_GROUP)
    group.permissions.add(
        *apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="council", codename__in=COORDINATION_CODENAMES
        )
    )
    in_force = (
        rule_model.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=OuterRef("scheduled_on")))
        .order_by(F("valid_from").desc(nulls_last=True), "-pk")
        .values("pk")[:1]
    )
    session_model = apps.get_model("council", "Session")
    session_model.objects.filter(status="held", quorum_rule__isnull=True).update(quorum_rule=Subquery(in_force))


def remove_default_rule(apps, schema_editor):
    apps.get_model("council", "Session").objects.update(quorum_rule=None)
    apps.get_model("council", "QuorumRule").objects.filter(valid_from__isnull=True, source_url="").delete()


class Migration(migrations.Migration):
    dependencies = [("council", "0005_quorum_rule"), ("commitments", "0004_roles")]

    operations = [migrations.RunPython(create_default_rule, remove_default_rule)]
