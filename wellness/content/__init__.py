"""Meditations, nutrition tips, screeners, crisis resources and notification copy.

The data files live beside this module; `catalog.load_catalog()` reads and validates them.
Nothing is read at import time.
"""

from wellness.content.catalog import (
    BANNED_NUDGE_WORDS,
    Catalog,
    ContentError,
    ContentProblem,
    check_content,
    load_catalog,
)

__all__ = [
    "BANNED_NUDGE_WORDS",
    "Catalog",
    "ContentError",
    "ContentProblem",
    "check_content",
    "load_catalog",
]
