from pathlib import Path

import yaml

from flows.inbox import build_deployment, inbox_flow

ROOT = Path(__file__).resolve().parent.parent


def test_deployment_runs_the_inbox_flow_on_a_schedule():
    deployment = build_deployment(interval_seconds=600, raw_dir="/data/inbox")
    assert deployment.name == "praxis-inbox"
    assert deployment.parameters["raw_dir"] == "/data/inbox"
    assert deployment.schedules[0].schedule.interval.total_seconds() == 600


def test_cron_schedule_is_accepted():
    deployment = build_deployment(cron="0 6 * * 1-5")
    assert deployment.schedules[0].schedule.cron == "0 6 * * 1-5"


def test_prefect_yaml_points_at_the_flow():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = config["deployments"]
    module, name = deployment["entrypoint"].split(":")
    assert (ROOT / module).exists() and name == inbox_flow.fn.__name__
