# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvmnet_nic_events (roles/libvirt_nic_hooks/files): the qemu hook, its settings check, and the listener -
against a stand-in for libvirt-python that holds domains and answers as libvirt does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fcntl
import json
import os
import sys

import pytest

from ansible_collections.kvmnet.netboot.tests.unit.roles.libvirt_nic_hooks.hook_samples import (
    DOMAIN, FILES, UUID, FakeHost, events, records_of, runner, script)


def test_the_hook_fails_closed_on_a_lock_timeout(config, monkeypatch):
    records_of(config)
    monkeypatch.setattr(sys, 'stdin', open(os.devnull))
    with open(os.path.join(config['state_dir'], 'records.lock'), 'a') as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert events.hook(config, ['vm1', 'started', 'begin', '-']) == 0
        assert events.hook(dict(config, fail_start=True), ['vm1', 'started', 'begin', '-']) == 1


def test_the_hook_refuses_the_start_with_fail_start_when_a_nic_is_refused(config, monkeypatch):
    monkeypatch.setattr(runner, 'HostNetwork', lambda *args: FakeHost())
    xml = DOMAIN % {'ips': '<kvmnet:ip>0.0.0.0</kvmnet:ip>', 'table': '255', 'tap': 'knaaan1', 'uuid': UUID}
    assert events.hook_started(config, 'vm1', xml) == 0
    assert events.hook_started(dict(config, fail_start=True), 'vm1', xml) == 1
    assert records_of(config).load(UUID) is None  # taken down again


# --- the qemu hook --------------------------------------------------------------------------------

def test_the_hook_calls_a_start_incoming_only_when_qemu_runs_with_incoming(config, tmp_path):
    records = records_of(config)
    run = tmp_path / 'run'
    run.mkdir()
    (run / 'vm1.pid').write_text('%d\n' % os.getpid())  # this process has no -incoming
    records.mark_incoming('vm1', 'restore')
    assert events.incoming_reason(config, records, 'vm1') is None
    assert records.take_incoming('vm1') == (None, None)  # the marker is used up either way
    (run / 'vm1.pid').unlink()  # no QEMU to look at: a fresh marker decides
    records.mark_incoming('vm1', 'migrate')
    assert events.incoming_reason(config, records, 'vm1') == 'migrate-in'
    assert events.incoming_reason(config, records, 'vm1') is None


def test_the_hook_writes_nothing_to_stdout_and_ignores_other_operations(config, tmp_path, capfd, monkeypatch):
    monkeypatch.setattr(sys, 'stdin', open(os.devnull))
    assert events.hook(config, ['vm1', 'prepare', 'begin', '-']) == 0
    assert events.hook(config, ['vm1', 'restore', 'begin', '-']) == 0
    assert capfd.readouterr().out == ''
    assert records_of(config).take_incoming('vm1')[0] == 'restore'


@pytest.mark.parametrize('name', ['--help', '-x', '--', '../../etc/vm'])
def test_a_domain_name_that_looks_like_an_option_is_a_name(config, tmp_path, monkeypatch, name):
    """L1: before, "--help" exited 0 having done nothing (bypassing fail_start) and "-x" exited 2."""
    path = tmp_path / 'nic-hooks.json'
    path.write_text(json.dumps(config))
    monkeypatch.setattr(sys, 'stdin', open(os.devnull))
    assert events.main(['--config', str(path), 'hook', '--', name, 'restore', 'begin', '-']) == 0
    assert records_of(config).take_incoming(name)[0] == 'restore'
    template = os.path.join(FILES, '..', 'templates', 'kvmnet-nic-hooks.sh.j2')
    assert 'hook -- "$@"' in open(template).read()


# --- the listener ---------------------------------------------------------------------------------

BRIDGED_ONLY = """<domain type='qemu' id='%(id)s'>
  <name>vm1</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <devices>
    <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><target dev='knaaan0'/></interface>
  </devices>
</domain>"""


class LibvirtError(Exception):
    def __init__(self, code):
        super(LibvirtError, self).__init__('libvirt error %d' % code)
        self.code = code

    def get_error_code(self):
        return self.code


class FakeLibvirt(object):
    """The parts of libvirt-python the listener uses."""
    libvirtError = LibvirtError
    VIR_ERR_NO_DOMAIN = 42
    VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1


class FakeDomain(object):
    def __init__(self, uuid, instance, state=1, reason=1):
        self.uuid, self.instance, self.state_now = uuid, instance, (state, reason)

    def UUIDString(self):  # pylint: disable=invalid-name
        return self.uuid

    def isActive(self):  # pylint: disable=invalid-name
        return self.state_now[0] != 5

    def state(self):
        return self.state_now

    def ID(self):  # pylint: disable=invalid-name
        return self.instance

    def XMLDesc(self, flags):  # pylint: disable=invalid-name
        return BRIDGED_ONLY % {'id': self.instance}


class FakeConnection(object):
    def __init__(self, *domains):
        self.domains = dict((d.uuid, d) for d in domains)

    def lookupByUUIDString(self, uuid):  # pylint: disable=invalid-name
        if uuid not in self.domains:
            raise LibvirtError(FakeLibvirt.VIR_ERR_NO_DOMAIN)
        return self.domains[uuid]

    def listAllDomains(self, flags):  # pylint: disable=invalid-name
        return [d for d in self.domains.values() if d.isActive() or not flags]


