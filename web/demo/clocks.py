"""Training-day clocks for the demo: lessons start dates taken from the school calendar,
so that students stand where the demo wants them on their 20 training days (DOMAIN.md
step 5), and the warnings the morning job would have written on the way there."""

from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from models import TrainingClockWarning
from models.school_calendar import TRAINING_DAYS_TO_SIGN, WARN_AT_DAYS_LEFT, is_training_day
from web.demo.history import moment
from web.services import agreements
from web.services.policy import Party

# The morning job's hour (web/jobs.py, "training-clocks").
CLOCK_JOB_AT = time(6, 30)
# A summer holiday and then some: every search back or forth ends well within it.
MAX_DAYS = 400


def start_for_days_used(today: date, used: int) -> date:
    """The clock start from which `used` training days (1 or more) have gone by today,
    today included: the lessons start date that leaves 20 - `used` days."""
    return training_days_before(today + timedelta(days=1), used)


def training_days_before(day: date, n: int) -> date:
    """The n-th training day before `day` (n >= 1)."""
    counted = 0
    for back in range(1, MAX_DAYS):
        candidate = day - timedelta(days=back)
        if is_training_day(candidate):
            counted += 1
            if counted == n:
                return candidate
    raise ValueError(f"no {n} training days within {MAX_DAYS} days before {day}")


def day_reaching(start: date, used: int) -> date:
    """The day on which a clock started on `start` has used `used` training days."""
    counted = 0
    for forward in range(MAX_DAYS):
        candidate = start + timedelta(days=forward)
        if is_training_day(candidate):
            counted += 1
            if counted == used:
                return candidate
    raise ValueError(f"no {used} training days within {MAX_DAYS} days from {start}")


def record_warnings(session: Session, coach: Party, today: date) -> None:
    """Write the warnings the morning job gave the coach's school at 10 and 5 days left and
    when time ran out (then the student is marked for the coach to confirm), each on
    the morning it crossed its threshold."""
    for clock in agreements.clocks(session, coach, today):
        if clock.started_on is None or clock.days_left is None:
            continue
        for threshold in (*WARN_AT_DAYS_LEFT, 0):
            if clock.days_left > threshold:
                continue
            day = day_reaching(clock.started_on, TRAINING_DAYS_TO_SIGN - threshold)
            session.add(
                TrainingClockWarning(
                    student_id=clock.student.id,
                    clock_start=clock.started_on,
                    days_left=threshold,
                    warned_at=moment(day, CLOCK_JOB_AT),
                )
            )
            if threshold == 0:
                clock.student.time_up_on = day
    session.flush()
