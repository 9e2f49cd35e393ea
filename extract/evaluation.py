"""Scores `doc_summary` rows against FA-KES-style gold annotations.

Gold categories and how Sitrep's codes map onto them (several codes can share a category):

| field | Sitrep | gold |
|---|---|---|
| governorate | Damascus, Rif Dimashq | damascus |
| | Deir ez-Zor / Hasakah / Latakia / Tartus / As-Suwayda | deir ezzor / hasakeh / lattakia / tartous / sweida |
| | any other admin1 | its name lower-cased |
| perpetrator | syrian_government, russia, iran | syrian government or russian troops |
| | opposition | armed opposition groups |
| | hts | al-nusra front |
| | islamic_state | the organization of the islamic state in iraq and the levant - isis |
| | coalition, turkey | international coalition forces (Turkey struck IS as a coalition member; the gold has no Turkey) |
| | sdf | self administration forces |
| | israel, unknown | unknown |
| method | airstrike, shelling, barrel_bomb | shelling (the gold puts air strikes and artillery together) |
| | explosive_device, suicide_bombing | explosion |
| | chemical | chemical and toxic gases |
| | gunfire | shooting |
| | execution | execution |
| | siege, other, unknown | unknown |
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

ADMIN1_TO_GOLD = {
    "Damascus": "damascus",
    "Rif Dimashq": "damascus",
    "Deir ez-Zor": "deir ezzor",
    "Hasakah": "hasakeh",
    "Latakia": "lattakia",
    "Tartus": "tartous",
    "As-Suwayda": "sweida",
    "Aleppo": "aleppo",
    "Idlib": "idlib",
    "Hama": "hama",
    "Homs": "homs",
    "Raqqa": "raqqa",
    "Daraa": "daraa",
    "Quneitra": "quneitra",
}
ACTOR_TO_GOLD = {
    "syrian_government": "syrian government or russian troops",
    "russia": "syrian government or russian troops",
    "iran": "syrian government or russian troops",
    "opposition": "armed opposition groups",
    "turkey": "international coalition forces",
    "hts": "al-nusra front",
    "islamic_state": "the organization of the islamic state in iraq and the levant - isis",
    "coalition": "international coalition forces",
    "sdf": "self administration forces",
    "israel": "unknown",
    "unknown": "unknown",
}
METHOD_TO_GOLD = {
    "airstrike": "shelling",
    "shelling": "shelling",
    "barrel_bomb": "shelling",
    "explosive_device": "explosion",
    "suicide_bombing": "explosion",
    "chemical": "chemical and toxic gases",
    "gunfire": "shooting",
    "execution": "execution",
    "siege": "unknown",
    "other": "unknown",
    "unknown": "unknown",
}
COUNTS = {
    "civilians": ("civilians_killed", "nb_civilians"),
    "children": ("children_killed", "nb_children"),
    "women": ("women_killed", "nb_women"),
    "combatants": ("combatants_killed", "nb_noncivilians"),
}
CATEGORIES = {
    "governorate": ("primary_admin1", "location", ADMIN1_TO_GOLD),
    "perpetrator": ("primary_actor", "actor", ACTOR_TO_GOLD),
    "method": ("primary_method", "cause_of_death", METHOD_TO_GOLD),
}


def read_gold(path: Path) -> pl.DataFrame:
    """The gold columns of an FA-KES CSV (bytes that are not UTF-8 replaced; ids as strings)."""
    raw = Path(path).read_bytes().decode("utf-8", errors="replace")
    gold = pl.read_csv(raw.encode(), infer_schema=False)
    return gold.select(
        pl.col("unit_id").alias("doc_id"),
        *[pl.col(g).cast(pl.Int64, strict=False).fill_null(0) for _, g in COUNTS.values()],
        *[pl.col(g).str.strip_chars().str.to_lowercase() for _, g, _ in CATEGORIES.values()],
    )


def score(summary: pl.DataFrame, gold: pl.DataFrame) -> dict[str, float]:
    """Exact match of each count (all articles / gold > 0) and accuracy of each mapped category."""
    joined = gold.join(summary, on="doc_id", how="left")
    metrics: dict[str, float] = {"articles": float(joined.height)}
    for name, (ours, theirs) in COUNTS.items():
        hit = pl.col(ours).fill_null(0) == pl.col(theirs)
        metrics[f"{name}_exact"] = joined.select(hit.mean()).item()
        metrics[f"{name}_exact_nonzero"] = joined.filter(pl.col(theirs) > 0).select(hit.mean()).item() or 0.0
    for name, (ours, theirs, mapping) in CATEGORIES.items():
        mapped = pl.col(ours).replace_strict(mapping, default="unknown").fill_null("unknown")
        metrics[f"{name}_accuracy"] = joined.select((mapped == pl.col(theirs)).mean()).item()
    return metrics


def format_table(metrics: dict[str, float]) -> str:
    lines = [
        f"articles: {int(metrics['articles'])}",
        "",
        "| field | exact (all) | exact (gold > 0) |",
        "|---|---|---|",
    ]
    for name in COUNTS:
        lines.append(
            f"| {name} killed | {metrics[f'{name}_exact']:.3f} | {metrics[f'{name}_exact_nonzero']:.3f} |"
        )
    lines += ["", "| field | accuracy |", "|---|---|"]
    lines += [f"| {name} | {metrics[f'{name}_accuracy']:.3f} |" for name in CATEGORIES]
    return "\n".join(lines)


def evaluate_warehouse(warehouse: Path, gold: Path) -> tuple[str, dict[str, float]]:
    """Return a printable table and the metrics, reading `marts.doc_summary` from `warehouse`."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        summary = con.sql("select * from marts.doc_summary").pl()
    metrics = score(summary, read_gold(gold))
    return format_table(metrics), metrics
