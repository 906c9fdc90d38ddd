"""Running a function in several threads at the same moment, each with its own database
connection, for the tests of what must hold when two people (or workers) act at once."""

import threading

from django.db import connection


def at_once(function, times: int = 2) -> list:
    """Call `function()` from `times` threads released together; returns their results."""
    barrier = threading.Barrier(times)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(function())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
