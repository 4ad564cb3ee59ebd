"""`PoetsBay --self-test` (run here unfrozen; CI runs it in the bundle)."""

from __future__ import annotations

import pytest

import desktop


def test_self_test_passes(qtbot, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    assert desktop.main(["PoetsBay", "--self-test"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert "embedded backend stopped and joined" in out
    assert out.rstrip().endswith("self-test passed")
