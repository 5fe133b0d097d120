"""Refuse an undecodable file before importing any of it (a file is refused whole)."""

from typing import BinaryIO

from cases.feed.decoding import FeedDecoder


def check_decodable(stream: BinaryIO) -> None:
    """Decode the whole file once (C-speed, constant memory); raises FeedUnreadable if it
    cannot be read, so a bad byte on row 800,000 refuses the file before row 1 is stored."""
    decoder = FeedDecoder(stream)
    for _ in decoder.text_chunks():
        pass
