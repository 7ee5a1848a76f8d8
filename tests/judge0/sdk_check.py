"""Drives CodeRank's Judge0-compatible API with the official Judge0 Python SDK (PyPI `judge0`).

Run by tests/integration/judge0.rs against a CodeRank with judge workers:
    python tests/judge0/sdk_check.py --url http://127.0.0.1:PORT/judge0 --token crk_...
Prints one line per check and exits 0 when all pass, 1 naming the first that failed.
"""
import argparse
import sys

import judge0
from judge0 import Client, Status, Submission

CPP_SYNTAX_ERROR = "int main() { return 0 }\n"


def check(condition, what):
    if not condition:
        print(f"FAIL: {what}", flush=True)
        sys.exit(1)
    print(f"ok: {what.split(':')[0]}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()

    # The client reads /languages and /config_info when it is made.
    client = Client(args.url, {"X-Auth-Token": args.token})
    ids = {language.id: language.name for language in client.languages}
    check(71 in ids and 54 in ids and 62 in ids, f"languages by Judge0 id: {ids}")
    check(client.config.max_cpu_time_limit > 0, f"config_info: {client.config}")
    check(client.version == "1.13.1", f"about: {client.version}")
    statuses = client.get_statuses()
    check(len(statuses) == 14 and statuses[10]["id"] == 11, f"statuses: {statuses}")

    # Create, then wait (the SDK polls GET /submissions/{token}, base64 and fields=*).
    doubled = client.create_submission(
        Submission(source_code="print(int(input()) * 2)\n", language=71, stdin="21\n", expected_output="42")
    )
    check(doubled.token is not None, f"created with a token: {doubled}")
    judge0.wait(client=client, submissions=doubled)
    check(doubled.status == Status.ACCEPTED, f"create + wait: accepted: {doubled}")
    check(doubled.stdout == "42\n", f"create + wait: stdout: {doubled.stdout!r}")
    check(doubled.time is not None and doubled.memory is not None, f"time and memory: {doubled}")

    # Base64 both ways, with text that is not ASCII.
    echo = client.create_submission(
        Submission(
            source_code="import sys\nsys.stdout.write(sys.stdin.read())\n",
            language=71,
            stdin="héllo ✓\nline two\n",
        )
    )
    judge0.wait(client=client, submissions=echo)
    check(echo.stdout == "héllo ✓\nline two\n", f"base64 round trip: {echo.stdout!r}")

    # A batch: POST and GET /submissions/batch.
    batch = [
        Submission(source_code="print(1)\n", language=71, expected_output="1"),
        Submission(source_code="print(2)\n", language=71, expected_output="1"),
        Submission(source_code="import sys\nsys.exit(3)\n", language=71),
    ]
    client.create_submissions(batch)
    check(all(submission.token for submission in batch), f"batch tokens: {batch}")
    judge0.wait(client=client, submissions=batch)
    got = [submission.status for submission in batch]
    expected = [Status.ACCEPTED, Status.WRONG_ANSWER, Status.RUNTIME_ERROR_NZEC]
    check(got == expected, f"batch statuses: {got}")
    check(batch[2].exit_code == 3, f"batch exit code: {batch[2].exit_code}")

    # A compile error.
    broken = client.create_submission(Submission(source_code=CPP_SYNTAX_ERROR, language=54))
    judge0.wait(client=client, submissions=broken)
    check(broken.status == Status.COMPILATION_ERROR, f"compile error: {broken}")
    check(bool(broken.compile_output), f"compile output: {broken.compile_output!r}")

    # A time limit exceeded.
    spin = client.create_submission(
        Submission(source_code="while True:\n    pass\n", language=71, cpu_time_limit=1, wall_time_limit=3)
    )
    judge0.wait(client=client, submissions=spin)
    check(spin.status == Status.TIME_LIMIT_EXCEEDED, f"time limit: {spin}")
    print("all Judge0 SDK checks passed", flush=True)


if __name__ == "__main__":
    main()
