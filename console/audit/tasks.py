from __future__ import annotations

import logging

from celery import shared_task

from console.audit.digests import DigestError, audit_digest_write
from console.audit.verify import audit_chain_verify

log = logging.getLogger(__name__)


@shared_task(name="audit.verify_chain", acks_late=True)
def verify_chain() -> bool:
    result = audit_chain_verify(triggered_by="task:audit.verify_chain")
    if not result.ok:
        log.error("audit chain BROKEN: %s (the day's digest is left as it was)", result.message)
        return False
    try:
        audit_digest_write(verification=result)
    except DigestError as err:
        log.error("audit digest refused: %s", err)
        return False
    return True


@shared_task(name="audit.verify_now", acks_late=True)
def verify_now(press_sequence: int) -> bool | None:
    """An auditor's "verify the chain now" (verify_now.py); the day's digest is the hourly task's."""
    from console.audit.verify_now import audit_verify_pressed

    result = audit_verify_pressed(press_sequence)
    if result is not None and not result.ok:
        log.error("audit chain BROKEN (checked on demand): %s", result.message)
    return None if result is None else result.ok
