"""MSO portal pages for agreements, fee runs, invoices and the finance dashboard; and the
practice's own invoices on its host."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mso.accounts import policy
from mso.accounts.decorators import require
from mso.accounts.policy import Action
from mso.errors import FieldErrors
from mso.forms import apply_errors

from . import selectors, services
from .fees import FeeLine, format_money, format_percent
from .forms import AgreementForm, CostEntryForm, FeeRunForm, FlagApprovalForm, StateRuleForm
from .models import Agreement, CostEntry, FeeCalculation, FeeRun, Invoice, StateFeeRule


@require(Action.CONTRACT_VIEW)
def agreement_list(request):
    can_manage = policy.can(request.user, Action.CONTRACT_MANAGE)
    form = AgreementForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            practice = data.pop("practice")
            try:
                agreement = services.agreement_create(
                    actor=request.user, practice=practice, data=data
                )
            except FieldErrors as exc:
                apply_errors(form, exc.errors)
            else:
                messages.success(request, f"Agreement for {agreement.practice} saved.")
                return redirect("agreement-list")
    agreements = selectors.visible_to(
        request.user,
        Agreement.objects.select_related("practice").prefetch_related("fmv_opinions"),
    )
    return render(
        request,
        "contracts/agreements.html",
        {
            "agreements": agreements,
            "form": form,
            "rules": StateFeeRule.objects.filter(status="restricted"),
        },
    )


@require(Action.FINANCE_VIEW)
def finance_dashboard(request):
    dash = selectors.finance_dashboard(timezone.localdate())
    return render(
        request,
        "contracts/finance.html",
        {"dash": dash, "tiles": _finance_tiles(dash)},
    )


def _finance_tiles(dash: selectors.FinanceDashboard) -> list[dict]:
    rate = dash.effective_rate
    return [
        {"label": "Fee revenue, 12 months", "value": format_money(dash.fees_12m), "icon": "dollar"},
        {
            "label": "Effective rate",
            "value": format_percent(rate) if rate is not None else None,
            "icon": "chart",
            "hint": "fees / net collections",
        },
        {
            "label": "Invoices outstanding",
            "value": format_money(dash.outstanding),
            "icon": "clipboard",
            "href": reverse("invoice-list"),
        },
        {
            "label": "Over 30 days",
            "value": format_money(dash.overdue),
            "icon": "alert-triangle",
            "hint": "issued, unpaid, past terms",
        },
    ]


@require(Action.CONTRACT_VIEW)
def fee_run_list(request):
    can_manage = policy.can(request.user, Action.CONTRACT_MANAGE)
    form = FeeRunForm(request.POST or None)
    job = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            job = services.fee_run_start(actor=request.user, period=form.cleaned_data["period"])
            messages.info(request, "Fee run started.")
    return render(
        request,
        "contracts/fee_runs.html",
        {
            "runs": FeeRun.objects.all()[:24],
            "form": form if can_manage else None,
            "job": job,
            "perms_finance": policy.can(request.user, Action.FINANCE_VIEW),
        },
    )


@require(Action.CONTRACT_VIEW)
def fee_run_detail(request, pk):
    run = get_object_or_404(FeeRun, pk=pk)
    calculations = selectors.visible_to(
        request.user,
        run.calculations.select_related("agreement__practice", "flag_approved_by"),
        "agreement__practice",
    )
    run.failures = selectors.visible_failures(run.failures, selectors.visible_slugs(request.user))
    for calc in calculations:
        calc.line_items = [FeeLine.from_dict(line) for line in calc.lines]
    return render(
        request,
        "contracts/fee_run_detail.html",
        {
            "run": run,
            "calculations": calculations,
            "approval_form": FlagApprovalForm(),
            "can_manage": policy.can(request.user, Action.CONTRACT_MANAGE),
            "invoices": selectors.visible_to(
                request.user, Invoice.objects.filter(period=run.period).select_related("practice")
            ),
        },
    )


@require_POST
@require(Action.CONTRACT_MANAGE)
def fee_run_action(request, pk, action):
    run = get_object_or_404(FeeRun, pk=pk)
    try:
        if action == "approve":
            issued = services.fee_run_approve(actor=request.user, run=run)
            messages.success(request, f"{len(issued)} invoice(s) issued.")
        elif action == "rerun":
            services.fee_run_execute(actor=request.user, period=run.period)
            messages.success(request, "Fees recomputed.")
        else:
            raise PermissionDenied
    except FieldErrors as exc:
        messages.error(request, str(exc))
    return redirect("fee-run-detail", pk=pk)


@require_POST
@require(Action.CONTRACT_MANAGE)
def calculation_approve(request, pk):
    calc = get_object_or_404(FeeCalculation, pk=pk)
    try:
        services.calculation_approve(
            actor=request.user, calculation=calc, note=request.POST.get("note", "")
        )
    except FieldErrors as exc:
        messages.error(request, str(exc))
    return redirect("fee-run-detail", pk=calc.run_id)


@require(Action.CONTRACT_VIEW)
def invoice_list(request):
    return render(
        request,
        "contracts/invoices.html",
        {
            "invoices": selectors.visible_to(
                request.user, Invoice.objects.select_related("practice")
            )[:200],
            "can_manage": policy.can(request.user, Action.CONTRACT_MANAGE),
            "portal": "mso",
        },
    )


@require_POST
@require(Action.CONTRACT_MANAGE)
def invoice_status(request, pk, status):
    invoice = get_object_or_404(Invoice, pk=pk)
    try:
        services.invoice_set_status(actor=request.user, invoice=invoice, status=status)
    except FieldErrors as exc:
        messages.error(request, str(exc))
    return redirect("invoice-list")


def _pdf(invoice: Invoice) -> HttpResponse:
    response = HttpResponse(bytes(invoice.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


@require(Action.CONTRACT_VIEW)
def invoice_pdf(request, pk):
    return _pdf(get_object_or_404(selectors.visible_to(request.user, Invoice.objects), pk=pk))


# ---------------------------------------------------------------- practice host


@require(Action.PRACTICE_INVOICE_VIEW)
def practice_invoices(request):
    invoices = Invoice.objects.filter(practice_id=connection.tenant.pk).select_related(
        "calculation__agreement"
    )
    for invoice in invoices:
        invoice.line_items = [FeeLine.from_dict(line) for line in invoice.calculation.lines]
    return render(request, "contracts/practice_invoices.html", {"invoices": invoices})


@require(Action.PRACTICE_INVOICE_VIEW)
def practice_invoice_pdf(request, pk):
    return _pdf(get_object_or_404(Invoice, pk=pk, practice_id=connection.tenant.pk))


@require(Action.CONTRACT_VIEW)
def rules_and_costs(request):
    """The per-state fee rule table and the MSO's cost entries (cost-plus basis)."""
    can_manage = policy.can(request.user, Action.CONTRACT_MANAGE)
    rule_form = StateRuleForm(request.POST if "state" in request.POST else None)
    cost_form = CostEntryForm(request.POST if "description" in request.POST else None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = rule_form if "state" in request.POST else cost_form
        if form.is_valid():
            try:
                if form is rule_form:
                    services.state_rule_set(actor=request.user, **form.cleaned_data)
                else:
                    services.cost_entry_add(actor=request.user, **form.cleaned_data)
            except FieldErrors as exc:
                apply_errors(form, exc.errors)
            else:
                messages.success(request, "Saved.")
                return redirect("rules-and-costs")
    return render(
        request,
        "contracts/rules_and_costs.html",
        {
            "rules": StateFeeRule.objects.all(),
            "costs": selectors.visible_to(
                request.user, CostEntry.objects.select_related("practice")
            )[:100],
            "rule_form": rule_form if can_manage else None,
            "cost_form": cost_form if can_manage else None,
        },
    )
