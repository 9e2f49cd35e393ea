"""Validate the Syrian gazetteer data file ``extract/data/places.csv``."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from extract import schema

PLACES_CSV = Path(__file__).resolve().parents[1] / "extract" / "data" / "places.csv"

COLUMNS = ["name", "variants", "kind", "admin1", "latitude", "longitude"]
GOVERNORATES = set(schema.ADMIN1)
KINDS = {"governorate", "district", "city", "town", "village", "region", "neighbourhood", "landmark"}
LAT_RANGE = (32.3, 37.4)
LON_RANGE = (35.6, 42.4)

# Same canonical name used deliberately for places in two governorates (e.g. the
# Midan quarter of Damascus and the Midan quarter of Aleppo). Rows sharing a name
# may share spellings; any other cross-governorate overlap is an error.
KNOWN_HOMONYMS = {"Khalidiyeh", "Midan", "Zahraa", "al-Mshayrfa"}

# Strings that must never be a name or variant: they are ordinary English words or
# bare Arabic particles that would match all over a news article.
FORBIDDEN_STRINGS = {"al", "el", "bab", "tal", "tell", "tall", "ain", "deir", "sham", "mari", "habit", "the"}


@pytest.fixture(scope="module")
def places() -> pl.DataFrame:
    raw = pl.read_csv(PLACES_CSV, infer_schema=False, encoding="utf8")
    return raw.with_columns(
        pl.col("variants").fill_null(""),
        pl.col("latitude").cast(pl.Float64, strict=True),
        pl.col("longitude").cast(pl.Float64, strict=True),
    )


def _strings(row: dict) -> list[str]:
    """Canonical name plus every variant of one row."""
    return [row["name"], *(v for v in row["variants"].split("|") if v)]


def _lookup(places: pl.DataFrame) -> dict[str, set[str]]:
    """Case-folded name/variant -> set of admin1 values."""
    index: dict[str, set[str]] = defaultdict(set)
    for row in places.iter_rows(named=True):
        for s in _strings(row):
            index[s.casefold()].add(row["admin1"])
    return index


def test_file_is_utf8_with_header() -> None:
    text = PLACES_CSV.read_bytes().decode("utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)


def test_required_columns(places: pl.DataFrame) -> None:
    assert places.columns == COLUMNS


def test_row_count(places: pl.DataFrame) -> None:
    assert places.height >= 400


def test_no_nulls_in_required_fields(places: pl.DataFrame) -> None:
    for col in ["name", "kind", "admin1", "latitude", "longitude"]:
        assert places[col].null_count() == 0, col


def test_admin1_vocabulary(places: pl.DataFrame) -> None:
    assert set(places["admin1"].unique()) <= GOVERNORATES


def test_kind_vocabulary(places: pl.DataFrame) -> None:
    assert set(places["kind"].unique()) <= KINDS


def test_coordinates_inside_syria(places: pl.DataFrame) -> None:
    outside = places.filter(
        ~pl.col("latitude").is_between(*LAT_RANGE) | ~pl.col("longitude").is_between(*LON_RANGE)
    )
    assert outside.is_empty(), outside.select("name", "latitude", "longitude").to_dicts()


def test_every_governorate_present(places: pl.DataFrame) -> None:
    govs = places.filter(pl.col("kind") == "governorate")
    assert set(govs["name"]) == GOVERNORATES
    assert govs.height == len(GOVERNORATES)
    # a governorate row's admin1 is itself
    assert (govs["name"] == govs["admin1"]).all()


def test_capital_city_rows_match_governorates(places: pl.DataFrame) -> None:
    cities = places.filter(pl.col("kind") == "city")
    for gov in GOVERNORATES - {"Rif Dimashq"}:
        match = cities.filter((pl.col("name") == gov) & (pl.col("admin1") == gov))
        assert match.height == 1, gov


def test_no_duplicate_rows(places: pl.DataFrame) -> None:
    dupes = places.group_by("name", "kind", "admin1").len().filter(pl.col("len") > 1)
    assert dupes.is_empty(), dupes.to_dicts()


def test_names_and_variants_are_clean(places: pl.DataFrame) -> None:
    for row in places.iter_rows(named=True):
        strings = _strings(row)
        for s in strings:
            assert s == s.strip() and s, row["name"]
            assert "," not in s and ";" not in s, s
            assert s.casefold() not in FORBIDDEN_STRINGS, (row["name"], s)
        # empty pipe segments and case-only duplicates are not allowed
        if row["variants"]:
            assert all(v for v in row["variants"].split("|")), row["name"]
        folded = [s.casefold() for s in strings]
        assert len(folded) == len(set(folded)), row["name"]


def test_no_variant_maps_to_two_governorates(places: pl.DataFrame) -> None:
    rows_by_string: dict[str, list[dict]] = defaultdict(list)
    for row in places.iter_rows(named=True):
        for s in _strings(row):
            rows_by_string[s.casefold()].append(row)
    problems = []
    for s, rows in rows_by_string.items():
        admins = {r["admin1"] for r in rows}
        names = {r["name"] for r in rows}
        if len(admins) > 1 and not (len(names) == 1 and names <= KNOWN_HOMONYMS):
            problems.append((s, sorted((r["name"], r["admin1"]) for r in rows)))
    assert not problems, problems


def test_cross_governorate_homonyms_are_whitelisted(places: pl.DataFrame) -> None:
    per_name = places.group_by("name").agg(pl.col("admin1").n_unique().alias("n"))
    homonyms = set(per_name.filter(pl.col("n") > 1)["name"])
    assert homonyms == KNOWN_HOMONYMS


@pytest.mark.parametrize(
    ("spelling", "admin1"),
    [
        ("Idleb", "Idlib"),
        ("Lattakia", "Latakia"),
        ("Deir Ezzor", "Deir ez-Zor"),
        ("Deir al-Zor", "Deir ez-Zor"),
        ("Douma", "Rif Dimashq"),
        ("Jobar", "Damascus"),
        ("Kobani", "Aleppo"),
        ("Kobane", "Aleppo"),
        ("Ain al-Arab", "Aleppo"),
        ("Qamishli", "Hasakah"),
        ("Hasakeh", "Hasakah"),
        ("Raqa", "Raqqa"),
        ("Sweida", "As-Suwayda"),
        ("Deraa", "Daraa"),
        ("Rural Damascus", "Rif Dimashq"),
        ("Damascus Countryside", "Rif Dimashq"),
        ("Qusayr", "Homs"),
        ("Palmyra", "Homs"),
        ("Saraqeb", "Idlib"),
        ("Khan Shaykhun", "Idlib"),
        ("Serekaniye", "Hasakah"),
        ("Yarmouk", "Damascus"),
        ("Eastern Ghouta", "Rif Dimashq"),
        ("Hmeimim", "Latakia"),
    ],
)
def test_spot_check_lookup(places: pl.DataFrame, spelling: str, admin1: str) -> None:
    assert _lookup(places)[spelling.casefold()] == {admin1}


def test_maarat_al_numan_row(places: pl.DataFrame) -> None:
    rows = places.filter((pl.col("name") == "Maarat al-Numan") & (pl.col("admin1") == "Idlib"))
    assert rows.height >= 1
    for row in rows.iter_rows(named=True):
        variants = {v.casefold() for v in row["variants"].split("|")}
        assert "ma'arrat al-nu'man" in variants
        assert "maarat al-nouman" in variants
        assert 35.5 < row["latitude"] < 35.8 and 36.5 < row["longitude"] < 36.8


def test_daraya_is_not_a_daraa_variant(places: pl.DataFrame) -> None:
    index = _lookup(places)
    assert index["daraya"] == {"Rif Dimashq"}
    assert index["daraa"] == {"Daraa"}


def test_rough_positions(places: pl.DataFrame) -> None:
    """A few well-known places sit where they should relative to each other."""

    def point(name: str, kind: str) -> tuple[float, float]:
        row = places.filter((pl.col("name") == name) & (pl.col("kind") == kind)).row(0, named=True)
        return row["latitude"], row["longitude"]

    aleppo, damascus, qamishli, daraa = (
        point("Aleppo", "city"),
        point("Damascus", "city"),
        point("Qamishli", "city"),
        point("Daraa", "city"),
    )
    assert aleppo[0] > damascus[0] > daraa[0]
    assert qamishli[1] > aleppo[1] > damascus[1]
    latakia = point("Latakia", "city")
    assert latakia[1] < aleppo[1] and latakia[1] < 36.0
