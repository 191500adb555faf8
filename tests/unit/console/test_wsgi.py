"""The WSGI entry point: what start-up loaded is kept out of later garbage collections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_application_freezes_what_start_up_loaded(tmp_path: Path) -> None:
    # In a child process: freezing this test run's own heap would change every test after it.
    env = {**os.environ, "FINOPS_ENV": "test", "FINOPS_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    probe = "import gc, console.wsgi; print(callable(console.wsgi.application), gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    loaded, frozen = out.stdout.split()
    assert loaded == "True" and int(frozen) > 10_000
