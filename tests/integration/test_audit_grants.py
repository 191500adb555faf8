"""With audit_db_grants applied, the application's role cannot rewrite the trail even without triggers."""

from __future__ import annotations

import io

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record

pytestmark = pytest.mark.django_db(transaction=True)


def test_app_role_can_append_but_not_rewrite() -> None:
    with transaction.atomic():
        audit_record(actor=Actor.system("test"), entry=AuditEntry("event.posted", "sync_event", "1"))
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS finops_app_test")
        cursor.execute("CREATE ROLE finops_app_test LOGIN")
    out = io.StringIO()
    call_command("audit_db_grants", "--app-role", "finops_app_test", "--apply", stdout=out)
    db = connection.settings_dict
    url = f"postgresql://finops_app_test@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    try:
        with psycopg.connect(url, autocommit=True) as app:
            assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)
            for sql in (
                "UPDATE audit_auditevent SET reason = 'x'",
                "DELETE FROM audit_auditevent",
                "TRUNCATE audit_auditevent",
                "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP OWNED BY finops_app_test")
            cursor.execute("DROP ROLE finops_app_test")
