"""From a payroll file's bytes to pay runs, by format: the one place the console calls the
readers of integrations/payroll."""

from __future__ import annotations

from datetime import date

from integrations.payroll import gl_profile
from integrations.payroll.errors import FileRefused
from integrations.payroll.gl_csv import read_gl_csv
from integrations.payroll.gusto import read_gusto
from integrations.payroll.run import PayRun

# The GL export profiles a file may be read with, by name. A payroll system's export that
# writes its columns differently is one more profile here (data, not code).
GL_PROFILES = {profile.name: profile for profile in (gl_profile.DEFAULT,)}
DEFAULT_PROFILE = gl_profile.DEFAULT.name


def payroll_runs(
    fmt: str,
    content: bytes,
    *,
    currency: str,
    profile: str = "",
    run_id: str = "",
    pay_date: date | None = None,
) -> list[PayRun]:
    """The runs of `content` read as `fmt`; FileRefused names where the file is wrong. A GL
    export is read in `currency` (the entity's: its file says none), through `profile`, and is
    given the run id and pay date the upload names when the profile has no column for them."""
    if fmt == "gusto_json":
        return read_gusto(content)
    if fmt == "gl_csv":
        name = profile or DEFAULT_PROFILE
        chosen = GL_PROFILES.get(name)
        if chosen is None:
            raise FileRefused("profile", f"no GL profile {name!r}: {', '.join(sorted(GL_PROFILES))}")
        return read_gl_csv(content, chosen, currency=currency, run_id=run_id, pay_date=pay_date)
    raise FileRefused("", f"unknown payroll format {fmt!r}: gusto_json or gl_csv")


def payroll_format_sniffed(content: bytes) -> str:
    """gusto_json when the file is a JSON value, else gl_csv (a GL export says nothing of itself)."""
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "gusto_json" if head.startswith((b"{", b"[")) else "gl_csv"
