"""etcd members for the tests: started on loopback (or given addresses)
with their data on tmpfs, never on etcd's default ports, stopped by PID.

    with Cluster(3) as c:
        c.url("prefix")      -> "etcd://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/prefix"
        c.leader()           -> the Member that leads
        m.kill() / m.stop() / m.cont() / m.restart()
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ETCD = shutil.which("etcd") or "/usr/bin/etcd"
LIMIT = 30  # seconds: upper bound for a member or cluster to become healthy


def free_port(host="127.0.0.1"):
    """A port nobody listens on, outside etcd's defaults (2379, 2380)."""
    for _ in range(200):
        port = random.randint(20000, 60000)
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


def state_of(pid):
    """The process state letter from /proc/PID/stat ('' once it is gone).
    This machine reaps late, so kill -0 is not an answer."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return ""


def running(pid):
    return state_of(pid) not in ("", "Z", "X")


def gateway(endpoint, path, body, timeout=2):
    req = urllib.request.Request(endpoint + "/v3/" + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


class Member:
    def __init__(self, name, host, client_port, peer_port, data_dir, prefix=None, also_listen=(),
                 tls=None):
        self.name, self.host = name, host
        self.tls = tls  # (cert, key, ca): clients speak https
        self.also_listen = list(also_listen)  # more client addresses (other networks)
        self.client_port, self.peer_port = client_port, peer_port
        self.data_dir = data_dir
        self.prefix = prefix or []  # e.g. ["ip", "netns", "exec", "x"]
        self.proc = None
        self.log = open(os.path.join(os.path.dirname(data_dir), name + ".log"), "ab")

    @property
    def endpoint(self):
        return "%s://%s:%d" % ("https" if self.tls else "http", self.host, self.client_port)

    @property
    def peer_url(self):
        return "http://%s:%d" % (self.host, self.peer_port)

    def start(self, initial_cluster, state="new", extra=()):
        args = self.prefix + [
            ETCD, "--name", self.name, "--data-dir", self.data_dir,
            "--listen-client-urls", ",".join([self.endpoint] + ["http://%s:%d" % (h, self.client_port)
                                                                 for h in self.also_listen]),
            "--advertise-client-urls", self.endpoint,
            "--listen-peer-urls", self.peer_url, "--initial-advertise-peer-urls", self.peer_url,
            "--initial-cluster", initial_cluster, "--initial-cluster-state", state,
            "--initial-cluster-token", "filelock-test",
            "--heartbeat-interval", "10", "--election-timeout", "100",
            "--enable-pprof=false", *extra]
        if self.tls:
            args += ["--cert-file", self.tls[0], "--key-file", self.tls[1]]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def healthy(self):
        try:
            ctx = None
            if self.tls:
                import ssl
                ctx = ssl.create_default_context(cafile=self.tls[2])
            with urllib.request.urlopen(self.endpoint + "/health", timeout=0.5, context=ctx) as r:
                return json.loads(r.read()).get("health") == "true"
        except Exception:
            return False

    def status(self):
        return gateway(self.endpoint, "maintenance/status", {}, timeout=1)

    def _wait_gone(self):
        end = time.monotonic() + LIMIT
        while running(self.proc.pid):
            if time.monotonic() > end:
                raise RuntimeError("member %s did not stop" % self.name)
            time.sleep(0.01)
        self.proc.wait()

    def kill(self):
        if self.proc and running(self.proc.pid):
            os.kill(self.proc.pid, signal.SIGKILL)
            self._wait_gone()

    def terminate(self):
        if self.proc and running(self.proc.pid):
            os.kill(self.proc.pid, signal.SIGTERM)
            self._wait_gone()

    def stop(self):   # SIGSTOP: the member freezes, its sockets stay open
        os.kill(self.proc.pid, signal.SIGSTOP)

    def cont(self):
        os.kill(self.proc.pid, signal.SIGCONT)


class Cluster:
    def __init__(self, size=1, hosts=None, prefixes=None, also_listen=(), tls=None):
        self.dir = tempfile.mkdtemp(prefix="fl-etcd-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
        self._spec = (hosts or ["127.0.0.1"] * size, prefixes or [None] * size, also_listen, tls)
        self._make_members()

    def _make_members(self):
        hosts, prefixes, also_listen, tls = self._spec
        self.members = []
        for i, host in enumerate(hosts):
            self.members.append(Member("m%d" % i, host, free_port(), free_port(),
                                       os.path.join(self.dir, "m%d" % i), prefixes[i], also_listen,
                                       tls))

    def __enter__(self):
        # A port free_port() found can be taken by another suite's member
        # before ours binds it (suites run side by side): then the member
        # exits at once, and the cluster is made again on fresh ports.
        for attempt in range(3):
            initial = ",".join("%s=%s" % (m.name, m.peer_url) for m in self.members)
            for m in self.members:
                m.start(initial)
            try:
                self.wait_healthy()
                return self
            except RuntimeError:
                exited = any(m.proc.poll() is not None for m in self.members)
                for m in self.members:
                    m.kill()
                if not exited or attempt == 2:
                    raise
                for m in self.members:
                    shutil.rmtree(m.data_dir, ignore_errors=True)
                self._make_members()

    def __exit__(self, *exc):
        for m in self.members:
            m.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def wait_healthy(self, members=None):
        end = time.monotonic() + LIMIT
        for m in members or self.members:
            while not m.healthy():
                if m.proc.poll() is not None:
                    raise RuntimeError("member %s exited: see %s" % (m.name, m.log.name))
                if time.monotonic() > end:
                    raise RuntimeError("member %s not healthy" % m.name)
                time.sleep(0.01)

    def url(self, prefix="t", members=None):
        return "%s://%s/%s" % ("etcds" if self.members[0].tls else "etcd", ",".join("%s:%d" % (m.host, m.client_port)
                                          for m in (members or self.members)), prefix)

    def leader(self):
        end = time.monotonic() + LIMIT
        while time.monotonic() < end:
            for m in self.members:
                if not running(m.proc.pid):
                    continue
                try:
                    st = m.status()
                except Exception:
                    continue
                if st.get("leader") and st["leader"] == st["header"]["member_id"]:
                    return m
            time.sleep(0.02)
        raise RuntimeError("no leader")
