import datetime
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone

from commitments.loaders import (
    FIRST_PLAN_SUMMARY,
    TRANSLATIONS,
    load_plan_facts,
    month_end,
    month_start,
    purge_demo,
    seed_demo,
    spanish_short_title,
)
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
    assert second.commitments.count() == 5
    assert str(second.submitted_on) == "2023-02-14"
    commitment = Commitment.objects.get(code="ECQTO0001")
    assert commitment.lead.acronym == "SGCTyPC"
    assert sorted(commitment.co_responsible.values_list("acronym", flat=True)) == ["CDD", "UHE"]
    assert sorted(commitment.ogp_values.values_list("key", flat=True)) == [
        "access_to_information",
        "civic_participation",
        "technology_innovation",
    ]
    assert (str(commitment.starts_on), str(commitment.ends_on)) == ("2023-04-01", "2023-05-31")
    assert (commitment.starts_on_precision, commitment.ends_on_precision) == ("month", "month")
    assert commitment.short_title.endswith("en el Distrito Metropolitano de Quito")
    assert commitment.problem_en.startswith("Participation mechanisms")
    assert commitment.has_ogp_code()
    assert Commitment.objects.get(code="ECQTO0005").lead.acronym == "SGP"


def test_load_plan_facts_invents_nothing(data):
    load_plan_facts(data)
    undocumented = Commitment.objects.filter(code__in=["ECQTO0002", "ECQTO0003", "ECQTO0004"])
    assert undocumented.count() == 3
    assert not undocumented.exclude(title="", title_en="", lead=None, progress=None).exists()
    assert Milestone.objects.count() == 0
    assert not Commitment.objects.filter(is_demo=True).exists()
    assert not Commitment.objects.filter(progress__isnull=False).exists()
    first_plan = Commitment.objects.filter(plan__number=1).order_by("code")
    assert list(first_plan.values_list("code", flat=True)) == ["QGAPA0102", "QGAPA0106", "QGAPA0107", "QGAPA0109"]
    assert not first_plan[0].has_ogp_code()


def test_load_plan_facts_is_idempotent(data):
    load_plan_facts(data)
    load_plan_facts(data)
    assert Organization.objects.count() == 11
    assert ActionPlan.objects.count() == 2
    assert Commitment.objects.count() == 9


def test_seed_demo_builds_a_fictional_world_beside_the_real_plan(data):
    load_plan_facts(data)
    assert not demo_data_present()
    result = seed_demo(scale=1, password="demo-test-password")
    assert result["accounts"] == ["coordinador", "editor", "editor2"]
    demo = Commitment.objects.filter(is_demo=True).order_by("code")
    assert list(demo.values_list("code", flat=True)) == [f"DEMOQ000{n}" for n in range(1, 6)]
    # The real rows are untouched: ECQTO0002-0004 stay undocumented real commitments, with no roadmap.
    assert Commitment.objects.filter(code__in=["ECQTO0002", "ECQTO0003", "ECQTO0004"], is_demo=False).count() == 3
    assert Commitment.objects.filter(is_demo=False).count() == 9
    plan = ActionPlan.objects.get(is_demo=True, cocreation_starts_on__isnull=True)
    assert (plan.number, plan.slug) == (90, "plan-demostracion-90")
    assert plan.title.startswith("Plan de demostración") and "ficticio" in plan.summary
    assert "fictional" in plan.summary_en
    assert set(demo.values_list("plan", flat=True)) == {plan.pk}
    # The next demo plan is being co-created today, its implementation to come.
    next_plan = ActionPlan.objects.get(is_demo=True, number=900)
    assert next_plan.phase == ActionPlan.Phase.COCREATION and "ficticio" in next_plan.title
    assert next_plan.starts_on > next_plan.cocreation_ends_on
    organizations = Organization.objects.filter(is_demo=True)
    assert sorted(organizations.values_list("acronym", flat=True)) == [
        "DEMO-OCE", "DEMO-SIVD", "DEMO-SPCVD", "DEMO-SPVD", "DEMO-UFVD",
    ]  # fmt: skip
    assert {org.kind for org in organizations} >= {"municipal", "academia", "civil_society"}
    assert all("Villa Demostración" in org.name or "ficticia" in org.name for org in organizations)
    assert Milestone.objects.count() == 50
    assert not Milestone.objects.filter(is_demo=False).exists()
    assert not Milestone.objects.exclude(responsible__is_demo=True).exists()
    assert not Commitment.objects.filter(is_demo=True, co_responsible__is_demo=False).exists()
    assert not Evidence.objects.exclude(url="").exclude(url__startswith="https://example.org/").exists()
    assert demo_data_present()
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("demo-test-password")
    assert editor.staff_profile.organization.acronym == "DEMO-SIVD"


