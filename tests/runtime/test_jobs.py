"""Jobs and status transitions on the virtual clock, through a tiny internal job."""

import httpx

from emulator import jobs, lifecycle
from state.models import Transition


@lifecycle.handles("test.job")
def _finish_test_job(tx, transition: Transition, now) -> None:
    job = tx.get(jobs.Job, transition.resource_id)
    if transition.target == "SUCCESS":
        jobs.finish(tx, job, transition.due_at, entities={"widget_id": "w-1"})
    else:
        jobs.fail(tx, job, transition.due_at, error_code="Test.0001", reason="it broke")


def start_job(flexemu, project: str, outcome: str, after: float, children: int = 0) -> str:
    emulator = flexemu.emulator
    with emulator.db.transaction() as tx:
        now = emulator.clock.now()
        parent = jobs.create(
            tx, project_id=flexemu.project_ids[project], job_type="makeWidgets", now=now
        )
        targets = (
            [parent]
            if not children
            else [
                jobs.create(
                    tx,
                    project_id=parent.project_id,
                    job_type="makeWidget",
                    now=now,
                    parent_id=parent.id,
                )
                for _ in range(children)
            ]
        )
        tx.flush()
        for index, job in enumerate(targets):
            target = outcome if index == len(targets) - 1 else "SUCCESS"
            lifecycle.schedule(
                tx,
                service="test",
                kind="test.job",
                resource_id=job.id,
                target=target,
                now=now,
                after=after,
            )
        return parent.id


def show(flexemu, job_id: str, project: str = "eu-west-0") -> httpx.Response:
    token = flexemu.openstack(project=project).session.get_token()
    return httpx.get(
        f"{flexemu.url}/v1/{flexemu.project_ids[project]}/jobs/{job_id}",
        headers={"X-Auth-Token": token},
    )


def test_job_runs_until_the_clock_reaches_its_end(flexemu):
    job_id = start_job(flexemu, "eu-west-0", "SUCCESS", after=60)
    running = show(flexemu, job_id)
    assert running.status_code == 200
    assert running.json()["status"] == "RUNNING"
    assert running.json()["end_time"] == ""
    assert running.headers["X-Request-Id"]
    flexemu.advance("PT61S")
    done = show(flexemu, job_id).json()
    assert done["status"] == "SUCCESS"
    assert done["entities"] == {"widget_id": "w-1"}
    assert done["end_time"].endswith("Z") and done["job_type"] == "makeWidgets"


def test_parent_job_follows_its_sub_jobs(flexemu):
    job_id = start_job(flexemu, "eu-west-0", "FAIL", after=5, children=2)
    flexemu.advance("PT10S")
    body = show(flexemu, job_id).json()
    assert body["status"] == "FAIL"
    assert body["error_code"] == "Test.0001" and body["fail_reason"] == "it broke"
    assert body["entities"]["sub_jobs_total"] == 2
    assert sorted(sub["status"] for sub in body["entities"]["sub_jobs"]) == ["FAIL", "SUCCESS"]


def test_a_job_of_another_project_is_not_found(flexemu):
    job_id = start_job(flexemu, "eu-west-1", "SUCCESS", after=0)
    response = show(flexemu, job_id, project="eu-west-0")
    assert response.status_code == 404
    assert response.json()["error"]["code"]


def test_a_token_of_another_project_is_refused_on_a_project_path(flexemu):
    job_id = start_job(flexemu, "eu-west-1", "SUCCESS", after=0)
    token = flexemu.openstack(project="eu-west-0").session.get_token()
    response = httpx.get(
        f"{flexemu.url}/v1/{flexemu.project_ids['eu-west-1']}/jobs/{job_id}",
        headers={"X-Auth-Token": token},
    )
    assert response.status_code == 403


def test_aksk_caller_reads_its_job(flexemu):
    from tests.signing import signed

    job_id = start_job(flexemu, "eu-west-0", "SUCCESS", after=0)
    url = f"{flexemu.url}/v1/{flexemu.project_ids['eu-west-0']}/jobs/{job_id}"
    response = signed("GET", url, flexemu.access_key, flexemu.secret_key)
    assert response.status_code == 200
    assert response.json()["status"] == "SUCCESS"
    missing_token = httpx.get(url)
    assert missing_token.status_code == 401
    assert missing_token.json()["error_code"] == "APIGW.0301"
