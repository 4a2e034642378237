"""The council's sourced facts (load_plan_facts) and its clearly fictional demonstration data (seed_demo)."""

import bisect
import datetime
import functools
import json
import random

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from commitments.models import Organization, ProgressUpdate, Replanning
from commitments.roles import ensure_role_groups
from council.models import (
    COUNCIL_GROUP,
    SECRETARIAT_GROUP,
    AgendaItem,
    Agreement,
    Attendance,
    AttendanceTotal,
    CouncilMember,
    Erratum,
    MilestoneReview,
    Minutes,
    ProposalReference,
    ReplanApproval,
    Session,
    role_table,
)

SECTOR_BY_KIND = {
    Organization.Kind.ACADEMIA: CouncilMember.Sector.ACADEMIA,
    Organization.Kind.CIVIL_SOCIETY: CouncilMember.Sector.CIVIL_SOCIETY,
    Organization.Kind.PRIVATE_SECTOR: CouncilMember.Sector.PRODUCTIVE_SECTOR,
    Organization.Kind.MUNICIPAL: CouncilMember.Sector.MUNICIPAL_GOVERNMENT,
    Organization.Kind.OTHER: CouncilMember.Sector.CIVIL_SOCIETY,
}


def organization(data, key):
    """The organization the commitments loader created for `key`; created the same way if it has not run."""
    facts = next((item for item in data.get("organizations", []) if item["key"] == key), None)
    if facts is None:
        raise ValueError(f"The data names no organization with key {key!r}.")
    found, _created = Organization.objects.get_or_create(
        acronym=key, defaults={"name": facts["name"], "kind": facts["kind"], "slug": slugify(key)}
    )
    return found


# The data file describes the council in English; these are the portal's translations of exactly those texts.
# A text missing here is shown as the file has it.
PORTAL_TRANSLATIONS = {
    "Civil-society organisations, universities and the productive sector; chaired by the Secretaría General de "
    "Planificación.": _(
        "Civil-society organisations, universities and the productive sector; chaired by the Secretaría General de "
        "Planificación."
    ),
    "monthly ordinary sessions set by regulation; the space where progress of each commitment is followed up and "
    "verified": _(
        "monthly ordinary sessions set by regulation; the space where progress of each commitment is followed up and "
        "verified"
    ),
    "quorum rule": _("quorum rule"),
    "article numbers of the council's rules": _("article numbers of the council's rules"),
    "government members by name": _("government members by name"),
    "seed document (endorsement by non-governmental stakeholders)": _(
        "seed document (endorsement by non-governmental stakeholders)"
    ),
    "seed document (OGP Local plan page, French translation)": _(
        "seed document (OGP Local plan page, French translation)"
    ),
}


@functools.cache
def council_facts():
    """What the data file says about the council, for its public page; the file is read once per process."""
    data = json.loads(settings.PLAN_DATA_FILE.read_text(encoding="utf-8"))
    council, plan = data["advisory_council"], data["plan"]
    names = {item["key"]: item["name"] for item in data["organizations"]}
    sources = [*council["sources"], *(source for source in plan["sources"] if source not in council["sources"])]
    return {
        "name": council["name_es"],
        "composition": council["composition"],
        "sessions": council["sessions"],
        "chair": names.get(plan["chair_of_advisory_council"], plan["chair_of_advisory_council"]),
        "roles": {person["name"]: person["role"] for person in council["non_government_members_endorsing_the_plan"]},
        "member_count": len(council["non_government_members_endorsing_the_plan"]),
        "unknown": council["unknown"],
        "sources": sources,
    }


def load_plan_facts(data):
    council = data["advisory_council"]
    created = 0
    for person in council["non_government_members_endorsing_the_plan"]:
        member_organization = organization(data, person["organization"])
        # No term is published: the dates stay empty rather than invented.
        _member, was_created = CouncilMember.objects.get_or_create(
            name=person["name"],
            organization=member_organization,
            defaults={"sector": SECTOR_BY_KIND[member_organization.kind], "role": CouncilMember.Role.MEMBER},
        )
        created += was_created
    # The chair is an institutional seat: the data names the Planning Secretariat, not the person who holds it.
    chair_organization = organization(data, data["plan"]["chair_of_advisory_council"])
    _chair, chair_created = CouncilMember.objects.get_or_create(
        role=CouncilMember.Role.CHAIR,
        organization=chair_organization,
        name="",
        defaults={"sector": CouncilMember.Sector.MUNICIPAL_GOVERNMENT},
    )
    created += chair_created
    total = len(council["non_government_members_endorsing_the_plan"])
    return f"{total} councillors and the chair's seat ({chair_organization.acronym}); {created} new."


