"""Checks on uploaded files (evidence, signed minutes), shared by the apps that accept uploads."""

import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_EVIDENCE_TYPES = {
    # extension: the signatures the file must start with (None: text, checked separately)
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".csv": None,
}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def validate_evidence_file(upload):
    """Accept only documents, images and CSV of at most 20 MB whose content matches their extension."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    allowed = ", ".join(sorted(ext.lstrip(".").upper() for ext in ALLOWED_EVIDENCE_TYPES))
    if extension not in ALLOWED_EVIDENCE_TYPES:
        raise ValidationError(
            _("Files of this type are not accepted. Upload one of: %(allowed)s."),
            code="file_type",
            params={"allowed": allowed},
        )
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="file_size")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signatures = ALLOWED_EVIDENCE_TYPES[extension]
    if signatures is None:
        matches = b"\x00" not in head
    else:
        matches = any(head.startswith(signature) for signature in signatures)
        if extension == ".webp":
            matches = matches and head[8:12] == b"WEBP"
    if not matches:
        raise ValidationError(
            _("The file's content does not match its extension (%(extension)s)."),
            code="file_content",
            params={"extension": extension},
        )


def validate_pdf(upload):
    """Evidence rules (size, content matching the extension), restricted to PDF."""
    if os.path.splitext(upload.name or "")[1].lower() != ".pdf":
        raise ValidationError(_("The signed minutes must be a PDF file."), code="file_type")
    validate_evidence_file(upload)
