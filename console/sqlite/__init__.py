"""Django's SQLite backend whose writers queue for the database in turn (see base.py)."""
