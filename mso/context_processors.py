"""What every page's layout needs: which portal, which practice, the navigation for the role."""

from django.urls import NoReverseMatch, reverse

from mso.accounts import policy
from mso.accounts.choices import Role
from mso.accounts.policy import Action
from mso.tenancy.context import request_practice
from mso.tenancy.urls import portal_url

# (label, url name, icon, action that must be allowed)
PORTAL_NAV = [
    ("Overview", "home", "home", Action.PORTAL_ACCESS),
    ("Revenue dashboard", "portfolio-dashboard", "chart", Action.PORTAL_ACCESS),
    ("Practices", "practice-list", "building", Action.PRACTICE_LIST),
    ("Onboard a practice", "practice-onboard", "plus", Action.PRACTICE_ONBOARD),
    ("MSO finance", "finance-dashboard", "chart", Action.FINANCE_VIEW),
    ("Agreements", "agreement-list", "file", Action.CONTRACT_VIEW),
    ("Fee runs", "fee-run-list", "dollar", Action.CONTRACT_VIEW),
    ("Invoices", "invoice-list", "clipboard", Action.CONTRACT_VIEW),
    ("State rules & costs", "rules-and-costs", "settings", Action.CONTRACT_VIEW),
    ("Compliance", "compliance-overview", "clipboard", Action.PORTAL_ACCESS),
    ("Exclusion list", "exclusion-list", "shield", Action.EXCLUSION_LIST_MANAGE),
    ("Users & roles", "user-list", "users", Action.USER_LIST),
    ("Audit log", "audit-list", "shield", Action.AUDIT_VIEW),
    ("Emergency access", "emergency-access", "alert-circle", Action.PRACTICE_VIEW),
]
PRACTICE_NAV = [
    ("Practice home", "home", "home", Action.PRACTICE_VIEW),
    ("A/R and KPIs", "billing-dashboard", "chart", Action.CLAIM_VIEW),
    ("Claims", "claim-list", "file", Action.CLAIM_VIEW),
    ("Encounters", "encounter-list", "clipboard", Action.ENCOUNTER_VIEW),
    ("Coding queries", "coding-query-list", "edit", Action.ENCOUNTER_VIEW),
    ("Batches (837P)", "batch-list", "layers", Action.CLAIM_VIEW),
    ("Acknowledgements", "acknowledgement-list", "inbox", Action.CLAIM_VIEW),
    ("Remittances (835)", "remittance-list", "dollar", Action.CLAIM_VIEW),
    ("Denials", "denial-list", "alert-triangle", Action.CLAIM_VIEW),
    ("Patient statements", "statement-list", "mail", Action.CLAIM_VIEW),
    ("Patients", "patient-list", "user", Action.PATIENT_VIEW),
    ("Providers", "provider-list", "briefcase", Action.PATIENT_VIEW),
    ("MSO invoices", "practice-invoice-list", "dollar", Action.PRACTICE_INVOICE_VIEW),
    ("Employees", "employee-list", "users", Action.HR_VIEW),
    ("Compliance", "compliance-home", "shield", Action.COMPLIANCE_VIEW),
    ("Credentials", "credential-list", "calendar", Action.COMPLIANCE_VIEW),
    ("Incidents & breaches", "incident-list", "alert-triangle", Action.COMPLIANCE_VIEW),
    ("Policies", "policy-list", "file", Action.POLICY_VIEW),
    ("Locations", "location-list", "globe", Action.LOCATION_VIEW),
    ("Members", "member-list", "users", Action.MEMBERSHIP_VIEW),
    ("API tokens", "token-list", "key", Action.TOKEN_VIEW),
    ("Emergency access", "emergency-access", "alert-circle", Action.PRACTICE_VIEW),
]


def _nav(request, practice) -> list[dict]:
    entries = PRACTICE_NAV if practice is not None else PORTAL_NAV
    current = getattr(request.resolver_match, "url_name", None)
    items = []
    for label, name, icon, action in entries:
        if not policy.can(request.user, action, practice):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "icon": icon, "active": name == current})
    return items


def portal(request) -> dict:
    practice = request_practice(request)
    context = {
        "portal": "practice" if practice is not None else "mso",
        "current_practice": practice,
        "nav_items": [],
        "user_roles": [],
        "portal_url": "",
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    context["nav_items"] = _nav(request, practice)
    if practice is not None:
        role = policy.role_in(user, practice)
        context["user_roles"] = [Role(role).label] if role else []
        if policy.mso_roles(user):
            context["portal_url"] = portal_url(request)
    else:
        context["user_roles"] = sorted(Role(r).label for r in policy.mso_roles(user))
    return context
