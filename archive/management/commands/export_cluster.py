from django.core.management.base import BaseCommand, CommandError

from archive.services import cluster_export
from cluster.models import Cluster


class Command(BaseCommand):
    help = "Export a cluster's whole history (years, scores, evidence files, ballots, decisions) to a zip archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .zip file to write")
        parser.add_argument("--cluster", type=int, help="the cluster's id (default: the only/first cluster)")
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="also write the users' password hashes (keep such an archive as safe as the database)",
        )

    def handle(self, *args, archive, cluster=None, with_passwords=False, **options):
        chosen = Cluster.objects.filter(pk=cluster).first() if cluster else Cluster.objects.order_by("pk").first()
        if chosen is None:
            raise CommandError("No such cluster.")
        counts = cluster_export(cluster=chosen, path=archive, with_passwords=with_passwords)
        for part, count in counts.items():
            self.stdout.write(f"  {part:<24} {count}")
        self.stdout.write(self.style.SUCCESS(f"Exported {chosen.name} to {archive}"))
        if with_passwords:
            self.stdout.write(self.style.WARNING("The archive holds password hashes: keep it as safe as the database."))
        else:
            self.stdout.write(
                "Passwords are left out: restored users get an unusable password until an admin sets one "
                "(manage.py changepassword USERNAME)."
            )