# The demo roadmaps of the commitments app run around today, so the demo sessions do too: that way the council has
# reported progress to review. Monthly ordinary sessions over the last DEMO_MONTHS months, extraordinary ones between.
DEMO_MONTHS = 14
DEMO_TERM = (datetime.date(2022, 1, 1), datetime.date(2027, 12, 31))
DEMO_PLACE = "Sala de sesiones de la Secretaría General de Planificación (dato de demostración)"
ATTENDANCE_WEIGHTS = [
    (Attendance.Status.PRESENT, 70),
    (Attendance.Status.ALTERNATE, 10),
    (Attendance.Status.EXCUSED, 12),
    (Attendance.Status.ABSENT, 8),
]
OUTCOME_WEIGHTS = [
    (MilestoneReview.Outcome.VERIFIED, 60),
    (MilestoneReview.Outcome.OBSERVATIONS, 25),
    (MilestoneReview.Outcome.NOT_VERIFIED, 15),
]
AGREEMENT_TEXTS = [
    "Solicitar a la institución responsable el informe de avance del hito con sus medios de verificación.",
    "Convocar a una mesa técnica con la sociedad civil para revisar el cronograma revisado del compromiso.",
    "Publicar en el portal la versión actualizada de la hoja de ruta del compromiso.",
    "Invitar a la siguiente sesión a la institución responsable para exponer las causas del retraso.",
    "Remitir observaciones escritas sobre los verificables presentados.",
]


def weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


# Used only where the commitments seed has not created a demo organization of the kind a council seat needs.
FALLBACK_DEMO_ORGANIZATIONS = {
    Organization.Kind.MUNICIPAL: ("DEMO-SEC", "Secretaría Municipal de Demostración"),
    Organization.Kind.ACADEMIA: ("DEMO-UNI", "Universidad de Demostración"),
    Organization.Kind.CIVIL_SOCIETY: ("DEMO-FUN", "Fundación Ciudadana de Demostración"),
    Organization.Kind.PRIVATE_SECTOR: ("DEMO-CP", "Cámara de la Producción (demostración)"),
}
# (name, organization kind, role): fictional people, each name saying so.
DEMO_SEATS = [
    ("Presidenta de demostración", Organization.Kind.MUNICIPAL, CouncilMember.Role.CHAIR),
    ("Técnica de demostración", Organization.Kind.MUNICIPAL, CouncilMember.Role.TECHNICAL_SECRETARY),
    ("Consejero de demostración", Organization.Kind.PRIVATE_SECTOR, CouncilMember.Role.MEMBER),
    ("Consejera de demostración", Organization.Kind.PRIVATE_SECTOR, CouncilMember.Role.MEMBER),
    ("Académica de demostración", Organization.Kind.ACADEMIA, CouncilMember.Role.MEMBER),
    ("Académico de demostración", Organization.Kind.ACADEMIA, CouncilMember.Role.MEMBER),
    ("Activista de demostración", Organization.Kind.CIVIL_SOCIETY, CouncilMember.Role.MEMBER),
    ("Dirigente de demostración", Organization.Kind.CIVIL_SOCIETY, CouncilMember.Role.MEMBER),
]
DEMO_FIRST_NUMBER = 9001  # far from any real session number, so the two never meet


def demo_organizations():
    """One demo organization per kind: the commitments seed's when it made one, else a fictional one of ours."""
    chosen = {}
    for organization_ in Organization.objects.filter(is_demo=True).order_by("acronym"):
        chosen.setdefault(organization_.kind, organization_)
    for kind, (acronym, name) in FALLBACK_DEMO_ORGANIZATIONS.items():
        if kind not in chosen:
            chosen[kind], _created = Organization.objects.get_or_create(
                acronym=acronym, is_demo=True, defaults={"name": name, "slug": slugify(acronym), "kind": kind}
            )
    return chosen


