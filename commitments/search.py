"""Free-text search over a stored, accent-free copy of a record's text, shared by commitments and proposals.

Each searchable model keeps `search_text` (lower case, accents stripped, then the accented words where they
differ), written by its `save()`. On PostgreSQL a trigger keeps `search_vector`, the Spanish `tsvector` of that
text, with a GIN index: a search ranks the stored vector and never re-parses the text (migrations
`commitments/0008` and `proposals/0007`). SQLite has no text search: it looks for every word in `search_text`.
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F

# A search shows at most this many results: of many matches, the most recent ones, best ranked first. The
# database reads about this many matching rows whatever the data size, where ranking every match of a common
# word would read them all.
SEARCH_RESULTS_LIMIT = 100
SEARCH_CONFIG = "spanish"


def normalize_text(text):
    """Lower-case `text` and strip its accents, so that "Participación" and "participacion" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def build_search_text(*parts):
    """The text without accents (what any query is reduced to), then with them where they differ.

    PostgreSQL's Spanish stemmer only recognises suffixes such as "-ación" with their accent, so the accented
    copy lets "participaciones" find "participación" while the plain copy lets "participacion" do.
    """
    text = "\n".join(part for part in parts if part).casefold()
    plain = normalize_text(text)
    return plain if plain == text else f"{plain}\n{text}"


def search_words(query):
    return normalize_text(query).split()


def text_search(queryset, query, *, recent=("-pk",)):
    """Filter `queryset` on `query`, ignoring case and accents; on PostgreSQL rank by relevance.

    The ranking reads the stored vector of the SEARCH_RESULTS_LIMIT most recent matches (by `recent`) that pass
    the other filters already applied to `queryset`; callers show at most that many results.
    """
    words = search_words(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        search_query = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="websearch")
        candidates = queryset.filter(search_vector=search_query).order_by(*recent).values("pk")
        return (
            queryset.filter(pk__in=candidates[:SEARCH_RESULTS_LIMIT])
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", *recent)
        )
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset
