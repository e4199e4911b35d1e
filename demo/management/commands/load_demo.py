from django.core.management.base import BaseCommand

from awards.demo import load_awards_demo
from cluster.demo import load_demo
from scoring.demo import load_scoring_demo


class Command(BaseCommand):
    help = "Load the demo cluster of the seed article (safe to run again)."

    def handle(self, *args, **options):
        cluster, accounts = load_demo()
        load_scoring_demo(cluster)
        load_awards_demo(cluster)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {cluster.name}"))
        self.stdout.write("Demo logins (username / password):")
        for username, password, who in accounts:
            self.stdout.write(f"  {username:<12} {password:<12} {who}")
