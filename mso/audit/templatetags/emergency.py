from django import template

from mso.audit.emergency import active_grants

register = template.Library()


@register.inclusion_tag("audit/_emergency_banner.html", takes_context=True)
def emergency_banner(context):
    """The holder's active break-glass grants, on every page while they last."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"grants": []}
    return {"grants": list(active_grants(user)), "csrf_token": context.get("csrf_token")}
