from mso.errors import FieldErrors


class AccountsError(FieldErrors):
    """Refused request about users, roles, invitations or tokens."""
