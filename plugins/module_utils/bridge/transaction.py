# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Change the host's network as a transaction: check, apply, verify, persist - or roll back.

As nmstate does it: everything that can be checked is checked before any change (``preflight``);
then a watchdog is armed, the change applied, the live state re-read and compared with the plan,
the gateway and targets pinged, and only then are the files written and the watchdog disarmed. Any
exception on the way - a failed check, a refused command, an error writing a file, an interrupt -
rolls the runtime change back at once.

No Ansible import and no I/O of its own: the host commands, the watchdog, the state reader, the file writer
and the clock (``monotonic()`` and ``sleep()``: the ``time`` module, or a test's) are passed in, so the unit
tests drive it with scripted commands and a clock that never waits.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.runtime import apply_lines, rollback_lines

TransactionOptions = namedtuple('TransactionOptions', 'verify_timeout rollback_timeout settle_time targets')


class TransactionError(Exception):
    """The change was refused before it started, rolled back, or could not be rolled back (then the watchdog
    stays armed and tries again at its deadline); the message says which and why."""

    def __init__(self, message, rolled_back=False, verified=None, rollback_failed=False):
        super(TransactionError, self).__init__(message)
        self.rolled_back = rolled_back
        self.verified = verified or []
        self.rollback_failed = rollback_failed


def check_timeouts(verify_timeout, rollback_timeout, settle_time):
    """Raise TransactionError unless verification ends before the watchdog would roll back."""
    if min(verify_timeout, rollback_timeout, settle_time + 1) < 1:
        raise TransactionError('verify_timeout, rollback_timeout and settle_time must be positive')
    if verify_timeout + settle_time >= rollback_timeout:
        raise TransactionError('verify_timeout (%d s) plus settle_time (%d s) must be shorter than rollback_timeout '
                               '(%d s): the watchdog would roll back while the change is still being verified'
                               % (verify_timeout, settle_time, rollback_timeout))


def transaction_options(params, plan=None, ssh_connection=''):
    """TransactionOptions from kvm_host_bridge's options: ``verify_timeout`` defaults to a third of
    ``rollback_timeout``; the timeouts are checked (TransactionError) before anything else."""
    verify = params['verify_timeout'] if params['verify_timeout'] is not None else params['rollback_timeout'] // 3
    check_timeouts(verify, params['rollback_timeout'], params['settle_time'])
    targets = verification_targets(plan, params['verify_targets'], ssh_connection) if plan else []
    return TransactionOptions(verify, params['rollback_timeout'], params['settle_time'], targets)


def verification_targets(plan, verify_targets, ssh_connection=''):
    """What must answer after the change: the given targets, the default gateways, the SSH client."""
    targets = list(verify_targets)
    for route in plan.routes:
        gateway = route.get('gateway')
        if route.get('dst') != 'default' or not gateway:
            continue
        if gateway.lower().startswith('fe80:'):  # a link-local gateway (router advertisements) needs its link
            gateway = '%s%%%s' % (gateway, plan.bridge)
        if gateway not in targets:
            targets.append(gateway)
    ssh = (ssh_connection or '').split()
    if ssh and ssh[0] not in targets and ssh[0] not in ('127.0.0.1', '::1'):
        targets.append(ssh[0])
    return targets


def state_problems(plan, facts):
    """What the live state (a kvm_host_network picture) lacks of the plan; empty when it matches."""
    by_name = dict((i['name'], i) for i in facts.get('interfaces') or [])
    bridge = by_name.get(plan.bridge)
    if bridge is None or bridge.get('kind') != 'bridge':
        return ['%s is not a bridge on the host' % plan.bridge]
    problems = []
    if plan.port and by_name.get(plan.port, {}).get('master') != plan.bridge:
        problems.append('%s is not a port of %s' % (plan.port, plan.bridge))
    if plan.mac and bridge.get('mac') != plan.mac:
        problems.append('%s has MAC %s, not %s' % (plan.bridge, bridge.get('mac'), plan.mac))
    held = set(a['address'] for a in bridge.get('addresses') or [])
    problems += ['%s does not hold %s' % (plan.bridge, a['address']) for a in plan.addresses if a['address'] not in held]
    problems += ['%s has MTU %s, not %s' % (name, by_name.get(name, {}).get('mtu'), mtu)
                 for name, mtu in sorted(plan.mtu_members.items()) if by_name.get(name, {}).get('mtu') != mtu]
    for route in plan.routes:
        if route.get('dst') == 'default' and not any(
                r['dst'] == 'default' and r['dev'] == plan.bridge and r['family'] == route['family']
                for r in facts.get('routes') or []):
            problems.append('the %s default route is not on %s' % (route['family'], plan.bridge))
    return problems


class BridgeTransaction(object):
    """One bridge change. ``read_state()`` returns the live kvm_host_network picture; ``watchdog`` has
    ``arm(ip_bin, lines, timeout, bridge)``, ``disarm(handle)`` and ``settle(pending)``; ``write_files(files)``
    persists; ``clock`` has ``monotonic()`` and ``sleep(seconds)``."""

    def __init__(self, commands, plan, by_name, files, options, watchdog, read_state, write_files, clock):
        self.commands = commands
        self.plan = plan
        self.by_name = by_name
        self.files = files
        self.options = options
        self.watchdog = watchdog
        self.read_state = read_state
        self.write_files = write_files
        self.time = clock

    def preflight(self, unwritable=()):
        """Everything checkable before a change: the tools, and where the files go."""
        if self.plan.changes and self.options.targets and not self.commands.ping_bin:
            raise TransactionError('ping is needed to verify the change (package iputils-ping); nothing was changed')
        if unwritable:
            raise TransactionError('cannot write the configuration to %s; nothing was changed' % ', '.join(unwritable))

    def run(self):
        """Apply, verify and persist; returns the targets that answered. Raises TransactionError."""
        if not self.plan.changes:
            self._persist_only()
            return []
        undo = rollback_lines(self.plan, self.by_name)
        handle = self.watchdog.arm(self.commands.ip_bin, undo, self.options.rollback_timeout, self.plan.bridge)
        answered = []
        try:
            rc, out, err = self.commands.ip_batch(apply_lines(self.plan, self.by_name))
            if rc != 0:
                raise TransactionError('applying failed: %s' % (err or out).strip())
            self.time.sleep(self.options.settle_time)
            deadline = self.time.monotonic() + self.options.verify_timeout
            self._verify_state(deadline)
            answered = self._verify_reachability(deadline)
            self.write_files(self.files)
        except (Exception, KeyboardInterrupt) as exc:  # pylint: disable=broad-except
            self._roll_back(undo, handle, exc, answered)
        self.watchdog.disarm(handle)
        return answered

    def _roll_back(self, undo, handle, exc, answered):
        """Undo now; disarm the watchdog only when the undo went through. Always raises TransactionError."""
        why = str(exc) if isinstance(exc, TransactionError) else '%s: %s' % (type(exc).__name__, exc)
        rc, out, err = self.commands.ip_batch(undo, force=True)
        if rc != 0:
            raise TransactionError('bridge %s: %s; rolling back failed too (%s). The rollback watchdog stays armed and '
                                   'replays the undo in %d s at the latest; check the host before running again.'
                                   % (self.plan.bridge, why, (err or out).strip() or 'ip exited %d' % rc,
                                      self.options.rollback_timeout), verified=answered, rollback_failed=True)
        self.watchdog.disarm(handle)
        raise TransactionError('bridge %s rolled back: %s. The previous addresses, routes and MTUs are '
                               'restored; no file was written.' % (self.plan.bridge, why),
                               rolled_back=True, verified=answered)

    def settle_pending(self, pending):
        """Watchdogs an earlier run armed and never confirmed (it was killed): when the host already shows this
        plan (nothing to change) and the targets answer, that run's change held - disarm them and return True.
        Otherwise return False: the caller lets them fire and plans again."""
        if self.plan.changes:
            return False
        try:
            self._verify_reachability(self.time.monotonic() + self.options.verify_timeout)
        except TransactionError:
            return False
        for watchdog in pending:
            self.watchdog.settle(watchdog)
        return True

    def _persist_only(self):
        try:
            self.write_files(self.files)
        except (IOError, OSError) as exc:
            raise TransactionError('writing the configuration of %s failed: %s; the files already written were '
                                   'put back' % (self.plan.bridge, exc))

    def _verify_state(self, deadline):
        while True:
            problems = state_problems(self.plan, self.read_state())
            if not problems:
                return
            if self.time.monotonic() >= deadline:
                raise TransactionError('the host does not show the planned state: %s' % '; '.join(problems))
            self.time.sleep(0.5)

    def _verify_reachability(self, deadline):
        answered, pending = [], list(self.options.targets)
        while pending:
            for target in list(pending):
                if self.commands.ping(target):
                    answered.append(target)
                    pending.remove(target)
            if not pending or self.time.monotonic() >= deadline:
                break
            self.time.sleep(0.5)
        if pending:
            raise TransactionError('%s did not answer through %s within %d s'
                                   % (', '.join(pending), self.plan.bridge, self.options.verify_timeout))
        return answered
