"""What the small profile offers the fields of a match's two sides: the names and scores a text's result lines
write, the home side first (``profiles.small.sides``)."""

from pathlib import Path

import pytest

from gateway.profiles.small.sides import Result, counterpart, results, side_of
from tests.offering import compiled, offered

MATCH = """
title: MatchResult
type: object
properties:
  home_team: {type: string, description: The team playing at home.}
  away_team: {type: string, description: The visiting team.}
  home_score: {type: integer, minimum: 0}
  away_score: {type: integer, minimum: 0}
  competition: {type: string, description: The league, division, cup or tournament the match was played in.}
  penalties:
    type: object
    properties:
      home: {type: integer}
      away: {type: integer}
required: [home_team, away_team]
"""


@pytest.mark.parametrize(
    ("line", "result"),
    [
        ("TSV Lindach – HSG Glonntal 28:25 (14:12)", Result(("TSV Lindach", "HSG Glonntal"), (28, 25))),
        (
            "Ashcombe Rovers Reserves 3–1 Felbridge Athletic (HT 0–1)",
            Result(("Ashcombe Rovers Reserves", "Felbridge Athletic"), (3, 1)),
        ),
        (
            "SLUTRESULTAT: Hagalunds IBK – Tullinge IBF 5–6 (2–1, 1–3, 2–2).",
            Result(("Hagalunds IBK", "Tullinge IBF"), (5, 6)),
        ),
        (
            "- **MO14-1** – De Wielen MO14-1 – Kampong MO14-3: **4-1** (12:30)",
            Result(("De Wielen MO14-1", "Kampong MO14-3"), (4, 1)),
        ),
        ("Leeds v Hull 2-0", Result(("Leeds", "Hull"), (2, 0))),
    ],
)
def test_a_result_line_gives_both_sides_and_their_scores(line: str, result: Result) -> None:
    assert results(f"Report\n{line}\nMore to follow.") == [result]


@pytest.mark.parametrize(
    "line",
    [
        "Check-in – Friday 15:00",  # a time of day is no score
        "Anwurf 17:00 Uhr, Dreifachturnhalle",
        "we were lucky to go in only 0–1 down",  # a score in a sentence names no sides
        "Saison 2025 – 2026, Kreisliga A – Staffel 2",  # years and numbers of no result
        "Next match: HC Lvi Brtnice – HC Telč.",  # sides without a score: a fixture to come
    ],
)
def test_no_result_where_a_line_writes_no_two_sides_with_a_score(line: str) -> None:
    assert results(line) == []


def test_a_side_is_a_field_beside_the_other_sides_same_field() -> None:
    assert side_of("home_team") == 0 and side_of("away_score") == 1 and side_of("visitor_goals") == 1
    assert side_of("team") is None and side_of("host_name") is None
    assert counterpart("home_team", ["home_team", "away_team"])
    assert not counterpart("home_team", ["home_team", "away_score"])
    assert not counterpart("home", ["home", "away"])  # a side's word alone: a shoot-out's, not the match's


def test_a_sides_fields_are_offered_the_result_lines_names_and_scores(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "match_result", MATCH)
    text = (
        "Startseite | Verein | Handball\nBericht\nTSV Lindach – HSG Glonntal 28:25 (14:12)\n"
        "Vor 310 Zuschauern, Anwurf 17:00 Uhr. Nach dem 3:6 in der 9. Minute nahm Trainer Stefan Ruhland die Auszeit."
    )
    offers = offered(schema, text)
    assert offers["home_team"] == ["TSV Lindach"] and offers["away_team"] == ["HSG Glonntal"]
    assert offers["home_score"] == [28] and offers["away_score"] == [25]
    # A text writing no result line leaves them its runs and numbers.
    offers = offered(schema, "Great game on Saturday, Lindach won at home against Glonntal by three goals, 28 to 25.")
    assert 28 in offers["home_score"] and 25 in offers["home_score"]


def test_a_competition_is_offered_the_league_and_cup_names_the_text_writes(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "match_result", MATCH)
    text = "Startseite | Verein | Handball\nBezirksoberliga Männer, 9. Spieltag\nTSV Lindach – HSG Glonntal 28:25"
    assert offered(schema, text)["competition"] == ["Bezirksoberliga Männer"]
    text = "Club news from Ashcombe Rovers FC\nMid-Downs League Division Two\nWe also play in The County Senior Cup."
    assert offered(schema, text)["competition"] == ["Mid-Downs League Division Two", "The County Senior Cup"]
    # (a cup tie the text says comes next is not the match's: "Next: The County Senior Cup")
    text = "Club news from Ashcombe Rovers FC\nMid-Downs League Division Two\nNext: The County Senior Cup, Sat."
    assert offered(schema, text)["competition"] == ["Mid-Downs League Division Two"]
