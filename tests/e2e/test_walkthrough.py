"""The seed walkthrough (/work/shared/seeds: ops image create / instance create / delete)
end to end with isle and -t onprem, as a user would type it: in a copy of
examples/go-static-server, `CGO_ENABLED=0 go build -o server .`, then
  isle image create -t onprem -c config.json -a server
  isle image list -t onprem
  isle instance create -t onprem -c config.json -i server-image --port PORT:8080
  (fetch the page from the host), isle instance list, isle instance delete NAME,
  isle image delete server-image.
The only departures from the walkthrough: a free host port instead of 8080, --net
isolated (the guest reaches nothing), --accel tcg and -m 256M (the Go runtime's heap).
HOME and the XDG directories point into the pytest tmp dir."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ISLE, REPO, free_port, require_isle
from golang import _go

EXAMPLE = REPO / "examples" / "go-static-server"
TIMEOUT = 240
ATTEMPTS = 360  # bounded retries (0.5 s apart) while the VM boots under TCG


def test_walkthrough(tmp_path):
    require_isle()
    work = tmp_path / "go-static-server"
    shutil.copytree(EXAMPLE, work)
    _go(["build", "-trimpath", "-o", "server", "."], cwd=work)  # CGO_ENABLED=0 (go_env)
    env = dict(os.environ)
    env.update({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
                "XDG_STATE_HOME": str(tmp_path / "state")})

    def isle(*args):
        r = subprocess.run([str(ISLE)] + list(args), capture_output=True, text=True,
                           timeout=TIMEOUT, env=env, cwd=work)
        assert r.returncode == 0, f"isle {' '.join(args)}: {r.returncode}\n{r.stdout}{r.stderr}"
        return r.stdout

    pids = []
    try:
        out = isle("image", "create", "-t", "onprem", "-c", "config.json", "-a", "server")
        assert out.startswith("server-image: ")
        images = isle("image", "list", "-t", "onprem").splitlines()
        assert images[1].split()[0] == "server-image" and images[1].split()[-1] == "server"
        port = free_port()
        out = isle("instance", "create", "-t", "onprem", "-c", "config.json", "-i",
                   "server-image", "--port", f"{port}:8080", "--net", "isolated",
                   "--accel", "tcg", "-m", "256M")
        name = re.match(r"instance (server-image-[0-9a-f]{4}) started", out).group(1)
        rows = isle("instance", "list", "-t", "onprem").splitlines()
        row = dict(zip(rows[0].split(), rows[1].split()))
        pids.append(int(row["PID"]))
        assert (row["NAME"], row["STATE"], row["PORTS"]) == (name, "running",
                                                            f"{port}:8080/tcp")
        body, last = None, None
        for _ in range(ATTEMPTS):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200
                    body = r.read()
                    break
            except (urllib.error.URLError, ConnectionError, socket.timeout, OSError) as e:
                last = e
                time.sleep(0.5)
        assert body == (EXAMPLE / "static" / "index.html").read_bytes(), \
            f"{last!r}\n{isle('instance', 'logs', name)}"
        assert "Listening...on 8080" in isle("instance", "logs", name)
        assert isle("instance", "delete", "-t", "onprem", name) == \
            f"deleted instance {name}\n"
        pids.clear()  # ended: nothing of ours left to kill
        assert isle("instance", "list").splitlines()[1:] == []
        assert isle("image", "delete", "server-image", "-t", "onprem") == \
            "deleted image server-image\n"
        assert isle("image", "list").splitlines()[1:] == []
    finally:
        for pid in pids:  # the supervisor this test started, if delete did not end it
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    ours = str(tmp_path).encode() in f.read()
                if ours:
                    os.kill(pid, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass
