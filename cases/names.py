"""Name normalisation: the matching key for people across logs (exact match, then trigram)."""

import re
import unicodedata
from functools import lru_cache

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


# Feeds name the same people again and again; caching saves most of the work on a big import.
@lru_cache(maxsize=65_536)
def normalise_name(name: str) -> str:
    """Lower-case, strip accents, drop punctuation and digits, fold whitespace.

    "O'Brien, Siân " and "obrien sian" give the same key; hyphenated names keep their parts.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    ascii_only = ascii_only.replace("-", " ").replace("'", "")
    return _SPACES.sub(" ", _NOT_LETTERS.sub(" ", ascii_only)).strip()[:200]
