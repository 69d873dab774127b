"""What the integration tests share about running the CLI: its environment (key, base URL, the
sanitizers' exit codes) and reading the counters `--stats` prints."""
import os
import re


def cli_env(key, base_url):
    """The environment of one CLI run: the key and base URL, and sanitizer reports that fail
    the run with their own exit status (97 a leak or ASan error, 98 UBSan)."""
    return dict(os.environ, ANTHROPIC_API_KEY=key, ANTHROPIC_BASE_URL=base_url,
                ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=97",
                UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=98")


def stat(stderr, name):
    """One counter of the `--stats` line (connections, retries, reconnects, ...)."""
    m = re.search(rf"\b{name} (\d+)", stderr)
    assert m, f"no {name} in: {stderr}"
    return int(m.group(1))
