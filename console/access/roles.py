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

# Who reads the finance pages (cases, events and the lists behind the dashboard's figures,
# mappings): one tuple, so a link to those pages is offered to exactly who may open them.
FINANCE_READERS = (Role.OPERATOR, Role.CONTROLLER, Role.AUDITOR)
