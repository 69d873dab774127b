#!/usr/bin/python3
"""The CLI where DNS never answers: the connect timeout bounds name resolution too.

    AMBC_CLI=build/bin/ambc /usr/bin/python3 tests/integration/test_dns.py

Runs `ambc list` for https://blackhole.example:443 with --connect-timeout-ms 500 inside a
private namespace whose resolver reads queries and answers none (tests/port/dns_blackhole.py,
with resolv.conf's default timeout and attempts: 5 s, 2). It must exit 3
(AMBC_ERR_NET_TIMEOUT) in well under 2 s; before the lookup was bounded it took 10 s.
Needs root and unshare: otherwise it exits 77 (ctest SKIP) saying why.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "port"))
import dns_blackhole  # noqa: E402

LIMIT_S = 2.0


def main():
    cli = os.environ.get("AMBC_CLI", "")
    if not os.access(cli, os.X_OK):
        print("SKIP: AMBC_CLI does not name the built CLI")
        return dns_blackhole.SKIP
    reason = dns_blackhole.skip_reason()
    if reason:
        print(f"SKIP: {reason}")
        return dns_blackhole.SKIP
    env = dict(os.environ, ANTHROPIC_BASE_URL="https://blackhole.example:443",
               ANTHROPIC_API_KEY="x")
    cmd = [cli, "list", "--connect-timeout-ms", "500", "--timeout-ms", "1000",
           "--max-retries", "0"]
    try:
        rc, elapsed, queries, _out, err = dns_blackhole.run_blackholed(cmd, env=env)
    except RuntimeError as e:
        print(f"SKIP: {e}")
        return dns_blackhole.SKIP
    ok = rc == 3 and elapsed < LIMIT_S and "AMBC_ERR_NET_TIMEOUT" in err and queries >= 1
    print(f"{'PASS' if ok else 'FAIL'} unanswered DNS, connect timeout 500 ms: exit {rc} after "
          f"{elapsed:.3f} s (limit {LIMIT_S} s), {queries} queries reached the resolver")
    if not ok:
        print(err[-600:])
    print(f"{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
