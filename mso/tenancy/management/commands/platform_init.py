import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mso.accounts.choices import Role
from mso.accounts.models import Membership, User
from mso.tenancy.choices import PracticeKind
from mso.tenancy.demo import MSO_SLUG, ensure_portal
from mso.tenancy.models import Practice
from mso.tenancy.rules import PracticeInput
from mso.tenancy.services import practice_onboard, practice_provision


class Command(BaseCommand):
    help = (
        "Production first run: the portal's domain, the MSO back office tenant and the first "
        "MSO admin (password from $MSO_ADMIN_PASSWORD). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--mso-name", default="MSO back office")

    def handle(self, *args, **options):
        password = os.environ.get("MSO_ADMIN_PASSWORD", "")
        email = options["admin_email"].strip().lower()
        with transaction.atomic():
            ensure_portal()
            user = User.objects.filter(email=email).first()
            if user is None:
                if len(password) < 12:
                    raise CommandError("Set MSO_ADMIN_PASSWORD (12+ characters) for the admin.")
                user = User.objects.create_user(email=email, password=password)
        office = Practice.objects.filter(kind=PracticeKind.MSO).first()
        if office is None:
            office, job = practice_onboard(
                actor=None,
                kind=PracticeKind.MSO,
                data=PracticeInput(
                    name=options["mso_name"], slug=MSO_SLUG, state="", group_npi="", tin=""
                ),
            )
            practice_provision(job_id=job.pk)
        Membership.objects.get_or_create(
            user=user, practice=office, defaults={"role": Role.MSO_ADMIN}
        )
        self.stdout.write(self.style.SUCCESS(f"Platform ready; MSO admin: {email}"))
