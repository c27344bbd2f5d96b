"""Bench for key figures at national scale: 8,000 departments x 10 years through the real importer, then every
legal category and colour, the follow-up list and an area page.

    .venv/bin/python bench/classify.py                      # SQLite (a throwaway test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bs_bench .venv/bin/python bench/classify.py

Targets (issue 7): import <= 30 s, classify all <= 2 s, area page <= 100 ms. The numbers are fictitious.
"""

import csv
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boligsocial.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

DEPARTMENTS = int(os.environ.get("BENCH_DEPARTMENTS", "8000"))
PER_AREA = 5
YEARS = 10
MUNICIPALITIES = 98
ORGANISATIONS = 400
TARGETS = {"import": 30.0, "classify": 2.0, "page": 0.100}


def _directory():
    from boligsocial.directory.models import Department, HousingArea, Organisation, OrganisationKind

    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Bench Boligforening {i:03d}", kind=OrganisationKind.HOUSING) for i in range(ORGANISATIONS)
    )
    areas = HousingArea.objects.bulk_create(
        HousingArea(name=f"Bench-område {i:04d}", municipality=f"Bench Kommune {i % MUNICIPALITIES:02d}")
        for i in range(DEPARTMENTS // PER_AREA)
    )
    Department.objects.bulk_create(
        Department(
            area=areas[i // PER_AREA],
            housing_organisation=orgs[i % ORGANISATIONS],
            code=f"{i + 1:05d}",
            name=f"Afdeling {i + 1}",
        )
        for i in range(DEPARTMENTS)
    )
    return areas


def _department_csv(years: list[int], rng: random.Random) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "afdeling",
            "år",
            "beboere",
            "uden_for_arbejde_eller_uddannelse",
            "convictions",
            "convictions_share",
            "grundskole",
            "indkomst",
            "ikke_vestlige",
            "fraflytning",
            "udsættelser",
            "restancer",
            "klager",
        ]
    )
    for i in range(DEPARTMENTS):
        area_rng = random.Random(i // PER_AREA)
        hard = area_rng.random()  # how challenged the area is, shared by its departments
        origin = area_rng.random()  # the share of non-Western residents, also the area's
        residents = rng.randint(60, 900)
        for k, year in enumerate(years):
            drift = (k - YEARS / 2) * area_rng.uniform(-0.02, 0.03)
            level = min(max(hard + drift + rng.uniform(-0.05, 0.05), 0), 1)
            writer.writerow(
                [
                    f"{i + 1:05d}",
                    year,
                    residents + rng.randint(-20, 20),
                    f"{10 + 40 * level:.1f}".replace(".", ","),
                    f"{0.5 + 3.5 * level:.2f}".replace(".", ","),
                    f"{0.4 + 3 * level:.2f}".replace(".", ","),
                    f"{25 + 45 * level:.1f}".replace(".", ","),
                    f"{95 - 50 * level:.1f}".replace(".", ","),
                    f"{5 + 70 * origin * level:.1f}".replace(".", ","),
                    f"{8 + 10 * level:.1f}".replace(".", ","),
                    rng.randint(0, 3),
                    rng.randint(0, 20),
                    rng.randint(0, 15),
                ]
            )
    return out.getvalue().encode()


def _municipal_csv(years: list[int]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["kommune", "år", "uden_for_arbejde_eller_uddannelse", "convictions", "grundskole", "indkomst", "fraflytning"]
    )
    for m in range(MUNICIPALITIES):
        for year in years:
            writer.writerow([f"Bench Kommune {m:02d}", year, "18,0", "0,9", "30,0", "88,0", "10,0"])
    return out.getvalue().encode()


def _import(admin, level: str, name: str, content: bytes) -> dict[str, float]:
    from boligsocial.areas import selectors, services

    times = {}
    start = time.perf_counter()
    batch = services.import_upload(actor=admin, level=level, filename=name, content=content)
    times["upload"] = time.perf_counter() - start
    start = time.perf_counter()
    preview = selectors.import_preview(batch=batch)
    times["preview"] = time.perf_counter() - start
    assert preview.checked.can_confirm, (preview.checked.file_errors, list(preview.checked.rejected.items())[:5])
    start = time.perf_counter()
    services.import_confirm(actor=admin, batch=batch)
    times["confirm"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    return times


def main() -> None:
    from boligsocial.accounts.models import User
    from boligsocial.areas import selectors, services
    from boligsocial.areas.models import AreaYear, DepartmentYear

    rng = random.Random(7)
    this_year = datetime.date.today().year
    years = list(range(this_year - YEARS, this_year))
    print(f"Database: {connection.vendor}; {DEPARTMENTS} departments in {DEPARTMENTS // PER_AREA} areas, {YEARS} years")
    areas = _directory()
    admin = User.objects.create_superuser(username="bench", password="bench-only-password-1")  # noqa: S106
    content = _department_csv(years, rng)
    print(f"Department file: {len(content) / 1e6:.1f} MB, {DEPARTMENTS * YEARS} rows")

    times = _import(admin, "department", "afdelinger.csv", content)
    print(
        "Import departments: {total:.2f} s (upload {upload:.2f}, preview {preview:.2f}, confirm {confirm:.2f})".format(
            **times
        )
    )
    print(f"  stored: {DepartmentYear.objects.count()} department-years, {AreaYear.objects.count()} area-years")
    again = _import(admin, "department", "afdelinger-igen.csv", content)
    print(f"Import the same file again (every row replaces figures): {again['total']:.2f} s")
    municipal = _import(admin, "municipality", "kommuner.csv", _municipal_csv(years))
    print(f"Import municipal reference values: {municipal['total']:.2f} s")

    start = time.perf_counter()
    summary = services.classify_all(actor=admin)
    classify = time.perf_counter() - start
    print(
        f"Classify all: {classify:.2f} s ({summary.results} area-years; "
        + ", ".join(f"{k} {v}" for k, v in summary.by_category.items())
        + f"; trend flags {summary.flagged})"
    )

    start = time.perf_counter()
    follow_up = selectors.follow_up_list(user=admin)
    follow = time.perf_counter() - start
    print(f"Follow-up list: {follow:.2f} s ({len(follow_up)} areas in red, orange or yellow)")

    if os.environ.get("BENCH_SKIP_PAGE"):
        return
    client = Client()
    client.force_login(admin)
    client.get(f"/areas/{areas[0].pk}/")  # warm up templates and translations
    samples = []
    for area in rng.sample(areas, 20):
        start = time.perf_counter()
        response = client.get(f"/areas/{area.pk}/")
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    page = statistics.median(samples)
    print(f"Area page: median {page * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms (20 areas)")

    results = {"import": times["total"], "classify": classify, "page": page}
    for name, value in results.items():
        verdict = "ok" if value <= TARGETS[name] else "OVER TARGET"
        print(f"  {name}: {value:.3f} s (target {TARGETS[name]} s) {verdict}")
    print(f"Load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    old = setup_databases(verbosity=0, interactive=False)
    try:
        main()
    finally:
        teardown_databases(old, verbosity=0)
