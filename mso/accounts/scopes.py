"""API token scopes. Apps register the scopes their endpoints require here."""

SCOPES: dict[str, str] = {
    "practice:read": "Read the practice profile and its owners",
    "members:read": "List the practice's users and their roles",
    "locations:read": "Read practice locations",
    "locations:write": "Create and change practice locations",
    "jobs:read": "Follow background jobs of the practice",
    "patients:read": "Read patients, coverage and providers",
    "patients:write": "Create and update patients and coverage",
    "encounters:read": "Read encounters and their charges",
    "encounters:write": "Post encounters (charge capture from the EHR)",
    "claims:read": "Read claims, their status and scrubber findings",
    "acks:write": "Upload 999 and 277CA acknowledgements",
}
SCOPE_CHOICES = sorted(SCOPES.items())


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in SCOPES]
