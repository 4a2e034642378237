import datetime

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from commitments import extensions
from commitments.search import SEARCH_RESULTS_LIMIT
from proposals.emails import ERASURE_SALT, email_digest, erasure_request_digest, send_erasure_email
from proposals.forms import (
    ContactForm,
    ErasureRequestForm,
    ProposalFilter,
    ProposalForm,
    TrackForm,
    error_summary,
    parse_submission_token,
)
from proposals.models import (
    CONSENT_VERSION,
    Call,
    Proposal,
    ProposerContact,
    can_moderate,
    normalize_code,
)
from ratelimits.limits import attempt, release

ERASURE_MAX_AGE = 2 * 24 * 3600
SESSION_CODE_KEY = "proposals:submitted-code"


def within_limit(request, scope, limit):
    """Count this request against the client's hourly limit for `scope`; False when it is over.

    `request.client_network` (the address behind the trusted proxies, IPv6 per /64) is set by
    `ratelimits.middleware.ClientIpMiddleware`."""
    return attempt(f"proposals:{scope}", request.client_network, limit)


def give_back(request, scope):
    release(f"proposals:{scope}", request.client_network)


def too_many(request, message):
    return render(request, "proposals/proposal_rate_limited.html", {"message": message}, status=429)


class BoundedPaginator(Paginator):
    """A paginator that counts at most `bound` rows beyond the pages before the current one.

    Counting every proposal would read the whole table on every render; past the bound the page says "more than
    …" and offers the next page, whose own count reaches a bound further.
    """

    def __init__(self, *args, bound, **kwargs):
        self.bound = bound
        super().__init__(*args, **kwargs)

    @cached_property
    def count(self):
        head = self.object_list[: self.bound + 1]
        return len(head) if isinstance(head, list) else head.count()

    def is_bounded(self):
        return self.count > self.bound


class ProposalListView(ListView):
    page_versions = ("proposals",)  # what the page cache keys it on (quito_ga/page_versions.py)
    page_changes_with_time = True  # it names the call open now, by the clock
    paginate_by = 20
    template_name = "proposals/proposal_list.html"
    count_bound = 1000

    def get_queryset(self):
        queryset = Proposal.objects.visible_to(self.request.user).for_list()
        self.filterset = ProposalFilter(self.request.GET or None, queryset=queryset)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        if self.filterset.is_searching():
            # At most SEARCH_RESULTS_LIMIT results: read them once rather than counting the search again.
            return list(self.filterset.qs[:SEARCH_RESULTS_LIMIT])
        return self.filterset.qs

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        page = self.request.GET.get(self.page_kwarg)
        pages_before = int(page) - 1 if page and page.isdigit() and 0 < int(page) < 100_000 else 0
        bound = pages_before * per_page + self.count_bound
        return BoundedPaginator(queryset, per_page, orphans, allow_empty_first_page, bound=bound)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            query_string=query.urlencode(),
            open_call=Call.objects.visible_to(self.request.user).open_now().first(),
            **kwargs,
        )


@never_cache
def proposal_create(request):
    # The call closing soonest, permanent mailboxes last.
    call = (
        Call.objects.visible_to(request.user)
        .open_now()
        .order_by(F("closes_at").asc(nulls_last=True), "opens_at")
        .first()
    )
    if call is None:
        upcoming = Call.objects.visible_to(request.user).upcoming().first()
        return render(request, "proposals/proposal_closed.html", {"upcoming": upcoming})
    limit_message = _("You have sent many proposals in a short time. Please wait an hour and try again.")
    if request.method == "POST":
        # A double click, or Back and send again: the same form is answered with the proposal it stored.
        stored = Proposal.objects.sent_with(parse_submission_token(request.POST.get("submission_token"))).first()
        if stored is not None:
            return _acknowledge(request, stored, again=True)
        if not within_limit(request, "submit", settings.PROPOSALS_SUBMISSIONS_PER_HOUR):
            return too_many(request, limit_message)
        form = ProposalForm(request.POST, call=call)
        contact_form = ContactForm(request.POST)
        if form.is_valid() and contact_form.is_valid():
            contact = contact_form.save(commit=False)
            contact.language = translation.get_language() or settings.LANGUAGE_CODE
            proposal = form.save(commit=False)
            proposal.submission_token = form.cleaned_data["submission_token"]
            proposal, again = _submit_once(proposal, contact)
            if again:
                give_back(request, "submit")  # the same form stored by the other request is one submission
            return _acknowledge(request, proposal, again=again)
        if not form.is_bot():
            give_back(request, "submit")  # a mistake to correct is not a submission
    else:
        form, contact_form = ProposalForm(call=call), ContactForm()
    context = {"form": form, "contact_form": contact_form, "call": call, "consent_version": CONSENT_VERSION}
    context["errors"] = error_summary(form, contact_form) if form.is_bound else []
    context["retention_days"] = settings.PROPOSALS_RETENTION_DAYS
    return render(request, "proposals/proposal_form.html", context)


