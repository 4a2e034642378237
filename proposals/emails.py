"""The emails a proposer receives, sent by the task worker once the transaction that caused them has committed.

Each email is a task of Django's tasks framework, stored in the database (django-tasks-db) and run by
`manage.py db_worker`, never inside the citizen's or the moderator's request. A task's arguments hold no
personal data (a proposal id and a kind; for an erasure request, the code and a keyed digest of the address
typed): the worker looks the address up when it sends. A failing mail server is retried with a growing delay;
after the last attempt the task stays recorded as failed, with what to send, in the admin's task results.
"""

import hashlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from proposals.models import Proposal, ProposerContact

logger = logging.getLogger(__name__)

SUBJECTS = {
    "received": "email/received_subject.txt",
    "status": "email/status_subject.txt",
    "answer": "email/answer_subject.txt",
    "hidden": "email/hidden_subject.txt",
    "erasure": "email/erasure_subject.txt",
}
# What a mail server that is down, slow or refusing raises: worth trying again later.
MAIL_ERRORS = (smtplib.SMTPException, OSError)
ERASURE_SALT = "proposals.erasure"


class EmailNotSent(Exception):
    """Every attempt failed; the failed task keeps its arguments, so the email can still be sent."""


def absolute_url(path):
    return settings.PORTAL_URL.rstrip("/") + path


def email_digest(email):
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def erasure_request_digest(email):
    """A keyed digest of an address typed in the erasure form: the task can match it, nobody can reverse it."""
    return salted_hmac("proposals.erasure-request", email.strip().lower(), algorithm="sha256").hexdigest()


def _message(contact, kind, context):
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        context = {**context, "proposal": contact.proposal, "portal_url": settings.PORTAL_URL}
        context["proposal_url"] = absolute_url(contact.proposal.get_absolute_url())
        context["track_url"] = absolute_url(reverse("proposals:proposal-track"))
        subject = " ".join(render_to_string(f"proposals/{SUBJECTS[kind]}", context).split())
        body = render_to_string(f"proposals/email/{kind}.txt", context)
    return subject, body


def _deliver(the_task, args, attempt, contact, kind, context=None):
    subject, body = _message(contact, kind, context or {})
    label = f"the '{kind}' email for proposal {contact.proposal.code}"
    # The log names the proposal, never the person; a mail server's error text may quote the address, so only
    # its type is logged. A failed email never undoes the proposal or the moderation step already committed.
    try:
        send_mail(subject, body, None, [contact.email])
    except MAIL_ERRORS as error:
        return _retry(the_task, args, attempt, label, type(error).__name__)
    logger.info("Sent %s", label)
    return "sent"


def _retry(the_task, args, attempt, label, error_name):
    if attempt >= settings.EMAIL_ATTEMPTS or not the_task.get_backend().supports_defer:
        logger.error("Could not send %s (%s); attempt %d was the last", label, error_name, attempt)
        # `from None`: the mail server's exception, which may quote the address, stays out of the task record.
        raise EmailNotSent(f"{label}: {error_name} after {attempt} attempts") from None
    delay = settings.EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)
    the_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(*args, attempt=attempt + 1)
    logger.warning("Could not send %s (%s); attempt %d in %d s", label, error_name, attempt + 1, delay)
    return "retrying"


@task()
def send_proposal_email(proposal_id, kind, attempt=1):
    proposal = Proposal.objects.select_related("contact").filter(pk=proposal_id).first()
    contact = getattr(proposal, "contact", None) if proposal else None
    if contact is None or contact.is_anonymised() or not contact.email:
        return "no recipient"
    return _deliver(send_proposal_email, (proposal_id, kind), attempt, contact, kind)


@task()
def send_erasure_email(code, request_digest, attempt=1):
    """Send the erasure link if the address typed matches the proposal's; the request's answer never tells."""
    contact = (
        ProposerContact.objects.select_related("proposal")
        .filter(proposal__code=code, anonymised_at__isnull=True)
        .first()
    )
    if contact is None or not contact.email:
        return "no match"
    if not constant_time_compare(erasure_request_digest(contact.email), request_digest):
        return "no match"
    token = signing.dumps({"contact": contact.pk, "email": email_digest(contact.email)}, salt=ERASURE_SALT)
    context = {"confirm_url": absolute_url(reverse("proposals:proposal-erasure", kwargs={"token": token}))}
    return _deliver(send_erasure_email, (code, request_digest), attempt, contact, "erasure", context)
