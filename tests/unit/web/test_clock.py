"""The clock process schedules every job, on its trigger, and runs it through run_job."""

from typing import Any, ClassVar

import pytest

from web import clock
from web.jobs import JOBS


class RecordingScheduler:
    """Stands in for BlockingScheduler: records the jobs instead of blocking."""

    instances: ClassVar[list["RecordingScheduler"]] = []

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.jobs: list[dict[str, Any]] = []
        self.started = False
        RecordingScheduler.instances.append(self)

    def add_job(self, func: Any, trigger: Any = None, **options: Any) -> None:
        self.jobs.append({"func": func, "trigger": trigger, **options})

    def start(self) -> None:
        self.started = True


def test_the_clock_schedules_each_job_once_on_its_trigger(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("DUAAL_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'clock.sqlite3'}")
    monkeypatch.setenv("JOBS_REFRESH_AT", "03:15")
    monkeypatch.setattr(clock, "BlockingScheduler", RecordingScheduler)
    clock.main()
    (scheduler,) = RecordingScheduler.instances[-1:]
    assert scheduler.started
    assert str(scheduler.options["timezone"]) == "Europe/Brussels"
    by_name = {job["id"]: job for job in scheduler.jobs}
    # Each job on its trigger, and one refresh at start to catch up a night missed.
    assert set(by_name) == {*JOBS, "refresh-at-start"}
    assert by_name["refresh-at-start"]["args"][1:] == ("refresh-availability", "start")
    refresh = by_name["refresh-availability"]
    assert str(refresh["trigger"]) == "cron[hour='3', minute='15']"
    assert str(by_name["send-mail"]["trigger"]) == "interval[0:01:00]"
    assert str(by_name["erase-students"]["trigger"]) == "cron[hour='4', minute='15']"
    for job in (j for j in scheduler.jobs if j["id"] in JOBS):
        assert job["func"] is clock.run_job
        assert job["args"][1:] == (job["id"], "schedule")
        # One run at a time per process, and one catch-up run after downtime.
        assert job["max_instances"] == 1 and job["coalesce"] is True
