"""Text cleaning and decoding: properties over arbitrary input, and the repairs they promise."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.clean import clean_text, clean_texts
from ingest.decode import decode_bytes, sniff_binary

# Text biased towards what breaks cleaners: mojibake fragments, controls, odd spaces, newlines.
_TRICKY = ["â€™", "Ã©", "Ã", "\xa0", "‚Äč", "‚Äô", "\u200b", "\r\n", "\r", "\n\n\n", "\t", " ", "\x1b[31m",
           "\x95", "\udc95", "\ud83d", "\u0301", "e", "Syria", "’", "“", "\ufeff", "\u2028", "Â"]
tricky_text = st.lists(st.one_of(st.sampled_from(_TRICKY), st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.text(), tricky_text))
def test_clean_text_never_raises_and_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\r" not in once and "\n\n\n" not in once and once == once.strip(" \t\n")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_bytes_never_raise(data: bytes) -> None:
    text = decode_bytes(data)
    assert isinstance(text, str)
    text.encode("utf-8")  # no lone surrogates escape
    once = clean_text(data)
    assert clean_text(once) == once


def test_series_and_scalar_agree() -> None:
    texts = ["The regimeâ€™s jets", "plain  text\r\n", None, "caf\u00e9\u200b"]
    assert clean_texts(pl.Series(texts)).to_list() == [clean_text(t or "") for t in texts]


def test_repairs() -> None:
    assert clean_text("The regimeâ€™s helicopters") == "The regime's helicopters"
    assert clean_text("It‚Äč‚Äčs") == "Its"  # UTF-8 zero-width spaces read as Mac Central European
    assert clean_text("the regime‚Äôs jets") == "the regime's jets"  # ... as Mac Roman
    assert clean_text("Ã©lÃ¨ve") == "élève"
    assert clean_text(b"Syria\x95_s Aleppo \x95_ monitor") == "Syria's Aleppo – monitor"
    assert clean_text(b"Copyright \x95\x81 2018") == "Copyright © 2018"
    assert clean_text("“quoted” and ‘single’") == "\"quoted\" and 'single'"
    assert clean_text("a\u00a0b  \t c\n \n\n\n d") == "a b c\n\nd"
    assert clean_text("e\u0301") == "é"  # NFC


def test_decode_choices() -> None:
    assert decode_bytes("café".encode("cp1252")) == "café"
    assert decode_bytes("“hi” – ok".encode("cp1252")) == "“hi” – ok"
    assert decode_bytes(b"\xef\xbb\xbfhello") == "hello"
    assert decode_bytes("héllo".encode("utf-16")) == "héllo"
    assert decode_bytes("naïve ".encode() + b"it\x92s") == "naïve it’s"  # UTF-8 with one cp1252 byte
    assert decode_bytes(b"ok \x81 ok") in ("ok \ufffd ok", "ok \x81 ok")  # undefined in cp1252


def test_sniff_binary() -> None:
    assert sniff_binary(b"%PDF-1.4") is not None
    assert sniff_binary(b"\x1f\x8b\x08\x00") is not None
    assert sniff_binary(b"a\x00b") is not None
    assert sniff_binary("héllo".encode("utf-16")) is None
    assert sniff_binary(b"plain text") is None
