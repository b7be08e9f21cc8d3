# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab plumbing for the integration tests: network namespaces, libvirt objects, running our modules.

Safety rules (see README): only namespaces and bridges made here; addresses inside the test's own
namespaces from 198.51.100.0/24 and 2001:db8::/32; anything in the host's own namespace (a libvirt
network that is started) from 198.18.0.0/15, checked against the machine's routes, addresses,
nameservers and package sources first (tools/lab_safety.py); nothing on the machine's uplink, routes
or firewall; every object named with LAB_PREFIX so a crashed run's leftovers are found and removed by
the next one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tools'))

import netboot_lab  # noqa: E402 pylint: disable=wrong-import-position,import-error

LAB_PREFIX = 'kvmnt-'
LIBVIRT_URI = 'qemu:///system'
LAB_DEFAULT_BRIDGE = netboot_lab.LAB_DEFAULT_BRIDGE
LAB_GATEWAY, LAB_DHCP_FIRST, LAB_DHCP_LAST, LAB_PREFIXLEN = netboot_lab.lab_default_addresses()


def sh(*cmd, **kwargs):
    """Run a command; raise with its output when it fails (unless check=False)."""
    check = kwargs.pop('check', True)
    proc = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False, **kwargs)
    if check and proc.returncode != 0:
        raise RuntimeError('%s failed (%s): %s%s' % (' '.join(cmd), proc.returncode, proc.stdout, proc.stderr))
    return proc


def in_netns(netns, *cmd, **kwargs):
    return sh('ip', 'netns', 'exec', netns, *cmd, **kwargs)


def ip_json(netns, *args):
    return json.loads(in_netns(netns, 'ip', '-j', *args).stdout or '[]')


class Netns(object):
    """A network namespace with no route out; deleted (with every link in it) on close."""

    def __init__(self, tag):
        self.name = '%s%s-%s' % (LAB_PREFIX, tag, uuid.uuid4().hex[:6])
        sh('ip', 'netns', 'add', self.name)
        self.run('ip', 'link', 'set', 'lo', 'up')

    def run(self, *cmd, **kwargs):
        return in_netns(self.name, *cmd, **kwargs)

    def close(self):
        sh('ip', 'netns', 'del', self.name, check=False)


def remove_stale_netns():
    for line in sh('ip', 'netns', 'list').stdout.splitlines():
        name = line.split()[0] if line.split() else ''
        if name.startswith(LAB_PREFIX):
            sh('ip', 'netns', 'del', name, check=False)


def libvirt_conn():
    import libvirt  # pylint: disable=import-outside-toplevel
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    return libvirt.open(LIBVIRT_URI)


def remove_stale_libvirt(conn):
    """Destroy and undefine every lab domain and network a crashed run left behind."""
    for thing in conn.listAllDomains(0) + conn.listAllNetworks(0):
        if thing.name().startswith(LAB_PREFIX):
            if thing.isActive():
                thing.destroy()
            if thing.isPersistent():
                thing.undefine()


def collections_root():
    return os.environ.get('ANSIBLE_COLLECTIONS_PATH') or os.path.abspath(
        os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))


def run_module_direct(module, args=None, check=False, diff=False):
    """Run the module file as Ansible's wrapper does (a Python process reading its arguments file).

    Unlike ``run_module`` the whole result comes back, ``diff`` included (callbacks drop it).
    """
    args = dict(args or {}, _ansible_check_mode=check, _ansible_diff=diff)
    root = collections_root()
    path = os.path.join(root, 'ansible_collections', 'kvmnet', 'netboot', 'plugins', 'modules', module + '.py')
    with tempfile.NamedTemporaryFile('w', suffix='.json', prefix='kvmnt-args-', delete=False) as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
    try:
        proc = subprocess.run([sys.executable, path, handle.name], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, env=dict(os.environ, PYTHONPATH=root), check=False)
    finally:
        os.unlink(handle.name)
    return json.loads(proc.stdout)


def run_module(module, args=None, netns=None, check=False, diff=False, prefix=None):
    """Run ``kvmnet.netboot.<module>`` through ``ansible`` against localhost (in ``netns``, or behind the
    command ``prefix``, for example a lab host's ``enter.sh``).

    Returns ``(rc, result, output)``: ansible's exit code, the module's result dict and everything it
    printed (to look for tracebacks).
    """
    tree = tempfile.mkdtemp(prefix='kvmnt-tree-')
    try:
        cmd = ['ansible', 'localhost', '-t', tree, '-m', 'kvmnet.netboot.%s' % module]
        if args:
            cmd += ['-a', json.dumps(args)]
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        if netns:
            cmd = ['ip', 'netns', 'exec', netns] + cmd
        if prefix:
            cmd = list(prefix) + cmd
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(),
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1')
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                              env=env, check=False)
        path = os.path.join(tree, 'localhost')
        result = {}
        if os.path.exists(path):
            with open(path) as handle:
                result = json.load(handle)
        return proc.returncode, result, proc.stdout
    finally:
        shutil.rmtree(tree, ignore_errors=True)


class BorrowedDefault(object):
    """The host's `default` network put aside for a test (tools/netboot_lab.borrow_default: only when it is not
    running and no domain uses it) and put back afterwards as it was, autostart flag included."""

    def __init__(self, conn):
        self.conn = conn
        self.saved = netboot_lab.borrow_default(conn)

    def restore(self):
        netboot_lab.give_back_default(self.conn, self.saved)


def lab_default_network(conn):
    """Put the host's `default` aside and define and start the lab one on ``lab_default_cidr``
    (198.18.122.0/24; DHCP on: the trap). Returns the BorrowedDefault to restore."""
    borrowed = BorrowedDefault(conn)
    try:
        netboot_lab.start_lab_default(conn)
    except Exception:
        borrowed.restore()
        raise
    return borrowed
