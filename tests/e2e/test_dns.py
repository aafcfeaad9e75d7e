"""examples/dns-server: the authoritative DNS server, queried with dig (UDP) and kdig
(TCP). Expected answers come from parsing zone/example.zone here (a small independent
reader of the same master-file subset), never from a recorded run. Three settings:
natively on the host on a free high port; in isle over TCP through `--net isolated -p`;
in isle over UDP on a tap device inside a network namespace this test creates and
deletes (QEMU's restrict=on drops the guest's UDP, so the user network cannot carry it)."""

import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import BUILD, REPO, isle_command, require_isle, stop_group

EXAMPLE = REPO / "examples" / "dns-server"
ZONE = EXAMPLE / "zone" / "example.zone"
SERVER = BUILD / "examples" / "dns-server"
ORIGIN = "example.test."
TOOL_TIMEOUT = 30
ATTEMPTS = 240  # bounded retries while a VM boots (TCG on a loaded host)


def server_binary():
    r = subprocess.run(["make", "-C", str(REPO), "examples"], capture_output=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return SERVER


# ---- an independent reader of example.zone, for the expected answers ----

def _tokens(text):
    """Logical lines of (indented, [tokens]); quoted tokens keep their quotes."""
    lines, cur, depth, indented, i = [], [], 0, None, 0
    while i < len(text):
        c = text[i]
        if indented is None:
            indented = c in " \t"
        if c == "\n":
            i += 1
            if depth == 0:
                if cur:
                    lines.append((indented, cur))
                cur, indented = [], None
            continue
        if c in " \t\r":
            i += 1
        elif c == ";":
            while i < len(text) and text[i] != "\n":
                i += 1
        elif c in "()":
            depth += 1 if c == "(" else -1
            i += 1
        elif c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            cur.append(text[i:j + 1])
            i = j + 1
        else:
            j = i
            while j < len(text) and text[j] not in " \t\r\n;()\"":
                j += 1
            cur.append(text[i:j])
            i = j
    if cur:
        lines.append((indented, cur))
    return lines


def _abs(name, origin):
    if name == "@":
        return origin
    return name if name.endswith(".") else f"{name}.{origin}"


def _txt(tokens):
    """dig's presentation: each string quoted, `"` and `\\` escaped, split at 255."""
    out = []
    for t in tokens:
        raw = re.sub(r'\\(.)', r'\1', t[1:-1]) if t.startswith('"') else t
        chunks = [raw[k:k + 255] for k in range(0, len(raw), 255)] or [""]
        for ch in chunks:
            out.append('"' + ch.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def load_zone():
    """{(owner, TYPE): set of rdata in dig's presentation}, owners lower-case."""
    recs, origin, owner = {}, None, None
    for indented, t in _tokens(ZONE.read_text()):
        if t[0] == "$ORIGIN":
            origin = t[1]
            continue
        if t[0] == "$TTL":
            continue
        if not indented:
            owner, t = _abs(t[0], origin), t[1:]
        while t[0].isdigit() or t[0] == "IN":
            t = t[1:]
        rtype, rd = t[0], t[1:]
        if rtype == "A":
            val = rd[0]
        elif rtype == "AAAA":
            val = str(ipaddress.IPv6Address(rd[0]))
        elif rtype in ("NS", "CNAME"):
            val = _abs(rd[0], origin)
        elif rtype == "MX":
            val = f"{rd[0]} {_abs(rd[1], origin)}"
        elif rtype == "SOA":
            val = " ".join([_abs(rd[0], origin), _abs(rd[1], origin)] + rd[2:])
        elif rtype == "TXT":
            val = _txt(rd)
        else:
            raise AssertionError(f"example.zone has a type this test does not know: {rtype}")
        recs.setdefault((owner.lower(), rtype), set()).add(val)
    assert origin == ORIGIN
    return recs


# ---- querying ----

def query(server, port, name, rtype, tcp=False, extra=()):
    """(status, flags, [(owner, type, rdata)] of the answer, same of authority)."""
    if tcp:
        cmd = ["kdig", f"@{server}", "-p", str(port), "+tcp", "+time=5", "+retry=2"]
    else:
        cmd = ["dig", f"@{server}", "-p", str(port), "+time=5", "+tries=3", "+norec"]
    cmd += list(extra) + [name, rtype]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    out = r.stdout
    m = re.search(r"status: (\w+)", out)
    assert m, f"{' '.join(cmd)}: no answer\n{out}{r.stderr}"
    flags = set(re.search(r"[Ff]lags: ([a-z ]*);", out).group(1).split())
    sections, cur = {}, None
    for line in out.splitlines():
        h = re.match(r";; (\w+) SECTION:", line)
        if h:
            cur = sections.setdefault(h.group(1), [])
        elif not line.strip() or line.startswith(";"):
            cur = None
        elif cur is not None:
            f = line.split(None, 4)
            cur.append((f[0].lower(), f[3], f[4].strip()))
    return m.group(1), flags, sections.get("ANSWER", []), sections.get("AUTHORITY", [])


def rdset(answer, rtype):
    return {" ".join(rd.split()) if rtype != "TXT" else rd
            for _, t, rd in answer if t == rtype}


def check_zone(server, port, tcp):
    """Every owner and type of the zone, compared with the zone file."""
    recs = load_zone()
    for (owner, rtype), want in sorted(recs.items()):
        if rtype != "CNAME" and (owner, "CNAME") in recs:
            continue
        status, flags, ans, _ = query(server, port, owner, rtype, tcp=tcp)
        assert status == "NOERROR", (owner, rtype, status)
        assert "aa" in flags and "qr" in flags and "ra" not in flags
        if owner.startswith("big."):
            assert len(ans) == len(want) or (not tcp and "tc" in flags)
            continue
        assert rdset(ans, rtype) == want, (owner, rtype, ans)
    return recs


def check_behaviour(server, port, tcp):
    recs = load_zone()
    soa = recs[(ORIGIN, "SOA")]
    # CNAME chain alias -> web -> www, followed inside the zone.
    status, flags, ans, _ = query(server, port, "alias." + ORIGIN, "A", tcp=tcp)
    assert status == "NOERROR" and "aa" in flags
    assert [t for _, t, _ in ans][:2] == ["CNAME", "CNAME"]
    assert rdset(ans, "A") == recs[("www." + ORIGIN, "A")]
    # NXDOMAIN with the SOA in authority, NODATA likewise, REFUSED outside.
    status, flags, ans, auth = query(server, port, "nosuch." + ORIGIN, "A", tcp=tcp)
    assert status == "NXDOMAIN" and "aa" in flags and ans == []
    assert rdset(auth, "SOA") == soa
    status, _, ans, auth = query(server, port, "www." + ORIGIN, "MX", tcp=tcp)
    assert status == "NOERROR" and ans == [] and rdset(auth, "SOA") == soa
    status, flags, ans, _ = query(server, port, "www.example.org.", "A", tcp=tcp)
    assert status == "REFUSED" and "aa" not in flags and ans == []
    # Case is not significant (RFC 4343).
    _, _, ans, _ = query(server, port, "WwW.ExAmPlE.TeSt.", "A", tcp=tcp)
    assert rdset(ans, "A") == recs[("www." + ORIGIN, "A")]


def wait_answer(server, port, proc, tcp, ns=None):
    for _ in range(ATTEMPTS):
        if proc.poll() is not None:
            break
        cmd = (["kdig", "+tcp", "+time=2", "+retry=0"] if tcp
               else ["dig", "+time=2", "+tries=1"])
        cmd += [f"@{server}", "-p", str(port), ORIGIN, "SOA"]
        if ns:
            cmd = ["ip", "netns", "exec", ns] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
        if "status: NOERROR" in r.stdout:
            return
        time.sleep(0.5)
    out, err = b"", b""
    if proc.poll() is not None:
        out, err = proc.communicate(timeout=30)
    pytest.fail(f"no DNS answer from {server}:{port}\nstdout: {out!r}\nstderr: {err!r}")


def free_port():
    """A port free for both TCP and UDP on 127.0.0.1."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    pytest.fail("no port free for both TCP and UDP")


# ---- the tests ----

def test_dns_native():
    binary = server_binary()
    port = free_port()
    proc = subprocess.Popen([str(binary), str(port), str(ZONE)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_answer("127.0.0.1", port, proc, tcp=False)
        for tcp in (False, True):
            check_zone("127.0.0.1", port, tcp)
            check_behaviour("127.0.0.1", port, tcp)
        # Over 512 bytes without EDNS: truncated over UDP, whole over TCP and EDNS.
        big = len(load_zone()[("big." + ORIGIN, "TXT")])
        _, flags, ans, _ = query("127.0.0.1", port, "big." + ORIGIN, "TXT",
                                 extra=["+noedns", "+ignore"])
        assert "tc" in flags and len(ans) < big
        _, flags, ans, _ = query("127.0.0.1", port, "big." + ORIGIN, "TXT",
                                 extra=["+bufsize=1232", "+ignore"])
        assert "tc" not in flags and len(ans) == big
        _, flags, ans, _ = query("127.0.0.1", port, "big." + ORIGIN, "TXT", tcp=True)
        assert "tc" not in flags and len(ans) == big
        # Several queries on one TCP connection.
        r = subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+tcp", "+keepopen",
                            "+time=5", "www." + ORIGIN, "A", "mail." + ORIGIN, "A",
                            ORIGIN, "NS"], capture_output=True, text=True,
                           timeout=TOOL_TIMEOUT)
        assert r.stdout.count("status: NOERROR") == 3, r.stdout
        # A datagram too short for a header gets nothing; the server stays up.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            s.sendto(b"\x12\x34\x00", ("127.0.0.1", port))
            with pytest.raises(socket.timeout):
                s.recvfrom(512)
            # A header with opcode 2 (STATUS): NOTIMP, ID and RD copied.
            s.sendto(b"\xab\xcd\x11\x00" + b"\x00" * 8, ("127.0.0.1", port))
            s.settimeout(10)
            data, _ = s.recvfrom(512)
            assert data[:4] == b"\xab\xcd\x91\x04"
        check_connections(port)
        assert proc.poll() is None
    finally:
        stop_group(proc)


MAX_CONNS = 64  # server.c


def _tcp_query(s, qid):
    """One length-prefixed query for example.test. SOA on s; returns the answer."""
    q = qid.to_bytes(2, "big") + b"\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    q += b"\x07example\x04test\x00\x00\x06\x00\x01"
    s.sendall(len(q).to_bytes(2, "big") + q)
    buf = b""
    while len(buf) < 2 or len(buf) < 2 + int.from_bytes(buf[:2], "big"):
        chunk = s.recv(4096)
        assert chunk, "connection closed before the answer"
        buf += chunk
    return buf[2:]


def check_connections(port):
    """At most MAX_CONNS connections at once; idle ones are closed by the server."""
    conns = []
    try:
        for i in range(MAX_CONNS):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            conns.append(s)
            assert _tcp_query(s, i)[:2] == i.to_bytes(2, "big")
        extra = socket.create_connection(("127.0.0.1", port), timeout=30)
        with extra:
            # Closed by the server at once: EOF (or a reset) instead of an answer.
            try:
                extra.sendall(b"\x00\x0c" + b"\x00" * 12)
                assert extra.recv(512) == b""
            except ConnectionResetError:
                pass
        assert _tcp_query(conns[0], 7)[:2] == b"\x00\x07"  # the first still works
        # An idle connection is closed (after 10 s); bounded wait, generous for a
        # loaded host.
        conns[1].settimeout(120)
        assert conns[1].recv(512) == b""
    finally:
        for s in conns:
            s.close()


def test_dns_bad_arguments(tmp_path):
    binary = server_binary()
    r = subprocess.run([str(binary), "0"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "PORT is 1 to 65535, not 0" in r.stderr
    r = subprocess.run([str(binary), "5353", str(tmp_path / "none.zone")],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "none.zone: cannot open: No such file" in r.stderr
    bad = tmp_path / "bad.zone"
    bad.write_text("$ORIGIN example.test.\n$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\n"
                   "w A 192.0.2.999\n")
    r = subprocess.run([str(binary), "5353", str(bad)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 1
    assert f"{bad}:5: '192.0.2.999' is not an IPv4 address" in r.stderr


def test_dns_isle_tcp():
    require_isle()
    binary = server_binary()
    port = free_port()
    cmd = isle_command(binary, machine="microvm", accel="tcg",
                       extra=["--net", "isolated", "-p", f"{port}:53",
                              "-c", str(EXAMPLE / "config.json")])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        wait_answer("127.0.0.1", port, proc, tcp=True)
        check_zone("127.0.0.1", port, tcp=True)
        check_behaviour("127.0.0.1", port, tcp=True)
    finally:
        stop_group(proc)


def _ip(*args):
    r = subprocess.run(["ip"] + list(args), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"ip {' '.join(args)}: {r.stderr}"


def test_dns_isle_udp_tap():
    require_isle()
    if os.geteuid() != 0:
        pytest.fail("test_dns_isle_udp_tap needs root: it creates a network namespace "
                    "and a tap device (run the e2e tests as root, as CI does)")
    binary = server_binary()
    ns, tap = f"isle-dns-{os.getpid()}", "tapdns0"
    tmp = tempfile.mkdtemp(prefix="isle-dns-")
    proc = None
    # The tap test runs without port forwards, so it needs its own config (the
    # example's has Ports, which only user networking takes).
    os.makedirs(os.path.join(tmp, "zone"))
    shutil.copy(ZONE, os.path.join(tmp, "zone", "example.zone"))
    conf = os.path.join(tmp, "config.json")
    with open(conf, "w") as f:
        json.dump({"Files": ["zone/example.zone"], "Args": ["53", "/zone/example.zone"]}, f)
    _ip("netns", "add", ns)
    try:
        _ip("netns", "exec", ns, "ip", "link", "set", "lo", "up")
        _ip("netns", "exec", ns, "ip", "tuntap", "add", "dev", tap, "mode", "tap")
        _ip("netns", "exec", ns, "ip", "addr", "add", "10.0.3.1/24", "dev", tap)
        _ip("netns", "exec", ns, "ip", "link", "set", tap, "up")
        cmd = ["ip", "netns", "exec", ns] + isle_command(
            binary, machine="microvm", accel="tcg",
            extra=["--net", f"tap:{tap}", "-k", "ip=10.0.3.2", "-k", "netmask=255.255.255.0",
                   "-k", "gw=10.0.3.1", "-c", conf])
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        wait_answer("10.0.3.2", 53, proc, tcp=False, ns=ns)
        recs = load_zone()
        for (owner, rtype), want in sorted(recs.items()):
            if owner.startswith("big.") or (rtype != "CNAME" and (owner, "CNAME") in recs):
                continue
            r = subprocess.run(["ip", "netns", "exec", ns, "dig", "@10.0.3.2", "+time=5",
                                "+tries=3", "+norec", "+short", owner, rtype],
                               capture_output=True, text=True, timeout=TOOL_TIMEOUT)
            got = {" ".join(x.split()) if rtype != "TXT" else x
                   for x in r.stdout.splitlines() if x.strip()}
            assert got == want, (owner, rtype, r.stdout, r.stderr)
        r = subprocess.run(["ip", "netns", "exec", ns, "dig", "@10.0.3.2", "+time=5",
                            "+tries=3", "nosuch." + ORIGIN, "A"],
                           capture_output=True, text=True, timeout=TOOL_TIMEOUT)
        assert "status: NXDOMAIN" in r.stdout
        r = subprocess.run(["ip", "netns", "exec", ns, "dig", "@10.0.3.2", "+time=5",
                            "+tries=3", "www.example.org.", "A"],
                           capture_output=True, text=True, timeout=TOOL_TIMEOUT)
        assert "status: REFUSED" in r.stdout
    finally:
        if proc is not None:
            stop_group(proc)
        subprocess.run(["ip", "netns", "delete", ns], capture_output=True, timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
