"""Text repair and normalisation, vectorised over a polars Series.

One implementation serves files and records: `clean_texts` works on a Series, `clean_text` is the
same thing for one string. Mojibake repair (ftfy, Python) runs only on rows that contain a
character mojibake is made of; everything else is polars string expressions, so a million-row
column is cleaned without a Python loop.

What cleaning does, in order: repair mojibake on suspect rows; `\\r\\n`/`\\r` -> `\\n`; curly
quotes -> straight; non-breaking and other Unicode spaces -> space; zero-width, bidi and control
characters removed (`\\n` and `\\t` kept); runs of spaces/tabs collapsed to one space; spaces
around line breaks trimmed; 3+ newlines -> 2 (paragraph breaks survive); strip; NFC.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
import polars as pl

from ingest.badness import MAX_DECODE_LENGTH, MAY_NEED_FTFY
from ingest.decode import decode_bytes

# UTF-8 mis-decoded as cp1252/latin-1 always shows a char from U+0080..U+00FF; as Mac Roman it
# starts with "‚" (U+201A, byte E2) or "√" (U+221A, byte C3). ESC is for terminal escapes.
SUSPECT = r"[\x{80}-\x{FF}\x{1B}\x{201A}\x{221A}]"
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,  # "&amp;" in a record is the publisher's text, and ftfy would only see some rows
    uncurl_quotes=False,  # done for every row below, not only the suspect ones
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
# UTF-8 General Punctuation (E2 80/81 xx) mis-decoded as Mac Roman or Mac Central European, e.g.
# "‚Äč" = U+200B ZERO WIDTH SPACE; ftfy knows Mac Roman but not Mac Central European.
_MAC_PUNCTUATION = re.compile("‚[ÄÅ].")
_MAX_ROUNDS = 4
# Whitespace runs but a lone space: \s+ would match (and rewrite) every space between words.
_WHITESPACE_RUN = r"[\s--[ ]]\s*| \s+"

# In order, with whether the pattern can match ASCII text; the others run only on the rows
# with a non-ASCII character. Splitting a class in two keeps the result (both halves map to the
# same string, and nothing one writes is matched by the other).
_REPLACEMENTS: tuple[tuple[str, str, bool], ...] = (
    (r"\r\n?|[\x{0B}\x{0C}]", "\n", True),
    (r"[\x{85}\x{2028}\x{2029}]", "\n", False),
    (r"[\x{2018}\x{2019}\x{201A}\x{201B}\x{2032}]", "'", False),
    (r"[\x{201C}\x{201D}\x{201E}\x{201F}\x{2033}]", '"', False),
    (r"[\x{A0}\x{1680}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]", " ", False),
    # C1 and C0 controls but \t and \n, soft hyphen, zero-width, bidi marks/embeddings/isolates, BOM.
    (r"[\x{80}-\x{9F}\x{AD}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]", "", False),
    (r"[\x{00}-\x{08}\x{0E}-\x{1F}\x{7F}]", "", True),
    (r"[ \t]{2,}", " ", True),
    (r"[ \t]*\n[ \t]*", "\n", True),
    (r"\n{3,}", "\n\n", True),
)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 / latin-1 / Mac Roman / Mac Central European."""
    text = _MAC_PUNCTUATION.sub(_mac_punctuation, text)
    return ftfy.fix_text(text, config=_FTFY)


def _mac_punctuation(match: re.Match[str]) -> str:
    for encoding in ("mac_roman", "mac_latin2"):
        try:
            return match.group().encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
    return match.group()


def _nfc_may_change() -> str:
    """A regex class of the characters NFC may change or combine; a text without any is NFC.

    That is the Unicode quick check: a text is NFC when none of its characters has a non-zero
    combining class or NFC_Quick_Check No/Maybe (the second half of a canonical pair). Computed
    below `_NFC_BELOW` (everything above counts, as does anything unassigned in Python's
    Unicode version, which may be older than polars').
    """
    chars = set()
    for code in range(_NFC_BELOW):
        char = chr(code)
        if (unicodedata.combining(char) or unicodedata.category(char) in ("Cn", "Cs")
                or unicodedata.normalize("NFC", char) != char):
            chars.add(code)
        pair = unicodedata.decomposition(char).split()
        if len(pair) == 2 and not pair[0].startswith("<"):
            chars.add(int(pair[1], 16))
    chars.update(range(0x1161, 0x1176), range(0x11A8, 0x11C3))  # Hangul vowels and trailing consonants
    spelled = "".join(f"\\x{{{code:X}}}" for code in sorted(chars))
    return f"[{spelled}\\x{{{_NFC_BELOW:X}}}-\\x{{10FFFF}}]"


