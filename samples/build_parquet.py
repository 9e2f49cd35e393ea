"""(Re)generate the sample corpus's parquet feed, `samples/corpus/feeds/archive.parquet`.

The records below are the file's whole content: edit them here and rerun

    .venv/bin/python samples/build_parquet.py

then commit both this script and its output. The columns are the same as the csv feed's
(`id, title, text, source, url, published_at`), all strings; `published_at` is an ISO date.

Like the rest of the sample corpus, these articles are fictional: written for testing, in the style
of news-agency and monitor reports. Places and organisations are real, but the events, figures and
quotes are invented.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

COLUMNS = ["id", "title", "text", "source", "url", "published_at"]

OUTPUT = Path(__file__).resolve().parent / "corpus" / "feeds" / "archive.parquet"

RECORDS: list[dict[str, str]] = [
    {
        "id": "arch-0001",
        "title": "Syrian jets kill 11 civilians, including five children, in Idlib town of Sarmin",
        "text": (
            "BEIRUT, Nov 26 - Syrian air force jets bombed the town of Sarmin in the northwestern province of "
            "Idlib on Monday, killing at least 11 civilians, including five children, the Syrian Observatory "
            "for Human Rights said.\n\n"
            "Activists said the warplanes dropped cluster bombs on a residential area near the town's main "
            "mosque as families were gathering for the funeral of a rebel fighter killed the day before. "
            "Amateur video posted online showed men carrying small bodies wrapped in blankets.\n\n"
            "Rebels of the Free Syrian Army have seized a string of army bases and checkpoints in Idlib "
            "province in recent weeks, and the regime has increasingly relied on its air force to strike back "
            "at areas that have slipped out of its control.\n\n"
            "Human rights groups have accused the Syrian army of using cluster munitions, which are banned by "
            "most countries, in populated areas. Damascus denies having such weapons.\n\n"
            "More than 40,000 people have been killed since the uprising against President Bashar al-Assad "
            "began in March 2011, according to the Observatory."
        ),
        "source": "Levant Wire archive",
        "url": "https://levantwire.example/2012/11/26/sarmin-air-strike",
        "published_at": "2012-11-26",
    },
    {
        "id": "arch-0002",
        "title": "Syrian army retakes Palmyra from IS with Russian air support",
        "text": (
            "DAMASCUS, March 2 - Syrian government forces recaptured the ancient city of Palmyra from the "
            "Islamic State group on Thursday, the army said, less than three months after the jihadists retook it in a "
            "surprise offensive.\n\n"
            "The Syrian Observatory for Human Rights said at least 23 regime soldiers and pro-government "
            "fighters were killed in 24 hours of fighting on the edges of the city, as IS fighters withdrew "
            "eastwards after laying mines in the streets and the archaeological site.\n\n"
            "The Russian Defence Ministry said Russian aircraft had supported the advance and that more than "
            "1,000 ISIL militants had been killed since the start of the offensive in January.\n\n"
            "Daesh jihadists destroyed the Tetrapylon and part of the Roman theatre during their second "
            "occupation of the city, according to satellite images released by UNESCO.\n\n"
            "Palmyra, in the desert of Homs province, changed hands three times during the war. The army "
            "first recaptured it from IS in March 2016 before losing it again in December."
        ),
        "source": "Levant Wire archive",
        "url": "https://levantwire.example/2017/03/02/palmyra-retaken",
        "published_at": "2017-03-02",
    },
    {
        "id": "arch-0003",
        "title": "Regime air strikes kill nine in Daraa as army takes 12 towns and villages",
        "text": (
            "AMMAN, June 27 - Syrian regime air strikes on the town of Busra al-Harir in southern Syria killed "
            "nine civilians, including two women, on Wednesday, the Syrian Observatory for Human Rights said, "
            "as government forces pressed an offensive in the rebel-held east of Daraa province.\n\n"
            "Regime forces have taken control of 12 towns and villages in the eastern Daraa countryside since "
            "last week, the Observatory said, splitting the rebel-held area in two.\n\n"
            "The United Nations said more than 160,000 people had fled their homes since the start of the "
            "offensive, many of them heading towards the closed border with Jordan or the Israeli-occupied "
            "Golan Heights.\n\n"
            "Jordan, which already hosts some 650,000 registered Syrian refugees, has said it will not open its "
            "border to a new wave.\n\n"
            'The south-west was one of the "de-escalation zones" agreed by Russia, the United States and '
            "Jordan last year, but Damascus, backed by Russian air power, is now determined to retake it."
        ),
        "source": "Levant Wire archive",
        "url": "https://levantwire.example/2018/06/27/daraa-offensive",
        "published_at": "2018-06-27",
    },
    {
        "id": "arch-0004",
        "title": "Roadside bomb kills four soldiers in Syria's Daraa province",
        "text": (
            "BEIRUT, June 15 - A roadside bomb struck a bus carrying Syrian army soldiers in Daraa province on "
            "Monday, killing four soldiers and wounding seven, the Syrian Observatory for Human Rights said.\n\n"
            "No group claimed responsibility for the attack. Daraa, the cradle of the 2011 uprising, has seen a "
            "wave of bombings, shootings and assassinations targeting government forces, former rebels and "
            "officials since the regime retook the province in 2018 under a Russian-brokered deal.\n\n"
            "Since the start of the year, 312 people have been killed in such attacks in the province, "
            "according to the Observatory.\n\n"
            "Many former rebels who accepted the deal have remained in their towns with their light weapons, "
            "and tension with the army's Fourth Division and with Iran-backed militias has grown in recent "
            "months.\n\n"
            '"Nobody knows who is killing whom any more," said a resident of the provincial capital.'
        ),
        "source": "Levant Wire archive",
        "url": "https://levantwire.example/2020/06/15/daraa-roadside-bomb",
        "published_at": "2020-06-15",
    },
]


def frame() -> pl.DataFrame:
    """The records as the DataFrame written to the parquet file."""
    return pl.DataFrame(RECORDS, schema={c: pl.String for c in COLUMNS})


def build(path: Path = OUTPUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame().write_parquet(path)
    return path


if __name__ == "__main__":
    print(f"wrote {len(RECORDS)} records to {build()}")
