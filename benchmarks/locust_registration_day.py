"""Locust scenario of `bench_registration_day.py`: one simulated candidate on registration day.

Each iteration takes the next prepared candidate (a complete draft, an API token and a logged-in
session) and does what their phone does: read /api/me/, read the application (API), open the
application page (HTML), submit, then poll the status three times, 0.5 s apart. No think time
otherwise: the run is a closed loop, so throughput and latency show where the server saturates.

Run by bench_registration_day.py (which prepares the candidates); not on its own.
"""

from __future__ import annotations

import os
import time

from locust import HttpUser, constant, task
from locust.exception import StopUser


def _candidates():
    with open(os.environ["BENCH_CANDIDATES"]) as lines:
        for line in lines:
            app_id, token, session_key = line.split()
            yield app_id, token, session_key


# One iterator for every simulated user (locust's users are greenlets of one process): each
# candidate submits once, as on the real day.
CANDIDATES = _candidates()
STATUS_PATH = os.environ.get("BENCH_STATUS_PATH", "/api/registration/applications/{id}/status/")


class Candidate(HttpUser):
    wait_time = constant(0)

    @task
    def registration_day(self):
        try:
            app_id, token, session_key = next(CANDIDATES)
        except StopIteration:
            raise StopUser() from None  # reported: the script compares submits with candidates
        api = {"Authorization": f"Token {token}"}
        application = f"/api/registration/applications/{app_id}/"
        self.client.get("/api/me/", headers=api, name="1 me (API)")
        self.client.get(application, headers=api, name="2 application (API)")
        # The page is a browser's: the session cookie, and only there (a session on the API would
        # make DRF ask the POST below for a CSRF token).
        self.client.get(f"/registration/my/{app_id}/", cookies={"sessionid": session_key},
                        name="3 application page (HTML)")
        self.client.cookies.clear()
        with self.client.post(f"{application}submit/", headers=api, name="4 submit", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"submit answered {r.status_code}: {r.text[:200]}")
        for _ in range(3):
            time.sleep(0.5)  # gevent-patched: the greenlet waits, the others run
            self.client.get(STATUS_PATH.format(id=app_id), headers=api, name="5 status poll (API)")
