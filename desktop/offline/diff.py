"""Line-by-line comparison of two texts (difflib), for history and conflicts."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

EQUAL = "equal"
CHANGED = "replace"
REMOVED = "delete"
ADDED = "insert"


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side view; ``left`` or ``right`` is None where a side has no line."""

    tag: str
    left: str | None
    right: str | None
    left_no: int | None  # 1-based line numbers
    right_no: int | None

    @property
    def marker(self) -> str:
        return {EQUAL: " ", CHANGED: "~", REMOVED: "-", ADDED: "+"}[self.tag]


def lines(text: str) -> list[str]:
    """The lines of a text, whitespace kept, without their line ends."""
    return text.split("\n")


def line_diff(old: str, new: str) -> list[DiffRow]:
    a, b = lines(old), lines(new)
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == EQUAL:
            rows.extend(
                DiffRow(EQUAL, a[i], b[j], i + 1, j + 1)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            left = a[i] if i < i2 else None
            right = b[j] if j < j2 else None
            row_tag = (
                CHANGED
                if left is not None and right is not None
                else (REMOVED if right is None else ADDED)
            )
            rows.append(
                DiffRow(
                    row_tag,
                    left,
                    right,
                    i + 1 if left is not None else None,
                    j + 1 if right is not None else None,
                )
            )
    return rows


def changed_lines(old: str, new: str) -> tuple[set[int], set[int]]:
    """0-based indexes of the lines that differ, in ``old`` and in ``new``."""
    left: set[int] = set()
    right: set[int] = set()
    for row in line_diff(old, new):
        if row.tag == EQUAL:
            continue
        if row.left_no is not None:
            left.add(row.left_no - 1)
        if row.right_no is not None:
            right.add(row.right_no - 1)
    return left, right


def unified(old: str, new: str, old_name: str = "a", new_name: str = "b") -> str:
    """The difference as text: ``-`` for lines only in old, ``+`` only in new."""
    out = difflib.unified_diff(lines(old), lines(new), old_name, new_name, lineterm="")
    return "\n".join(out)
