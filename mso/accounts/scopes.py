"""API token scopes. Apps register the scopes their endpoints require here."""

SCOPES: dict[str, str] = {
    "practice:read": "Read the practice profile and its owners",
    "members:read": "List the practice's users and their roles",
    "locations:read": "Read practice locations",
    "locations:write": "Create and change practice locations",
    "jobs:read": "Follow background jobs of the practice",
}
SCOPE_CHOICES = sorted(SCOPES.items())


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in SCOPES]
