"""Payroll files into canonical journal entries: one balanced `journal_entry` per pay run.

- `gusto.read_gusto`: Gusto's payroll object, list of processed payrolls, payroll receipt;
- `gl_csv.read_gl_csv`: a payroll system's GL export, read through a `gl_profile.GLProfile`;
- `run`: the `PayRun` they return, its `journal_data`, `draft` and `run_total`;
- `checks.checks`: the controls finance checks, each problem naming its difference in money;
- `categories`: the payroll categories the lines carry, for the console's account mapping.

Every reader refuses a file it cannot read with `errors.FileRefused`, naming where. Nothing
here knows Django or the console.
"""
