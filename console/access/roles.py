"""The four roles of DESIGN.md, each a Django group created by a migration."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    CONTROLLER = "controller"
    AUDITOR = "auditor"
    ADMIN = "admin"

    @property
    def group_name(self) -> str:
        return ROLE_GROUPS[self]


ROLE_GROUPS: dict[Role, str] = {
    Role.OPERATOR: "Finance operator",
    Role.CONTROLLER: "Controller",
    Role.AUDITOR: "Auditor",
    Role.ADMIN: "Integration admin",
}