_NFC_BELOW = 0x3000
NFC_MAY_CHANGE = _nfc_may_change()


def non_ascii_rows(texts: pl.Series) -> pl.Series:
    """Indices of the texts with a non-ASCII character: a byte and a character count tell, at memory speed.

    A regex search for a class of non-ASCII characters reads every byte (~0.2 s per 100 MB);
    most rows of an English corpus are ASCII, so such searches run on these rows only.
    """
    return (texts.str.len_bytes() != texts.str.len_chars()).arg_true()


def _repair(texts: pl.Series) -> pl.Series:
    # SUSPECT characters are non-ASCII but ESC.
    rows = (texts.str.len_bytes() != texts.str.len_chars()) | texts.str.contains("\x1b", literal=True)
    rows = rows.fill_null(False).arg_true()
    rows = rows.filter(texts.gather(rows).str.contains(SUSPECT))
    # Of those, only the rows ftfy could change (`ingest.badness`): it is slow even when it does nothing.
    candidates = texts.gather(rows)
    rows = rows.filter(candidates.str.contains(MAY_NEED_FTFY) | (candidates.str.len_chars() > MAX_DECODE_LENGTH))
    if rows.is_empty():
        return texts
    fixed = pl.Series([repair_mojibake(t) for t in texts.gather(rows)], dtype=pl.String)
    return texts.clone().scatter(rows, fixed)  # scatter works in place; the caller keeps its input


def _normalise(texts: pl.Series) -> pl.Series:
    """Whitespace, control characters, quotes and NFC; pure polars."""
    wide = non_ascii_rows(texts)  # replacements only ever write ASCII, so this stays a superset
    out = texts.clone()  # scatter works in place
    for pattern, replacement, ascii_too in _REPLACEMENTS:
        if ascii_too:
            out = out.str.replace_all(pattern, replacement)
        elif not wide.is_empty():
            out = out.scatter(wide, out.gather(wide).str.replace_all(pattern, replacement))
    out = out.str.strip_chars(" \t\n")
    # NFC costs as much as all the rest; most texts are NFC already by the quick check.
    rows = wide.filter(out.gather(wide).str.contains(NFC_MAY_CHANGE))
    if not rows.is_empty():
        out = out.scatter(rows, out.gather(rows).str.normalize("NFC"))
    return out.rename(texts.name)


def clean_texts(texts: pl.Series) -> pl.Series:
    """Repair and normalise a String Series (nulls become ""); idempotent."""
    texts = texts.cast(pl.String).fill_null("")
    out = _normalise(_repair(texts))
    # ftfy and normalisation can enable each other (a removed control char joins a mojibake
    # pair), so suspect rows are taken to a fixed point; clean(clean(x)) == clean(x). A row the
    # last round left unchanged is at it already.
    rows = (out != texts).arg_true()
    rows = rows.filter(out.gather(rows).str.contains(SUSPECT))
    for _ in range(_MAX_ROUNDS):
        if rows.is_empty():
            break
        before = out.gather(rows)
        after = _normalise(_repair(before))
        changed = before != after
        out = out.scatter(rows.filter(changed), after.filter(changed))
        rows = rows.filter(changed & after.str.contains(SUSPECT))
    return out


def single_line(texts: pl.Series) -> pl.Series:
    """Every whitespace run -> one space; a run that is one space already is not a match (cheaper)."""
    return texts.str.replace_all(_WHITESPACE_RUN, " ")


def clean_titles(titles: pl.Series) -> pl.Series:
    """`clean_texts`, then a single line."""
    return single_line(clean_texts(titles))


def clean_text(text: str | bytes) -> str:
    """`clean_texts` for one string (bytes are decoded first); never raises."""
    if isinstance(text, bytes):
        text = decode_bytes(text)
    # Lone surrogates cannot be stored as UTF-8: pair them up where possible, replace the rest.
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return clean_texts(pl.Series([text], dtype=pl.String))[0]
