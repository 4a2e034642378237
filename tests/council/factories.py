"""Factories for the council app."""

import datetime

import factory

from council.models import AgendaItem, Agreement, Attendance, CouncilMember, MilestoneReview, Minutes, Session
from tests.factories import OrganizationFactory


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMember

    name = factory.Sequence(lambda n: f"Consejera de prueba {n}")
    organization = factory.SubFactory(OrganizationFactory, kind="civil_society")
    sector = CouncilMember.Sector.CIVIL_SOCIETY
    role = CouncilMember.Role.MEMBER
    term_starts_on = datetime.date(2010, 1, 1)
    term_ends_on = datetime.date(2030, 12, 31)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    number = factory.Sequence(lambda n: n + 1)
    # One day apart, in creation order, always in the past: later sessions are later in time.
    scheduled_on = factory.Sequence(lambda n: datetime.date(2015, 1, 1) + datetime.timedelta(days=n))
    starts_at = datetime.time(10, 0)
    ends_at = datetime.time(12, 0)
    place = "Sala de sesiones"
    status = Session.Status.CONVENED


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    member = factory.SubFactory(CouncilMemberFactory)
    status = Attendance.Status.PRESENT


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minutes

    session = factory.SubFactory(SessionFactory, status=Session.Status.HELD)
    text = "## Desarrollo\n\nSe instala la sesión con quórum."


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    session = factory.SubFactory(SessionFactory, status=Session.Status.HELD)
    number = factory.Sequence(lambda n: n + 1)
    text = "Solicitar el informe de avance a la institución responsable."
    status = Agreement.Status.PENDING


class MilestoneReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneReview

    session = factory.SubFactory(SessionFactory, status=Session.Status.HELD)
    outcome = MilestoneReview.Outcome.VERIFIED


def held_session(members, present, **kwargs):
    """A held session where the first `present` members attended and the others were absent."""
    session = SessionFactory(**kwargs)
    for index, member in enumerate(members):
        status = Attendance.Status.PRESENT if index < present else Attendance.Status.ABSENT
        Attendance.objects.create(session=session, member=member, status=status)
    session.mark_held()
    return session


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Punto de prueba {n}")
