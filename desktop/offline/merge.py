"""Three-way merge of a poem's lines against the version an edit started from (merge3).

Lines changed on one side only merge by themselves; lines changed on both sides, differently,
come back as conflict regions for the poet. Nothing is guessed and nothing is dropped: every
conflict keeps both sides, and ``MergeResult.text()`` marks them in the text it prefills.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import merge3

CLEAN = "clean"
CONFLICT = "conflict"
MINE = "mine"
THEIRS = "theirs"
BOTH = "both"

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their ``\\n`` kept (only ``\\n`` splits: a poem's other characters stay)."""
    return _LINE.findall(text)


@dataclass(frozen=True)
class Region:
    kind: str  # CLEAN or CONFLICT
    lines: tuple[str, ...] = ()  # the merged lines of a clean region
    base: tuple[str, ...] = ()
    mine: tuple[str, ...] = ()
    theirs: tuple[str, ...] = ()


@dataclass(frozen=True)
class MergeResult:
    regions: tuple[Region, ...]
    title: str = ""
    title_conflict: bool = False
    their_title: str = ""

    @property
    def conflicts(self) -> list[Region]:
        return [r for r in self.regions if r.kind == CONFLICT]

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.title_conflict

    def resolve(self, choices: list[str] | None = None) -> str:
        """The merged body, each conflict taking MINE, THEIRS or BOTH (mine first)."""
        choices = list(choices or [])
        out: list[str] = []
        index = 0
        for region in self.regions:
            if region.kind == CLEAN:
                out.extend(region.lines)
                continue
            choice = choices[index] if index < len(choices) else BOTH
            index += 1
            if choice in (MINE, BOTH):
                out.extend(_ended(region.mine) if choice == BOTH else region.mine)
            if choice in (THEIRS, BOTH):
                out.extend(region.theirs)
        return "".join(out)

    def text(self, mine_label: str = "mine", theirs_label: str = "theirs") -> str:
        """The merged body with each conflict's two sides between marker lines."""
        out: list[str] = []
        for region in self.regions:
            if region.kind == CLEAN:
                out.extend(region.lines)
                continue
            if out and not out[-1].endswith("\n"):
                out[-1] += "\n"
            out.append(f"{START} {mine_label}\n")
            out.extend(_ended(region.mine))
            out.append(f"{MIDDLE}\n")
            out.extend(_ended(region.theirs))
            out.append(f"{END} {theirs_label}\n")
        return "".join(out)


START, MIDDLE, END = "<<<<<<<", "=======", ">>>>>>>"


def has_markers(text: str) -> bool:
    """True while a text still holds the conflict markers ``text()`` put in."""
    marks = [line.rstrip("\n") for line in split_lines(text)]
    return any(m.startswith(START) for m in marks) and any(m.startswith(END) for m in marks)


def _ended(lines: tuple[str, ...]) -> list[str]:
    out = list(lines)
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    return out


def merge_title(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """A title is one line: the side that changed it wins; both, differently, is a conflict."""
    if mine == theirs or theirs == base:
        return mine, False
    if mine == base:
        return theirs, False
    return mine, True


def merge_text(
    base: str,
    mine: str,
    theirs: str,
    *,
    base_title: str = "",
    my_title: str = "",
    their_title: str = "",
) -> MergeResult:
    base_l, mine_l, theirs_l = split_lines(base), split_lines(mine), split_lines(theirs)
    regions: list[Region] = []
    m3 = merge3.Merge3(base_l, mine_l, theirs_l)
    for group in m3.merge_groups():
        kind = group[0]
        if kind in ("unchanged", "a", "b", "same"):
            _add_clean(regions, group[1])
        else:
            _, b, a, t = group
            regions.extend(_split_conflict(tuple(b or ()), tuple(a or ()), tuple(t or ())))
    title, title_conflict = merge_title(base_title, my_title, their_title)
    return MergeResult(tuple(_joined(regions)), title, title_conflict, their_title)


def _add_clean(regions: list[Region], lines: list[str] | tuple[str, ...]) -> None:
    regions.append(Region(CLEAN, tuple(lines)))


def _split_conflict(
    base: tuple[str, ...], mine: tuple[str, ...], theirs: tuple[str, ...]
) -> list[Region]:
    """diff3 calls touching changes a conflict; where the three sides have the same number of
    lines, go line by line so that lines changed on one side only still merge by themselves."""
    if not (len(base) == len(mine) == len(theirs)):
        return [Region(CONFLICT, base=base, mine=mine, theirs=theirs)]
    out: list[Region] = []
    for b, m, t in zip(base, mine, theirs, strict=True):
        if m == t or t == b:
            out.append(Region(CLEAN, (m,)))
        elif m == b:
            out.append(Region(CLEAN, (t,)))
        else:
            out.append(Region(CONFLICT, base=(b,), mine=(m,), theirs=(t,)))
    return out


def _joined(regions: list[Region]) -> list[Region]:
    """Neighbouring regions of one kind as one region (fewer, larger choices for the poet)."""
    out: list[Region] = []
    for region in regions:
        if out and out[-1].kind == region.kind == CLEAN:
            out[-1] = Region(CLEAN, out[-1].lines + region.lines)
        elif out and out[-1].kind == region.kind == CONFLICT:
            prev = out[-1]
            out[-1] = Region(
                CONFLICT,
                base=prev.base + region.base,
                mine=prev.mine + region.mine,
                theirs=prev.theirs + region.theirs,
            )
        else:
            out.append(region)
    return out
