"""ftfy's mojibake heuristic as a polars (Rust) regex, so ftfy only sees rows it would change.

`ftfy.fix_text` (with `clean._FTFY`) leaves a line unchanged unless `ftfy.badness.is_bad` matches
it, or it holds a C1 control or an ESC; `clean.repair_mojibake` adds "‚" (Mac punctuation). Calling
ftfy costs ~1 ms per article even when it changes nothing (its regex runs in Python), and real
text with accents or "£" is suspect by `clean.SUSPECT`. `MAY_NEED_FTFY` is ftfy's own
`BADNESS_RE`, translated from its parsed form (so it follows the installed ftfy), with those
characters added. It matches wherever ftfy could change something (a superset): `^` matches at
every line start (ftfy fixes a text line by line), and `\\s`, `\\w` are spelled out as the
characters Python's `re` gives them, since Rust's differ. Lines over ftfy's
`max_decode_length` are cut elsewhere too, so texts that long always go to ftfy.
"""

from __future__ import annotations

import array
import functools
import re
import sys
from re import _parser  # type: ignore[attr-defined]  # the parsed form of ftfy's pattern

from ftfy.badness import BADNESS_RE

# Characters ftfy changes whatever the badness says: C1 controls (fix_c1_controls), ESC
# (remove_terminal_escapes), and "‚" which starts Mac Roman punctuation (clean._MAC_PUNCTUATION).
_ALWAYS = r"[\x{80}-\x{9F}\x{1B}\x{201A}]"
MAX_DECODE_LENGTH = 1_000_000  # ftfy.TextFixerConfig().max_decode_length


@functools.cache
def _category(python_class: str) -> tuple[tuple[int, int], ...]:
    """The code point ranges Python's `re` gives a class such as \\w."""
    return tuple(
        (ord(m.group()[0]), ord(m.group()[-1])) for m in re.finditer(python_class + "+", _every_character())
    )


@functools.cache
def _every_character() -> str:
    """Every code point but the surrogates, in order (decoded from UTF-32: 4x faster than chr())."""
    points = array.array("I", range(0xD800)) + array.array("I", range(0xE000, sys.maxunicode + 1))
    return points.tobytes().decode(f"utf-32-{'le' if sys.byteorder == 'little' else 'be'}")


_CATEGORIES = {"CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


def _class(items: list[tuple[object, object]]) -> str:
    negate = False
    ranges: list[tuple[int, int]] = []
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            ranges.append((int(arg), int(arg)))  # type: ignore[call-overload]
        elif name == "RANGE":
            ranges.append(arg)  # type: ignore[arg-type]
        elif name == "CATEGORY":
            ranges.extend(_category(_CATEGORIES[str(arg)]))
        else:
            raise ValueError(f"ftfy's badness pattern uses {name} in a class; cannot translate it")
    spelled = "".join(
        f"\\x{{{low:X}}}" + (f"-\\x{{{high:X}}}" if high != low else "") for low, high in ranges
    )
    return ("[^" if negate else "[") + spelled + "]"


def _translate(tree: object) -> str:
    parts = []
    for op, arg in tree:  # type: ignore[attr-defined]
        name = str(op)
        if name == "LITERAL":
            parts.append(f"\\x{{{arg:X}}}")
        elif name == "IN":
            parts.append(_class(arg))
        elif name == "BRANCH":
            parts.append("(?:" + "|".join(_translate(sub) for sub in arg[1]) + ")")
        elif name == "SUBPATTERN":
            parts.append("(?:" + _translate(arg[-1]) + ")")
        elif name == "MAX_REPEAT":
            low, high, sub = arg
            upper = "" if high is _parser.MAXREPEAT else str(high)
            parts.append(f"(?:{_translate(sub)}){{{low},{upper}}}")
        elif name == "ANY":
            parts.append(".")  # neither engine's "." matches "\n"
        elif name == "AT" and str(arg) == "AT_BEGINNING":
            parts.append("(?m:^)")
        elif name == "CATEGORY":
            parts.append(_class([(op, arg)]))
        else:
            raise ValueError(f"ftfy's badness pattern uses {name}; cannot translate it")
    return "".join(parts)


if BADNESS_RE.flags & ~(re.VERBOSE | re.UNICODE):
    raise ValueError("ftfy's badness pattern has flags this translation does not handle")
MAY_NEED_FTFY = _ALWAYS + "|" + _translate(_parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags))
