from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.services import cluster_import


class Command(BaseCommand):
    help = "Restore a cluster archive made by export_cluster into an empty (migrated) database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .zip file to read")

    def handle(self, *args, archive, **options):
        try:
            counts = cluster_import(path=archive)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for part, count in counts.items():
            self.stdout.write(f"  {part:<24} {count}")
        self.stdout.write(self.style.SUCCESS(f"Restored {archive}"))
