"""Compute every area's legal categories, colour and trend flag again, e.g. after changing a threshold."""

import time

from django.core.management.base import BaseCommand

from boligsocial.areas.services import classify_all


class Command(BaseCommand):
    help = "Compute the legal categories, colours and trend flags of every area and year."

    def handle(self, *args, **options):
        start = time.perf_counter()
        summary = classify_all(actor=None)
        seconds = time.perf_counter() - start
        categories = ", ".join(f"{name} {count}" for name, count in summary.by_category.items())
        self.stdout.write(
            f"{summary.results} area-years in {summary.areas} areas computed in {seconds:.2f} s; {categories}; "
            f"{summary.flagged} trend flags."
        )
