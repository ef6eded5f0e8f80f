"""Read auditing for API views that show patient-level data (see registry.PATIENT_READ_URLS)."""

from .services import audit_read, audit_read_list


class AuditedListMixin:
    """One audit event per page served, naming every patient on it."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        audit_read_list(actor=self.request.user, objects=queryset if page is None else page)
        return page


class AuditedDetailMixin:
    """An audit event for each object read (GET)."""

    def get_object(self):
        obj = super().get_object()
        if self.request.method == "GET":
            audit_read(actor=self.request.user, obj=obj)
        return obj
