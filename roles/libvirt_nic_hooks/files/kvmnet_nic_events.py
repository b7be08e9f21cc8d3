# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""kvmnet-nic-events: per-NIC up/down hooks for libvirt qemu domains.

``hook NAME OP SUBOP ...`` is what /etc/libvirt/hooks/qemu.d/kvmnet-nic-hooks runs. At ``started`` it
brings the domain's NICs up - all of them on a normal start; on an incoming migration or restore (its
QEMU runs with ``-incoming``, after a ``migrate`` or ``restore`` hook) all but the routed ones, which stay
pending. It never writes to stdout (libvirt would take it for a new domain XML) and never calls libvirt
(libvirtd waits for the hook).

``listen`` follows libvirt's domain lifecycle events: a routed NIC comes up when its incoming domain
runs, goes down when the domain is paused to migrate away, and every NIC goes down when the domain
stops (reason save, migrate-out or stop). It reconciles every domain when it starts and after
libvirtd comes back, so a missed event neither leaves a NIC down nor brings it up twice.
``listen --supervise --pidfile P`` runs it in the background and restarts it (for hosts without systemd);
``status`` and ``stop`` act on that pidfile. ``reload-libvirt [--unit UNIT]`` makes libvirt read its hook
directory again without starting the networks and pools that are down.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import os
import queue
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kvmnet_nic_runner as runner  # noqa: E402
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_events  # noqa: E402
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks import environment, events, reconcile  # noqa: E402


# --- the qemu hook ---------------------------------------------------------------------------------

def qemu_args(config, name):
    """The command line of the QEMU started for domain ``name``, or None when there is none to look at."""
    try:
        with open(os.path.join(config['qemu_run_dir'], name + '.pid')) as handle:
            pid = int(handle.read().strip())
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            return [arg.decode('utf-8', 'replace') for arg in handle.read().split(b'\0')]
    except (IOError, OSError, ValueError):
        return None


def incoming_reason(config, records, name):
    """restore or migrate-in when this start of ``name`` is an incoming one, else None (nic_hooks.events)."""
    operation, age = records.take_incoming(name)
    return events.incoming_reason(operation, age, qemu_args(config, name))


def records_of(config):
    return runner.Records(config['state_dir'], config['lock_timeout'])


def hook_started(config, name, xml):
    records = records_of(config)
    pending = incoming_reason(config, records, name)
    nics = environment.nic_environments(xml)
    status = reconcile.DomainStatus(True, 'starting', None, nics.instance)
    reasons = (pending or 'start', 'stop')
    done = runner.reconcile_domain(config, records, nics.uuid, nics, status, reasons, pending=pending)
    if pending:
        runner.LOG.info('%s came in (%s): routed NICs wait until it runs', name, pending)
    failures = done.failures + len(done.refused)
    if failures and config['fail_start']:
        runner.LOG.error('%s: %d NIC hook script(s) failed or NIC(s) were refused, and fail_start is set: libvirt '
                         'will not start it', name, failures)
        # libvirt sends no lifecycle event for a start that never happened: take the NICs down now
        gone = reconcile.DomainStatus(False, 'shutoff', None, None)
        runner.reconcile_domain(config, records, nics.uuid, nics, gone, ('start', 'stop'))
        return 1
    return 0


