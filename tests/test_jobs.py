"""The job decorator and the burst worker, on the real (or embedded) Redis."""

from flask import current_app

from server.queues import get_queue, job


@job("maintenance")
def record_instance_path(key: str) -> str:
    # Runs in the worker: proves the job got an app context with the right app.
    from server.extensions import redis_store

    redis_store.connection().set(key, current_app.instance_path)
    return "done"


def test_job_runs_in_app_context(app, worker):
    with app.app_context():
        queued = record_instance_path.enqueue("probe")
        assert queued.origin == "maintenance"
        assert get_queue("maintenance").count == 1
    worker("maintenance")
    with app.app_context():
        from server.extensions import redis_store

        assert redis_store.connection().get("probe").decode() == app.instance_path
        queued.refresh()
        assert queued.get_status() == "finished"


@job("mail")
def record_what_the_fork_inherited(key: str) -> None:
    from server.extensions import redis_store

    built = [name for name in ("mail_provider", "mail_limiter") if name in current_app.extensions]
    redis_store.connection().set(key, ",".join(built))


def test_flask_worker_builds_the_mail_provider_and_limiter_before_forking(app, runner):
    with app.app_context():  # as `flask worker` runs: inside the app's context
        record_what_the_fork_inherited.enqueue("inherited")
        result = runner.invoke(args=["worker", "--burst", "--queue", "mail"])
        assert result.exit_code == 0, result.output
        from server.extensions import redis_store

        assert redis_store.connection().get("inherited") == b"mail_provider,mail_limiter"
