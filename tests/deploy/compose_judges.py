#!/usr/bin/env python3
"""The coderank image judges as docker-compose.yml runs it (scripts/test runs this).

No image registry answers on the test machine, so the compose file's PostgreSQL and MinIO
cannot be pulled. This runs the compose file's own `migrate`, `judge-images`, `api` and `worker`
services (their command, user, read-only root, tmpfs, volumes and environment, as
`docker-compose config` resolves them) as containers of the coderank image on the host's
network, against the bootstrap's PostgreSQL (a scratch database) and Garage. Then, as a user
would: A+B submitted through the API is judged AC and WA by the worker container, a playground
run comes back, and both /metrics endpoints parse with prometheus_client's parser and count
what happened. Every container and the scratch database are removed at the end.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.parse

import yaml
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from scripting import free_port, http  # noqa: E402  (tests/scripting.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LABEL = "coderank-compose-check"
SCRATCH_DB = "coderank_compose"


def fail(message):
    print(f"compose_judges: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def say(message):
    print(f"compose_judges: {message}", file=sys.stderr)


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kwargs)


def scratch_database(url):
    parts = urllib.parse.urlsplit(url)
    admin = url
    run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)'])
    run(["psql", admin, "-qc", f'CREATE DATABASE "{SCRATCH_DB}"'])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{SCRATCH_DB}"))


def docker_run_args(name, service, image, environment, detach):
    """`docker run` arguments for a compose service, on the host's network."""
    args = ["docker", "run", "--name", name, "--label", LABEL, "--network", "host"]
    args += ["-d"] if detach else ["--rm"]
    if service.get("user"):
        args += ["--user", str(service["user"])]
    if service.get("read_only"):
        args += ["--read-only"]
    for mount in service.get("tmpfs", []) or []:
        args += ["--tmpfs", mount]
    for volume in service.get("volumes", []) or []:
        if isinstance(volume, dict):
            volume = f"{volume['source']}:{volume['target']}"
        args += ["-v", volume]
    env = dict(service.get("environment") or {})
    env.update(environment)
    for key, value in sorted(env.items()):
        args += ["-e", f"{key}={value}"]
    return args + [image] + list(service["command"])


def wait_for(what, probe, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.5)
    fail(f"{what} did not happen within {seconds} s")


