from foundation.accounts.models import Role, User


def can_view_access_records(user: User) -> bool:
    return user.has_role(Role.AUDITOR)
