"""The seed program: examples/go-static-server (a Go http.FileServer on :8080 serving
./static) built with CGO_ENABLED=0, run with `isle run --net isolated -p HOST:8080 -c
config.json` (config.json copies static/ into the image), and fetched from the host over
the TCP forward on 127.0.0.1 with urllib; the bytes must be static/index.html's. The VM
is stopped by PID (its process group) at the end."""

import hashlib
import random
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO, free_port, isle_command, require_isle, stop_group
from golang import _go, go_out

EXAMPLE = REPO / "examples" / "go-static-server"
ATTEMPTS = 240  # bounded retries while the VM boots (TCG on a loaded host)


def server_binary():
    """examples/go-static-server built static into build/go/<version>/bin/go-static-server."""
    src = EXAMPLE / "main.go"
    out = go_out() / "bin" / "go-static-server"
    if out.exists() and out.stat().st_mtime >= src.stat().st_mtime:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    _go(["build", "-trimpath", "-o", str(out), "."], cwd=EXAMPLE)
    return out


def fetch(url, proc):
    """GET url, retrying while the guest boots; fails if the VM exits first."""
    last = None
    for _ in range(ATTEMPTS):
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.status, r.read()
        except (urllib.error.URLError, ConnectionError, socket.timeout, OSError) as e:
            last = e
            time.sleep(0.5)
    out, err = b"", b""
    if proc.poll() is not None:
        out, err = proc.communicate(timeout=30)
    pytest.fail(f"no answer from {url}: {last!r}\nstdout: {out!r}\nstderr: {err!r}")


def start_server(config):
    """The server under isle (--net isolated, a free 127.0.0.1 port forwarded to 8080, -c
    config), in its own session: (process, base URL)."""
    require_isle()
    port = free_port()
    cmd = isle_command(server_binary(), machine="microvm", accel="tcg", mem="256M",
                       extra=["--net", "isolated", "-p", f"{port}:8080", "-c", str(config)])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def test_go_static_server():
    proc, url = start_server(EXAMPLE / "config.json")
    try:
        status, body = fetch(f"{url}/", proc)
        assert status == 200
        assert body == (EXAMPLE / "static" / "index.html").read_bytes()
        status, body = fetch(f"{url}/index.html", proc)
        assert status == 200 and b"Understanding Unikernels!" in body
        try:
            urllib.request.urlopen(f"{url}/nosuch", timeout=30)
            pytest.fail("/nosuch was served")
        except urllib.error.HTTPError as e:
            assert e.code == 404
    finally:
        stop_group(proc)


def wrk_errors(text):
    """The error lines wrk prints only when there were errors (socket errors, non-2xx/3xx)."""
    return [line for line in text.splitlines()
            if "Socket errors" in line or "Non-2xx or 3xx" in line]


def test_go_static_server_load_and_large_file(tmp_path):
    """Issue 5's acceptance: a 64 MiB download through the server matches its sha256, and
    `wrk --timeout 30s` with 50 connections for 10 s has no connect, read, write or timeout
    errors and no non-2xx answers."""
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE / "static", site / "static")
    shutil.copy(EXAMPLE / "config.json", site / "config.json")
    big = site / "static" / "big.bin"
    rng = random.Random(5)
    with open(big, "wb") as f:
        for _ in range(64):
            f.write(rng.randbytes(1 << 20))
    want = hashlib.sha256(big.read_bytes()).hexdigest()
    proc, url = start_server(site / "config.json")
    try:
        status, _ = fetch(f"{url}/", proc)
        assert status == 200
        h = hashlib.sha256()
        with urllib.request.urlopen(f"{url}/big.bin", timeout=300) as r:
            assert r.status == 200
            while chunk := r.read(1 << 20):
                h.update(chunk)
        assert h.hexdigest() == want
        w = subprocess.run(["wrk", "-t2", "-c50", "-d10s", "--timeout", "30s",
                            f"{url}/"],
                           capture_output=True, text=True, timeout=120)
        assert w.returncode == 0, w.stderr
        assert not wrk_errors(w.stdout), w.stdout
        m = re.search(r"(\d+) requests in", w.stdout)
        assert m and int(m.group(1)) > 0, w.stdout
        assert proc.poll() is None, "the VM exited under load"
    finally:
        stop_group(proc)