def demo_members():
    """The demo council: fictional people for demo organizations only, never the real councillors."""
    organizations = demo_organizations()
    members = {}
    for name, kind, role in DEMO_SEATS:
        values = {
            "organization": organizations[kind],
            "sector": SECTOR_BY_KIND[kind],
            "term_starts_on": DEMO_TERM[0],
            "term_ends_on": DEMO_TERM[1],
            "alternate_name": "Alterno de demostración",
        }
        member, created = CouncilMember.objects.get_or_create(name=name, role=role, is_demo=True, defaults=values)
        # Save (and so write a history version) only when something changed: seeding again adds nothing.
        if not created and any(getattr(member, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(member, field, value)
            member.save()
        members[name] = member
    return members


DEMO_USERNAMES = ["secretaria", "consejero"]
# A reserved domain: no real account has such an address, so the purge can tell the demo accounts apart.
DEMO_EMAIL_DOMAIN = "demo.invalid"


def demo_account(username, group_name, password, member=None):
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "email": f"{username}@{DEMO_EMAIL_DOMAIN}"}
    )
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    if member is not None and member.user_id != user.pk:
        CouncilMember.objects.filter(user=user).exclude(pk=member.pk).update(user=None)
        member.user = user
        member.save(update_fields=["user"])
    return user


def demo_dates(count, rng, today):
    """Monthly ordinary sessions up to last month, extraordinary ones in between when more are asked for."""
    months = []
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    while len(months) < min(count, DEMO_MONTHS):
        months.append((month.replace(day=rng.randint(8, 22)), Session.Kind.ORDINARY))
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    first = months[-1][0] if months else today
    span = max((today - first).days - 1, 1)
    extra = [
        (first + datetime.timedelta(days=rng.randrange(span)), Session.Kind.EXTRAORDINARY)
        for _ in range(count - len(months))
    ]
    return sorted(months + extra)


def create_demo_sessions(count, rng):
    real_last = Session.objects.filter(is_demo=False).aggregate(last=Max("number"))["last"] or 0
    first_number = max(DEMO_FIRST_NUMBER, real_last + 1)
    today = timezone.localdate()
    dates = [*demo_dates(count - 1, rng, today), (today + datetime.timedelta(days=21), Session.Kind.ORDINARY)]
    sessions = [
        Session(
            number=first_number + index,
            kind=kind,
            scheduled_on=day,
            starts_at=datetime.time(10, 0) if kind == Session.Kind.ORDINARY else datetime.time(15, 0),
            ends_at=datetime.time(12, 0) if kind == Session.Kind.ORDINARY else datetime.time(16, 30),
            place=DEMO_PLACE,
            status=Session.Status.HELD,
            convened_on=min(day - datetime.timedelta(days=7), today),
            is_demo=True,
        )
        for index, (day, kind) in enumerate(dates)
    ]
    sessions[-1].status = Session.Status.CONVENED
    for index in range(3, len(sessions) - 1, 8):
        sessions[index].status = Session.Status.SUSPENDED
    sessions = Session.objects.bulk_create(sessions)
    # Held demo sessions keep the rule in force on their date, as recorded ones do.
    Session.objects.filter(pk__in=[session.pk for session in sessions]).keep_quorum_rules()
    return sessions


def record_attendance(sessions, members, rng):
    rows, reached = [], {}
    for session in sessions:
        if not session.is_held():
            continue
        in_office = [member for member in members if member.is_in_office(session.scheduled_on)]
        statuses = [weighted(rng, ATTENDANCE_WEIGHTS) for _member in in_office]
        rows += [Attendance(session=session, member=m, status=s) for m, s in zip(in_office, statuses, strict=True)]
        attending = sum(status in Attendance.COUNTS_FOR_QUORUM for status in statuses)
        reached[session.pk] = attending * 2 > len(in_office)
    Attendance.objects.bulk_create(rows)
    return reached


