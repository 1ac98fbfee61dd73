"""The worker policy counts the cores a process may really use: a container's CPU quota, not the host's."""

from __future__ import annotations

import os

from commentscope.analysis.run import pool


def _v1(tmp_path, quota: str, period: str = "100000"):
    (tmp_path / "q").write_text(quota + "\n")
    (tmp_path / "p").write_text(period + "\n")
    return (tmp_path / "q", tmp_path / "p")


def test_cgroup_v2_quota_is_read(tmp_path):
    v2 = tmp_path / "cpu.max"
    v2.write_text("150000 100000\n")
    assert pool.cpu_quota(v2, (tmp_path / "none", tmp_path / "none")) == 1.5
    v2.write_text("max 100000\n")
    assert pool.cpu_quota(v2, (tmp_path / "none", tmp_path / "none")) is None


def test_cgroup_v1_quota_is_read_when_v2_is_missing(tmp_path):
    assert pool.cpu_quota(tmp_path / "missing", _v1(tmp_path, "200000")) == 2.0
    assert pool.cpu_quota(tmp_path / "missing", _v1(tmp_path, "-1")) is None  # v1's "no limit"
    assert pool.cpu_quota(tmp_path / "missing", (tmp_path / "a", tmp_path / "b")) is None


def test_a_quota_caps_the_cores_and_rounds_up(monkeypatch):
    pinned = len(os.sched_getaffinity(0))
    monkeypatch.setattr(pool, "cpu_quota", lambda: 0.5)
    assert pool.available_cores() == 1
    monkeypatch.setattr(pool, "cpu_quota", lambda: 1000.0)
    assert pool.available_cores() == pinned
    monkeypatch.setattr(pool, "cpu_quota", lambda: None)
    assert pool.available_cores() == pinned
    assert pool.worker_count(None, comments=pool.POOL_MIN_COMMENTS) == pinned
    assert pool.worker_count(None, comments=10) == 1
    assert pool.worker_count(3, comments=10, tasks=2) == 2
