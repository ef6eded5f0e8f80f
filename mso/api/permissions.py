"""API access goes through the policy module. A view names its actions; no action, no access."""

from rest_framework.permissions import BasePermission

from mso.accounts import policy
from mso.tenancy.context import request_practice


class PolicyPermission(BasePermission):
    """Views declare `policy_actions = {"GET": Action.X, "POST": Action.Y, ...}` (a "*" key
    applies to any method not listed). On the MSO portal (no practice) the MSO-level rules
    apply, or `portal_policy_actions` when a view serves both hosts differently."""

    message = "You do not have permission to do this here."

    def has_permission(self, request, view) -> bool:
        practice = request_practice(request)
        actions = getattr(view, "policy_actions", None) or {}
        if practice is None and hasattr(view, "portal_policy_actions"):
            actions = view.portal_policy_actions
        action = actions.get(request.method) or actions.get("*")
        if request.method == "OPTIONS":
            action = action or actions.get("GET")
        if action is None or not request.user or not request.user.is_authenticated:
            return False
        token = request.auth if hasattr(request.auth, "scopes") else None
        return policy.can(request.user, action, practice, token=token)
