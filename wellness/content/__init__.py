"""Meditations, nutrition tips, screeners, crisis resources and notification copy.

The data files live beside this module; `catalog.load_catalog()` reads and validates them.
Nothing is read at import time.
"""

from wellness.content.catalog import (
    Catalog,
    ContentError,
    ContentProblem,
    check_content,
    load_catalog,
)
from wellness.content.schema import BANNED_NUDGE_WORDS

__all__ = [
    "BANNED_NUDGE_WORDS",
    "Catalog",
    "ContentError",
    "ContentProblem",
    "check_content",
    "load_catalog",
]