def session_moment(session, hours=0):
    """When something happened at or after `session`, never later than now."""
    return min(session.ends() + datetime.timedelta(hours=hours), timezone.now())


def write_minutes(held, quorum_reached, approver):
    """Minutes in every status: published for older sessions, the latest approved ones unpublished, the last a draft."""
    minutes = []
    for index, session in enumerate(held):
        approving = next((later for later in held[index + 1 :] if quorum_reached[later.pk]), None)
        text = (
            f"## Sesión {session.number} (datos de demostración)\n\n"
            "Se constata el quórum y se instala la sesión.\n\n"
            "1. Lectura y aprobación del acta anterior.\n"
            "2. Seguimiento de acuerdos.\n"
            "3. Revisión de los avances reportados por las instituciones responsables.\n\n"
            "**Este texto es ficticio** y solo muestra cómo se publican las actas."
        )
        entry = Minutes(session=session, text=text)
        if approving is not None:
            entry.status, entry.approved_at, entry.approved_by = Minutes.Status.PUBLISHED, approving, approver
            entry.approved_on = session_moment(approving)
            entry.published_on = session_moment(approving, hours=48)
        minutes.append(entry)
    approved = [entry for entry in minutes if entry.approved_at_id]
    if len(approved) > 1:
        approved[-1].status, approved[-1].published_on = Minutes.Status.APPROVED, None
    Minutes.objects.bulk_create(minutes)


def make_agreements(held, organizations, rng):
    last_day = held[-1].scheduled_on if held else timezone.localdate()
    agreements = []
    for session in held:
        recent = (last_day - session.scheduled_on).days < 120
        for number in range(1, rng.randint(1, 3) + 1):
            if recent:
                status = rng.choice([Agreement.Status.PENDING, Agreement.Status.IN_PROGRESS, Agreement.Status.DONE])
            else:
                status = weighted(rng, [(Agreement.Status.DONE, 85), (Agreement.Status.DROPPED, 15)])
            agreements.append(
                Agreement(
                    session=session,
                    number=number,
                    text=rng.choice(AGREEMENT_TEXTS),
                    responsible_organization=rng.choice(organizations),
                    due_on=session.scheduled_on + datetime.timedelta(days=rng.choice([30, 45, 60, 90])),
                    status=status,
                )
            )
    return Agreement.objects.bulk_create(agreements)


def make_reviews(held, rng):
    """Reviews citing the latest update each milestone had on the session's date."""
    histories = {}
    demo_updates = ProgressUpdate.objects.filter(milestone__is_demo=True, milestone__commitment__is_demo=True)
    for update in demo_updates.order_by("reported_on", "created_at", "pk").values(
        "pk", "milestone_id", "milestone__commitment_id", "reported_on"
    ):
        histories.setdefault(update["milestone_id"], []).append(update)
    dates = {milestone: [item["reported_on"] for item in history] for milestone, history in histories.items()}
    milestones = sorted(histories)
    reviews, reviewed = [], {}
    for session in held:
        chosen = []
        for milestone in rng.sample(milestones, min(8, len(milestones))):
            existing = bisect.bisect_right(dates[milestone], session.scheduled_on)
            if existing:
                chosen.append(histories[milestone][existing - 1])
        for update in chosen[:2]:
            reviews.append(
                MilestoneReview(
                    session=session,
                    milestone_id=update["milestone_id"],
                    update_id=update["pk"],
                    outcome=weighted(rng, OUTCOME_WEIGHTS),
                    note="Observación de demostración: verificables revisados en la sesión.",
                )
            )
            reviewed.setdefault(session.pk, []).append(update["milestone__commitment_id"])
    MilestoneReview.objects.bulk_create(reviews)
    return reviewed


