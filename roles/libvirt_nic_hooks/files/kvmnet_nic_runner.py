# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell of the per-NIC hooks on a KVM host: carries out a plan of nic_hooks.reconcile and keeps the record of each
domain's NICs. Used by the libvirt qemu hook and by kvmnet-nic-events; never talks to libvirt (the hook must
not: libvirtd waits for it).

Everything in a domain's XML is untrusted: whoever may define a domain or edit its metadata writes it. Under
one host-wide lock (taken with a timeout) the NICs are screened (nic_hooks.routed_claims: the addresses, the
table, the allow-lists, the host's own addresses and what other domains claim), planned against the record,
and the routed NICs' built-in steps run (``ip`` and /proc/sys only: milliseconds, nothing that may call back
into libvirt); the record is saved. The up.d/down.d scripts run afterwards, outside the lock, each in its own
session, killed with its whole process group on timeout - and only when they and their directory are owned
by root and writable by no one else.

Installed by the role kvmnet.netboot.libvirt_nic_hooks beside a private copy of the collection's pure
core (``ansible_collections/kvmnet/netboot/plugins/module_utils``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import namedtuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ansible_collections.kvmnet.netboot.plugins.module_utils.common import ip_math  # noqa: E402
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks import (  # noqa: E402
    environment, reconcile, routed_claims, routed_nic)

# The settings the role writes (roles/libvirt_nic_hooks/templates/nic-hooks.json.j2, from the role's
# variables and their defaults): the programs have no defaults of their own for them.
SETTINGS = ('hooks_dir', 'state_dir', 'log_file', 'fail_start', 'script_timeout', 'lock_timeout', 'uri',
            'reconcile_interval', 'routed_prefixes', 'routed_tables', 'routed_max_ips')
# Where the host keeps what the hooks read; a settings file may point them elsewhere (the tests do).
HOST_PATHS = {'qemu_run_dir': '/run/libvirt/qemu', 'proc_sys': '/proc/sys', 'sys_class_net': '/sys/class/net'}
# run-parts' rule: names of letters, digits, "_" and "-" only, so "foo.dpkg-old" or "foo~" never run.
SCRIPT_NAME_RE = re.compile(r'[A-Za-z0-9_-]+\Z')
SCRIPT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
# The owner scripts and their directories must have: root, whose hook runs them.
TRUSTED_UID = 0
# How much of a script's output goes to the log.
OUTPUT_LIMIT = 4096
LOG = logging.getLogger('kvmnet-nic-hooks')


class BadSettings(Exception):
    """The settings file is missing, not JSON, or lacks a setting: apply the role again."""


def load_config(path):
    """The settings the role wrote (JSON); raises BadSettings when one is missing."""
    try:
        with open(path) as handle:
            loaded = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        raise BadSettings('cannot read the settings %s (%s): apply the role libvirt_nic_hooks again' % (path, exc))
    missing = [key for key in SETTINGS if key not in (loaded if isinstance(loaded, dict) else {})]
    if missing:
        raise BadSettings('the settings %s lack %s: apply the role libvirt_nic_hooks again' % (path, ', '.join(missing)))
    return dict(HOST_PATHS, **loaded)


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


class LockTimeout(Exception):
    """The hook lock was held by another process for longer than lock_timeout."""


def trust_problem(path, uid=TRUSTED_UID, kind=stat.S_ISREG):
    """Why ``path`` may not be trusted to run as root, or None: it (or the target of a symlink) must be of
    ``kind``, owned by ``uid`` and writable by no one else."""
    try:
        target = os.path.realpath(path) if os.path.islink(path) else path
        info = os.stat(target)
    except OSError as exc:
        return 'cannot be read (%s)' % exc.strerror
    via = ' (the target of the symlink, %s)' % target if target != path else ''
    if not kind(info.st_mode):
        return 'is not a %s%s' % ('directory' if kind is stat.S_ISDIR else 'regular file', via)
    if info.st_uid != uid:
        return 'is owned by uid %d, not %d%s' % (info.st_uid, uid, via)
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return 'is writable by its group or by others (mode %o)%s' % (stat.S_IMODE(info.st_mode), via)
    return None


class Records(object):
    """One JSON record per domain (by UUID) of the NICs that are up or refused, the domains' generations and
    the incoming markers, in a directory under /run (it starts empty at boot, when no VM runs) that only root
    may write. One lock file guards them all."""

    def __init__(self, state_dir, lock_timeout=10, uid=TRUSTED_UID):
        self.state_dir = state_dir
        self.lock_timeout = lock_timeout
        if not os.path.isdir(state_dir):
            os.makedirs(state_dir, 0o700)
        problem = trust_problem(state_dir, uid, stat.S_ISDIR)
        if problem:
            raise OSError(errno.EPERM, 'the state directory %s %s' % (state_dir, problem))

    def _path(self, uuid, suffix):
        if not environment.UUID_RE.match(uuid or ''):
            raise ValueError('%r is not a domain UUID' % (uuid,))
        return os.path.join(self.state_dir, uuid + suffix)

    @contextlib.contextmanager
    def locked(self):
        """Hold the hook lock: one hook or listener at a time screens, plans and routes. Raises LockTimeout."""
        with open(os.path.join(self.state_dir, 'records.lock'), 'a') as handle:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise LockTimeout('another hook held %s for more than %s s' % (handle.name, self.lock_timeout))
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_json(self, path, default):
        try:
            with open(path) as handle:
                return json.load(handle)
        except (IOError, OSError, ValueError):
            return default

    def _write_json(self, path, data):
        tmp = path + '.tmp'
        with open(tmp, 'w') as handle:
            json.dump(data, handle, sort_keys=True)
        os.rename(tmp, path)

    def load(self, uuid):
        return self._read_json(self._path(uuid, '.json'), None)

    def load_named(self, name):
        """A record of the host, not of a domain (``name`` is a plain file name), or None."""
        return self._read_json(os.path.join(self.state_dir, os.path.basename(name)), None)

    def save_named(self, name, data):
        """Write a host record; None removes it."""
        path = os.path.join(self.state_dir, os.path.basename(name))
        if data is not None:
            self._write_json(path, data)
        elif os.path.exists(path):
            os.unlink(path)

    def save(self, uuid, record):
        path = self._path(uuid, '.json')
        if record is not None:
            self._write_json(path, record)
        elif os.path.exists(path):
            os.unlink(path)

    def _generations(self):
        found = self._read_json(os.path.join(self.state_dir, 'generations.json'), {})
        return found if isinstance(found, dict) else {}

    def generation(self, uuid):
        """How many times the domain was reconciled (by the hook or the listener); 0 at first."""
        return self._generations().get(uuid, 0)

    def bump(self, uuid):
        """Count one more reconciliation (under the lock)."""
        generations = self._generations()
        generations[uuid] = generations.get(uuid, 0) + 1
        self._write_json(os.path.join(self.state_dir, 'generations.json'), generations)

    def forget(self, known):
        """Drop the generations of domains that are gone (not in ``known``, no record), and the per-domain
        lock and generation files earlier versions left (under the lock)."""
        generations = self._generations()
        recorded = set(self.uuids())
        kept = dict((uuid, n) for uuid, n in generations.items() if uuid in known or uuid in recorded)
        if kept != generations:
            self._write_json(os.path.join(self.state_dir, 'generations.json'), kept)
        for name in os.listdir(self.state_dir):
            if name.endswith(('.lock', '.generation')) and environment.UUID_RE.match(name.rsplit('.', 1)[0]):
                _remove_unused_lock(os.path.join(self.state_dir, name))

    def uuids(self):
        return sorted(n[:-len('.json')] for n in os.listdir(self.state_dir)
                      if n.endswith('.json') and environment.UUID_RE.match(n[:-len('.json')]))

    def claims(self, except_uuid):
        """{address: 'VM (uuid)'} of the routed NICs other domains have up."""
        claimed = {}
        for uuid in self.uuids():
            if uuid == except_uuid:
                continue
            for env in (self.load(uuid) or {}).get('up') or []:
                if env.get('KVMNET_MODE') == 'routed':
                    for address in env.get('KVMNET_IPS', '').split():
                        claimed[address] = '%s (%s)' % (env.get('KVMNET_VM'), uuid)
        return claimed

    def _marker(self, name):
        # a domain's name is only a name: it never becomes a path
        return os.path.join(self.state_dir, 'incoming-%s.json' % hashlib.sha256(name.encode('utf-8')).hexdigest()[:32])

    def mark_incoming(self, name, operation):
        """The migrate or restore hook of ``name`` ran: the next start of it is an incoming one."""
        self._write_json(self._marker(name), {'operation': operation, 'time': time.time()})

    def take_incoming(self, name):
        """(operation, age in seconds) of ``name``'s incoming marker, removing it; (None, None) if none."""
        path = self._marker(name)
        marker = self._read_json(path, None)
        if not isinstance(marker, dict):
            return None, None
        os.unlink(path)
        try:
            return marker.get('operation'), time.time() - float(marker.get('time', 0))
        except (TypeError, ValueError):
            return None, None


def _remove_unused_lock(path):
    """Remove a lock file of an earlier version, but only while nobody holds it."""
    try:
        with open(path, 'a') as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.unlink(path)
    except OSError:
        pass


def script_names(directory, uid=TRUSTED_UID):
    """Executable files of ``directory`` with run-parts names, in lexical order, that may run as root.
    -> (names, problems): a script or directory that fails trust_problem is not run and is reported."""
    if not os.path.isdir(directory):
        return [], []
    problem = trust_problem(directory, uid, stat.S_ISDIR)
    if problem:
        return [], ['%s %s: none of its scripts run' % (directory, problem)]
    names, problems = [], []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if not SCRIPT_NAME_RE.match(name) or not os.access(path, os.X_OK) or os.path.isdir(path):
            continue
        problem = trust_problem(path, uid)
        if problem:
            problems.append('%s %s: not run' % (path, problem))
        else:
            names.append(name)
    return names, problems


def script_environment(env):
    hook_env = dict((k, v) for k, v in env.items() if k.startswith('KVMNET_'))
    hook_env.update(PATH=SCRIPT_PATH, LANG='C.UTF-8')
    return hook_env


def describe(env):
    return '%s NIC %s (%s %s, %s %s)' % (env['KVMNET_VM'], env['KVMNET_NIC_INDEX'], env['KVMNET_MODE'],
                                         env['KVMNET_TAP'] or '-', env.get('KVMNET_ACTION', '-'),
                                         env.get('KVMNET_REASON', '-'))


def run_script(path, env, timeout):
    """Run one script in a session of its own, its output into a temporary file (a child that keeps the
    output open does not hold us), the whole process group killed on timeout. -> (failed, status, output)."""
    with tempfile.TemporaryFile() as output:
        try:
            proc = subprocess.Popen([path], env=script_environment(env), cwd='/', stdin=subprocess.DEVNULL,
                                    stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            return True, 'could not run (%s)' % exc, ''
        try:
            failed, status = proc.wait(timeout=timeout) != 0, 'exited %d' % proc.returncode
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            failed, status = True, 'was killed with its process group after %s s' % timeout
        output.seek(0)
        return failed, status, output.read(OUTPUT_LIMIT).decode('utf-8', 'replace').strip()


def run_scripts(config, env, uid=TRUSTED_UID):
    """Run every trusted script of up.d or down.d for one NIC; log each failure with its output. -> failures."""
    directory = os.path.join(config['hooks_dir'], env['KVMNET_ACTION'] + '.d')
    names, problems = script_names(directory, uid)
    for problem in problems:
        LOG.error('%s: %s', describe(env), problem)
    failures = len(problems)
    for name in names:
        path = os.path.join(directory, name)
        failed, status, output = run_script(path, env, config['script_timeout'])
        if failed:
            failures += 1
            LOG.error('%s: %s %s; output: %s', describe(env), path, status, output or '(none)')
        else:
            LOG.info('%s: %s ok%s', describe(env), path, ('; output: ' + output) if output else '')
    return failures


class HostNetwork(object):
    """ip(8), /proc/sys and /sys/class/net for the routed NIC's built-in step."""

    def __init__(self, proc_sys='/proc/sys', sys_class_net='/sys/class/net'):
        self.proc_sys = proc_sys
        self.sys_class_net = sys_class_net

    def ip(self, argv):
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        return proc.returncode, proc.stdout.decode('utf-8', 'replace'), proc.stderr.decode('utf-8', 'replace').strip()

    def rules(self, family):
        rc, out, dummy = self.ip(['ip', '-j', '-' + family, 'rule', 'show'])
        try:
            return json.loads(out) if rc == 0 and out.strip() else []
        except ValueError:
            return []

    def addresses(self):
        """Every address the host's interfaces hold (canonical text); raises ClaimRefused when unreadable,
        so that nothing is routed on a guess."""
        rc, out, err = self.ip(['ip', '-j', 'addr', 'show'])
        try:
            links = json.loads(out) if rc == 0 else None
        except ValueError:
            links = None
        if not isinstance(links, list):
            raise routed_claims.ClaimRefused('the host addresses cannot be read (ip -j addr show: %s)' % (err or rc))
        return set(ip_math.normalise_address(a.get('local')) for link in links for a in link.get('addr_info') or []
                   if a.get('local'))

    def ifindex(self, tap):
        """The tap's interface index now, or None when it does not exist."""
        try:
            with open(os.path.join(self.sys_class_net, tap, 'ifindex')) as handle:
                return int(handle.read().strip())
        except (IOError, OSError, ValueError):
            return None

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
    """Run the routed NIC's built-in up steps; -> (the undo of each step that changed something, the tap's
    ifindex), kept in the record so that the down step undoes exactly that, on that tap."""
    tap = env['KVMNET_TAP']
    ifindex = host.ifindex(tap)
    if ifindex is None:
        LOG.warning('%s: tap %s does not exist (the VM is gone); nothing routed', describe(env), tap)
        return [], None
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
    return undo, ifindex


def routed_down(host, env):
    """Undo what routed_up did, last first - unless the tap is now another interface (its name was given to
    a new tap: what is there now is not ours). Whatever went with the tap (its routes, its sysctls) is gone."""
    recorded, now = env.get('routed_ifindex'), host.ifindex(env['KVMNET_TAP'])
    if recorded is not None and now is not None and now != recorded:
        LOG.warning('%s: tap %s is another interface now (index %s, was %s); its routes and rules are left alone',
                    describe(env), env['KVMNET_TAP'], now, recorded)
        return
    for action in reversed(env.get('routed_undo') or []):
        ok, message = host.run(action)
        if not ok and not re.search(r'No such (process|file|device)|Cannot find device|does not exist|cannot be set',
                                    message):
            LOG.error('%s: undoing %s failed: %s', describe(env), ' '.join(action), message)


def apply_routed(plan, host):
    """The routed NICs' built-in steps of a plan: downs' undo, then ups (kept in the up environments, which
    are the record's own dicts)."""
    for env in plan.downs:
        if env['KVMNET_MODE'] == 'routed':
            routed_down(host, env)
    for env in plan.ups:
        if env['KVMNET_MODE'] == 'routed':
            env['routed_undo'], env['routed_ifindex'] = routed_up(host, env)


def run_plan_scripts(config, plan):
    """The scripts of a plan: down.d for each NIC that went down, then up.d for each that came up. -> failures."""
    return sum(run_scripts(config, env) for env in plan.downs + plan.ups)


def claim_checker(config, records, uuid, host):
    """check_claim(ips, table) for the NICs of domain ``uuid`` on this host now (routed_claims.check_claim with
    the configured allow-lists, the host's addresses and the other domains' claims). Fails closed: invalid
    settings, or host addresses that cannot be read, refuse every claim."""
    state = {}

    def check(ips, table):
        if not state:
            try:
                state['policy'] = routed_claims.policy_from(config['routed_prefixes'], config['routed_tables'],
                                                            config['routed_max_ips'])
                state['held'] = host.addresses()
                state['claimed'] = records.claims(uuid)
            except routed_claims.ClaimRefused as exc:
                state['error'] = str(exc)
        if 'error' in state:
            raise routed_claims.ClaimRefused(state['error'])
        return routed_claims.check_claim(ips, table, state['policy'], state['held'], state['claimed'])
    return check


class StaleStatus(Exception):
    """The record changed while the domain's status was being read: read it again."""


# ``plan``: the NicPlan carried out; ``failures``: failed scripts; ``refused``: the NICs refused (with
# KVMNET_REFUSED) while the domain is active.
Reconciled = namedtuple('Reconciled', 'plan failures refused')


def reconcile_domain(config, records, uuid, nics, status, reasons, pending=None, seen=None, host=None):
    """Screen, plan and route under the lock, keep the new record; run the scripts after. -> Reconciled.

    ``nics``: the domain's DomainNics (None when it has no live definition). The listener reads the domain's
    status from libvirt before it takes the lock (libvirtd may hold the domain while its hook waits for that
    lock). ``seen`` is the domain's generation from before that read; if the hook reconciled the domain since,
    the status may be stale and StaleStatus is raised.
    """
    host = host or HostNetwork(config['proc_sys'], config['sys_class_net'])
    with records.locked():
        if seen is not None and records.generation(uuid) != seen:
            raise StaleStatus(uuid)
        records.bump(uuid)
        record = records.load(uuid)
        screened = environment.screen(nics or environment.DomainNics(uuid, None, [], []),
                                      claim_checker(config, records, uuid, host))
        plan = reconcile.plan_nics(screened.envs, status, record, reasons[0], reasons[1], pending=pending,
                                   refused=screened.refused)
        apply_routed(plan, host)
        records.save(uuid, plan.record)
    for env in reconcile.newly_refused((plan.record or {}).get('refused') or [], record):
        LOG.error('%s: refused, not brought up: %s', describe(env), env['KVMNET_REFUSED'])
    failures = run_plan_scripts(config, plan) if plan.downs or plan.ups else 0
    return Reconciled(plan, failures, (plan.record or {}).get('refused') or [])
