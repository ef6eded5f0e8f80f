"""MSO portal pages: overview, practices, the onboarding wizard and provisioning progress."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from mso.accounts import policy
from mso.accounts import services as account_services
from mso.accounts.decorators import require
from mso.accounts.models import User
from mso.accounts.policy import Action
from mso.accounts.sessions import session_signed_in_at
from mso.errors import FieldErrors
from mso.forms import apply_errors

from .banking import practice_bank_account_set
from .choices import PracticeStatus
from .exceptions import OnboardingError
from .forms import BankAccountForm, OwnerFormSet, PracticeDetailsForm
from .selectors import practice_list
from .services import practice_onboard
from .urls import practice_url

WIZARD_KEY = "onboarding_step1"


@require(Action.PORTAL_ACCESS)
def portal_home(request):
    practices = practice_list(user=request.user)
    counts = practices.aggregate(
        total=Count("pk", filter=Q(kind="practice")),
        ready=Count("pk", filter=Q(kind="practice", status=PracticeStatus.READY)),
        provisioning=Count("pk", filter=Q(status=PracticeStatus.PROVISIONING)),
    )
    return render(
        request,
        "tenancy/portal_home.html",
        {
            "practices": practices[:10],
            "counts": counts,
            "user_count": User.objects.filter(is_active=True).count(),
            "can_onboard": policy.can(request.user, Action.PRACTICE_ONBOARD),
        },
    )


@require(Action.PRACTICE_LIST)
def practice_list_page(request):
    practices = practice_list(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        practices = practices.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    status = request.GET.get("status", "")
    if status:
        practices = practices.filter(status=status)
    return render(
        request,
        "tenancy/practice_list.html",
        {
            "practices": practices,
            "q": query,
            "status": status,
            "statuses": PracticeStatus.choices,
            "can_onboard": policy.can(request.user, Action.PRACTICE_ONBOARD),
        },
    )


@require(Action.PRACTICE_ONBOARD)
def onboard_details(request):
    """Wizard step 1: the Friendly PC's identity."""
    initial = request.session.get(WIZARD_KEY)
    form = PracticeDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        request.session[WIZARD_KEY] = {k: str(v) for k, v in form.cleaned_data.items()}
        return redirect("practice-onboard-owners")
    return render(request, "tenancy/onboard_details.html", {"form": form, "step": 1})


@require(Action.PRACTICE_ONBOARD)
def onboard_owners(request):
    """Wizard step 2: the physician owners; submitting creates the practice."""
    step1 = request.session.get(WIZARD_KEY)
    if not step1:
        return redirect("practice-onboard")
    details = PracticeDetailsForm(step1)
    if not details.is_valid():
        return redirect("practice-onboard")
    formset = OwnerFormSet(request.POST or None, prefix="owners")
    ownership_errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        owners = [f.to_input() for f in formset.forms if f.has_changed()]
        try:
            practice, _job = practice_onboard(
                actor=request.user, data=details.to_input(owners=owners)
            )
        except OnboardingError as exc:
            ownership_errors = exc.errors.ownership + [
                f"{name}: {m}" for name, ms in exc.errors.practice.items() for m in ms
            ]
            changed = [f for f in formset.forms if f.has_changed()]
            for form, row in zip(changed, exc.errors.owners, strict=False):
                for name, messages_ in row.items():
                    for message in messages_:
                        form.add_error(name, message)
        else:
            del request.session[WIZARD_KEY]
            messages.success(request, f"{practice.name} is being set up.")
            return redirect("practice-detail", pk=practice.pk)
    return render(
        request,
        "tenancy/onboard_owners.html",
        {
            "formset": formset,
            "details": details.cleaned_data,
            "step": 2,
            "ownership_errors": ownership_errors,
        },
    )


@require(Action.PRACTICE_LIST)
def practice_detail(request, pk):
    practice = get_object_or_404(practice_list(user=request.user), pk=pk)
    job = practice.jobs.order_by("-created_at").first()
    members = practice.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "tenancy/practice_detail.html",
        {
            "practice": practice,
            "job": job,
            "members": members,
            "practice_home_url": practice_url(request, practice),
            "can_open": policy.can(request.user, Action.PRACTICE_VIEW, practice),
            "can_manage_bank": policy.can(request.user, Action.PRACTICE_BANK_MANAGE),
        },
    )


@sensitive_post_parameters("account_number", "routing_number")
@require(Action.PRACTICE_BANK_MANAGE)
def practice_bank_account(request, pk):
    """The practice's bank account for ACH fee collection (MSO admins)."""
    practice = get_object_or_404(practice_list(user=request.user).practices(), pk=pk)
    initial = {
        "holder": practice.bank_account_holder,
        "routing_number": practice.bank_routing_number,
        "account_type": practice.bank_account_type or "checking",
    }
    form = BankAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            practice_bank_account_set(actor=request.user, practice=practice, data=form.to_input())
        except FieldErrors as exc:
            apply_errors(form, exc.errors)
        else:
            messages.success(request, f"Bank account of {practice.name} saved.")
            return redirect("practice-detail", pk=practice.pk)
    return render(request, "tenancy/bank_account.html", {"practice": practice, "form": form})


@require_POST
@require(Action.PRACTICE_LIST)
def practice_open(request, pk):
    """Hand the MSO user over to the practice's own host, signed in."""
    practice = get_object_or_404(practice_list(user=request.user).ready(), pk=pk)
    try:
        secret = account_services.handoff_create(
            user=request.user,
            practice=practice,
            signed_in_at=session_signed_in_at(request.session),
        )
    except FieldErrors:
        raise Http404 from None
    return redirect(practice_url(request, practice, f"/accounts/handoff/{secret}/"))


@require(Action.PORTAL_ACCESS)
def portfolio_dashboard(request):
    """A/R and KPIs of every practice the user may see, side by side."""
    from billing.portfolio import portfolio

    as_of = timezone.localdate()
    rows = portfolio(practice_list(user=request.user), as_of)
    return render(
        request,
        "tenancy/portfolio.html",
        {
            "rows": rows,
            "as_of": as_of,
            "collections": [(row["practice"].name, row["payments"]) for row in rows],
            "ar": [(row["practice"].name, row["ar_total"]) for row in rows],
        },
    )