def approve_replannings(held, agreements, rng):
    """The council approves most demo changes of dates at its first held session after the change, some by an
    agreement of that session."""
    by_session = {}
    for agreement in agreements:
        by_session.setdefault(agreement.session_id, []).append(agreement)
    days = [session.scheduled_on for session in held]
    approvals = []
    changes = Replanning.objects.filter(milestone__is_demo=True, council_approval__isnull=True).order_by("pk")
    for change in changes.only("pk", "changed_at"):
        index = bisect.bisect_left(days, timezone.localdate(change.changed_at))
        if index == len(held) or rng.random() < 0.3:
            continue
        session = held[index]
        agreement = rng.choice(by_session[session.pk]) if by_session.get(session.pk) and rng.random() < 0.5 else None
        approvals.append(ReplanApproval(replanning=change, session=session, agreement=agreement))
    return ReplanApproval.objects.bulk_create(approvals)


def make_agendas(sessions, agreements, reviewed):
    items, follow_ups = [], []
    by_session = {}
    for agreement in agreements:
        by_session.setdefault(agreement.session_id, []).append(agreement)
    earlier = []
    for session in sessions:
        titles = ["Constatación del quórum e instalación de la sesión", "Lectura y aprobación del acta anterior"]
        session_items = [AgendaItem(session=session, order=n, title=t) for n, t in enumerate(titles, start=1)]
        # Agreements still open at this date, from the last three sessions that adopted any.
        pending = [a for group in earlier[-3:] for a in group if a.is_open() or a.due_on >= session.scheduled_on]
        if pending:
            follow_up = AgendaItem(
                session=session, order=3, kind=AgendaItem.Kind.FOLLOW_UP, title="Seguimiento de acuerdos"
            )
            session_items.append(follow_up)
            follow_ups.append((follow_up, pending))
        for commitment_id in reviewed.get(session.pk, []):
            session_items.append(
                AgendaItem(
                    session=session,
                    order=len(session_items) + 1,
                    title="Revisión de avances del compromiso",
                    commitment_id=commitment_id,
                )
            )
        session_items.append(AgendaItem(session=session, order=len(session_items) + 1, title="Varios"))
        items += session_items
        if by_session.get(session.pk):
            earlier.append(by_session[session.pk])
    AgendaItem.objects.bulk_create(items)
    links = AgendaItem.agreements.through
    links.objects.bulk_create(
        [
            links(agendaitem_id=item.pk, agreement_id=agreement.pk)
            for item, pending in follow_ups
            for agreement in pending
        ]
    )


def seed_demo(*, scale, password):
    rng = random.Random(2023)
    # A flushed database (transactional tests) has lost the migration's groups.
    ensure_role_groups(apps, "council", role_table())
    members = demo_members()
    accounts = [
        demo_account("secretaria", SECRETARIAT_GROUP, password, member=members["Técnica de demostración"]).username,
        demo_account("consejero", COUNCIL_GROUP, password, member=members["Consejero de demostración"]).username,
    ]
    count = 10 * scale
    if Session.objects.filter(is_demo=True).count() == count and not demo_touches_real_rows():
        return {"summary": f"{count} demonstration sessions already in place.", "accounts": accounts}
    purge_sessions()
    sessions = create_demo_sessions(count, rng)
    council = list(CouncilMember.objects.filter(is_demo=True).select_related("organization"))
    quorum_reached = record_attendance(sessions, council, rng)
    AttendanceTotal.objects.rebuild([member.pk for member in council])  # bulk_create sends no signals
    held = [session for session in sessions if session.is_held()]
    write_minutes(held, quorum_reached, approver=get_user_model().objects.get(username="secretaria"))
    agreements = make_agreements(held, list(demo_organizations().values()), rng)
    reviewed = make_reviews(held, rng)
    make_agendas(sessions, agreements, reviewed)
    approvals = approve_replannings(held, agreements, rng)
    return {
        "summary": f"{count} demonstration sessions with attendance, minutes, {len(agreements)} agreements, "
        f"{sum(map(len, reviewed.values()))} milestone reviews and {len(approvals)} approvals of changes of dates.",
        "accounts": accounts,
    }


def raw_delete(queryset):
    """Delete without loading rows: at scale 200 per-row signals and history entries would take many minutes.

    Callers delete dependants first; the database still checks every foreign key.
    """
    return queryset._raw_delete(queryset.db)


