"""`PoetsBay --self-test` (run here unfrozen; CI runs it in the bundle)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

import desktop


def test_self_test_passes(qtbot: QtBot, capsys: pytest.CaptureFixture[str]) -> None:
    assert desktop.main(["PoetsBay", "--self-test"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "embedded backend stopped and joined" in out
    assert out.rstrip().endswith("self-test passed")
