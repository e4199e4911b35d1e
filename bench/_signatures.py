"""Benchmark: a server-side signature of an issued document (target < 1 s) — the cluster's
certificate decrypted, the stamp composed, the incremental signature, its verification and the
stored copy — and the verification of a PDF signed elsewhere and uploaded.

Run: .venv/bin/python bench/_signatures.py [--runs 5]
Uses a throw-away test database (SQLite by default, PostgreSQL with DATABASE_URL), the 2014 demo
and a certification authority made on the spot (tests/signatures/pki.py).
`measure()` returns [(label, seconds)] for a caller that prints several benches together; it
needs a database with the migrations applied (it loads the demo when 2014 is missing).
Prints figures; asserts nothing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _issued_year_report():
    from cluster.models import EmulationYear
    from reports import services
    from reports.enums import DocumentKind

    year = EmulationYear.objects.filter(year=2014).first()
    if year is None:
        from awards.demo import load_awards_demo
        from cluster.demo import load_demo
        from scoring.demo import load_scoring_demo

        cluster, _accounts = load_demo()
        load_scoring_demo(cluster)
        load_awards_demo(cluster)
        year = EmulationYear.objects.get(cluster=cluster, year=2014)
    report = services.latest_issued(kind=DocumentKind.YEAR_REPORT, emulation_year=year)
    if report is None:
        from django.contrib.auth import get_user_model

        chair = get_user_model().objects.get(username="phutho")
        report = services.report_request(kind=DocumentKind.YEAR_REPORT, emulation_year=year, user=chair)
        report = services.report_issue(report=report, user=chair)
    return report


def _png(colour, size):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def measure(*, runs=5):
    """[(label, seconds)]: the median of `runs` server signatures of the 2014 year-end report
    (each from the issued file, so every run makes one signature) and of `runs` verifications
    of an upload signed elsewhere."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from signatures import services
    from signatures.models import SignedCopy
    from tests.signatures import pki

    authority = pki.make_authority()
    holder = pki.make_holder(authority, "Nguyễn Văn An")
    with tempfile.TemporaryDirectory() as folder:
        roots = Path(folder) / "ca.pem"
        roots.write_bytes(authority.pem)
        media = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}}
        with override_settings(
            SIGNATURE_TRUST_ROOTS=[str(roots)],
            SIGNING_KEY="bench-signing-key",
            STORAGES={**settings.STORAGES, "default": media},
        ):
            report = _issued_year_report()
            admin = get_user_model().objects.filter(is_superuser=True).first()
            from cluster import selectors as cluster_selectors
            from provinces.models import Province

            owner = Province.objects.get(pk=cluster_selectors.chair_province_id(report.emulation_year))
            services.certificate_store(
                cluster=report.emulation_year.cluster,
                user=admin,
                province=owner,
                label="Bench",
                pkcs12_file=SimpleUploadedFile("bench.p12", holder.pkcs12(b"bench")),
                passphrase="bench",  # noqa: S106 (the bench's throw-away certificate)
                signer_image=SimpleUploadedFile("signer.png", _png((0, 0, 200, 255), (600, 240))),
                seal_image=SimpleUploadedFile("seal.png", _png((220, 0, 0, 255), (400, 400))),
            )
            with report.file.open("rb") as handle:
                issued = handle.read()

            def server():
                # Each run signs the issued file itself (not the previous run's copy).
                SignedCopy.objects.filter(report=report).update(is_official=False)
                services.report_sign_on_server(report=report, user=admin)

            uploads = [pki.sign_elsewhere(issued, holder, f"Bench{n}") for n in range(runs + 1)]

            def upload():
                data = uploads.pop()
                services.signed_copy_upload(report=report, upload=SimpleUploadedFile("u.pdf", data), user=admin)

            server_seconds = _median(server, runs)
            upload_seconds = _median(upload, runs)
    pages = report.pages or 0
    return [
        (f"server signature, year-end report of {pages} pages (sign + verify + store; target < 1 s)", server_seconds),
        (f"uploaded signed PDF verified and stored, {pages} pages", upload_seconds),
    ]


def _median(fn, runs):
    fn()  # warm: pyHanko's imports, the certificate's decryption path
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from _database import throwaway_database

    with throwaway_database() as connection:
        for label, seconds in measure(runs=args.runs):
            print(f"{label}: median {seconds:.3f} s ({connection.vendor})")


if __name__ == "__main__":
    main()
