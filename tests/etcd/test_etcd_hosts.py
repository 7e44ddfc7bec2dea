"""The etcd backend across "hosts": clients in network and UTS namespaces
this test creates (their own hostnames), reaching one member over veth
links.  Cutting the holder's link expires its lease: another host takes the
lock, and the cut-off holder reports the loss by its local deadline."""
import os
import shutil
import subprocess
import sys
import time

from cliutil import Tap
from cluster import Cluster
from etcdutil import Client, check_log, loop_procs, queue, wait_all

T = Tap()
C = None
TAG = "fl%d" % (os.getpid() % 100000)
NETS = []  # (namespace, root-side link, root address, host name)


def sh(*args):
    subprocess.run(args, check=True, capture_output=True)


def make_hosts(n):
    for i in range(n):
        ns, a, b = "%sh%d" % (TAG, i), "%sa%d" % (TAG, i), "%sb%d" % (TAG, i)
        root, peer = "10.213.%d.1" % (i + 10), "10.213.%d.2" % (i + 10)
        sh("ip", "netns", "add", ns)
        NETS.append((ns, a, root, "host-%d" % i))
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        sh("ip", "link", "set", b, "netns", ns)
        sh("ip", "addr", "add", root + "/24", "dev", a)
        sh("ip", "link", "set", a, "up")
        sh("ip", "netns", "exec", ns, "ip", "addr", "add", peer + "/24", "dev", b)
        sh("ip", "netns", "exec", ns, "ip", "link", "set", b, "up")
        sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")


def drop_hosts():
    for ns, a, _, _ in NETS:
        subprocess.run(["ip", "link", "del", a], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def on_host(i):
    """The command prefix that runs a program on host i: its network, its name."""
    ns, _, _, name = NETS[i]
    return ["ip", "netns", "exec", ns, "unshare", "--uts", "sh", "-c",
            'hostname %s && exec "$0" "$@"' % name]


def url_from(i, prefix):
    return "etcd://%s:%d/%s" % (NETS[i][2], C.members[0].client_port, prefix)


@T.case
def clients_on_two_hosts_exclude_each_other(tmp):
    log = os.path.join(tmp, "log")
    ps = []
    for i in (0, 1):
        ps += loop_procs(url_from(i, "hx"), "job", 3, 25, log, hold_us=300, prefix=on_host(i))
    wait_all(ps)
    check_log(log, 2 * 3 * 25)


@T.case
def a_cut_off_holder_loses_the_lock_to_another_host(tmp):
    a = Client(url_from(0, "cut"), "c", ttl_ms=2000, prefix=on_host(0))
    rc, ta, _ = a.do("acquire")
    assert rc == 0
    b = Client(url_from(1, "cut"), "c", ttl_ms=2000, prefix=on_host(1))
    b.send("acquire")
    time.sleep(0.2)
    q = queue(url_from(1, "cut"))
    assert [x[:2] for x in q] == [("held", "host-0"), ("waiting", "host-1")], q
    cut = time.monotonic()
    sh("ip", "link", "set", NETS[0][1], "down")   # host-0 can no longer reach etcd
    try:
        assert a.wait_lost(30) == ta                   # by its own deadline, without etcd
        lost_after = time.monotonic() - cut
        assert a.do("held")[0] == 0
        rc, tb, _ = b.answer("acquire", timeout=30)    # etcd expired host-0's lease
        taken_after = time.monotonic() - cut
        assert rc == 0 and tb > ta
        q = queue(url_from(1, "cut"))
        assert q == [("held", "host-1", str(tb))], q
    finally:
        sh("ip", "link", "set", NETS[0][1], "up")
    assert a.do("release")[0] == -15             # FL_ELOST
    b.do("release")
    a.close()
    b.close()
    print("# link cut: holder reported lost after %.2f s, other host held after %.2f s (TTL 2 s)"
          % (lost_after, taken_after), flush=True)


if __name__ == "__main__":
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("unshare"):
        print("1..0 # SKIP needs root, ip(8) and unshare(1) for network namespaces")
        sys.exit(0)
    try:
        make_hosts(2)
        with Cluster(1, also_listen=[n[2] for n in NETS]) as C:
            rc = T.run()
    finally:
        drop_hosts()
    sys.exit(rc)
