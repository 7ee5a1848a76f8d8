# Sandbox promise: no secrets in the environment.
#
# Checks the program's own environment, and the environment and command line
# of every process it can see in /proc (including /proc/1, the container's
# first process, which may be the judge's wrapper): none may name a variable
# like DATABASE_URL, S3_SECRET_ACCESS_KEY, AWS_*, DOCKER_HOST, *TOKEN*,
# *PASSWORD*, nor hold a database URL. A /proc/<pid>/environ that cannot be
# read is fine: unreadable is as good as empty. Prints SAFE, or LEAK: <where>.
import os
import sys

SECRET_NAME_PARTS = ["DATABASE", "S3", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "AWS", "DOCKER",
                     "ACCESS_KEY", "PRIVATE_KEY", "API_KEY", "CREDENTIAL", "PGPASS"]
SECRET_VALUE_PARTS = ["postgres://", "postgresql://", "s3://", "-----BEGIN"]
# Command-line options that carry secrets (e.g. --s3-secret-access-key, --database-url).
SECRET_OPTION_PARTS = ["DATABASE", "SECRET", "TOKEN", "PASSWORD", "PASSWD", "ACCESS_KEY",
                       "PRIVATE_KEY", "API_KEY", "CREDENTIAL"]


def secret_name(name):
    upper = name.upper()
    return next((part for part in SECRET_NAME_PARTS if part in upper), None)


def secret_value(value):
    lower = value.lower()
    return next((part for part in SECRET_VALUE_PARTS if part.lower() in lower), None)


def check_variables(where, pairs, leaks):
    for name, value in pairs:
        part = secret_name(name)
        if part:
            leaks.append(f"{where} has variable {name} (contains {part})")
        part = secret_value(value)
        if part:
            leaks.append(f"{where} has variable {name} whose value contains {part}")


def read_proc(pid, what):
    try:
        with open(f"/proc/{pid}/{what}", "rb") as f:
            return f.read()
    except OSError as e:
        print(f"/proc/{pid}/{what}: {e}", file=sys.stderr)
        return None


def main():
    sys.stdin.read()
    leaks = []
    check_variables("own environment", os.environ.items(), leaks)

    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    if 1 not in pids:
        pids.insert(0, 1)
    for pid in pids:
        environ = read_proc(pid, "environ")
        if environ:
            pairs = []
            for entry in environ.split(b"\0"):
                name, _, value = entry.decode("utf-8", "replace").partition("=")
                if name:
                    pairs.append((name, value))
            check_variables(f"/proc/{pid}/environ", pairs, leaks)
        cmdline = read_proc(pid, "cmdline")
        if cmdline:
            text = cmdline.replace(b"\0", b" ").decode("utf-8", "replace")
            for word in text.split():
                upper = word.upper()
                if word.startswith("-") and any(part in upper for part in SECRET_OPTION_PARTS):
                    leaks.append(f"/proc/{pid}/cmdline has option {word.split('=')[0]}")
                part = secret_value(word)
                if part:
                    leaks.append(f"/proc/{pid}/cmdline contains {part}")

    if leaks:
        print("LEAK: " + "; ".join(sorted(set(leaks))))
    else:
        print("SAFE")


main()
