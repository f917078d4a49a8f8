"""Who may do what on the car hire desk: ``access.possible`` (what the views show) agrees with
what the services require, and decides the record buttons and the App Home's car hire section."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.errors import PermissionDenied
from bot.services.actors import Actor
from bot.services.hire import access, booking_queries
from bot.services.hire import vehicles as vehicle_service
from bot.services.hire.access import Action, possible
from bot.views.hire.common import record_buttons
from db.models import Role, VehicleStatus

from .helpers import NOW, actor, make_agent

LONDON = ZoneInfo("Europe/London")
# roles → the actions they allow
EXPECTED = {
    frozenset(): set(),
    frozenset({Role.EMPLOYEE}): set(),
    frozenset({Role.TECHNICIAN}): set(),
    frozenset({Role.MANAGER}): {Action.READ},
    frozenset({Role.AGENT}): {Action.READ, Action.WORK},
    frozenset({Role.AGENT, Role.MANAGER}): {Action.READ, Action.WORK},
    frozenset({Role.ADMIN}): {Action.READ, Action.WORK, Action.REMOVE},
}


def someone(roles) -> Actor:
    return Actor(team_id="T0001", user_id="U1", roles=frozenset(roles))


@pytest.mark.parametrize("roles", EXPECTED)
def test_possible_by_role_and_the_same_as_what_is_required(roles):
    who = someone(roles)
    assert {action for action in Action if possible(who, action)} == EXPECTED[roles]
    for action in Action:
        if possible(who, action):
            access.require(who, action, to="do it")
        else:
            with pytest.raises(PermissionDenied):
                access.require(who, action, to="do it")


def test_record_buttons_follow_possible():
    def buttons(roles) -> list[str]:
        return [
            e["action_id"]
            for b in record_buttons("customer", 3, "*Ada*", someone(roles))
            for e in b.to_dict()["elements"]
        ]

    assert buttons({Role.MANAGER}) == []
    assert buttons({Role.AGENT}) == ["customer_edit"]
    assert buttons({Role.ADMIN}) == ["customer_edit", "customer_remove"]


def test_the_app_home_car_hire_section_is_for_those_who_work_the_desk(desk):
    make_agent(desk, "UMANAGER", role=Role.MANAGER)
    with desk.transaction() as session:
        assert booking_queries.hire_day(session, actor(session, "UMANAGER"), NOW, LONDON) is None
        assert booking_queries.hire_day(session, actor(session, "UEMPLOYEE"), NOW, LONDON) is None
        day = booking_queries.hire_day(session, actor(session, "UAGENT"), NOW, LONDON)
        assert day is not None and (day.pickups, day.returns) == ([], [])


def test_vehicle_status_words():
    assert vehicle_service.parse_status("maintenance") is VehicleStatus.MAINTENANCE
    assert vehicle_service.parse_status("Available") is VehicleStatus.AVAILABLE
    assert vehicle_service.parse_status("retire") is VehicleStatus.RETIRED
    assert [vehicle_service.parse_status(word) for word in ("retired", "list", "", "add")] == [None] * 4
