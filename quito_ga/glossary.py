"""The words the portal uses, defined once for the glossary page and the “?” links where they first appear."""

from django.utils.translation import gettext_lazy as _

# (anchor, term, definition). Anchors stay Spanish in both languages so that links keep working.
TERMS = [
    (
        "gobierno-abierto",
        _("Open government"),
        _(
            "A way of governing in which the municipality publishes what it does, lets citizens take part in its "
            "decisions and answers for its results."
        ),
    ),
    (
        "ogp-local",
        _("OGP Local"),
        _(
            "The programme of the Open Government Partnership (OGP), an international alliance of governments and "
            "civil society, for cities and regions. Each member co-creates action plans with its citizens."
        ),
    ),
    (
        "plan-de-accion",
        _("Action plan"),
        _(
            "A numbered, dated set of commitments that the municipality co-created with citizens and carries out "
            "within the plan's period."
        ),
    ),
    (
        "compromiso",
        _("Commitment"),
        _(
            "One promise of an action plan: the problem it addresses, what will be done, the institution that leads "
            "it, the organizations that share responsibility, and when."
        ),
    ),
    (
        "hoja-de-ruta",
        _("Roadmap"),
        _("The milestones through which a commitment is carried out, with their planned and revised dates."),
    ),
    (
        "replanificacion",
        _("Re-planning"),
        _(
            "A change of a milestone's planned start or due date after the advisory council validated its roadmap. "
            "The portal records each one with its reason, who made it and when, and the council session that "
            "approved it where there was one; the validated due date stays on the roadmap, and punctuality is "
            "measured against it."
        ),
    ),
    (
        "hito",
        _("Milestone"),
        _(
            "One stage of a commitment's roadmap: an activity with a responsible organization, a due date, a means "
            "of verification and a weight."
        ),
    ),
    (
        "medio-de-verificacion",
        _("Means of verification"),
        _(
            "The document or link that proves a milestone's progress. A milestone cannot be reported complete "
            "without one."
        ),
    ),
    (
        "ponderacion",
        _("Weighting (weighted mean)"),
        _(
            "Each milestone has a weight: how much of its commitment it represents. A commitment's progress is the "
            "weighted mean of its milestones' progress, so a milestone that weighs more counts more. A plan's "
            "progress is the plain mean of its commitments' progress."
        ),
    ),
    (
        "valor-ogp",
        _("OGP value"),
        _(
            "The open-government principles a commitment serves, as OGP defines them: access to information, civic "
            "participation, public accountability, and technology and innovation for transparency and "
            "accountability."
        ),
    ),
    (
        "mri",
        _("IRM (Independent Reporting Mechanism)"),
        _(
            "OGP's independent assessment of each commitment (MRI in Spanish): whether it is verifiable, its "
            "potential for results, how far it was completed and whether it opened government. It is shown beside "
            "the municipality's own self-assessment."
        ),
    ),
    (
        "consejo",
        _("Advisory council"),
        _(
            "The Open Government Advisory Council: councillors for civil-society organizations, universities and "
            "the productive sector, chaired by the municipality. At its sessions it follows up and verifies the "
            "progress of each commitment."
        ),
    ),
    (
        "quorum",
        _("Quorum"),
        _(
            "The minimum number of councillors who must be present for the council to take decisions. Each "
            "session's page says whether it was reached, from the attendance recorded."
        ),
    ),
    (
        "acta",
        _("Minutes"),
        _(
            "The written record of a session. It is drafted, approved by the council at a later session and then "
            "published. Approved minutes are never edited again: a correction is a new, linked erratum."
        ),
    ),
    (
        "acuerdo",
        _("Agreement"),
        _(
            "A decision taken at a session, with an owner, a due date and a status. Open agreements come back on "
            "the next session's agenda."
        ),
    ),
    (
        "verificacion",
        _("Council verification"),
        _(
            "The council's verdict, at a session, on the progress reported for a milestone: verified, verified "
            "with observations, or not verified."
        ),
    ),
    (
        "convocatoria",
        _("Call for proposals"),
        _("A period in which citizens may send proposals. A call without a closing date is a permanent mailbox."),
    ),
    (
        "codigo-de-seguimiento",
        _("Tracking code"),
        _("The short code you receive when you send a proposal. With it you find your proposal and its answer."),
    ),
    (
        "respuesta-motivada",
        _("Reasoned response"),
        _(
            "The municipality's public answer to a proposal: whether and how it was taken into the plan, and why, "
            "with a link to the commitment it shaped."
        ),
    ),
]

TERMS_BY_ANCHOR = {anchor: (term, definition) for anchor, term, definition in TERMS}