def _submit_once(proposal, contact):
    """Submit `proposal`, or if the same form was stored meanwhile, return that one: (proposal, already sent)."""
    try:
        return proposal.submit(contact=contact), False
    except IntegrityError:
        # The same form sent twice at once: the other request stored it first and its transaction committed
        # before the unique token refused this one, so the proposal is there to be read.
        stored = Proposal.objects.sent_with(proposal.submission_token).first()
        if stored is None:
            raise
        return stored, True


def _acknowledge(request, proposal, *, again=False):
    if again:
        messages.info(
            request, gettext("This form had already been sent: your proposal is stored once, with this tracking code.")
        )
    request.session[SESSION_CODE_KEY] = proposal.code
    return redirect("proposals:proposal-submitted")


@never_cache
def proposal_submitted(request):
    code = request.session.get(SESSION_CODE_KEY)
    if not code:
        return redirect("proposals:proposal-create")
    proposal = get_object_or_404(Proposal.objects.select_related("contact"), code=code)
    contact = getattr(proposal, "contact", None)
    return render(
        request,
        "proposals/proposal_submitted.html",
        {
            "proposal": proposal,
            "email": mask_email(contact.email) if contact is not None and contact.email else "",
            "answer_by": proposal.created_at + datetime.timedelta(days=settings.PROPOSALS_RESPONSE_TARGET_DAYS),
            "target_days": settings.PROPOSALS_RESPONSE_TARGET_DAYS,
        },
    )


def mask_email(address):
    """`ana.perez@example.org` → `a•••••••@example.org`: enough to recognise one's own address on a shared
    screen, not enough to read someone else's."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}{'•' * max(len(local) - 1, 3)}@{domain}"


def _lookup(request):
    form = TrackForm(request.GET)
    if not form.is_valid():
        return form, None
    proposal = Proposal.objects.filter(code=form.cleaned_data["code"]).only("code").first()
    if proposal is None:
        form.add_error(
            "code",
            _("We found no proposal with this code. Check it against the email we sent you and try again."),
        )
    return form, proposal


@never_cache
def proposal_track(request):
    limit_message = _("Too many lookups from your connection. Please wait an hour and try again.")
    form, erasure_form = TrackForm(), ErasureRequestForm(prefix="erasure")
    if "code" in request.GET:
        if not within_limit(request, "lookup", settings.PROPOSALS_LOOKUPS_PER_HOUR):
            return too_many(request, limit_message)
        form, proposal = _lookup(request)
        if proposal is not None:
            return redirect(proposal)
    if request.method == "POST":
        if not within_limit(request, "lookup", settings.PROPOSALS_LOOKUPS_PER_HOUR):
            return too_many(request, limit_message)
        erasure_form = ErasureRequestForm(request.POST, prefix="erasure")
        if erasure_form.is_valid():
            _request_erasure(**erasure_form.cleaned_data)
            messages.success(
                request,
                gettext(
                    "If the code and the email match a proposal, we have sent a confirmation link to that email. "
                    "It is valid for two days."
                ),
            )
            return redirect("proposals:proposal-track")
    return render(request, "proposals/proposal_track.html", {"form": form, "erasure_form": erasure_form})


def _request_erasure(*, code, email):
    # The lookup and the email happen in the task, so the answer takes as long whether or not the address
    # matches; the task carries a keyed digest of the address, never the address itself.
    digest = erasure_request_digest(email)
    transaction.on_commit(lambda: send_erasure_email.enqueue(code, digest), robust=True)


def _contact_for_token(token):
    try:
        data = signing.loads(token, salt=ERASURE_SALT, max_age=ERASURE_MAX_AGE)
    except signing.BadSignature:
        return None
    contact = (
        ProposerContact.objects.select_related("proposal")
        .filter(pk=data.get("contact"), anonymised_at__isnull=True)
        .first()
    )
    if contact is None or email_digest(contact.email) != data.get("email"):
        return None
    return contact


@never_cache
def proposal_erasure(request, token):
    contact = _contact_for_token(token)
    if contact is None:
        return render(request, "proposals/proposal_erasure.html", {"invalid": True}, status=404)
    if request.method == "POST":
        code = contact.proposal.code
        contact.anonymise()
        messages.success(request, gettext("Your contact data has been erased. The proposal stays public without it."))
        return redirect("proposals:proposal-detail", code=code)
    return render(request, "proposals/proposal_erasure.html", {"proposal": contact.proposal})


def proposal_detail(request, code):
    canonical = normalize_code(code)
    if not canonical:
        raise Http404
    if canonical != code:
        return redirect("proposals:proposal-detail", code=canonical)
    proposal = Proposal.objects.for_detail().filter(code=canonical).first()
    if proposal is None:
        raise Http404
    moderator = can_moderate(request.user)
    agenda_items = extensions.lookup(extensions.PROPOSAL_AGENDA_ITEMS)
    context = {
        "proposal": proposal,
        "show_content": moderator or not proposal.is_hidden,
        "can_moderate": moderator,
        "agenda_items": agenda_items(proposal.code, request.user) if agenda_items else [],
    }
    return render(request, "proposals/proposal_detail.html", context)


proposal_detail.page_versions = ("proposal:{code}", "vocabulary")
