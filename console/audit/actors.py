"""Who acted: a person, a service account, or the system (with the task that acted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.audit.models import ActorType


@dataclass(frozen=True)
class Actor:
    type: ActorType
    label: str
    user_id: int | None = None
    request_ip: str | None = None

    @classmethod
    def system(cls, task: str) -> Actor:
        return cls(type=ActorType.SYSTEM, label=f"system:{task}")

    @classmethod
    def person(cls, user: Any, request_ip: str | None = None) -> Actor:
        return cls(type=ActorType.USER, label=user.get_username(), user_id=user.pk, request_ip=request_ip)

    @classmethod
    def anonymous(cls, claimed: str, request_ip: str | None = None) -> Actor:
        """Someone not signed in, e.g. a failed sign-in for the username they typed."""
        return cls(type=ActorType.ANONYMOUS, label=f"anonymous:{claimed}"[:200], request_ip=request_ip)

    @classmethod
    def service(cls, name: str) -> Actor:
        return cls(type=ActorType.SERVICE, label=f"service:{name}")