def test_demo_accounts_belong_to_demo_organizations_and_editors_edit_demo_commitments(data):
    load_plan_facts(data)
    seed_demo(scale=1, password="demo-test-password")
    accounts = get_user_model().objects.filter(username__in=["coordinador", "editor", "editor2"])
    assert {user.username: user.staff_profile.organization.acronym for user in accounts} == {
        "coordinador": "DEMO-SPVD",
        "editor": "DEMO-SIVD",
        "editor2": "DEMO-SPCVD",
    }
    for username in ["editor", "editor2"]:
        editable = Milestone.objects.editable_by(accounts.get(username=username))
        assert editable.exists()
        assert not editable.filter(commitment__is_demo=False).exists()


def test_demo_dates_are_around_the_day_of_seeding_and_nothing_reported_lies_ahead(data):
    load_plan_facts(data)
    seed_demo(scale=3, password="demo-test-password")
    today = timezone.localdate()
    demo_milestones = Milestone.objects.filter(is_demo=True)
    assert not demo_milestones.filter(last_reported_on__gt=today).exists()
    assert not demo_milestones.filter(completed_on__gt=today).exists()
    assert not ProgressUpdate.objects.filter(reported_on__gt=today).exists()
    assert not Evidence.objects.filter(dated_on__gt=today).exists()
    assert demo_milestones.filter(due_on__gt=today).exists()  # planned dates may lie ahead
    plan = ActionPlan.objects.get(is_demo=True, number=90)
    first_year, last_year = (int(year) for year in plan.period.split("-"))
    assert first_year < today.year < last_year + 1 and plan.status == ActionPlan.Status.IMPLEMENTATION
    for commitment in Commitment.objects.filter(is_demo=True):
        assert first_year <= commitment.starts_on.year and commitment.ends_on.year <= last_year
        assert commitment.starts_on < today < commitment.ends_on


def test_seed_demo_keeps_denormalised_progress_right(data):
    load_plan_facts(data)
    seed_demo(scale=1, password="demo-test-password")
    for milestone in Milestone.objects.all():
        latest = milestone.updates.order_by("-reported_on", "-created_at", "-pk").first()
        assert milestone.progress == (latest.progress if latest else 0)
        assert milestone.status == (latest.status if latest else Milestone.Status.NOT_STARTED)
    commitment = Commitment.objects.get(code="DEMOQ0001")
    stored = commitment.progress
    commitment.refresh_summary()
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
    counts = (Organization.objects.count(), ActionPlan.objects.count(), Commitment.objects.count())
    counts += (Milestone.objects.count(), ProgressUpdate.objects.count(), Evidence.objects.count())
    seed_demo(scale=1, password="demo-test-password")
    again = (Organization.objects.count(), ActionPlan.objects.count(), Commitment.objects.count())
    again += (Milestone.objects.count(), ProgressUpdate.objects.count(), Evidence.objects.count())
    assert again == counts


def test_seed_demo_scales_up_in_demo_plans_of_fifty_commitments(data):
    load_plan_facts(data)
    seed_demo(scale=3, password="demo-test-password")
    assert Commitment.objects.count() == 9 + 15
    assert Milestone.objects.count() == 150
    assert ActionPlan.objects.filter(is_demo=True).count() == 2  # and the next plan, in co-creation
    seed_demo(scale=11, password="demo-test-password")
    assert Commitment.objects.filter(is_demo=True).count() == 55
    assert list(ActionPlan.objects.filter(is_demo=True).order_by("number").values_list("number", "slug")) == [
        (90, "plan-demostracion-90"),
        (91, "plan-demostracion-91"),
        (900, "plan-demostracion-en-co-creacion"),
    ]
    assert Commitment.objects.get(code="DEMOQ0051").plan.number == 91


def dump_every_row():
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


