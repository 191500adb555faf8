from __future__ import annotations

from celery import shared_task

from console.audit.verify import audit_chain_verify, audit_digest_write


@shared_task(name="audit.verify_chain", acks_late=True)
def verify_chain() -> bool:
    result = audit_chain_verify(triggered_by="task:audit.verify_chain")
    audit_digest_write(verification=result)
    return result.ok
