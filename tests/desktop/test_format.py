"""How numbers, stars and poem counts read."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop import format as fmt


def test_counts_lines_stanzas_words() -> None:
    assert fmt.counts("") == (0, 0, 0)
    assert fmt.counts("one line") == (1, 1, 2)
    body = "\n  first line\n\tsecond  line\n\n\n third stanza \n"
    assert fmt.counts(body) == (3, 2, 6)


def test_stars_and_average(qtbot: QtBot) -> None:
    assert fmt.stars(4) == "★★★★☆"
    assert fmt.stars(None) == ""
    assert fmt.average(None, 0) == "not rated yet"
    assert fmt.average(4.26, 4) == "★ 4.3 (4)"


def test_date_is_short_and_local(qtbot: QtBot) -> None:
    assert fmt.date("2026-11-23T10:00:00Z").endswith("2026")
    assert fmt.date(None) == ""
    assert fmt.date("not a date") == "not a date"
