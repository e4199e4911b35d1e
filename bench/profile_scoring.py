"""Profile one scoring request with cProfile: where the time of the scorecard page, its save, the
appraisal page or its save goes at a given size (the source of the figures of scoring_sizes.py).

Run: .venv/bin/python bench/profile_scoring.py "scorecard page" [--criteria 500] [--top 35]
"""

import argparse
import cProfile
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("request", choices=["scorecard page", "scorecard save", "appraisal page", "appraisal save"])
    parser.add_argument("--criteria", type=int, default=500)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    from _database import throwaway_database

    with throwaway_database():
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["*"]
        from scoring_sizes import scoring_requests

        _year, _client, requests = scoring_requests(0, 7, args.criteria)
        call, before = requests[args.request]
        for _ in range(2):  # warm
            if before:
                before()
            call()
        if before:
            before()
        profile = cProfile.Profile()
        profile.enable()
        call()
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
