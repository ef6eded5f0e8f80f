from django.db import models


class FeeModel(models.TextChoices):
    FIXED = "fixed", "Fixed monthly fee"
    PCT_NET_COLLECTIONS = "pct_net_collections", "Percentage of net collections"
    PCT_GROSS_REVENUE = "pct_gross_revenue", "Percentage of gross revenue"
    HYBRID = "hybrid", "Fixed base plus a percentage"
    COST_PLUS = "cost_plus", "Cost plus markup"


class HybridBasis(models.TextChoices):
    NET_COLLECTIONS = "net_collections", "Net collections"
    GROSS_REVENUE = "gross_revenue", "Gross revenue"


class Service(models.TextChoices):
    REVENUE_CYCLE = "revenue_cycle", "Revenue cycle"
    HR_PAYROLL = "hr_payroll", "HR and payroll"
    IT = "it", "IT"
    FACILITIES = "facilities", "Facilities"
    COMPLIANCE = "compliance", "Compliance"
    VALUE_BASED_CARE = "value_based_care", "Value-based care support"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPUTED = "computed", "Computed"
    APPROVED = "approved", "Approved and invoiced"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    VOID = "void", "Void"