def demo_touches_real_rows():
    """Whether the demo sessions were seeded by an older version that mixed them with the real council."""
    demo = {"session__is_demo": True}
    return (
        Session.objects.filter(is_demo=True, number__lt=DEMO_FIRST_NUMBER).exists()
        or Attendance.objects.filter(**demo, member__is_demo=False).exists()
        or Agreement.objects.filter(**demo, responsible_organization__is_demo=False).exists()
        or MilestoneReview.objects.filter(**demo, milestone__is_demo=False).exists()
        or MilestoneReview.objects.filter(**demo, milestone__commitment__is_demo=False).exists()
        or AgendaItem.objects.filter(**demo, commitment__is_demo=False).exists()
    )


def link_demo_proposals(proposals, per_session=2, sessions=6):
    """Put demonstration proposals on the agenda of the latest held demo sessions: `proposals` are (code, date
    received) of public demo proposals, from the proposals' seeder (council does not import proposals). A session
    takes up only proposals received before it. Adds nothing when demo sessions already take some up."""
    if ProposalReference.objects.filter(agenda_item__session__is_demo=True).exists():
        return 0
    held = Session.objects.filter(is_demo=True, status=Session.Status.HELD).order_by("-scheduled_on", "-number")
    held = list(held[:sessions])
    last = dict(
        AgendaItem.objects.filter(session__in=held).values("session").annotate(last=Max("order"))
        .values_list("session", "last")
    )  # fmt: skip
    unused = sorted(proposals, key=lambda row: row[1])
    items, chosen = [], []
    for session in held:
        codes = [code for code, received in unused if received < session.scheduled_on][-per_session:]
        if not codes:
            continue
        unused = [row for row in unused if row[0] not in codes]
        title = "Propuestas ciudadanas recibidas por el buzón"
        items.append(AgendaItem(session=session, order=last.get(session.pk, 0) + 1, title=title))
        chosen.append(codes)
    AgendaItem.objects.bulk_create(items)
    references = [
        ProposalReference(agenda_item=item, code=code)
        for item, codes in zip(items, chosen, strict=True)
        for code in codes
    ]
    ProposalReference.objects.bulk_create(references)
    return len(references)


def purge_sessions():
    """Delete the demo sessions and everything they recorded, with their history; return how many sessions."""
    demo = {"session__is_demo": True}
    # The history first: its rows find the demo sessions through joins while those still exist.
    agenda_history = AgendaItem.history.filter(**demo)
    raw_delete(apps.get_model("council", "HistoricalAgendaItem_agreements").objects.filter(history__in=agenda_history))
    raw_delete(Erratum.history.filter(minutes__session__is_demo=True))
    # Approvals first: they point at the sessions and agreements (PROTECT).
    for model in (ReplanApproval, Attendance, Agreement, MilestoneReview, AgendaItem, Minutes):
        raw_delete(model.history.filter(**demo))
    raw_delete(ProposalReference.history.filter(agenda_item__session__is_demo=True))
    raw_delete(ProposalReference.objects.filter(agenda_item__session__is_demo=True))
    raw_delete(AgendaItem.agreements.through.objects.filter(agendaitem__session__is_demo=True))
    raw_delete(Erratum.objects.filter(minutes__session__is_demo=True))
    for model in (ReplanApproval, Attendance, Agreement, MilestoneReview, AgendaItem, Minutes):
        raw_delete(model.objects.filter(**demo))
    count = raw_delete(Session.objects.filter(is_demo=True))
    raw_delete(Session.history.filter(is_demo=True))
    AttendanceTotal.objects.rebuild()  # the raw deletes sent no signals: what is left is the real attendance
    return count


def purge_demo():
    """Delete every demonstration session, its record and the demo councillors and accounts; nothing real."""
    sessions = purge_sessions()
    members = CouncilMember.objects.filter(is_demo=True)
    member_count = members.count()
    members.update(user=None)
    members.delete()
    CouncilMember.history.filter(is_demo=True).delete()
    accounts = get_user_model().objects.filter(username__in=DEMO_USERNAMES, email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    account_count = accounts.delete()[1].get(get_user_model()._meta.label, 0)
    return f"{sessions} demonstration sessions, {member_count} demo councillors and {account_count} accounts deleted"