def hook(config, args):
    """The qemu hook: ``NAME OPERATION SUBOPERATION EXTRA``, the domain XML on stdin."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing may reach libvirt through stdout
    xml = sys.stdin.read()
    name, operation, sub = (list(args) + ['', '', ''])[:3]
    try:
        if operation in ('migrate', 'restore') and sub == 'begin':
            records_of(config).mark_incoming(name, operation)
            return 0
        if operation == 'started' and sub == 'begin':
            return hook_started(config, name, xml)
    except runner.LockTimeout as exc:
        runner.LOG.error('hook %s %s %s: %s; the NICs were not brought up now (the listener will)', name, operation,
                         sub, exc)
        return 1 if config['fail_start'] and operation == 'started' else 0
    except Exception:  # pylint: disable=broad-except
        runner.LOG.exception('hook %s %s %s failed', name, operation, sub)
        return 1 if config['fail_start'] and operation == 'started' else 0
    return 0


# --- the listener ----------------------------------------------------------------------------------

class Listener(object):
    """Domain lifecycle events -> reconcile that domain; (re)connection -> reconcile every domain."""

    def __init__(self, config, libvirt):
        self.config = config
        self.libvirt = libvirt
        self.records = records_of(config)
        self.queue = queue.Queue()
        self.stopping = False
        self.unclaimed = {}  # uuid -> (side, generation): what one periodic check left for the next (periodic_round)

    def on_lifecycle(self, conn, dom, event, detail, opaque):
        word, detail_word = domain_events.event_words(event, detail)
        if word:
            self.queue.put((dom.UUIDString(), word, detail_word))

    def on_close(self, conn, reason, opaque):
        self.queue.put((None, 'closed', reason))

    def status_of(self, conn, uuid):
        """(domain XML or None, DomainStatus) of ``uuid`` now."""
        try:
            dom = conn.lookupByUUIDString(uuid)
            if not dom.isActive():
                return None, reconcile.DomainStatus(False, 'shutoff', None, None)
            state, reason = dom.state()
            xml = dom.XMLDesc(0)
            instance = dom.ID()
        except self.libvirt.libvirtError as exc:
            if exc.get_error_code() != self.libvirt.VIR_ERR_NO_DOMAIN:
                raise
            return None, reconcile.DomainStatus(False, 'shutoff', None, None)
        return xml, reconcile.DomainStatus(True, domain_events.state_word(state),
                                           domain_events.paused_reason_word(state, reason), instance)

    def reconcile(self, conn, uuid, event=None, detail=None, running_only=False):
        for dummy in range(10):
            seen = self.records.generation(uuid)
            xml, status = self.status_of(conn, uuid)
            if status.state == 'paused' and status.reason == 'starting_up':
                return  # its started hook is about to run and brings the NICs up
            if running_only and not status.active:
                return  # it stopped just now: its stop event follows
            nics = environment.nic_environments(xml) if xml else None
            if not (nics and nics.envs) and self.records.load(uuid) is None:
                return
            reasons = events.event_reasons(event, detail, status)
            try:
                done = runner.reconcile_domain(self.config, self.records, uuid, nics, status, reasons, seen=seen)
                break
            except runner.StaleStatus:
                continue  # the hook acted meanwhile (a start): read the status again
            except runner.LockTimeout as exc:
                runner.LOG.warning('%s: %s; reconciling at the next check', uuid, exc)
                return
        else:
            runner.LOG.warning('%s: the record kept changing; reconciling at the next event', uuid)
            return
        if done.plan.downs or done.plan.ups:
            runner.LOG.info('%s after %s %s: %d NIC(s) down, %d up, %d script failure(s)', uuid, event or 'reconcile',
                            detail or '', len(done.plan.downs), len(done.plan.ups), done.failures)

    def reconcile_all(self, conn):
        """Every domain that runs or has NICs up: at start and after libvirtd comes back."""
        uuids = set(self.records.uuids())
        uuids.update(dom.UUIDString() for dom in conn.listAllDomains(self.libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE))
        for uuid in sorted(uuids):
            self.reconcile(conn, uuid)

    def check_all(self, conn):
        """The periodic check, for what no event reports (nic_hooks.events.periodic_round)."""
        active = set(dom.UUIDString() for dom in conn.listAllDomains(self.libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE))
        self.forget_gone(conn)
        recorded = self.records.uuids()
        generations = dict((uuid, self.records.generation(uuid)) for uuid in set(active) | set(recorded))
        running, stop, self.unclaimed = events.periodic_round(active, recorded, generations, self.unclaimed)
        for uuid in running:
            self.reconcile(conn, uuid, running_only=True)
        for uuid in stop:
            self.reconcile(conn, uuid, 'stopped', 'unseen')

    def forget_gone(self, conn):
        """Drop what the state directory keeps for domains that no longer exist (their generations)."""
        known = set(dom.UUIDString() for dom in conn.listAllDomains(0))
        try:
            with self.records.locked():
                self.records.forget(known)
        except runner.LockTimeout:
            pass

    def connect(self):
        conn = self.libvirt.open(self.config['uri'])
        conn.registerCloseCallback(self.on_close, None)
        conn.setKeepAlive(5, 3)
        conn.domainEventRegisterAny(None, self.libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self.on_lifecycle, None)
        return conn

    def serve(self, conn):
        """Handle events until the connection closes."""
        last_full = time.time()
        while not self.stopping:
            if time.time() - last_full > self.config['reconcile_interval']:
                self.check_all(conn)
                last_full = time.time()
            try:
                uuid, event, detail = self.queue.get(timeout=1)
            except queue.Empty:
                continue
            if event == 'closed':
                runner.LOG.warning('the connection to libvirt closed (reason %s); reconnecting', detail)
                return
            try:
                self.reconcile(conn, uuid, event, detail)
            except self.libvirt.libvirtError as exc:
                runner.LOG.error('%s after %s %s: %s', uuid, event, detail, exc)
                if not conn.isAlive():
                    return

    def run(self):
        self.libvirt.virEventRegisterDefaultImpl()
        loop = threading.Thread(target=self._event_loop, name='libvirt-events')
        loop.daemon = True
        loop.start()
        delay = 1
        while not self.stopping:
            try:
                conn = self.connect()
            except self.libvirt.libvirtError as exc:
                runner.LOG.warning('libvirt at %s does not answer (%s); retrying in %d s', self.config['uri'], exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            delay = 1
            runner.LOG.info('listening to %s', self.config['uri'])
            try:
                self.forget_gone(conn)
                self.reconcile_all(conn)
                self.serve(conn)
            except self.libvirt.libvirtError as exc:
                runner.LOG.error('libvirt: %s', exc)
            finally:
                self._close(conn)

    def _event_loop(self):
        while True:
            self.libvirt.virEventRunDefaultImpl()

    def _close(self, conn):
        try:  # the event callbacks go with the connection
            conn.unregisterCloseCallback()
            conn.close()
        except self.libvirt.libvirtError:
            pass


def listen(config):
    import libvirt  # pylint: disable=import-outside-toplevel
    runner.setup_logging(config, to_stderr=True)
    listener = Listener(config, libvirt)

    def stop(signum, frame):
        listener.stopping = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    listener.run()
    return 0


# --- running it without systemd -------------------------------------------------------------------

def read_pid(pidfile):
    """The pid in ``pidfile`` when that process is this program, else None."""
    try:
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            cmdline = handle.read()
    except (IOError, OSError, ValueError):
        return None
    return pid if b'kvmnet_nic_events' in cmdline else None


def supervise(config_path, pidfile):
    """Detach, then run ``listen`` in a child and start it again whenever it ends, until SIGTERM."""
    if read_pid(pidfile):
        return 0
    if os.fork():
        return 0
    os.setsid()
    if os.fork():
        os._exit(0)  # pylint: disable=protected-access
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    with open(pidfile, 'w') as handle:
        handle.write('%d\n' % os.getpid())
    state = {'child': None, 'stopping': False}

    def stop(signum, frame):
        state['stopping'] = True
        if state['child'] is not None:
            state['child'].terminate()
    signal.signal(signal.SIGTERM, stop)
    delay = 1
    while not state['stopping']:
        started = time.time()
        state['child'] = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--config', config_path, 'listen'])
        state['child'].wait()
        if state['stopping']:
            break
        delay = 1 if time.time() - started > 60 else min(delay * 2, 30)
        time.sleep(delay)
    if os.path.exists(pidfile):
        os.unlink(pidfile)
    os._exit(0)  # pylint: disable=protected-access


def stop_supervised(pidfile):
    pid = read_pid(pidfile)
    if pid is None:
        return 0
    os.kill(pid, signal.SIGTERM)
    for dummy in range(100):
        if read_pid(pidfile) is None:
            return 0
        time.sleep(0.1)
    return 1


# A reload (SIGHUP) of the monolithic libvirtd also starts every network and storage pool marked autostart
# that is down - the packaged `default` too, which an operator may have stopped on purpose. Reloading to
# find a new hook must not start anything: their autostart flags are held off across the reload (recorded
# first, so that a crash in between is repaired by the next run), and whatever starts all the same is
# stopped again. The reload runs in a thread of the daemon after it answers: the flags stay held
# RELOAD_SETTLE seconds more.
AUTOSTART_HELD = 'autostart-held.json'
RELOAD_SETTLE = 10


def _autostart_object(conn, kind, name):
    import libvirt  # pylint: disable=import-outside-toplevel
    try:
        return conn.networkLookupByName(name) if kind == 'network' else conn.storagePoolLookupByName(name)
    except libvirt.libvirtError:
        return None


def hold_autostart(records, conn):
    """Turn autostart off for every network and pool that is down with autostart on; -> [[kind, name]]."""
    held = [['network', n.name()] for n in conn.listAllNetworks(0) if n.autostart() and not n.isActive()]
    held += [['pool', p.name()] for p in conn.listAllStoragePools(0) if p.autostart() and not p.isActive()]
    if held:
        records.save_named(AUTOSTART_HELD, held)  # first: a crash from here on is repaired by the next run
        for kind, name in held:
            _autostart_object(conn, kind, name).setAutostart(0)
    return held


def give_back_autostart(records, conn, stop_started=False):
    """Autostart on again for what was held (read from the record); with ``stop_started``, stop those the
    reload started anyway. -> the ones stopped, as "network NAME"."""
    held = records.load_named(AUTOSTART_HELD)
    if not isinstance(held, list):
        return []
    stopped = []
    for kind, name in (h for h in held if isinstance(h, list) and len(h) == 2):
        found = _autostart_object(conn, kind, name)
        if found is None:
            continue
        if stop_started and found.isActive():
            found.destroy()
            stopped.append('%s %s' % (kind, name))
        found.setAutostart(1)
    records.save_named(AUTOSTART_HELD, None)
    return stopped


def _send_reload(unit):
    """``systemctl reload UNIT`` under systemd, else SIGHUP to the daemon found by its pidfile."""
    if unit:
        return subprocess.call(['systemctl', 'reload', unit])
    for pidfile in ('/run/libvirtd.pid', '/run/virtqemud.pid', '/var/run/libvirtd.pid'):
        try:
            with open(pidfile) as handle:
                os.kill(int(handle.read().strip()), signal.SIGHUP)
            return 0
        except (IOError, OSError, ValueError):
            continue
    sys.stderr.write('no libvirtd or virtqemud pidfile found: reload it yourself\n')
    return 1


def _connect(uri, seconds):
    import libvirt  # pylint: disable=import-outside-toplevel
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    deadline = time.monotonic() + seconds
    while True:
        try:
            return libvirt.open(uri)
        except libvirt.libvirtError:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.5)


def reload_libvirt(config, unit=None, settle=RELOAD_SETTLE):
    """Reload libvirt (the systemd ``unit``, or the daemon started without systemd) so that it reads its hook
    directory again, without starting any network or pool that is down. 0 when done."""
    records = runner.Records(config['state_dir'], config['lock_timeout'])
    conn = _connect(config['uri'], 30)
    if conn is None:
        sys.stderr.write('libvirt does not answer at %s\n' % config['uri'])
        return 1
    give_back_autostart(records, conn)  # an earlier reload that did not finish
    hold_autostart(records, conn)
    conn.close()
    code = _send_reload(unit)
    time.sleep(1)
    conn = _connect(config['uri'], 30)
    if conn is None:
        sys.stderr.write('libvirt did not answer within 30 s of the reload; autostart flags held in %s are given '
                         'back by the next reload-libvirt\n' % os.path.join(config['state_dir'], AUTOSTART_HELD))
        return 1
    if code == 0:
        time.sleep(settle)
    for name in give_back_autostart(records, conn, stop_started=True):
        sys.stderr.write('the reload started %s all the same: stopped it again\n' % name)
    conn.close()
    return code


def check_config(config):
    """Refuse settings the hook would fail closed on: the role runs this after writing them."""
    problems = []
    try:
        runner.routed_claims.policy_from(config['routed_prefixes'], config['routed_tables'], config['routed_max_ips'])
    except ValueError as exc:
        problems.append(str(exc))
    for key in ('script_timeout', 'lock_timeout', 'reconcile_interval'):
        if isinstance(config[key], bool) or not isinstance(config[key], int) or config[key] < 1:
            problems.append('%s must be a positive number of seconds, got %r' % (key, config[key]))
    for problem in problems:
        sys.stderr.write('kvmnet-nic-events: %s\n' % problem)
    return 2 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog='kvmnet-nic-events', description=__doc__.split('\n', maxsplit=1)[0])
    # the role's settings file and pidfile (its variables libvirt_nic_hooks_config, libvirt_nic_hooks_pidfile)
    parser.add_argument('--config')
    sub = parser.add_subparsers(dest='command')
    sub.add_parser('hook').add_argument('args', nargs='*')
    listen_parser = sub.add_parser('listen')
    listen_parser.add_argument('--supervise', action='store_true')
    listen_parser.add_argument('--pidfile')
    for name in ('status', 'stop'):
        sub.add_parser(name).add_argument('--pidfile', required=True)
    sub.add_parser('reload-libvirt').add_argument('--unit')
    sub.add_parser('check-config')
    options = parser.parse_args(argv)
    if options.command == 'status':
        return 0 if read_pid(options.pidfile) else 3
    if options.command == 'stop':
        return stop_supervised(options.pidfile)
    if not options.config:
        parser.error('--config (the settings file the role writes) is needed for %s' % options.command)
    try:
        config = runner.load_config(options.config)
    except runner.BadSettings as exc:
        sys.stderr.write('kvmnet-nic-events: %s\n' % exc)
        # a hook that cannot read its settings fails a start only where it could have (never writes stdout)
        return 2 if options.command != 'hook' else 0
    if options.command == 'listen' and options.supervise and not options.pidfile:
        parser.error('listen --supervise needs --pidfile')
    if options.command == 'hook':
        runner.setup_logging(config)
        return hook(config, options.args)
    if options.command == 'listen':
        return supervise(options.config, options.pidfile) if options.supervise else listen(config)
    if options.command == 'reload-libvirt':
        return reload_libvirt(config, options.unit)
    if options.command == 'check-config':
        return check_config(config)
    parser.print_usage(sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
