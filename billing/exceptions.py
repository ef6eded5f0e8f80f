from mso.errors import FieldErrors


class BillingError(FieldErrors):
    """A billing request the rules refuse; nothing was written."""


class TransitionError(BillingError):
    """A claim status move the pipeline does not allow."""


class AckError(BillingError):
    """An acknowledgement file that cannot be applied (with the segment and reason)."""


class RemittanceError(BillingError):
    """An 835 that cannot be posted (with the segment and reason); nothing was posted."""
