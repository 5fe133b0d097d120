"""The crime-log feed: a streaming, pure-Python parser (no models, no database).

The format is documented for forces in docs/log-feed.md.
"""

from cases.feed.export import csv_safe
from cases.feed.parsing import FORMATS, FeedReader, Format, detect_format, iter_feed
from cases.feed.schema import (
    FIELDS,
    LOG_FIELDS,
    FeedUnreadable,
    ParsedRecord,
    Party,
    RowError,
)

__all__ = [
    "FIELDS",
    "FORMATS",
    "LOG_FIELDS",
    "FeedReader",
    "FeedUnreadable",
    "Format",
    "ParsedRecord",
    "Party",
    "RowError",
    "csv_safe",
    "detect_format",
    "iter_feed",
]
