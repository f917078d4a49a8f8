"""Messages of /hiredesk roles and role changes."""

from __future__ import annotations

from bot.services.roles import RoleChange, RoleListing
from bot.views.messages import text_message
from bot.views.text import user
from db.models import Role

HELP = """*HireDesk* — the IT help desk and the car hire desk, in Slack.
*Help desk:* `/ticket` raise a ticket · `/ticket list` your tickets · `/ticket queue` the technicians' queue · `/ticket help`
*Car hire:* `/booking` new booking · `/booking list` · `/customer` · `/vehicle` · `/booking availability &lt;from&gt; &lt;to&gt;`
*Admin:* `/hiredesk roles` · `/hiredesk role @user &lt;role&gt;` · `/hiredesk unrole @user &lt;role&gt;` · `/hiredesk settings` · `/hiredesk digest now`
Roles: technician, agent, manager, admin (everybody is an employee)."""

USAGE = "Usage: `/hiredesk roles`, `/hiredesk role @user &lt;role&gt;`, `/hiredesk unrole @user &lt;role&gt;`, `/hiredesk settings`, `/hiredesk digest now`, `/hiredesk help`."


def help_message() -> dict:
    return text_message(HELP)


def usage_message(problem: str | None = None) -> dict:
    return text_message(f"{problem} {USAGE}" if problem else USAGE)


def roles_message(listing: RoleListing) -> dict:
    if not listing.by_user:
        return text_message("Nobody has a role yet. Grant one with `/hiredesk role @user &lt;role&gt;`.")
    lines = []
    for user_id, roles in sorted(listing.by_user.items()):
        names = ", ".join(role.value for role in roles)
        suffix = " _(admin from HIREDESK_ADMINS)_" if user_id in listing.config_admins else ""
        lines.append(f"• {user(user_id)}: {names}{suffix}")
    return text_message("*Roles in this workspace*\n" + "\n".join(lines), context="Everybody is also an employee.")


def role_change_message(change: RoleChange) -> dict:
    if change.granted:
        return text_message(f":white_check_mark: {user(change.user_id)} is now {change.role.value}.")
    return text_message(f":white_check_mark: {user(change.user_id)} is no longer {change.role.value}.")


# What each role lets a person do, told when they are given it.
ROLE_ABILITIES = {
    Role.TECHNICIAN: "take, update and resolve tickets from the triage channel (`/ticket queue` lists them)",
    Role.AGENT: "record customers, vehicles and bookings and hand cars over (`/booking`, `/customer`, `/vehicle`)",
    Role.MANAGER: "read the managers' digests and reports (`/hiredesk digest now`)",
    Role.ADMIN: "give and take roles and change the settings (`/hiredesk roles`, `/hiredesk settings`)",
}


def role_change_dm(change: RoleChange) -> dict:
    """The DM telling a person their role changed, and who changed it."""
    if change.granted:
        return text_message(
            f":wave: {user(change.by)} made you a HireDesk *{change.role.value}*: you can now "
            f"{ROLE_ABILITIES[change.role]}."
        )
    return text_message(f":information_source: {user(change.by)} removed your HireDesk *{change.role.value}* role.")
