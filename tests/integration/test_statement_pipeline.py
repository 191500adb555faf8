"""Bank statement files on real parts (PostgreSQL, Redis, a Celery worker process, the Odoo
sandbox): each entry of a camt.053 file reaches Odoo as one bank statement line, however often
the file or an overlapping export comes in; a statement that does not balance waits, held, until
a person with the right to releases it; two identical payments on one day are two lines."""

from __future__ import annotations

import time
import xmlrpc.client
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from console.access.models import User
from console.audit.actors import Actor
from console.casework.models import CaseState, ExceptionCase
from console.casework.taxonomy import Category
from console.sources.file_models import BankStatement, StatementFile
from console.sources.services.statement_import import statement_file_import
from console.sources.services.statement_reading import statement_pieces
from console.sync.models import EventState, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.demo import DEMO_BANK_ACCOUNT
from console.sync.services.posting_holds import posting_hold_release
from tests.bench.camt_file import write_camt053
from tests.conftest import PERSONAS
from tests.integration.conftest import Workers, wait_until
from tests.unit.integrations.bank.camt_documents import document, ntry, stmt

pytestmark = pytest.mark.django_db(transaction=True)

KIND = "bank_statement_line"
MARKER = "bankfeed/"  # what the connector writes in each line's ref: source/external id


def persona(role: str) -> User:
    return User.objects.get(username=PERSONAS[role])


def import_file(content: bytes, name: str, role: str = "operator") -> StatementFile:
    """The file through the import service, as the confirm page and the command call it."""
    user = persona(role)
    return statement_file_import(
        source=SourceSystem.objects.get(code="bankfeed"),
        entity=LegalEntity.objects.get(code="US01"),
        name=name,
        fmt="camt053",
        profile="",
        content=content,
        pieces=statement_pieces("camt053", content),
        user=user,
        actor=Actor.person(user),
    )


