import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from commitments.loaders import load_plan_facts, seed_demo
from commitments.models import (
    ActionPlan,
    Commitment,
    Evidence,
    Milestone,
    Organization,
    ProgressUpdate,
    demo_data_present,
)
from quito_ga.management.commands.load_quito_plan import DATA_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_load_plan_facts_loads_the_sourced_facts(data):
    load_plan_facts(data)
    assert Organization.objects.count() == 11
    assert Organization.objects.get(acronym="SGCTyPC").kind == Organization.Kind.MUNICIPAL
    first, second = ActionPlan.objects.order_by("number")
    assert first.commitments.count() == 4
    assert second.is_current and str(second.submitted_on) == "2023-02-14"
    commitment = Commitment.objects.get(code="ECQTO0001")
    assert commitment.lead.acronym == "SGCTyPC"
    assert sorted(commitment.co_responsible.values_list("acronym", flat=True)) == ["CDD", "UHE"]
    assert sorted(commitment.ogp_values.values_list("key", flat=True)) == [
        "access_to_information",
        "civic_participation",
        "technology_innovation",
    ]
    assert (str(commitment.starts_on), str(commitment.ends_on)) == ("2023-04-01", "2023-05-31")
    assert commitment.short_title.endswith("en el Distrito Metropolitano de Quito")
    assert commitment.problem_en.startswith("Participation mechanisms")
    assert commitment.has_ogp_code()
    assert Commitment.objects.get(code="ECQTO0005").lead.acronym == "SGP"


def test_load_plan_facts_invents_nothing(data):
    load_plan_facts(data)
    assert not Commitment.objects.filter(code__in=["ECQTO0002", "ECQTO0003", "ECQTO0004"]).exists()
    assert Milestone.objects.count() == 0
    assert not Commitment.objects.filter(is_demo=True).exists()
    first_plan = Commitment.objects.filter(plan__number=1).order_by("code")
    assert list(first_plan.values_list("code", flat=True)) == ["QGAPA0102", "QGAPA0106", "QGAPA0107", "QGAPA0109"]
    assert not first_plan[0].has_ogp_code()


def test_load_plan_facts_is_idempotent(data):
    load_plan_facts(data)
    load_plan_facts(data)
    assert Organization.objects.count() == 11
    assert ActionPlan.objects.count() == 2
    assert Commitment.objects.count() == 6


def test_seed_demo_adds_marked_demo_data_and_accounts(data):
    load_plan_facts(data)
    assert not demo_data_present()
    result = seed_demo(scale=1, password="demo-test-password")
    assert result["accounts"] == ["coordinador", "editor", "editor2"]
    assert Commitment.objects.filter(code__in=["ECQTO0002", "ECQTO0003", "ECQTO0004"], is_demo=True).count() == 3
    assert Commitment.objects.filter(is_demo=False).count() == 6
    assert Milestone.objects.count() == 90
    assert not Milestone.objects.filter(is_demo=False).exists()
    assert demo_data_present()
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("demo-test-password")
    assert editor.staff_profile.organization.acronym == "SGCTyPC"


def test_seed_demo_keeps_denormalised_progress_right(data):
    load_plan_facts(data)
    seed_demo(scale=1, password="demo-test-password")
    for milestone in Milestone.objects.all():
        latest = milestone.updates.order_by("-reported_on", "-created_at", "-pk").first()
        assert milestone.progress == (latest.progress if latest else 0)
        assert milestone.status == (latest.status if latest else Milestone.Status.NOT_STARTED)
    commitment = Commitment.objects.get(code="ECQTO0001")
    stored = commitment.progress
    commitment.refresh_progress()
    assert commitment.progress == stored
    assert Milestone.objects.delayed().exists()
    assert Milestone.objects.filter(status=Milestone.Status.COMPLETE).exists()
    assert Milestone.objects.exclude(revised_due_on=None).exists()
    complete_updates = ProgressUpdate.objects.filter(progress=100)
    assert Evidence.objects.filter(update__in=complete_updates).exclude(file="").count() == complete_updates.count()
    pdf = Evidence.objects.exclude(file="").first()
    assert pdf.file.read().startswith(b"%PDF-")


def test_seed_demo_twice_does_not_duplicate(data):
    load_plan_facts(data)
    seed_demo(scale=1, password="demo-test-password")
    counts = (Commitment.objects.count(), Milestone.objects.count(), ProgressUpdate.objects.count())
    seed_demo(scale=1, password="demo-test-password")
    assert (Commitment.objects.count(), Milestone.objects.count(), ProgressUpdate.objects.count()) == counts


def test_seed_demo_scales_up(data):
    load_plan_facts(data)
    seed_demo(scale=3, password="demo-test-password")
    assert Commitment.objects.count() == 9 + 10
    assert Milestone.objects.count() == 190
    assert ActionPlan.objects.filter(is_demo=True).count() == 1


def test_management_commands_run_both_loaders(capsys):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    output = capsys.readouterr().out
    assert "coordinador, editor, editor2" in output