@pytest.fixture
def listener(config, tmp_path):
    script(os.path.join(config['hooks_dir'], 'up.d'), '10-record', 'echo "up $KVMNET_REASON" >> %s' % (tmp_path / 'runs'))
    script(os.path.join(config['hooks_dir'], 'down.d'), '10-record',
           'echo "down $KVMNET_REASON" >> %s' % (tmp_path / 'runs'))
    listening = events.Listener(config, FakeLibvirt)
    listening.runs = lambda: (tmp_path / 'runs').read_text().split('\n')[:-1] if (tmp_path / 'runs').exists() else []
    return listening


def test_an_event_brings_a_running_domain_up_once(listener):
    conn = FakeConnection(FakeDomain(UUID, 7))
    listener.reconcile(conn, UUID, 'started', 'booted')
    listener.reconcile(conn, UUID, 'resumed', 'unpaused')
    assert listener.runs() == ['up start']


def test_a_status_the_hook_made_stale_is_read_again(listener, monkeypatch):
    conn = FakeConnection(FakeDomain(UUID, 7))
    reads = []
    real = listener.status_of

    def status_of_while_the_hook_acts(connection, uuid):
        reads.append(uuid)
        if len(reads) == 1:  # the hook reconciles the domain between the read and the lock
            listener.records.bump(uuid)
        return real(connection, uuid)
    monkeypatch.setattr(listener, 'status_of', status_of_while_the_hook_acts)
    listener.reconcile(conn, UUID, 'started', 'booted')
    assert len(reads) == 2 and listener.runs() == ['up start']


def test_a_domain_starting_up_is_left_to_its_started_hook(listener):
    conn = FakeConnection(FakeDomain(UUID, 7, state=3, reason=11))  # paused, starting_up
    listener.reconcile(conn, UUID, 'started', 'booted')
    assert listener.runs() == [] and listener.records.load(UUID) is None


def test_a_stop_no_event_reported_goes_down_after_one_round_of_grace(listener):
    dom = FakeDomain(UUID, 7)
    conn = FakeConnection(dom)
    listener.check_all(conn)
    assert listener.runs() == []  # running with no record: left to its start for a round
    listener.check_all(conn)
    assert listener.runs() == ['up reconnect']
    dom.state_now = (5, 1)  # destroyed, and the listener saw no event
    listener.check_all(conn)
    assert listener.runs() == ['up reconnect'] and listener.records.load(UUID) is not None
    listener.check_all(conn)
    assert listener.runs() == ['up reconnect', 'down stop'] and listener.records.load(UUID) is None


def test_lifecycle_events_are_queued_in_libvirt_words(listener):
    listener.on_lifecycle(None, FakeDomain(UUID, 7), 5, 4, None)  # STOPPED, SAVED
    listener.on_lifecycle(None, FakeDomain(UUID, 7), 1, 0, None)  # DEFINED: not followed
    assert listener.queue.get_nowait() == (UUID, 'stopped', 'saved') and listener.queue.empty()


# --- reload-libvirt: a reload starts no network or pool that is down (libvirt's test driver) ---------

HELD_NET = "<network><name>held</name><bridge name='kvmnt-held0'/></network>"
HELD_POOL = "<pool type='dir'><name>heldpool</name><target><path>/nonexistent-kvmnet</path></target></pool>"


@pytest.fixture
def test_driver():
    import libvirt  # pylint: disable=import-outside-toplevel
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    conn = libvirt.open('test:///default')
    conn.networkDefineXML(HELD_NET).setAutostart(1)
    conn.storagePoolDefineXML(HELD_POOL, 0).setAutostart(1)
    yield conn
    conn.close()


def test_autostart_is_held_across_a_reload_and_given_back(config, test_driver):
    records = records_of(config)
    running = test_driver.networkLookupByName('default')
    assert running.isActive()
    held = events.hold_autostart(records, test_driver)
    assert held == [['network', 'held'], ['pool', 'heldpool']]     # only what is down with autostart on
    assert records.load_named(events.AUTOSTART_HELD) == held        # recorded before the flags change
    assert not test_driver.networkLookupByName('held').autostart()
    assert not test_driver.storagePoolLookupByName('heldpool').autostart()
    test_driver.networkLookupByName('held').create()                # as if the reload started it anyway
    assert events.give_back_autostart(records, test_driver, stop_started=True) == ['network held']
    net = test_driver.networkLookupByName('held')
    assert not net.isActive() and net.autostart()
    assert test_driver.storagePoolLookupByName('heldpool').autostart()
    assert records.load_named(events.AUTOSTART_HELD) is None


def test_flags_held_by_a_reload_that_died_are_given_back_next_time(config, test_driver):
    records = records_of(config)
    events.hold_autostart(records, test_driver)
    test_driver.networkLookupByName('held').create()                # started since, by someone: left running
    assert events.give_back_autostart(records, test_driver) == []
    net = test_driver.networkLookupByName('held')
    assert net.isActive() and net.autostart()


def test_reload_libvirt_holds_autostart_around_the_signal(config, test_driver, monkeypatch):
    seen = []
    monkeypatch.setattr(events, '_connect', lambda uri, seconds: test_driver)
    monkeypatch.setattr(test_driver, 'close', lambda: None)
    monkeypatch.setattr(events, '_send_reload', lambda unit: seen.append(
        (unit, test_driver.networkLookupByName('held').autostart())) or 0)
    monkeypatch.setattr(events.time, 'sleep', lambda seconds: None)
    assert events.reload_libvirt(config, 'libvirtd') == 0
    assert seen == [('libvirtd', False)]                            # held while the daemon reloads
    assert test_driver.networkLookupByName('held').autostart()      # and given back after
