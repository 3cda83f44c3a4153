"""Airflow DAG: the audiencelake nightly pipeline, one task per job, each a spark-submit of the shaded jar.

The data date is Airflow's logical date ({{ ds }}): the run for 2026-11-21 processes the feeds landed for
2026-11-21. Each job is idempotent per date and takes a lock of its own, so retries and manual reruns of a
task (or a backfill with `airflow dags backfill`) are safe. Keep PIPELINE in the order of
`audiencelake pipeline` (jobs/src/main/java/io/audiencelake/jobs/PipelinePlan.java); a test checks it.

Settings come from Airflow Variables (or their defaults):
  audiencelake_home     checkout or install folder holding scripts/spark-submit.sh and the jar
  audiencelake_config   environment config, e.g. /etc/audiencelake/prod.yaml
  audiencelake_submit   spark-submit options, e.g. "--master yarn --deploy-mode cluster --num-executors 20"
"""
from __future__ import annotations

from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator

PIPELINE = ["ingest", "identity", "profiles", "segments", "lookalike", "export", "lift", "report"]
# The run report is written whatever happened before it: a failed night is when people read it most.
ALWAYS = {"report"}

HOME = Variable.get("audiencelake_home", default_var="/opt/audiencelake")
CONFIG = Variable.get("audiencelake_config", default_var="/etc/audiencelake/prod.yaml")
SUBMIT = Variable.get("audiencelake_submit", default_var="--master yarn --deploy-mode client")

default_args = {
    "owner": "audience-platform",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=6),
}

with DAG(
    dag_id="audiencelake_nightly",
    description="ingest -> identity -> profiles -> segments -> lookalike -> export -> lift -> report, per data date",
    schedule="0 3 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["audiencelake"],
) as dag:
    tasks = []
    for job in PIPELINE:
        tasks.append(
            BashOperator(
                task_id=job,
                # Exit 1 (job failed) and 2 (bad config) both fail the task; only 1 is worth a retry, but a
                # retry of a config mistake fails again fast and writes nothing.
                bash_command=(
                    f"{HOME}/scripts/spark-submit.sh {SUBMIT} -- {job} "
                    f"--config {CONFIG} --date {{{{ ds }}}}"
                ),
                trigger_rule="all_done" if job in ALWAYS else "all_success",
            )
        )
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream
