from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _digests_of_this_test(settings: Any, tmp_path: Path) -> Path:
    """Each test's own digest folder: a digest is an anchor of one database's chain."""
    settings.AUDIT_DIGEST_DIR = tmp_path / "audit-digests"
    return Path(settings.AUDIT_DIGEST_DIR)
