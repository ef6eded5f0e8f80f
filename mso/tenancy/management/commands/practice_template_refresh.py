from django.core.management.base import BaseCommand

from mso.tenancy import provisioning


class Command(BaseCommand):
    help = "Create or migrate the template schema new practices are cloned from."

    def handle(self, *args, **options):
        changed = provisioning.template_ensure(verbosity=max(0, options["verbosity"] - 1))
        name = provisioning.template_name()
        self.stdout.write(f"Template schema {name} " + ("updated." if changed else "is current."))
