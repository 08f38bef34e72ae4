"""What a ``.json.gz`` log file's bytes say about it, decided from the gzip stream itself.

Two checks, both on bytes only; neither ever returns or prints the text a file holds (log lines
carry prompts and responses):

``check_start``
    From a file's first bytes (``START_BYTES`` of them), before it is read: can a reader open it at
    all? An empty file, one that does not start with the gzip magic, and one whose first deflate
    block is not deflate data stop DuckDB's ``read_json`` for every file read with it, so such a
    file is set aside (``unreadable``) and named instead.

``verify_stream``
    The whole stream, member by member: it ends with its end-of-stream block and an 8-byte trailer
    whose CRC-32 and length (ISIZE) match the data (``complete``); it stops before that
    (``truncated``: a cut copy); or zlib cannot decode it (``corrupt``). A CRLF line ending, an
    invalid UTF-8 byte, a NUL or a 20 MB line are line problems, never stream problems. It also
    counts the lines, and names the ones that are not JSON objects (1-based line numbers).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

GZIP_MAGIC = b"\x1f\x8b"
DEFLATE = 8
START_BYTES = 4096  # enough for the 10-byte header, a file name, and the first deflate block's start
GZIP_WBITS = 31  # zlib: a gzip header and trailer, checked (CRC-32 and ISIZE)
BAD_LINES_KEPT = 20  # line numbers listed per file; the count is always whole

# unreadable reasons, as the audit and the tests name them
EMPTY_FILE = "empty_file"
NOT_GZIP = "not_gzip"
CORRUPT_START = "corrupt_start"

# stream statuses
COMPLETE = "complete"
TRUNCATED = "truncated"
CORRUPT = "corrupt"


def check_start(head: bytes, file_size: int) -> str | None:
    """Why a file whose first bytes are ``head`` (of ``file_size`` in all) cannot be opened as gzip,
    or None when it can. ``head`` is the whole file when the file is shorter than ``START_BYTES``."""
    if file_size == 0:
        return EMPTY_FILE
    if len(head) < 10 or head[:2] != GZIP_MAGIC or head[2] != DEFLATE:
        return NOT_GZIP
    try:
        zlib.decompressobj(GZIP_WBITS).decompress(head)
    except zlib.error:
        return CORRUPT_START
    return None


@dataclass
class StreamCheck:
    """The outcome of ``verify_stream``: a status, and what the bytes decoded to before it."""

    status: str
    detail: str = ""  # zlib's reason for a corrupt stream ("invalid block type", "incorrect data check")
    member_count: int = 0  # gzip members that ended with a matching trailer
    decoded_bytes: int = 0
    line_count: int = 0  # lines, the last one counted even without its newline
    bad_line_count: int = 0  # lines that are not one JSON object (blank lines are not lines)
    bad_line_numbers: list[int] = field(default_factory=list)  # the first BAD_LINES_KEPT of them


class _Lines:
    """Counts lines and the ones that are not JSON objects, from decoded chunks."""

    def __init__(self, check: StreamCheck) -> None:
        self.check = check
        self.partial = b""

    def feed(self, data: bytes) -> None:
        self.check.decoded_bytes += len(data)
        pieces = (self.partial + data).split(b"\n")
        self.partial = pieces.pop()
        for piece in pieces:
            self._line(piece)

    def close(self) -> None:
        if self.partial:
            self._line(self.partial)
            self.partial = b""

    def _line(self, raw: bytes) -> None:
        line = raw.rstrip(b"\r")
        if not line.strip():
            return
        self.check.line_count += 1
        if not _is_json_object(line):
            self.check.bad_line_count += 1
            if len(self.check.bad_line_numbers) < BAD_LINES_KEPT:
                self.check.bad_line_numbers.append(self.check.line_count)


class _Bytes(_Lines):
    """Counts the decoded bytes only."""

    def feed(self, data: bytes) -> None:
        self.check.decoded_bytes += len(data)

    def close(self) -> None:
        pass


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line.decode("utf-8")), dict)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False


def verify_stream(chunks: Iterable[bytes], count_lines: bool = True) -> StreamCheck:
    """Decode a gzip file given as consecutive chunks of its bytes, and say how its stream ends
    (and, with `count_lines`, count its lines and name the ones that are not JSON objects)."""
    check = StreamCheck(status=TRUNCATED)
    lines = _Lines(check) if count_lines else _Bytes(check)
    decoder = zlib.decompressobj(GZIP_WBITS)
    started = False  # bytes of the current member were fed
    try:
        for chunk in chunks:
            data = chunk
            while data:
                started = True
                lines.feed(decoder.decompress(data))
                if not decoder.eof:
                    break
                check.member_count += 1
                data = decoder.unused_data
                decoder = zlib.decompressobj(GZIP_WBITS)
                started = False
        if started:
            lines.feed(decoder.flush())
    except zlib.error as error:
        lines.close()
        check.status, check.detail = CORRUPT, _zlib_reason(error)
        return check
    lines.close()
    if not started and check.member_count > 0:
        check.status = COMPLETE
    return check


def _zlib_reason(error: zlib.error) -> str:
    """zlib's own words, without the 'Error -3 while decompressing data:' prefix."""
    text = str(error)
    return text.split(":", 1)[1].strip() if ":" in text else text
