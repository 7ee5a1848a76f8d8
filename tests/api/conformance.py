#!/usr/bin/env python3
"""The API answers as its own OpenAPI document says (scripts/test runs this).

Starts the debug `coderank serve` (no judging slots, objects in a scratch directory) on a free
port against a scratch database, seeds a little data through the API (an admin and a user made
with `coderank user create`, a published problem with tests, a queued submission, which half
of the generated path parameters then name), then runs
schemathesis from `/api/v1/openapi.json` three times: as an anonymous caller, as the user and
as the admin (destructive operations included: the data is scratch). Every run uses the checks
`not_a_server_error`, `status_code_conformance`, `response_schema_conformance` and
`content_type_conformance`, with few examples per operation and an overall time limit; any
failure fails the script. The server is stopped and the database dropped at the end, whatever
happened.

    tests/api/conformance.py --coderank target/debug/coderank --schemathesis "$(scripts/pytools)/st"

Reproduce one failure by hand with the `curl` line schemathesis prints, against a server
started the same way (`--keep` leaves it running and prints its URL and tokens).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from scripting import free_port, http  # noqa: E402  (tests/scripting.py)

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
PASSWORD = "conformance-password"
SLUG = "conformance-sum"


def say(message):
    print(f"conformance: {message}", file=sys.stderr, flush=True)


def fail(message):
    print(f"conformance: FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def expect(status, answer, what):
    got, text = answer
    if got != status:
        fail(f"{what}: expected {status}, got {got}: {text[:500]}")
    return json.loads(text) if text else None


def psql(url, sql):
    subprocess.run(["psql", url, "-qc", sql], check=True, capture_output=True, text=True)


class Scratch:
    """A scratch database (named so that scripts/test's clean-up also drops a leftover one)
    and a scratch directory, removed by `close`."""

    def __init__(self, admin_url):
        self.admin_url = admin_url
        self.name = f"coderank_test_conformance_{uuid.uuid4().hex[:12]}"
        psql(admin_url, f'CREATE DATABASE "{self.name}"')
        parts = urllib.parse.urlsplit(admin_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        self.dir = tempfile.mkdtemp(prefix="coderank-conformance-")

    def close(self):
        try:
            psql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except subprocess.CalledProcessError as error:
            say(f"could not drop {self.name}: {error.stderr.strip()}")
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """`coderank serve` on a free port, its log in the scratch directory."""

    def __init__(self, coderank, scratch):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(scratch.dir, "serve.log")
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": scratch.url,
                "CODERANK_BIND": f"127.0.0.1:{self.port}",
                "CODERANK_PUBLIC_URL": self.base,
                "CODERANK_STORAGE": "local",
                "CODERANK_STORAGE_DIR": os.path.join(scratch.dir, "objects"),
                "CODERANK_CACHE_DIR": os.path.join(scratch.dir, "cache"),
                "CODERANK_WORKERS": "0",
                "CODERANK_LOG": "warn,coderank=info",
                # Schemathesis signs in and registers far more often than people do.
                "CODERANK_RATE_LOGIN": "off",
                "CODERANK_RATE_REGISTER": "off",
                "CODERANK_RATE_SUBMIT": "off",
            }
        )
        self.log = open(self.log_path, "w")
        # The settings above are flags' environment variables; no .env file is read.
        empty = os.path.join(scratch.dir, "empty.env")
        open(empty, "w").close()
        self.process = subprocess.Popen(
            [coderank, "serve", "--env-file", empty],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=scratch.dir,
        )

    def wait_ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                fail(f"coderank serve exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if http("GET", f"{self.base}/readyz", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        fail(f"coderank serve was not ready within {seconds} s:\n{self.tail()}")

    def tail(self, lines=40):
        self.log.flush()
        with open(self.log_path) as log:
            return "".join(log.readlines()[-lines:])

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def api_token(server, coderank, scratch, email, admin):
    """A user made with `coderank user create`, signed in, with a personal API token: it has
    no session that a fuzzed sign-out could end."""
    args = [coderank, "user", "create", "--email", email, "--password-stdin"]
    if admin:
        args.append("--admin")
    env = dict(os.environ, DATABASE_URL=scratch.url)
    subprocess.run(args, input=PASSWORD + "\n", env=env, check=True, capture_output=True, text=True,
                   cwd=scratch.dir)
    tokens = expect(200, http("POST", f"{server.base}/api/v1/auth/login",
                              {"email": email, "password": PASSWORD}), f"sign in as {email}")
    created = expect(201, http("POST", f"{server.base}/api/v1/tokens", {"name": "conformance"},
                               token=tokens["access_token"]), f"API token of {email}")
    return created["token"]


def seed(server, admin, user):
    """A published problem with a sample and a secret test, and a submission to it."""
    base = server.base
    expect(201, http("POST", f"{base}/api/v1/problems",
                     {"slug": SLUG, "title": "Conformance sum", "statement": "Add two numbers."},
                     token=admin), "create a problem")
    for kind, name, given, answer in [("sample", "1", "1 2\n", "3\n"), ("secret", "big", "40 2\n", "42\n")]:
        expect(200, http("POST", f"{base}/api/v1/problems/{SLUG}/tests",
                         {"kind": kind, "name": name, "input": given, "answer": answer},
                         token=admin), f"add the {kind} test")
    expect(200, http("PATCH", f"{base}/api/v1/problems/{SLUG}", {"published": True}, token=admin),
           "publish the problem")
    source = "a, b = map(int, input().split())\nprint(a + b)\n"
    submitted = expect(202, http("POST", f"{base}/api/v1/submissions",
                                 {"problem": SLUG, "language": "python3", "source": source}, token=user),
                       "submit a solution")
    return submitted["id"]


def config(scratch, submission):
    """A schemathesis configuration that uses the seeded problem and submission for half of the
    path parameters, so operations reach real rows and their answers' schemas are checked too."""
    path = os.path.join(scratch.dir, "schemathesis.toml")
    with open(path, "w") as toml:
        toml.write(
            f'[dictionaries.slugs]\nvalues = ["{SLUG}"]\n\n'
            f'[dictionaries.ids]\nvalues = ["{submission}"]\n\n'
            "[parameters]\n"
            '"path.slug" = { dictionary = "slugs", probability = 0.5 }\n'
            '"path.id" = { dictionary = "ids", probability = 0.5 }\n'
        )
    return path


def schemathesis(st, settings, server, scratch, callers, args):
    """The schemathesis runs, one per caller, at once (most of a run's time is spent waiting for
    the server, e.g. a playground run that no worker judges); answers the callers that failed.
    Each run's output is printed whole when it ends."""
    env = dict(os.environ, SCHEMATHESIS_HOOKS=os.path.join(HERE, "hooks.py"))
    runs = []
    for who, token in callers:
        argv = [
            st, "--config-file", settings, "run", f"{server.base}/api/v1/openapi.json",
            "--checks", CHECKS,
            "--max-examples", str(args.max_examples),
            "--phases", "examples,coverage,fuzzing",
            "--workers", str(args.workers),
            "--request-timeout", "20",
            "--generation-database", "none",
            "--seed", str(args.seed),
            "--no-color",
            "--report", "junit",
            "--report-junit-path", os.path.join(args.reports or scratch.dir, f"{who}.xml"),
        ]
        if token:
            argv += ["--header", f"Authorization: Bearer {token}"]
        output = open(os.path.join(scratch.dir, f"{who}.out"), "w+")
        say(f"schemathesis as {who}")
        process = subprocess.Popen(argv, cwd=scratch.dir, env=env, stdout=output, stderr=subprocess.STDOUT)
        runs.append((who, process, output))
    started = time.time()
    failed = []
    for who, process, output in runs:
        try:
            process.wait(timeout=max(1, args.timeout - (time.time() - started)))
            outcome = f"exit {process.returncode}"
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            outcome = f"not finished within {args.timeout} s"
        output.seek(0)
        print(f"\n{'=' * 30} schemathesis as {who} {'=' * 30}\n{output.read()}", flush=True)
        output.close()
        say(f"schemathesis as {who}: {outcome} after {time.time() - started:.0f} s")
        if process.returncode != 0:
            failed.append(who)
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coderank", required=True, help="the debug coderank binary")
    parser.add_argument("--schemathesis", required=True, help="the `st` of the pinned schemathesis")
    parser.add_argument("--max-examples", type=int, default=20, help="test cases per operation and phase")
    parser.add_argument("--timeout", type=int, default=180, help="seconds the schemathesis runs may take")
    parser.add_argument("--workers", type=int, default=2, help="concurrent requests of each schemathesis run")
    parser.add_argument("--seed", type=int, default=14, help="hypothesis seed (reproducible runs)")
    parser.add_argument("--only", choices=["anonymous", "user", "admin"], action="append",
                        help="run only these callers (default: all three)")
    parser.add_argument("--reports", help="a folder to keep the JUnit reports in (one per caller)")
    parser.add_argument("--keep", action="store_true", help="leave the server and database for a look")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        fail("DATABASE_URL is not set (source the .env that scripts/bootstrap writes)")
    coderank = os.path.abspath(args.coderank)

    scratch = Scratch(os.environ["DATABASE_URL"])
    server = None
    passed = False
    try:
        server = Server(coderank, scratch)
        server.wait_ready()
        admin = api_token(server, coderank, scratch, "admin@conformance.test", admin=True)
        user = api_token(server, coderank, scratch, "user@conformance.test", admin=False)
        if args.keep:
            say(f"tokens: admin {admin} user {user}")
        settings = config(scratch, seed(server, admin, user))
        callers = [(who, token) for who, token in [("anonymous", None), ("user", user), ("admin", admin)]
                   if not args.only or who in args.only]
        failed = schemathesis(args.schemathesis, settings, server, scratch, callers, args)
        errors = [line for line in server.tail(10_000).splitlines() if " ERROR " in line or "panicked" in line]
        if errors:
            say("the server logged errors:\n" + "\n".join(errors[:20]))
            failed.append("server log")
        if failed:
            fail(f"not conformant: {', '.join(failed)} (server log: {server.log_path})")
        passed = True
        say("every answer conforms to the OpenAPI document")
    finally:
        if args.keep and server:
            say(f"kept: {server.base} database {scratch.name} log {server.log_path}")
            try:
                input("press Enter to stop the server and drop the database ")
            except (EOFError, KeyboardInterrupt):
                pass
        if server:
            if not passed:
                say(f"last lines of the server log:\n{server.tail()}")
            server.stop()
        scratch.close()


if __name__ == "__main__":
    main()
