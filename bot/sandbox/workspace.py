"""The sandbox's pretend workspace: its people, their roles and its channels."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Role

TEAM_ID = "T0SANDBOX"
TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str  # the @handle
    real_name: str
    role: Role

    @property
    def label(self) -> str:
        return f"{self.real_name} ({self.role.value})"


PEOPLE = [
    Person("UEMPLOYEE", "erin", "Erin Employee", Role.EMPLOYEE),
    Person("UTECH", "theo", "Theo Technician", Role.TECHNICIAN),
    Person("UAGENT", "alex", "Alex Agent", Role.AGENT),
    Person("UMANAGER", "mia", "Mia Manager", Role.MANAGER),
    Person("UADMIN", "ada", "Ada Admin", Role.ADMIN),
]
ADMIN = next(p for p in PEOPLE if p.role is Role.ADMIN)


@dataclass(frozen=True)
class Channel:
    channel_id: str
    name: str
    purpose: str


TRIAGE = Channel("CTRIAGE", "it-triage", "Ticket cards; technicians triage here")
CAR_HIRE = Channel("CCARHIRE", "car-hire", "Bookings, due returns and overdue alerts")
MANAGERS = Channel("CMANAGERS", "managers", "Digests and escalations")
GENERAL = Channel("CGENERAL", "general", "Everyone; try the Create ticket shortcut on a message")
CHANNELS = [TRIAGE, CAR_HIRE, MANAGERS, GENERAL]


def person(user_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.user_id == user_id), None)
