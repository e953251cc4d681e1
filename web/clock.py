"""The clock process (`clock:` in the Procfile): runs the scheduled jobs, and only this.

One clock process per deployment; it also runs the refresh once when it starts. Web
workers never schedule: with three gunicorn workers each job would run three times.
Should two clocks run after all, the job lock (web/jobs.py) still lets only one run of
a job go ahead.
"""

import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler

from models.base import BELGIUM
from web import create_app
from web.config import settings_of
from web.jobs import JOBS, run_job, schedule_of

log = logging.getLogger("web.clock")


def main() -> None:
    """Start the scheduler and block; each job fires on its trigger."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app()
    scheduler = BlockingScheduler(timezone=BELGIUM)
    for job in JOBS.values():
        trigger = schedule_of(job, settings_of(app))
        scheduler.add_job(
            run_job,
            trigger,
            args=(app, job.name, "schedule"),
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,  # a run that fires late (a busy machine) runs once
            misfire_grace_time=6 * 3600,
        )
        log.info("scheduled %s: %s", job.name, trigger)
    # A clock that was down (a deploy, a restart) over the night would skip that
    # night's refresh: one run at start catches it up, and costs little when there is
    # nothing to do (the refresh is idempotent).
    scheduler.add_job(
        run_job,
        args=(app, "refresh-availability", "start"),
        id="refresh-at-start",
        name="refresh-availability at start",
    )
    # A deploy stops the clock with SIGTERM: let a running job finish its transaction.
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=True))
    scheduler.start()


if __name__ == "__main__":
    main()
