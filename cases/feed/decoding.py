"""Streaming text decoding for the feed: UTF-8 (with or without BOM) or Windows-1252.

The encoding is decided once per file, at the first non-ASCII character (docs/log-feed.md,
"Encoding"): while the bytes are ASCII both readings agree, so a Windows-1252 export whose
first "é" is on row 50,000 still imports. After that the decision holds for the rest of the
file; bytes that do not fit it make the whole file unreadable rather than half mojibake.
"""

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO, Final

from cases.feed.schema import FeedUnreadable

CHUNK_SIZE: Final = 1 << 20
# A physical line longer than this is not a crime record; stop before it eats the memory.
MAX_LINE: Final = 16 << 20

UTF8: Final = "utf-8"
UTF8_BOM: Final = "utf-8-sig"
CP1252: Final = "cp1252"

# UTF-8 encodings of the characters a UK feed holds (é, £, curly quotes, dashes, €). Read as
# Windows-1252 they are mojibake ("Ã©", "Â£", "â€™") that no one types, so meeting one in a
# file already read as Windows-1252 means the file mixes the two encodings.
_UTF8_IN_CP1252: Final = re.compile(
    rb"\xc3[\x80-\xbf]|\xc2[\xa0-\xbf]|\xe2\x80[\x80-\xbf]|\xe2\x82\xac"
)

_REENCODE_ADVICE: Final = "save it again as CSV UTF-8 (or JSON Lines in UTF-8)"


# str.splitlines also breaks at these; io's universal newlines only at "\n", "\r", "\r\n".
_OTHER_BREAKS_ASCII: Final = ("\v", "\f", "\x1c", "\x1d", "\x1e")
_OTHER_BREAKS: Final = (*_OTHER_BREAKS_ASCII, "\x85", "\u2028", "\u2029")


def split_lines(text: str) -> list[str]:
    """`text` split after each "\n", "\r\n" or "\r", endings kept: what
    `io.StringIO(text, newline="").readlines()` returns.

    str.splitlines is twice as fast but also breaks at a few control characters that a
    feed does not normally hold; it is used when the text holds none of them.
    """
    breaks = _OTHER_BREAKS_ASCII if text.isascii() else _OTHER_BREAKS
    for char in breaks:
        if char in text:
            return io.StringIO(text, newline="").readlines()
    return text.splitlines(keepends=True)


class FeedDecoder:
    """Reads a binary stream as text lines in constant memory; see the module docstring."""

    def __init__(self, stream: BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        # None while every byte so far is ASCII (then the file reads the same either way).
        self.encoding: str | None = None
        self._utf8 = codecs.getincrementaldecoder(UTF8)("strict")
        self._pending = b""  # undecided: an incomplete non-ASCII tail carried to the next chunk
        self._offset = 0  # bytes of the file consumed before the current chunk
        # Sticky: set once any decoded text holds a NUL, so the parser can skip looking for
        # one in each cell of the (usual) file that has none.
        self.saw_nul = False

    def lines(self) -> Iterator[str]:
        """The file's lines with their endings ("\\n", "\\r\\n" or "\\r"), as `open(newline="")`."""
        carry = ""
        for text in self._text_chunks():
            if not text:
                continue
            if carry:
                text = carry + text
            lines = split_lines(text)
            last = lines[-1]
            # An unfinished last line, or one ending "\r" whose "\n" may open the next chunk.
            if last[-1] == "\r" or last[-1] != "\n":
                carry = lines.pop()
                if len(carry) > MAX_LINE:
                    raise FeedUnreadable(
                        f"a line near byte {self._offset:,} is longer than {MAX_LINE:,} "
                        "characters; this is not a crime-log feed"
                    )
            else:
                carry = ""
            yield from lines
        if carry:
            yield carry

    def text_chunks(self) -> Iterator[str]:
        """The file decoded in chunks of about CHUNK_SIZE characters (no line splitting):
        reading them all checks a whole file's encoding at C speed before importing it."""
        return self._text_chunks()

    def _text_chunks(self) -> Iterator[str]:
        data = self._stream.read(self._chunk_size)
        if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise FeedUnreadable(f"the file is UTF-16 (Excel 'Unicode text'); {_REENCODE_ADVICE}")
        if data[:3] == codecs.BOM_UTF8:
            self.encoding = UTF8_BOM
            data = data[3:]
            self._offset = 3
        while data:
            text = self._decode(data)
            self._offset += len(data)
            if text:
                if "\x00" in text:
                    self.saw_nul = True
                yield text
            data = self._stream.read(self._chunk_size)
        text = self._finish()
        if text:
            if "\x00" in text:
                self.saw_nul = True
            yield text

    def _decode(self, data: bytes) -> str:
        if self.encoding is None:
            return self._decode_undecided(data)
        if self.encoding == CP1252:
            return self._decode_cp1252(data, self._offset)
        try:
            return self._utf8.decode(data)
        except UnicodeDecodeError as exc:
            raise FeedUnreadable(
                f"the file began as UTF-8 but byte {self._offset + exc.start:,} is not UTF-8 "
                f"(mixed encodings?); {_REENCODE_ADVICE}"
            ) from None

    def _decode_undecided(self, data: bytes) -> str:
        base = self._offset
        if self._pending:
            base -= len(self._pending)
            data = self._pending + data
            self._pending = b""
        if data.isascii():
            return data.decode("ascii")
        probe = codecs.getincrementaldecoder(UTF8)("strict")
        try:
            text = probe.decode(data)
        except UnicodeDecodeError:
            self.encoding = CP1252
            return self._decode_cp1252(data, base)
        if text.isascii():
            # The only non-ASCII bytes are an unfinished sequence at the end: no evidence yet.
            self._pending = probe.getstate()[0]
            return text
        self.encoding = UTF8
        self._utf8 = probe
        return text

    def _decode_cp1252(self, data: bytes, base: int) -> str:
        mixed = _UTF8_IN_CP1252.search(data)
        if mixed:
            raise FeedUnreadable(
                f"the file reads as Windows-1252 but holds UTF-8 text at byte "
                f"{base + mixed.start():,} (mixed encodings); {_REENCODE_ADVICE}"
            )
        try:
            return data.decode(CP1252)
        except UnicodeDecodeError as exc:
            raise FeedUnreadable(
                f"byte {base + exc.start:,} is neither UTF-8 nor Windows-1252; {_REENCODE_ADVICE}"
            ) from None

    def _finish(self) -> str:
        if self.encoding is None:
            # Undecided at the end: only an unfinished UTF-8 sequence was ever non-ASCII.
            pending, self._pending = self._pending, b""
            if not pending:
                return ""
            self.encoding = CP1252
            return self._decode_cp1252(pending, self._offset - len(pending))
        if self.encoding == CP1252:
            return ""
        try:
            return self._utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FeedUnreadable(
                f"the file ends in the middle of a UTF-8 character; {_REENCODE_ADVICE}"
            ) from None
