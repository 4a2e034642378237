"""Tracking codes (readable aloud, hard to guess) and the text normalisation search and codes share."""

import re
import secrets
import unicodedata

# No 0/O, 1/I/L: a code read aloud or copied from paper cannot be mistaken. 31 symbols, 9 of them give
# 44.6 bits from `secrets`, comfortably above the 40 bits a guessing attack would have to beat.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PREFIX = "QGA"
CODE_LENGTH = 9
CODE_GROUP = 3

# Bump whenever the privacy notice shown beside the consent checkbox changes: each consent keeps its version.
CONSENT_VERSION = "2026-11-v1"


def normalize_text(text):
    """Lower-case `text` and strip its accents, so that "Participación" and "participacion" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def format_code(raw):
    groups = [raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP)]
    return "-".join([CODE_PREFIX, *groups])


def new_tracking_code(choice=secrets.choice):
    return format_code("".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def normalize_code(text):
    """Return the canonical `QGA-XXX-XXX-XXX` form of what a citizen typed, or "" if it cannot be a code."""
    compact = re.sub(r"[\s\-_.]", "", text or "").upper()
    if compact.startswith(CODE_PREFIX) and len(compact) == len(CODE_PREFIX) + CODE_LENGTH:
        compact = compact[len(CODE_PREFIX) :]
    if len(compact) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in compact):
        return ""
    return format_code(compact)
