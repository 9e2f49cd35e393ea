"""The extractor's shortcuts must change no result, only the work done: a literal gate has to
pass every text its pattern matches, and the gated searches, the first-matching-name search and
the place windows grown word by word have to agree with the plain way (every pattern on every
text, every window) on the sample corpus and on its texts re-cased."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from extract import casualties, context, dates, events, pipeline, places, territory
from extract.casefold import with_lower
from extract.casualties import actor_in
from extract.gates import first_named, gate, required_literals
from extract.lexicon import ACTORS, CLAIM_SOURCES, METHODS, NEVER, VICTIM_NOUNS
from extract.spans import _GLUED_AT, _GLUED_END, find_spans, split_on_chars, split_sentences
from ingest import read_source

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "corpus"


@pytest.fixture(scope="module")
def texts() -> pl.Series:
    """The sample corpus's sentences as written, in upper case, in title case, and with the
    long s and Kelvin sign that case-insensitive matching equates with "s" and "k"."""
    docs = read_source(str(SAMPLES)).documents
    sentence = split_sentences(docs.select("doc_id", "title", "text", "published_date"))["sentence"]
    return pl.concat(
        [
            sentence,
            sentence.str.to_uppercase(),
            sentence.str.to_titlecase(),
            sentence.str.replace_all("s", "ſ").str.replace_all("k", "\u212a"),
        ]
    )


def _module_patterns() -> dict[str, str]:
    found = {}
    for module in (casualties, context, dates, events, pipeline, places, territory):
        for name, value in vars(module).items():
            if isinstance(value, str) and name.lstrip("_").isupper() and "(" in value:
                found[f"{module.__name__}.{name}"] = value
    for table in (ACTORS, CLAIM_SOURCES, METHODS, VICTIM_NOUNS):
        found.update({f"lexicon.{code}": f"(?i){pattern}" for code, pattern in table})
    return found


def test_a_gate_passes_every_text_its_pattern_matches(texts: pl.Series) -> None:
    frame = with_lower(texts.to_frame("text"), "text")
    gated = 0
    for name, pattern in _module_patterns().items():
        may_match = gate(frame, "text", pattern)
        if may_match is None:
            continue
        gated += 1
        missed = frame.filter(pl.col("text").str.contains(pattern) & ~may_match)
        assert missed.is_empty(), (name, missed["text"].head(3).to_list())
    assert gated >= 40  # the check is not vacuous: most patterns have a gate


def test_required_literals_reads_alternatives_options_and_repeats() -> None:
    assert required_literals(r"(?i)(?-u:\b)rebels?(?-u:\b)") == ("rebel",)
    assert required_literals(r"(?i)(?-u:\b)(?:killed|dead)(?-u:\s)+(?:and|or)") == ("dead", "killed")
    # the longest words the match must hold win over short or optional ones
    assert required_literals(r"(?i)at (?:least )?(?-u:\d)+ (?:civilians|people)") == (" civilians", " people")
    assert required_literals(r"(?i)(?-u:\b)(?:IS|it)(?-u:\b)") is None  # too short to gate
    assert required_literals(r"(?i)(?:killed)?(?-u:\d)+") is None  # nothing the match must hold
    # a case-sensitive part is searched in lower case like the rest
    assert required_literals(r"(?-i:SOHR)|Syrian Observatory") == ("sohr", "syrian observatory")


def _plain_first(text: pl.Series, named: list[tuple[str, str]]) -> pl.Series:
    first = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for name, pattern in named:
        first = first.when(pl.col("text").str.contains(f"(?i){pattern}")).then(pl.lit(name))
    return text.to_frame("text").select(first.otherwise(pl.lit(None, dtype=pl.String))).to_series()


@pytest.mark.parametrize(
    "named", [METHODS, VICTIM_NOUNS, CLAIM_SOURCES], ids=["methods", "victims", "sources"]
)
def test_first_named_is_the_first_pattern_that_matches(
    texts: pl.Series, named: list[tuple[str, str]]
) -> None:
    expected = _plain_first(texts, named)
    assert expected.null_count() < expected.len()  # some texts name something
    assert first_named(texts, named).to_list() == expected.to_list()


def test_first_named_strips_only_the_texts_that_name_something(texts: pl.Series) -> None:
    # the methods' strip (an earlier attack, spoils, a feared attack) as the pipeline uses it
    strip = context._NOT_THIS_ATTACK
    stripped = texts.str.replace_all(strip, "")
    expected = _plain_first(stripped, METHODS)
    # the corpus has a method that only the strip takes away: the comparison below reads it
    assert expected.is_null().sum() > _plain_first(texts, METHODS).is_null().sum()
    got = first_named(texts, METHODS, strip=strip)
    assert got.to_list() == expected.to_list()
    assert first_named(pl.Series(["shelling hit the town"]), METHODS, strip="shelling")[0] is None
    # a name the strip would spell by joining the words around what it removes is not one
    joined = pl.Series(["an air after the clashes ended strike"])
    assert _plain_first(joined.str.replace_all(r"after the clashes ended ", ""), METHODS)[0] is not None
    assert first_named(joined, METHODS, strip=r"after the clashes ended ")[0] is None


def test_actor_in_names_the_only_actor_of_a_text(texts: pl.Series) -> None:
    hits = [pl.col("text").str.contains(f"(?i){pattern}") for _, pattern in ACTORS]
    only = pl.when(hits[0]).then(pl.lit(ACTORS[0][0]))
    for hit, (code, _) in zip(hits[1:], ACTORS[1:], strict=True):
        only = only.when(hit).then(pl.lit(code))
    expected = texts.to_frame("text").select(pl.when(pl.sum_horizontal(hits) == 1).then(only)).to_series()
    got = texts.to_frame("text").select(actor_in(pl.col("text"))).to_series()
    assert expected.n_unique() > 3
    assert got.to_list() == expected.to_list()


def test_the_never_alternative_changes_no_match(texts: pl.Series) -> None:
    frame = texts.to_frame("text").with_row_index("row")
    coalition = dict(ACTORS)["coalition"]
    without = f"(?i){coalition.removesuffix('|' + NEVER)}"
    assert without != f"(?i){coalition}"
    spans = find_spans(frame, "text", f"(?i){coalition}", ["row"])
    assert not spans.is_empty()
    assert spans.equals(find_spans(frame, "text", without, ["row"]))
    assert frame.filter(pl.col("text").str.contains(NEVER)).is_empty()


def test_glued_sentence_ends_are_only_looked_for_where_their_gate_passes(texts: pl.Series) -> None:
    glued = pl.Series(["the town of Tal al-Aswad.Clashes continue", "no glue here. None"])
    frame = pl.concat([texts, glued]).to_frame("text")
    ends = frame.filter(pl.col("text").str.contains(_GLUED_END))
    assert ends.height >= 1
    assert ends.filter(~pl.col("text").str.contains(_GLUED_AT)).is_empty()
    got = split_sentences(pl.DataFrame({"doc_id": ["a", "b"], "text": glued}))["sentence"].to_list()
    assert got == ["the town of Tal al-Aswad.", "Clashes continue", "no glue here.", "None"]


def test_candidate_windows_are_all_gazetteer_keys_of_up_to_five_words(texts: pl.Series) -> None:
    """The windows grown a word at a time are exactly the 1..5-word windows, starting at a
    capitalised first word of a place name, whose key is a gazetteer key."""
    frame = texts.to_frame("sentence").with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
    got = places._candidates(frame, ["row"])
    first_words, any_first_word = places._first_words()
    names = set(places.gazetteer()["key"].to_list())
    runs = find_spans(frame, "sentence", places._RUN, ["row"])
    runs = runs.filter(places._fold(pl.col("match")).str.contains(any_first_word)).with_row_index("run")
    tokens = split_on_chars(runs.rename({"match": "run_text"}), "run_text", places._TOKEN_CHARS, ["run"])
    tokens = tokens.with_columns(word=places._fold(pl.col("match"))).join(
        runs.select("run", "row", "m_start").rename({"m_start": "r_start"}), on="run"
    )
    expected = set()
    starts = set(first_words.to_list())
    for run in tokens.partition_by("run", maintain_order=True):
        rows = run.sort("m_start").rows(named=True)
        for i, token in enumerate(rows):
            if token["word"] not in starts or not re.match(rf"^(?:[A-Z]|{places._CONNECT}$)", token["match"]):
                continue
            for n in range(1, places.MAX_NGRAM + 1):
                if i + n > len(rows):
                    break
                key = " ".join(t["word"] for t in rows[i : i + n])
                if key in names:
                    start, end = (
                        token["r_start"] + token["m_start"],
                        token["r_start"] + rows[i + n - 1]["m_end"],
                    )
                    expected.add((token["row"], start, end, n, key))
    assert len(expected) > 50
    assert set(got.select("row", "m_start", "m_end", "n_tokens", "key").iter_rows()) == expected
