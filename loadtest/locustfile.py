"""What a researcher does, for ``loadtest/run.py``: searches, filters, permalinks, API calls.

Users wait for nothing between requests, so a step with N users measures the archive under N
requests in flight at all times. Permalinks (their canonical ``/questions/<id>/<slug>/``
form, so no redirect is timed) come from the file the runner names in ``LOADTEST_PERMALINKS``.
"""

from __future__ import annotations

import json
import os
import random

from corpus import DEPARTMENTS, SEARCHES
from locust import FastHttpUser, constant, task

with open(os.environ["LOADTEST_PERMALINKS"]) as file:
    PERMALINKS: list[str] = json.load(file)


class Researcher(FastHttpUser):
    wait_time = constant(0)

    @task(4)
    def search(self) -> None:
        self.client.get("/search", params={"q": random.choice(SEARCHES)}, name="/search?q=")

    @task(2)
    def filtered_search(self) -> None:
        params = {
            "q": random.choice(SEARCHES),
            "department": random.choice(DEPARTMENTS),
            "house": random.choice(("Commons", "Lords")),
            "date_from": "2019-01-01",
            "sort": random.choice(("relevance", "newest")),
        }
        self.client.get("/search", params=params, name="/search?q=&filters")

    @task(3)
    def permalink(self) -> None:
        self.client.get(random.choice(PERMALINKS), name="/questions/<id>/<slug>/")

    @task(3)
    def api_search(self) -> None:
        self.client.get(
            "/api/questions", params={"q": random.choice(SEARCHES)}, name="/api/questions?q="
        )
