"""Shared test set-up. Qt must be told there is no screen before any QApplication exists."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # In CI the MySQL run of the backend suite is never skipped silently.
    if os.environ.get("CI") and not os.environ.get("POETSBAY_TEST_MYSQL_URL"):
        raise pytest.UsageError("CI is set but POETSBAY_TEST_MYSQL_URL is not: .ci/run sets it")
