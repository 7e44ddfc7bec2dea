"""The etcd backend over TLS (a self-signed CA this test makes with
openssl) and with etcd's user/password authentication."""
import os
import shutil
import subprocess
import sys
import tempfile

from cliutil import Tap
from cluster import ETCD, Cluster
from etcdutil import Client

T = Tap()
C = None
CA = None

FL_EPERM = -7


def make_certs(d):
    """A CA, and a certificate for 127.0.0.1 that it signed."""
    def run(*a):
        subprocess.run(a, check=True, capture_output=True, cwd=d)
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=filelock-test-ca")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
        "-subj", "/CN=127.0.0.1")
    with open(os.path.join(d, "ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    run("openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "srv.pem", "-days", "2", "-extfile", "ext")
    return [os.path.join(d, n) for n in ("srv.pem", "srv.key", "ca.pem")]


def ctl(*args):
    m = C.members[0]
    return subprocess.run(["etcdctl", "--endpoints", "127.0.0.1:%d" % m.client_port, "--cacert", CA,
                           *args], capture_output=True, text=True, timeout=60)


@T.case
def locks_over_tls_with_the_ca_given(tmp):
    url = C.url("tls") + "?cacert=" + CA
    a, b = Client(url, "t"), Client(url, "t")
    rc, token, msg = a.do("acquire")
    assert rc == 0 and token > 0, msg
    assert b.do("acquire 0")[0] == -1
    a.do("release")
    assert b.do("acquire 0")[0] == 0
    a.close()
    b.close()


@T.case
def a_certificate_that_does_not_verify_is_refused(tmp):
    a = Client(C.url("tls"), "t")                  # no cacert: the system CAs do not know ours
    rc, _, msg = a.do("acquire 2000")
    assert rc == FL_EPERM and "TLS" in msg, msg
    a.close()
    plain = Client(C.url("tls").replace("etcds://", "etcd://"), "t")
    rc, _, msg = plain.do("acquire 2000")          # http to a TLS member: no answer it understands
    assert rc < 0, msg
    plain.close()


@T.case
def user_and_password_authenticate(tmp):
    assert ctl("user", "add", "root:s3cret").returncode == 0
    assert ctl("user", "add", "jobs:j0bs").returncode == 0
    assert ctl("role", "add", "locker").returncode == 0
    assert ctl("role", "grant-permission", "locker", "--prefix=true", "readwrite", "auth/").returncode == 0
    assert ctl("user", "grant-role", "jobs", "locker").returncode == 0
    r = ctl("auth", "enable")
    assert r.returncode == 0, r.stderr
    try:
        base = C.url("auth").replace("etcds://", "etcds://jobs:j0bs@") + "?cacert=" + CA
        a = Client(base, "n")
        rc, token, msg = a.do("acquire")
        assert rc == 0, msg
        a.do("release")
        a.close()
        anon = Client(C.url("auth") + "?cacert=" + CA, "n")
        rc, _, msg = anon.do("acquire 2000")
        assert rc == FL_EPERM, msg
        anon.close()
        wrong = Client(C.url("auth").replace("etcds://", "etcds://jobs:nope@") + "?cacert=" + CA, "n")
        rc, _, msg = wrong.do("acquire 2000")
        assert rc == FL_EPERM and "authentication failed" in msg, msg
        wrong.close()
        other = Client(C.url("elsewhere").replace("etcds://", "etcds://jobs:j0bs@") + "?cacert=" + CA, "n")
        rc, _, msg = other.do("acquire 2000")      # a prefix the role may not write
        assert rc == FL_EPERM, msg
        other.close()
    finally:
        ctl("--user", "root:s3cret", "auth", "disable")


if __name__ == "__main__":
    if not shutil.which("openssl") or not shutil.which("etcdctl"):
        print("1..0 # SKIP needs openssl and etcdctl")
        sys.exit(0)
    d = tempfile.mkdtemp(prefix="fl-tls-")
    try:
        cert, key, CA = make_certs(d)
        with Cluster(1, tls=(cert, key, CA)) as C:
            rc = T.run()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    sys.exit(rc)