def odoo(sandbox: Any, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    return proxy.execute_kw("sandbox", 2, "admin", model, method, list(args), kwargs)


def odoo_lines(sandbox: Any) -> Counter[str]:
    """How many of the sandbox's bank statement lines carry each of our markers."""
    rows = odoo(sandbox, "account.bank.statement.line", "search_read", [], fields=["ref"])
    return Counter(str(row["ref"]) for row in rows if str(row["ref"] or "").startswith(MARKER))


def assert_each_once(sandbox: Any, expected: int) -> None:
    lines = odoo_lines(sandbox)
    doubled = {ref: n for ref, n in lines.items() if n > 1}
    assert not doubled, f"posted more than once in Odoo: {doubled}"
    events = SyncEvent.objects.filter(kind=KIND)
    assert events.count() == expected
    assert set(lines) == {f"{MARKER}{key}" for key in events.values_list("external_id", flat=True)}


def states() -> Counter[str]:
    return Counter(SyncEvent.objects.filter(kind=KIND).values_list("state", flat=True))


def story() -> str:
    rows = Counter(SyncEvent.objects.filter(kind=KIND).values_list("state", "reason_code", "reason_message"))
    return "; ".join(f"{n} x {state} {code} {message[:200]}" for (state, code, message), n in rows.most_common(5))


def all_posted(count: int) -> bool:
    return states() == Counter({EventState.POSTED: count})


def camt(tmp_path: Path, name: str, entries: int, **options: Any) -> bytes:
    written = write_camt053(tmp_path / name, entries, currency="USD", account=DEMO_BANK_ACCOUNT, **options)
    return written.path.read_bytes()


def test_a_file_posts_each_line_once_and_again_or_overlapping_it_adds_only_what_is_new(
    configured: dict[str, Any], workers: Workers, tmp_path: Path
) -> None:
    sandbox = configured["sandbox"]
    workers.start()
    # Three statements of 8 entries, every 5th a batch of 3 transactions: 32 lines.
    three = camt(tmp_path, "three.xml", 24, statements=3, batch_every=5)
    first = import_file(three, "three.xml")
    assert (first.statement_count, first.entry_count, first.new_count, first.known_count) == (3, 32, 32, 0)
    assert [s.problems for s in BankStatement.objects.order_by("position")] == [[], [], []]
    # The file is kept as it came (streamed into its row by COPY on PostgreSQL).
    assert bytes(StatementFile.objects.get(pk=first.pk).content) == three
    wait_until(lambda: all_posted(32), timeout=90, what="32 lines posted")
    assert_each_once(sandbox, 32)
    assert SyncEvent.objects.filter(kind=KIND, odoo_id__isnull=True).count() == 0

    again = import_file(three, "three-again.xml")
    assert (again.new_count, again.known_count, again.repeat_of) == (0, 32, first)
    # The same three statements and a fourth (other bytes: another message id): only the fourth is new.
    four = camt(tmp_path, "four.xml", 32, statements=4, batch_every=5)
    overlapping = import_file(four, "four.xml")
    assert (overlapping.entry_count, overlapping.new_count, overlapping.known_count) == (44, 12, 32)
    assert overlapping.repeat_of is None
    assert BankStatement.objects.filter(file=overlapping, hold__isnull=False).count() == 0
    wait_until(lambda: all_posted(44), timeout=90, what="the fourth statement's 12 lines posted")
    assert_each_once(sandbox, 44)
    # Nothing was posted twice, nothing was even tried twice.
    assert not SyncEvent.objects.filter(kind=KIND, attempt_count__gt=1).exists(), story()


def unbalanced(tmp_path: Path, opening: str) -> bytes:
    """A statement of 6 entries whose opening balance says `opening` where the bank's sums need 10,000.00."""
    content = camt(tmp_path, "short.xml", 6)
    marked = b'<Cd>OPBD</Cd>\n          </CdOrPrtry>\n        </Tp>\n        <Amt Ccy="USD">10000.00</Amt>'
    assert content.count(marked) == 1
    return content.replace(marked, marked.replace(b"10000.00", opening.encode()))


def held_while_a_worker_runs(sandbox: Any, content: bytes, difference: str) -> BankStatement:
    file = import_file(content, "short.xml")
    assert file.new_count == 6
    statement = BankStatement.objects.get(file=file)
    assert statement.hold is not None
    assert statement.problems == [
        f"statement 2025-01-01 #1 of account ...4321 does not balance: difference {difference} USD"
    ]
    wait_until(
        lambda: states() == Counter({EventState.BLOCKED: 6}), timeout=60, what="the worker to block the 6 held lines"
    )
    assert set(SyncEvent.objects.filter(kind=KIND).values_list("reason_code", flat=True)) == {"statement_unbalanced"}
    cases = ExceptionCase.objects.filter(event__kind=KIND)
    wait_until(lambda: cases.count() == 6, timeout=30, what="a case for each held line")
    assert {c.category for c in cases} == {Category.HELD_BY_CONTROLS}
    assert all(f"difference {difference} USD" in c.summary for c in cases)
    # The worker's sweeper runs every second: a few more of its rounds post nothing.
    time.sleep(3)
    assert states() == Counter({EventState.BLOCKED: 6}) and not odoo_lines(sandbox)
    return statement


def released_and_posted_once(sandbox: Any, statement: BankStatement) -> None:
    wait_until(lambda: all_posted(6), timeout=60, what="the released lines posted")
    assert_each_once(sandbox, 6)
    assert set(ExceptionCase.objects.filter(event__kind=KIND).values_list("state", flat=True)) == {CaseState.RESOLVED}


def test_an_unbalanced_statement_waits_until_an_operator_releases_its_immaterial_difference(
    configured: dict[str, Any], workers: Workers, tmp_path: Path
) -> None:
    sandbox = configured["sandbox"]
    workers.start()
    statement = held_while_a_worker_runs(sandbox, unbalanced(tmp_path, "10004.16"), "-4.16")
    assert statement.hold is not None
    hold = posting_hold_release(
        hold_id=statement.hold.pk,
        user=persona("operator"),
        actor=Actor.person(persona("operator")),
        reason="bank fee of 4.16 booked by hand",
    )
    assert hold.released_by == "olivia"
    released_and_posted_once(sandbox, statement)


def test_a_material_difference_is_refused_to_the_operator_and_released_by_a_controller(
    configured: dict[str, Any], workers: Workers, tmp_path: Path
) -> None:
    sandbox = configured["sandbox"]
    workers.start()
    statement = held_while_a_worker_runs(sandbox, unbalanced(tmp_path, "35000.00"), "-25,000.00")
    assert statement.hold is not None
    assert abs(statement.hold.difference) > LegalEntity.objects.get(code="US01").materiality_threshold
    with pytest.raises(PermissionDenied, match=r"25,000\.00 USD is material for US01.*a controller releases it"):
        posting_hold_release(
            hold_id=statement.hold.pk,
            user=persona("operator"),
            actor=Actor.person(persona("operator")),
            reason="looks fine",
        )
    statement.hold.refresh_from_db()
    assert statement.hold.released_at is None
    assert states() == Counter({EventState.BLOCKED: 6}) and not odoo_lines(sandbox)

    posting_hold_release(
        hold_id=statement.hold.pk,
        user=persona("controller"),
        actor=Actor.person(persona("controller")),
        reason="the opening balance was keyed wrong by the bank; confirmed with them",
    )
    released_and_posted_once(sandbox, statement)


def test_two_identical_payments_on_one_day_both_post_once(configured: dict[str, Any], workers: Workers) -> None:
    head = f"""
      <Id>DAY-1</Id>
      <ElctrncSeqNb>1</ElctrncSeqNb>
      <Acct><Id><Othr><Id>{DEMO_BANK_ACCOUNT}</Id></Othr></Id><Ccy>USD</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">100.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-13</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">75.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-14</Dt></Dt></Bal>"""
    # No bank reference: the entries are told apart by their occurrence on the statement only.
    coffee = ntry(
        "12.50",
        "DBIT",
        booking="<BookgDt><Dt>2026-11-14</Dt></BookgDt>",
        value="<ValDt><Dt>2026-11-14</Dt></ValDt>",
        details="<TxDtls><RmtInf><Ustrd>coffee beans</Ustrd></RmtInf></TxDtls>",
        currency="USD",
    )
    content = document(stmt(coffee, coffee, head=head))
    workers.start()
    file = import_file(content, "twice.xml")
    assert (file.entry_count, file.new_count) == (2, 2)
    keys = sorted(SyncEvent.objects.filter(kind=KIND).values_list("external_id", flat=True))
    assert [key.rsplit(":", 1)[1] for key in keys] == ["1", "2"]
    wait_until(lambda: all_posted(2), timeout=60, what="both payments posted")
    assert_each_once(configured["sandbox"], 2)
    amounts = SyncEvent.objects.filter(kind=KIND).values_list("amount", flat=True)
    assert list(amounts) == [Decimal("-12.50"), Decimal("-12.50")]

    again = import_file(content, "twice-again.xml")
    assert (again.new_count, again.known_count) == (0, 2)
    assert_each_once(configured["sandbox"], 2)