def metric_samples(text):
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            samples[key] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default="coderank:test")
    parser.add_argument("--coderank", required=True, help="a coderank binary on this host, for the CLI steps")
    args = parser.parse_args()
    for variable in ["DATABASE_URL", "S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]:
        if not os.environ.get(variable):
            fail(f"{variable} is not set (source the .env that scripts/bootstrap writes)")

    config = yaml.safe_load(run(["docker-compose", "-f", os.path.join(ROOT, "docker-compose.yml"), "config"]).stdout)
    services = config["services"]
    for needed in ["migrate", "api", "worker", "judge-images"]:
        if needed not in services:
            fail(f"docker-compose.yml has no {needed} service")

    api_port, metrics_port = free_port(), free_port()
    database_url = scratch_database(os.environ["DATABASE_URL"])
    here = {
        "DATABASE_URL": database_url,
        "S3_ENDPOINT": os.environ["S3_ENDPOINT"],
        "S3_REGION": os.environ.get("S3_REGION", "garage"),
        "S3_BUCKET": os.environ.get("S3_BUCKET", "coderank"),
        "S3_ACCESS_KEY_ID": os.environ["S3_ACCESS_KEY_ID"],
        "S3_SECRET_ACCESS_KEY": os.environ["S3_SECRET_ACCESS_KEY"],
        "CODERANK_BIND": f"127.0.0.1:{api_port}",
        "CODERANK_LOG_FORMAT": "text",
    }
    suffix = str(os.getpid())
    names = {service: f"{LABEL}-{service}-{suffix}" for service in services}
    started = []
    try:
        say("migrate")
        run(docker_run_args(names["migrate"], services["migrate"], args.image, here, detach=False))
        say("judge-images (coderank images build --missing, against the host's engine)")
        run(docker_run_args(names["judge-images"], services["judge-images"], args.image, here, detach=False))

        api = services["api"]
        if any("docker.sock" in str(volume) for volume in api.get("volumes", []) or []):
            fail("the api service mounts the Docker socket")
        if str(api.get("user", "")).split(":")[0] in ("", "0", "root"):
            fail(f"the api service runs as {api.get('user')!r}, not as an unprivileged user")
        say("api")
        run(docker_run_args(names["api"], api, args.image, here, detach=True))
        started.append(names["api"])
        worker = dict(services["worker"])
        worker["command"] = [part.replace("0.0.0.0:9100", f"127.0.0.1:{metrics_port}") for part in worker["command"]]
        say("worker")
        run(docker_run_args(names["worker"], worker, args.image, here, detach=True))
        started.append(names["worker"])

        base = f"http://127.0.0.1:{api_port}"

        def ready():
            try:
                status, body = http("GET", f"{base}/readyz", timeout=5)
            except OSError:
                return None
            return json.loads(body) if status == 200 else None

        readiness = wait_for("the API's /readyz answering 200", ready, 90)
        if "docker" in readiness["checks"]:
            fail(f"the API checks a Docker engine it does not use: {readiness}")
        uid = run(["docker", "exec", names["api"], "id", "-u"]).stdout.strip()
        if uid == "0":
            fail("the api container runs as root")
        check = subprocess.run(["docker", "exec", names["worker"], "coderank", "worker", "--check"],
                               text=True, capture_output=True)
        if check.returncode != 0 or not check.stdout.strip().endswith("OK"):
            fail(f"`coderank worker --check` in the worker container: {check.stdout}{check.stderr}")

        cli_env = dict(os.environ, DATABASE_URL=database_url)
        run([args.coderank, "--log", "warn", "problem", "import", os.path.join(ROOT, "problems/aplusb"), "--publish"],
            env=cli_env, cwd=ROOT)
        status, body = http("POST", f"{base}/api/v1/auth/register",
                            {"email": "compose@example.org", "password": "compose check password",
                             "display_name": "Compose"})
        if status != 201:
            fail(f"register answered {status}: {body}")
        token = json.loads(body)["access_token"]

        def submit(path, language):
            with open(os.path.join(ROOT, "problems/aplusb/submissions", path)) as source:
                status, body = http("POST", f"{base}/api/v1/submissions",
                                    {"problem": "aplusb", "language": language, "source": source.read()}, token)
            if status != 202:
                fail(f"submitting {path} answered {status}: {body}")
            return json.loads(body)["id"]

        expected = {submit("accepted/aplusb.cpp", "cpp"): "AC", submit("wrong_answer/difference.py", "python3"): "WA"}
        for submission, verdict in expected.items():
            def finished():
                status, body = http("GET", f"{base}/api/v1/submissions/{submission}", token=token)
                found = json.loads(body)
                return found if found.get("status") == "finished" else None

            found = wait_for(f"a verdict for submission {submission}", finished, 180)
            if found["verdict"] != verdict:
                fail(f"submission {submission} was judged {found['verdict']}, expected {verdict}: {found}")
            say(f"submission judged {found['verdict']} in the worker container")

        status, body = http("POST", f"{base}/api/v1/runs",
                            {"language": "python3", "source": "print(input()[::-1])\n", "stdin": "compose\n"}, token)
        run_result = json.loads(body)
        while run_result.get("status") != "finished":
            time.sleep(0.3)
            status, body = http("GET", f"{base}/api/v1/runs/{run_result['id']}", token=token)
            run_result = json.loads(body)
        if run_result["result"]["stdout"] != "esopmoc\n":
            fail(f"the playground run answered {run_result}")
        say("playground run judged in the worker container")

        status, api_text = http("GET", f"{base}/metrics")
        if status != 200:
            fail(f"the API's /metrics answered {status}")
        status, worker_text = http("GET", f"http://127.0.0.1:{metrics_port}/metrics")
        if status != 200:
            fail(f"the worker's /metrics answered {status}")
        api_metrics, worker_metrics = metric_samples(api_text), metric_samples(worker_text)
        checks = [
            (value(api_metrics, "coderank_http_requests_total", method="POST", route="/api/v1/submissions", status="202"), 2),
            (value(api_metrics, "coderank_queue_depth", kind="submit"), 0),
            (value(api_metrics, "coderank_live_workers"), 1),
            (value(worker_metrics, "coderank_judgings_total", verdict="AC", language="cpp"), 1),
            (value(worker_metrics, "coderank_judgings_total", verdict="WA", language="python3"), 1),
            (value(worker_metrics, "coderank_judging_duration_seconds_count", language="cpp"), 1),
            (value(worker_metrics, "coderank_test_time_seconds_count", language="cpp"), 1),
            (value(worker_metrics, "coderank_sandbox_start_seconds_count"), 3),
        ]
        for found, least in checks:
            if found is None or found < least:
                fail(f"metrics: expected at least {least}, found {found}\nAPI:\n{api_text}\nworker:\n{worker_text}")
        slots = [v for (name, labels), v in worker_metrics.items() if name == "coderank_worker_slots"]
        if slots != [2.0]:
            fail(f"metrics: the worker's slots are {slots}, expected [2.0]")
        say("both /metrics endpoints parse and count the judgings")
    finally:
        for name in started:
            subprocess.run(["docker", "stop", "-t", "30", name], capture_output=True)
            logs = subprocess.run(["docker", "logs", "--tail", "40", name], text=True, capture_output=True)
            if logs.returncode == 0 and "--verbose" in sys.argv:
                print(logs.stdout + logs.stderr, file=sys.stderr)
            subprocess.run(["docker", "rm", "-f", name], capture_output=True)
        subprocess.run(["psql", os.environ["DATABASE_URL"], "-qc", f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)'],
                       capture_output=True)
    say("the coderank image judges AC and WA as docker-compose.yml runs it")


if __name__ == "__main__":
    main()
