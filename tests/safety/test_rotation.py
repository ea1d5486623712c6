"""Rotation: keep the newest backup of each of the last 7 days and 4 weeks before
them (synthetic timestamps, no files needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from coordinator.backups import BackupInfo, RotationPolicy, plan_rotation

START = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # a Tuesday


def make(stamps: list[datetime], reason: str = "auto") -> list[BackupInfo]:
    return [BackupInfo(Path(f"/b/{i}-{s.isoformat()}.db"), s, reason) for i, s in enumerate(stamps)]


def test_daily_for_sixty_days_keeps_7_days_and_4_older_weeks() -> None:
    backups = make([START - timedelta(days=d) for d in range(60)])
    keep, delete = plan_rotation(backups, RotationPolicy(), tz=UTC)
    days = sorted({(START - b.created_at).days for b in keep})
    assert days[:7] == list(range(7))
    weekly = days[7:]
    assert len(weekly) == 4
    # one per ISO week, each older than the daily ones, in distinct weeks
    assert len({(START - timedelta(days=d)).isocalendar()[:2] for d in weekly}) == 4
    assert len(keep) + len(delete) == 60


def test_several_backups_a_day_keep_the_newest_of_each_day() -> None:
    stamps = [START - timedelta(days=d, hours=h) for d in range(3) for h in (0, 2, 5)]
    keep, _ = plan_rotation(make(stamps), RotationPolicy(daily=7, weekly=0), tz=UTC)
    assert sorted(b.created_at for b in keep) == sorted(START - timedelta(days=d) for d in range(3))


def test_fewer_backups_than_the_policy_keeps_them_all() -> None:
    backups = make([START - timedelta(days=d * 3) for d in range(5)])
    keep, delete = plan_rotation(backups, RotationPolicy(), tz=UTC)
    assert len(keep) == 5 and not delete


def test_configurable_counts() -> None:
    backups = make([START - timedelta(days=d) for d in range(60)])
    keep, _ = plan_rotation(backups, RotationPolicy(daily=2, weekly=1, safety=0), tz=UTC)
    assert len(keep) == 3


def test_newest_is_kept_even_with_an_empty_policy() -> None:
    backups = make([START - timedelta(days=d) for d in range(5)])
    keep, delete = plan_rotation(backups, RotationPolicy(daily=0, weekly=0, safety=0), tz=UTC)
    assert [b.created_at for b in keep] == [START]
    assert len(delete) == 4


def test_recent_safety_backups_survive_rotation() -> None:
    autos = make([START - timedelta(days=d) for d in range(40)])
    # a before-restore backup taken an hour before the day's automatic backup
    safety = make([START - timedelta(days=20, hours=1)], reason="before-restore")
    keep, _ = plan_rotation(autos + safety, RotationPolicy(), tz=UTC)
    assert safety[0] in keep


def test_days_follow_the_given_time_zone() -> None:
    from zoneinfo import ZoneInfo

    chicago = ZoneInfo("America/Chicago")
    # 03:00 and 05:00 UTC on the 24th are both still the 23rd in Chicago
    stamps = [datetime(2026, 11, 24, 3, tzinfo=UTC), datetime(2026, 11, 24, 5, tzinfo=UTC)]
    keep_utc, _ = plan_rotation(make(stamps), RotationPolicy(daily=7, weekly=0), tz=UTC)
    keep_chi, _ = plan_rotation(make(stamps), RotationPolicy(daily=7, weekly=0), tz=chicago)
    assert len(keep_utc) == 1 and len(keep_chi) == 1  # same day either way
    stamps.append(datetime(2026, 11, 24, 7, tzinfo=UTC))  # 01:00 on the 24th in Chicago
    keep_chi, _ = plan_rotation(make(stamps), RotationPolicy(daily=7, weekly=0), tz=chicago)
    assert len(keep_chi) == 2
