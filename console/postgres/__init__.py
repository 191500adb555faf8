"""Django's PostgreSQL backend with a health check that costs no round trip while the
connection is in steady use, and a cursor that binds on the server for statements run again and
again (see base.py)."""
