import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from mso.tenancy import demo


class Command(BaseCommand):
    help = "Create the demo MSO, three demo practices and one user per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list-json",
            action="store_true",
            help="Only print the demo URLs and sign-ins as JSON.",
        )
        parser.add_argument(
            "--base-url",
            default="http://{host}:8000",
            help="URL pattern with {host}, used in the printed links.",
        )

    def handle(self, *args, **options):
        if options["list_json"]:
            self.stdout.write(json.dumps(demo.listing(options["base_url"]), indent=2))
            return
        demo.seed(today=timezone.localdate())
        data = demo.listing(options["base_url"])
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"MSO portal: {data['portal']}")
        for practice in data["practices"]:
            self.stdout.write(f"  {practice['name']}: {practice['url']}")
        self.stdout.write(f"Sign-ins (password for all: {demo.DEMO_PASSWORD}):")
        for signin in data["signins"]:
            self.stdout.write(f"  {signin['role']:<17} {signin['email']:<40} {signin['host']}")
