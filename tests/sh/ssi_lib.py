# SPDX-License-Identifier: MIT
"""Helpers for the SSI tests (tests/sh/ssi_*.sh): a three-node etcd cluster
of Debian's etcd on loopback ports of this run, in folders under TMPDIR, and
CP members joined to it (cp_lib.CP with --ssi).  Every process is ended by
its pid at the end."""
import base64
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request

from cp_lib import *


class Etcd:
    def __init__(self, nodes=3):
        if not shutil.which("etcd"):
            skip("etcd is not installed (Debian's etcd-server)")
        self.names = ["n%d" % i for i in range(nodes)]
        self.client = {n: free_port() for n in self.names}
        self.peer = {n: free_port() for n in self.names}
        cluster = ",".join("%s=http://127.0.0.1:%d" % (n, self.peer[n]) for n in self.names)
        self.procs = {}
        for n in self.names:
            d = os.path.join(TMP, "etcd-" + n)
            os.makedirs(d, exist_ok=True)
            log = open(os.path.join(d, "log"), "w")
            c, p = "http://127.0.0.1:%d" % self.client[n], "http://127.0.0.1:%d" % self.peer[n]
            self.procs[n] = subprocess.Popen(
                ["etcd", "--name", n, "--data-dir", os.path.join(d, "data"),
                 "--listen-client-urls", c, "--advertise-client-urls", c,
                 "--listen-peer-urls", p, "--initial-advertise-peer-urls", p,
                 "--initial-cluster", cluster, "--initial-cluster-state", "new",
                 "--initial-cluster-token", "rvcp-test-%d" % os.getpid()],
                stdout=log, stderr=subprocess.STDOUT)
        self.urls = ",".join("http://127.0.0.1:%d" % self.client[n] for n in self.names)
        deadline = time.monotonic() + WAIT
        while not all(self.ready(n) for n in self.names):
            if time.monotonic() > deadline:
                fail("etcd cluster not ready")
            for n, p in self.procs.items():
                if p.poll() is not None:
                    fail("etcd %s ended at start" % n)
            time.sleep(0.2)

    def call(self, node, path, body):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.client[node], path),
                                     data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def ready(self, node):
        try:
            self.call(node, "/v3/kv/put", {"key": base64.b64encode(b"/probe").decode(),
                                           "value": ""})
            return True
        except OSError:
            return False

    def get(self, key):
        """The value of key (str) from any live node, or None."""
        for n in self.names:
            if self.procs[n].poll() is not None:
                continue
            try:
                r = self.call(n, "/v3/kv/range", {"key": base64.b64encode(key.encode()).decode()})
            except OSError:
                continue
            kvs = r.get("kvs", [])
            return base64.b64decode(kvs[0].get("value", "")).decode() if kvs else None
        fail("no etcd node answers")

    def kill(self, node):
        p = self.procs[node]
        if p.poll() is None:
            p.kill()
            p.wait()

    def stop(self):
        for n in self.names:
            self.kill(n)


def member(etcd, directory, name, ttl=3, extra=()):
    return CP(directory, name="cp-" + name,
              args=["--ssi", etcd.urls, "--member", name, "--ssi-ttl", str(ttl)] + list(extra))


def kill_cp(cp):
    """SIGKILL to CP and its VM processes, as when the member's host fails
    (VM processes alone would outlive CP, waiting for a new one)."""
    vms = list(cp.vm_pids().values())
    cp.kill()
    for pid in vms:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def until(fn, what, timeout=WAIT):
    """Poll fn() until it returns a true value; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            fail(what)
        time.sleep(0.2)
