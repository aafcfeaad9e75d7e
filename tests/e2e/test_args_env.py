"""argv and the environment reach the program byte for byte: spaces, empty strings, quotes,
backslashes, newlines, UTF-8, strings that look like isle options, many arguments; and
`-e K=V` variables (empty values, '=' in values). The host's own environment does not leak
into the guest."""

import json
from pathlib import Path

from conftest import assert_pass, run_isle, run_native

ARGS = [
    "plain", "with space", "", 'quote"and\\backslash', "tab\there", "new\nline",
    "h\u00e9llo \u2713", "-v", "--help", "-m", "1G", "--", "=", "a=b",
] + [f"arg{i:03d}-" + "x" * (i % 50) for i in range(200)] + ["L" * 4000]

ENV = {"ISLE_A": "1", "ISLE_EMPTY": "", "ISLE_EQ": "x=y=z", "ISLE_SPACE": "two words",
       "ISLE_UTF8": "\u00fcber"}
HOST_ONLY = {"ISLE_TEST_HOST_ONLY": "must-not-leak"}


def parse(out):
    """(argv, envp) as bytes from the program's ARG/ENV lines."""
    argv, envp, argc = [], [], None
    for line in out.decode("ascii").splitlines():
        tag, _, rest = line.partition(" ")
        if tag == "ARGC":
            argc = int(rest)
        elif tag == "ARG":
            argv.append(json.loads(rest).encode("latin-1"))
        elif tag == "ENV":
            envp.append(json.loads(rest).encode("latin-1"))
    assert argc == len(argv)
    return argv, envp


def test_args_env(guest, machine, accel):
    prog = guest("args")
    want_args = [a.encode() for a in ARGS]
    want_env = [f"{k}={v}".encode() for k, v in ENV.items()]

    status, out, err = run_native(prog, ARGS, env=ENV)
    assert_pass(status, out, err, "args")
    argv, envp = parse(out)
    assert argv[0] == str(prog).encode()
    assert argv[1:] == want_args
    assert envp == want_env

    status, out, err = run_isle(prog, ARGS, machine=machine, accel=accel, env=ENV,
                                host_env=HOST_ONLY)
    assert_pass(status, out, err, "args")
    argv, envp = parse(out)
    assert Path(argv[0].decode()).name == prog.name, argv[0]
    assert argv[1:] == want_args
    for var in want_env:
        assert envp.count(var) == 1, (var, envp)
    # -e variables keep their command-line order.
    assert [e for e in envp if e in want_env] == want_env
    for key in HOST_ONLY:
        assert not any(e.startswith(key.encode() + b"=") for e in envp), envp
