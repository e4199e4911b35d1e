from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from awards.demo import load_awards_demo
from cluster.demo import load_demo
from scoring.demo import load_scoring_demo


class Command(BaseCommand):
    help = "Load the demo cluster of the seed article (safe to run again). Refused when DEBUG is off, unless --force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load the demo even though DEBUG is off (it creates accounts with known passwords)",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DEBUG is off, so this looks like a production site: the demo data creates accounts "
                    "with known passwords. Nothing was loaded. Run it again with --force to load it anyway."
                )
            )
        cluster, accounts = load_demo()
        load_scoring_demo(cluster)
        load_awards_demo(cluster)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {cluster.name}"))
        self.stdout.write("Demo logins (username / password):")
        for username, password, who in accounts:
            self.stdout.write(f"  {username:<12} {password:<12} {who}")
