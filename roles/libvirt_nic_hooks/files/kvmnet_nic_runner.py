# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell of the per-NIC hooks on a KVM host: carries out a plan of vm/nic_hooks (the built-in step of a
routed NIC, then the scripts of up.d; the scripts of down.d, then the routed NIC's undo), keeps the record
of each domain's NICs under a lock, and logs. Used by the libvirt qemu hook and by kvmnet-nic-events;
never talks to libvirt (the hook must not: libvirtd waits for it).

Installed by the role kvmnet.netboot.libvirt_nic_hooks beside a private copy of the collection's pure
core (``ansible_collections/kvmnet/netboot/plugins/module_utils``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import fcntl
import json
import logging
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ansible_collections.kvmnet.netboot.plugins.module_utils.vm import nic_hooks, routed_nic  # noqa: E402

DEFAULTS = {
    'hooks_dir': '/etc/kvmnet/nic-hooks',
    'state_dir': '/run/kvmnet/nic-hooks',
    'log_file': '/var/log/kvmnet/nic-hooks.log',
    'fail_start': False,
    'script_timeout': 30,
    'uri': 'qemu:///system',
    'qemu_run_dir': '/run/libvirt/qemu',
    'proc_sys': '/proc/sys',
    # the listener checks every domain this often (seconds), besides on events
    'reconcile_interval': 60,
}
# run-parts' rule: names of letters, digits, "_" and "-" only, so "foo.dpkg-old" or "foo~" never run.
SCRIPT_NAME_RE = re.compile(r'^[A-Za-z0-9_-]+$')
SCRIPT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
# An incoming marker (written by the migrate/restore hook) older than this is not about this start.
INCOMING_MARKER_MAX_AGE = 600
LOG = logging.getLogger('kvmnet-nic-hooks')


def load_config(path):
    """The settings the role writes (JSON), over DEFAULTS; a missing file gives the defaults."""
    config = dict(DEFAULTS)
    if path and os.path.exists(path):
        with open(path) as handle:
            config.update(json.load(handle))
    return config


def setup_logging(config, to_stderr=False):
    """Log to the configured file (and stderr for the listener in the foreground); never to stdout."""
    handlers = []
    if config.get('log_file'):
        directory = os.path.dirname(config['log_file'])
        if directory and not os.path.isdir(directory):
            os.makedirs(directory, 0o750)
        handlers.append(logging.FileHandler(config['log_file']))
    if to_stderr or not handlers:
        handlers.append(logging.StreamHandler(sys.stderr))
    fmt = logging.Formatter('%(asctime)s kvmnet-nic-hooks[%(process)d] %(levelname)s %(message)s')
    LOG.handlers = []
    for handler in handlers:
        handler.setFormatter(fmt)
        LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False


class Records(object):
    """One JSON record per domain (by UUID) of the NICs that are up, and the incoming markers, in a
    directory under /run: it starts empty at boot, when no VM runs."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        if not os.path.isdir(state_dir):
            os.makedirs(state_dir, 0o700)

    def _path(self, name, suffix):
        return os.path.join(self.state_dir, name.replace('/', '_') + suffix)

    @contextlib.contextmanager
    def locked(self, uuid):
        """Hold the domain's lock: the hook and the listener never act on one domain at once."""
        with open(self._path(uuid, '.lock'), 'a') as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def load(self, uuid):
        try:
            with open(self._path(uuid, '.json')) as handle:
                return json.load(handle)
        except (IOError, OSError, ValueError):
            return None

    def save(self, uuid, record):
        path = self._path(uuid, '.json')
        if record is None:
            if os.path.exists(path):
                os.unlink(path)
            return
        tmp = path + '.tmp'
        with open(tmp, 'w') as handle:
            json.dump(record, handle, sort_keys=True)
        os.rename(tmp, path)

    def signature(self, uuid):
        """How many times the domain was reconciled (by the hook or the listener); 0 at first."""
        try:
            with open(self._path(uuid, '.generation')) as handle:
                return int(handle.read().strip() or 0)
        except (IOError, OSError, ValueError):
            return 0

    def bump(self, uuid):
        """Count one more reconciliation (under the domain's lock)."""
        path = self._path(uuid, '.generation')
        with open(path + '.tmp', 'w') as handle:
            handle.write('%d\n' % (self.signature(uuid) + 1))
        os.rename(path + '.tmp', path)

    def uuids(self):
        return sorted(n[:-len('.json')] for n in os.listdir(self.state_dir) if n.endswith('.json'))

    def mark_incoming(self, name, operation):
        """The migrate or restore hook of ``name`` ran: the next start of it is an incoming one."""
        with open(self._path(name, '.incoming'), 'w') as handle:
            json.dump({'operation': operation, 'time': time.time()}, handle)

    def take_incoming(self, name):
        """(operation, age in seconds) of ``name``'s incoming marker, removing it; (None, None) if none."""
        path = self._path(name, '.incoming')
        try:
            with open(path) as handle:
                marker = json.load(handle)
            os.unlink(path)
        except (IOError, OSError, ValueError):
            return None, None
        return marker.get('operation'), time.time() - float(marker.get('time', 0))


def script_names(directory):
    """Executable regular files of ``directory`` with run-parts names, in lexical order."""
    if not os.path.isdir(directory):
        return []
    names = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if SCRIPT_NAME_RE.match(name) and os.path.isfile(path) and os.access(path, os.X_OK):
            names.append(name)
    return names


def script_environment(env):
    hook_env = dict((k, v) for k, v in env.items() if k.startswith('KVMNET_'))
    hook_env.update(PATH=SCRIPT_PATH, LANG='C.UTF-8')
    return hook_env


def describe(env):
    return '%s NIC %s (%s %s, %s %s)' % (env['KVMNET_VM'], env['KVMNET_NIC_INDEX'], env['KVMNET_MODE'],
                                         env['KVMNET_TAP'] or '-', env['KVMNET_ACTION'], env['KVMNET_REASON'])


def run_scripts(config, env):
    """Run every script of up.d or down.d for one NIC; log each failure with its output. -> failures."""
    directory = os.path.join(config['hooks_dir'], env['KVMNET_ACTION'] + '.d')
    failures = 0
    for name in script_names(directory):
        path = os.path.join(directory, name)
        try:
            proc = subprocess.run([path], env=script_environment(env), cwd='/', stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=config['script_timeout'], check=False)
            output, status = proc.stdout.decode('utf-8', 'replace').strip(), 'exited %d' % proc.returncode
            failed = proc.returncode != 0
        except subprocess.TimeoutExpired as exc:
            output = (exc.output or b'').decode('utf-8', 'replace').strip()
            status, failed = 'was killed after %s s' % config['script_timeout'], True
        except OSError as exc:
            output, status, failed = '', 'could not run (%s)' % exc, True
        if failed:
            failures += 1
            LOG.error('%s: %s %s; output: %s', describe(env), path, status, output or '(none)')
        else:
            LOG.info('%s: %s ok%s', describe(env), path, ('; output: ' + output) if output else '')
    return failures


class HostNetwork(object):
    """ip(8) and /proc/sys for the routed NIC's built-in step."""

    def __init__(self, proc_sys='/proc/sys'):
        self.proc_sys = proc_sys

    def ip(self, argv):
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        return proc.returncode, proc.stdout.decode('utf-8', 'replace'), proc.stderr.decode('utf-8', 'replace').strip()

    def rules(self, family):
        rc, out, dummy = self.ip(['ip', '-j', '-' + family, 'rule', 'show'])
        try:
            return json.loads(out) if rc == 0 and out.strip() else []
        except ValueError:
            return []

    def sysctl(self, key, value=None):
        """The value of /proc/sys/``key`` (None when it does not exist), after writing ``value`` if given."""
        path = os.path.join(self.proc_sys, key)
        try:
            if value is not None:
                with open(path, 'w') as handle:
                    handle.write(value)
            with open(path) as handle:
                return handle.read().strip()
        except (IOError, OSError):
            return None

    def run(self, action):
        """Carry out a step's ``do`` or ``undo``: (ok, message)."""
        if action[0] == 'sysctl':
            ok = self.sysctl(action[1], action[2]) == action[2]
            return ok, '' if ok else '/proc/sys/%s cannot be set' % action[1]
        rc, dummy, err = self.ip(list(action))
        return rc == 0, err


def routed_up(host, env):
    """Run the routed NIC's built-in up steps; -> the undo of each step that changed something."""
    tap = env['KVMNET_TAP']
    if host.sysctl('net/ipv4/conf/%s/forwarding' % tap) is None:
        LOG.warning('%s: tap %s does not exist (the VM is gone); nothing routed', describe(env), tap)
        return []
    families = routed_nic.families(env['KVMNET_IPS'].split())
    rules = dict((f, host.rules(f)) for f in families)
    sysctls = dict((k, host.sysctl(k)) for f in families for k in routed_nic.sysctl_keys(tap, f))
    undo = []
    for step in routed_nic.routed_up_steps(env, rules, sysctls):
        ok, message = host.run(step.do)
        if ok:
            undo.append(list(step.undo))
        elif step.exists_ok and 'File exists' in message:
            LOG.info('%s: %s was already there; left alone', describe(env), step.what)
        else:
            LOG.error('%s: %s failed: %s', describe(env), step.what, message)
    return undo


def routed_down(host, env, undo):
    """Undo what routed_up did, last first. Whatever went with the tap (its routes, its sysctls) is gone."""
    for action in reversed(undo or []):
        ok, message = host.run(action)
        if not ok and not re.search(r'No such (process|file|device)|Cannot find device|does not exist|cannot be set',
                                    message):
            LOG.error('%s: undoing %s failed: %s', describe(env), ' '.join(action), message)


def apply_plan(config, plan, host=None):
    """Bring the plan's NICs down, then up. The routed step's undo is kept in the NIC's environment in
    ``plan.record`` (the up environments are the record's own dicts). -> the number of failed scripts."""
    host = host or HostNetwork(config.get('proc_sys', '/proc/sys'))
    failures = 0
    for env in plan.downs:
        failures += run_scripts(config, env)
        if env['KVMNET_MODE'] == 'routed':
            routed_down(host, env, env.get('routed_undo'))
    for env in plan.ups:
        if env['KVMNET_MODE'] == 'routed':
            env['routed_undo'] = routed_up(host, env)
        failures += run_scripts(config, env)
    return failures


class StaleStatus(Exception):
    """The record changed while the domain's status was being read: read it again."""


def reconcile_domain(config, records, uuid, envs, status, reasons, pending=None, seen=None):
    """Under the domain's lock: plan from its record, carry the plan out, keep the new record.
    -> (plan, failures).

    The listener reads the domain's status from libvirt before it takes the lock (libvirtd may hold the
    domain while its hook waits for that lock). ``seen`` is the domain's signature from before that
    read; if the hook reconciled the domain since, the status may be stale and StaleStatus is raised.
    """
    with records.locked(uuid):
        if seen is not None and records.signature(uuid) != seen:
            raise StaleStatus(uuid)
        records.bump(uuid)
        record = records.load(uuid)
        plan = nic_hooks.plan_nics(envs, status, record, reasons[0], reasons[1], pending=pending)
        failures = apply_plan(config, plan) if plan.downs or plan.ups else 0
        records.save(uuid, plan.record)
    return plan, failures
