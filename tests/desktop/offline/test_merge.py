"""The three-way line merge: one-sided changes merge by themselves, both-sided ones do not."""

from __future__ import annotations

from desktop.offline.merge import BOTH, MINE, THEIRS, has_markers, merge_text, merge_title

BASE = "The lamp turns\nover the water\n\nand the gulls\nsleep on the rock\n"


def test_changes_on_different_lines_merge_by_themselves() -> None:
    mine = BASE.replace("over the water", "over the black water")
    theirs = BASE.replace("sleep on the rock", "sleep on the grey rock")
    result = merge_text(BASE, mine, theirs)
    assert result.clean
    assert result.resolve() == (
        "The lamp turns\nover the black water\n\nand the gulls\nsleep on the grey rock\n"
    )


def test_neighbouring_lines_changed_on_each_side_still_merge() -> None:
    mine = BASE.replace("and the gulls", "and the terns")
    theirs = BASE.replace("sleep on the rock", "sleep on the stone")
    result = merge_text(BASE, mine, theirs)
    assert result.clean
    assert "and the terns\nsleep on the stone\n" in result.resolve()


def test_added_lines_and_identical_changes() -> None:
    mine = BASE + "\n    at dawn\n"
    theirs = BASE.replace("The lamp", "The great lamp")
    assert merge_text(BASE, mine, theirs).resolve() == theirs + "\n    at dawn\n"
    same = BASE.replace("gulls", "herons")
    assert merge_text(BASE, same, same).resolve() == same


def test_the_same_line_changed_on_both_sides_is_a_conflict() -> None:
    mine = BASE.replace("over the water", "over the sea")
    theirs = BASE.replace("over the water", "across the water")
    result = merge_text(BASE, mine, theirs)
    assert not result.clean
    [conflict] = result.conflicts
    assert conflict.mine == ("over the sea\n",) and conflict.theirs == ("across the water\n",)
    assert result.resolve([MINE]) == mine
    assert result.resolve([THEIRS]) == theirs
    assert "over the sea\nacross the water\n" in result.resolve([BOTH])
    text = result.text("mine", "theirs")
    assert has_markers(text)
    assert "<<<<<<< mine\nover the sea\n=======\nacross the water\n>>>>>>> theirs\n" in text
    assert not has_markers(result.resolve([MINE]))


def test_whitespace_is_exact_and_a_missing_last_newline_is_kept() -> None:
    base = "a\n    b\n\tc"
    mine = "a\n    b\n\tc  "
    theirs = "A\n    b\n\tc"
    assert merge_text(base, mine, theirs).resolve() == "A\n    b\n\tc  "


def test_titles() -> None:
    assert merge_title("T", "Mine", "T") == ("Mine", False)
    assert merge_title("T", "T", "Theirs") == ("Theirs", False)
    assert merge_title("T", "Mine", "Theirs") == ("Mine", True)
    result = merge_text("x\n", "x\n", "x\n", base_title="T", my_title="A", their_title="B")
    assert result.title_conflict and not result.clean
