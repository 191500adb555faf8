"""Bank statements: parsers of camt.053, MT940 and CSV files into canonical statements.

Each format has its own module (`camt053`, `mt940`, `csv_statement` read through a
`csv_profile.CsvProfile`, ready-made ones in `csv_profiles/`); all of them
yield the pieces of `statement.py` and refuse a file with `FileRefused`, naming
where in the file the problem is. Nothing here knows Django or the console.
"""