def test_purge_demo_removes_the_commitments_demo_and_leaves_the_real_rows_byte_identical(
    django_capture_on_commit_callbacks,
):
    call_command("load_quito_plan", verbosity=0)
    real = dump_every_row()
    seed_demo(scale=3, password="demo-test-password")
    files = [evidence.file.path for evidence in Evidence.objects.exclude(file="")]
    assert files and all(Path(path).exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        summary = purge_demo()
    assert "15 commitments" in summary and "3 accounts" in summary and "5 organizations" in summary
    assert dump_every_row() == real
    assert not any(Path(path).exists() for path in files)


def test_purge_demo_recomputes_real_progress_left_by_an_old_seed(data):
    load_plan_facts(data)
    seed_demo(scale=1, password="demo-test-password")
    real = Commitment.objects.get(code="ECQTO0001")
    sourced_progress = real.progress
    old_demo = Milestone.objects.filter(commitment__code="DEMOQ0001").first()
    # Seeds before issue 11 put demo milestones on real commitments.
    Milestone.objects.filter(pk=old_demo.pk).update(commitment=real)
    real.refresh_summary()
    purge_demo()
    real.refresh_from_db()
    assert real.progress == sourced_progress and not real.milestones.exists()


def test_management_commands_run_both_loaders(capsys):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    output = capsys.readouterr().out
    assert "coordinador, editor, editor2" in output


# What the stored milestone figures say of a commitment the sources give no roadmap: none, progress unknown, no
# report, and no validation date (no source gives one).
NO_ROADMAP = {
    "milestone_count": 0, "complete_count": 0, "open_due_dates": [], "next_due_on": None, "last_reported_on": None,
    "roadmap_validated_on": None,
}  # fmt: skip


def stored(obj):
    """Every concrete field of a row (foreign keys by acronym/number) and its many-to-many sets."""
    values = {}
    derived = getattr(type(obj), "UNSHOWN_FIELDS", [])  # the search's copies of the texts above
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key or model_field.name in derived or model_field.name == "updated_at":
            continue  # the search's copies, and updated_at (the row's own last change, not a fact of the record)
        value = getattr(obj, model_field.name)
        if isinstance(value, Organization):
            value = value.acronym
        elif isinstance(value, ActionPlan):
            value = value.number
        values[model_field.name] = value
    for model_field in obj._meta.many_to_many:
        related = getattr(obj, model_field.name).all()
        values[model_field.name] = sorted(getattr(item, "acronym", None) or item.key for item in related)
    return values


def plan_figures(number):
    """A real plan's stored commitment figures, counted from its rows: no roadmap, so no progress is known."""
    rows = Commitment.objects.filter(plan__number=number)
    return {
        "commitment_count": rows.count(), "documented_count": rows.exclude(title="").count(),
        "known_progress_count": 0, "progress_total": None,
    }  # fmt: skip


NOT_ASSESSED = {
    "self_assessed_completion": "", "irm_verifiability": "", "irm_potential_for_results": "", "irm_completion": "",
    "irm_opened_government": "", "irm_assessor": "", "irm_assessed_on": None,
}  # fmt: skip


def test_every_field_of_every_real_row_is_the_data_files_or_unknown(data):
    load_plan_facts(data)
    facts, previous = data["plan"], data["previous_plan"]
    for item in data["organizations"]:
        assert stored(Organization.objects.get(acronym=item["key"])) == {
            "name": item["name"], "acronym": item["key"], "slug": item["key"].lower(), "kind": item["kind"],
            "website": "", "is_demo": False,
        }  # fmt: skip
    assert stored(ActionPlan.objects.get(number=1)) == {
        "number": 1, "title": previous["title_es"], "title_en": TRANSLATIONS["plan1.title_en"],
        "slug": "primer-plan-2019-2021", "period": "2019-2021",
        "starts_on": datetime.date(2019, 1, 1), "starts_on_precision": "year",
        "ends_on": datetime.date(2021, 12, 31), "ends_on_precision": "year", "submitted_on": None,
        "summary": FIRST_PLAN_SUMMARY[0], "summary_en": FIRST_PLAN_SUMMARY[1], "ogp_local_member_since": None,
        "public_meetings": None, "consultation_workshops": None, "co_creation": "", "co_creation_en": "",
        "cocreation_starts_on": None, "cocreation_ends_on": None,
        "proposal_form": "", "proposal_form_en": "", "legal_basis": "", "legal_basis_en": "", "monitoring": "",
        "monitoring_en": "", "online_spaces": {}, "progress_page": "", "translated_fields": ["title_en"],
        "sources": "\n".join(previous["sources"]), "is_demo": False, "lead_institutions": [], **plan_figures(1),
    }  # fmt: skip
    co_creation = facts["co_creation"]
    assert stored(ActionPlan.objects.get(number=2)) == {
        "number": 2, "title": facts["title_es"], "title_en": facts["title_en"], "slug": "segundo-plan-2022-2023",
        "period": "2022-2023", "starts_on": datetime.date(2022, 1, 1), "starts_on_precision": "year",
        "ends_on": datetime.date(2023, 3, 31), "ends_on_precision": "month",  # "ends": "2023-03"
        "submitted_on": datetime.date(2023, 2, 14), "summary": "", "summary_en": "",
        "ogp_local_member_since": datetime.date(2020, 10, 1),  # "2020-10", shown as a month
        "public_meetings": co_creation["public_meetings"],
        "consultation_workshops": co_creation["citizen_consultation_workshops"],
        "co_creation": TRANSLATIONS["plan2.co_creation"], "co_creation_en": co_creation["note"],
        "proposal_form": "\n".join(co_creation["form_fields"]),
        "proposal_form_en": "\n".join(TRANSLATIONS["plan2.proposal_form_en"]),
        "legal_basis": facts["legal_basis"], "legal_basis_en": TRANSLATIONS["plan2.legal_basis_en"],
        "monitoring": TRANSLATIONS["plan2.monitoring"], "monitoring_en": facts["monitoring"],
        "online_spaces": facts["online_spaces"], "progress_page": facts["progress_page_as_published"],
        "translated_fields": ["co_creation", "proposal_form_en", "legal_basis_en", "monitoring"],
        "sources": "\n".join(facts["sources"]), "is_demo": False,
        "lead_institutions": sorted(facts["lead_institutions"]), **plan_figures(2),
        "cocreation_starts_on": None, "cocreation_ends_on": None,  # the data gives no date of the co-creation
    }  # fmt: skip
    blank_texts = {"status_quo": "", "status_quo_en": "", "action": "", "action_en": ""}
    for item in previous["known_commitments"]:
        code = f"QGAPA01{item['number']:02d}"
        assert stored(Commitment.objects.get(code=code)) == {
            "plan": 1, "code": code, "title": item["title_es"], "title_en": TRANSLATIONS[f"{code}.title_en"],
            "short_title": "", "short_title_en": "", "slug": code.lower(), "problem": "", "problem_en": "",
            **blank_texts, "lead": item["lead"], "starts_on": None, "starts_on_precision": "day", "ends_on": None,
            "ends_on_precision": "day", "progress": None, **NOT_ASSESSED, **NO_ROADMAP, "is_demo": False,
            "translated_fields": ["title_en"], "sources": "\n".join(previous["sources"]), "ogp_values": [],
            "co_responsible": [],
        }  # fmt: skip
    for item in data["commitments"]:
        code = item["code"]
        translated = ["problem", "title", "short_title"] if item.get("title_es_is_translation") else ["problem"]
        assert stored(Commitment.objects.get(code=code)) == {
            "plan": 2, "code": code, "title": item["title_es"], "title_en": item["title_en"],
            "short_title": spanish_short_title(code, item["title_es"]), "short_title_en": item["short_title_en"],
            "slug": code.lower(), "problem": TRANSLATIONS[f"{code}.problem"], "problem_en": item["problem_en"],
            **blank_texts, "lead": item["lead"], "starts_on": month_start(item["start"]),
            "starts_on_precision": "month", "ends_on": month_end(item["end"]), "ends_on_precision": "month",
            "progress": None, **NOT_ASSESSED, **NO_ROADMAP, "is_demo": False, "translated_fields": translated,
            "sources": "\n".join(item["sources"]), "ogp_values": sorted(item["ogp_values"]),
            "co_responsible": sorted(item["co_responsible"]),
        }  # fmt: skip
    for code in data["commitments_not_found"]["codes"]:
        assert stored(Commitment.objects.get(code=code)) == {
            "plan": 2, "code": code, "title": "", "title_en": "", "short_title": "", "short_title_en": "",
            "slug": code.lower(), "problem": "", "problem_en": "", **blank_texts, "lead": None, "starts_on": None,
            "starts_on_precision": "day", "ends_on": None, "ends_on_precision": "day", "progress": None,
            **NOT_ASSESSED, **NO_ROADMAP, "is_demo": False, "translated_fields": [],
            "sources": "\n".join(facts["sources"]), "ogp_values": [], "co_responsible": [],
        }  # fmt: skip
    assert Commitment.objects.count() == 4 + len(data["commitments"]) + len(data["commitments_not_found"]["codes"])
    assert ActionPlan.objects.count() == 2 and Organization.objects.count() == len(data["organizations"])


def test_the_portals_translations_cover_every_text_the_sources_give_in_one_language(data):
    load_plan_facts(data)
    for commitment in Commitment.objects.exclude(title=""):
        assert commitment.title and commitment.title_en, commitment.code
        if commitment.problem_en:
            assert commitment.problem, commitment.code
        if commitment.short_title_en:
            assert commitment.short_title, commitment.code
    plan = ActionPlan.objects.get(number=2)
    for field in ["title", "co_creation", "proposal_form", "legal_basis", "monitoring"]:
        assert getattr(plan, field) and getattr(plan, f"{field}_en"), field
    assert ActionPlan.objects.get(number=1).title_en


def test_load_plan_facts_makes_no_plan_current_after_its_period(data):
    load_plan_facts(data)
    assert ActionPlan.objects.current(on=datetime.date(2026, 12, 1)) is None
    assert ActionPlan.objects.current(on=datetime.date(2023, 3, 31)).number == 2
    assert ActionPlan.objects.current(on=datetime.date(2020, 6, 1)).number == 1
    assert ActionPlan.objects.get(number=2).status_on(datetime.date(2026, 12, 1)) == ActionPlan.Status.FINISHED
