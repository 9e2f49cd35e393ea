"""Bytes to text: sniff binary content, pick the encoding, repair stray bytes.

Real feeds are mostly UTF-8 with damage: a BOM, a few cp1252 smart quotes pasted into UTF-8,
or punctuation that an export tool mangled into byte pairs such as ``\\x95_`` (FA-KES:
``Syria\\x95_s`` was ``Syria’s``). Decoding never fails: bytes that mean nothing in any
sensible encoding become U+FFFD.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

# Magic numbers of formats that are never article text, whatever the file is called.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x7fELF", "an executable program"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SNIFF_BYTES = 8192

# Invalid bytes surface as lone surrogates U+DC80..U+DCFF under "surrogateescape".
_STRAY = re.compile("[\udc80-\udcff]")
# Export damage seen in FA-KES: each curly quote / dash / © became 0x95 plus one byte. They are
# restored as curly characters (never ASCII '"'), so a repaired CSV still parses the same way.
_LOST_PUNCTUATION: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\w)\udc95_(?=\w)"), "’"),  # Syria\x95_s -> Syria’s
    (re.compile(r"(?<=\s)\udc95_(?=\s)"), "–"),  # Aleppo \x95_ monitor -> Aleppo – monitor
    (re.compile(r"(?<!\w)\udc95_(?=\w)"), "“"),  # \x95_truce zone\x95_ -> “truce zone”
    (re.compile(r"\udc95_"), "”"),
    (re.compile(r"\udc95\udc81(?= \d{4}\b)"), "©"),  # Copyright \x95\x81 2018
    (re.compile(r"\udc95\udc81"), "“"),  # \x95\x81Time is running out -> “Time is running out
    (re.compile(r"\udc95[\udc80-\udcff]"), ""),  # any other pair: the character is lost
)
_VALID_MULTIBYTE = re.compile("[\u0080-\U0010ffff]")  # non-ASCII that decoded fine (not a surrogate)
_SENSIBLE_SINGLE_BYTE = ["cp1252", "latin_1"]


def sniff_binary(head: bytes) -> str | None:
    """What binary content the first bytes of a file show, or None if it may be text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if any(head.startswith(bom) for bom, enc in _BOMS if enc.startswith("utf-16") or enc.startswith("utf-32")):
        return None  # UTF-16/32 text has NUL bytes by design
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    return None


def decode_bytes(data: bytes) -> str:
    """Decode file bytes to text; never raises."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    single_byte = not _VALID_MULTIBYTE.search(_STRAY.sub("", text))
    for pattern, replacement in _LOST_PUNCTUATION:
        text = pattern.sub(replacement, text)
    if not _STRAY.search(text):
        return text
    encoding = "cp1252"  # UTF-8 with a few stray bytes: most often cp1252 punctuation pasted in
    if single_byte:
        # No valid multi-byte UTF-8 at all: the whole file is in one single-byte encoding.
        guess = charset_normalizer.from_bytes(data, cp_isolation=_SENSIBLE_SINGLE_BYTE).best()
        encoding = guess.encoding if guess is not None else "cp1252"
    return _STRAY.sub(lambda match: _decode_stray(match.group(), encoding), text)


def _decode_stray(char: str, encoding: str) -> str:
    try:
        return bytes([ord(char) - 0xDC00]).decode(encoding)
    except UnicodeDecodeError:
        return "\ufffd"
