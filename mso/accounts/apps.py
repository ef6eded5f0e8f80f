from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mso.accounts"
    label = "accounts"
    verbose_name = "Users, roles and API tokens"

    def ready(self):
        from axes.signals import user_locked_out

        from .lockout import on_locked_out

        # axes reports lockouts only by signal; the receiver writes the audit event.
        user_locked_out.connect(on_locked_out, dispatch_uid="accounts.audit_locked_out")
