"""The emails a proposer receives; always sent after the transaction that caused them has committed."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from proposals.models import Proposal

logger = logging.getLogger(__name__)

SUBJECTS = {
    "received": "email/received_subject.txt",
    "status": "email/status_subject.txt",
    "answer": "email/answer_subject.txt",
    "hidden": "email/hidden_subject.txt",
    "erasure": "email/erasure_subject.txt",
}


def absolute_url(path):
    return settings.PORTAL_URL.rstrip("/") + path


def _send(contact, kind, context):
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        context = {**context, "proposal": contact.proposal, "portal_url": settings.PORTAL_URL}
        context["proposal_url"] = absolute_url(contact.proposal.get_absolute_url())
        context["track_url"] = absolute_url(reverse("proposals:proposal-track"))
        subject = " ".join(render_to_string(f"proposals/{SUBJECTS[kind]}", context).split())
        body = render_to_string(f"proposals/email/{kind}.txt", context)
    # The log names the proposal, never the person; a mail server's error text may quote the address, so only
    # its type is logged. A failed email never undoes the proposal or the moderation step already committed.
    try:
        send_mail(subject, body, None, [contact.email])
    except Exception as error:  # any mail failure is reported the same way
        logger.error(
            "Could not send the '%s' email for proposal %s (%s)", kind, contact.proposal.code, type(error).__name__
        )
        return
    logger.info("Sent the '%s' email for proposal %s", kind, contact.proposal.code)


def send_proposal_email(proposal_id, kind):
    proposal = Proposal.objects.select_related("contact").filter(pk=proposal_id).first()
    contact = getattr(proposal, "contact", None) if proposal else None
    if contact is None or contact.is_anonymised() or not contact.email:
        return
    _send(contact, kind, {})


def send_erasure_email(contact, confirm_path):
    _send(contact, "erasure", {"confirm_url": absolute_url(confirm_path)})
