# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bridge transaction (bridge.transaction): apply, verify, persist - or roll back - with scripted host
commands and a recording watchdog."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.plan import plan_bridge
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.transaction import (
    BridgeTransaction, TransactionError, TransactionOptions)

NIC = {'name': 'enp1s0', 'kind': 'physical', 'mac': '02:00:00:00:0b:01', 'mtu': 1500, 'master': None, 'ports': [],
       'parent': None, 'vlan_id': None, 'mode': None, 'stp': None, 'forward_delay': None,
       'addresses': [{'address': '198.51.100.10', 'prefix': 24, 'family': 'ipv4', 'scope': 'global',
                      'dynamic': False, 'valid_lifetime': None}]}
ROUTES = [{'dst': 'default', 'gateway': '198.51.100.1', 'dev': 'enp1s0', 'family': 'ipv4', 'protocol': 'static',
           'metric': None, 'prefsrc': None, 'table': None, 'scope': None}]
FACTS = {'interfaces': [NIC], 'routes': ROUTES, 'management': {'interface': 'enp1s0', 'address': '198.51.100.10'}}
BRIDGED = {'interfaces': [dict(NIC, master='br-enp1s0', addresses=[]),
                          dict(NIC, name='br-enp1s0', kind='bridge', stp=False, forward_delay=0)],
           'routes': [dict(ROUTES[0], dev='br-enp1s0')],
           'management': {'interface': 'br-enp1s0', 'address': '198.51.100.10'}}
OPTIONS = TransactionOptions(verify_timeout=5, rollback_timeout=30, settle_time=0, targets=['198.51.100.1'])


class Commands(object):
    ip_bin, ping_bin = '/sbin/ip', '/bin/ping'

    def __init__(self, batch_rcs=(0,), pings=True):
        self.batch_rcs = list(batch_rcs)
        self.pings = pings
        self.batches = []

    def ip_batch(self, lines, force=False):
        self.batches.append(('undo' if force else 'apply', lines))
        return (self.batch_rcs.pop(0) if self.batch_rcs else 0), '', 'RTNETLINK answers: Operation not permitted'

    def ping(self, target):
        return self.pings


class Watchdog(object):
    def __init__(self):
        self.calls = []

    def arm(self, ip_bin, lines, timeout, bridge):
        self.calls.append(('arm', bridge, timeout))
        return 'handle'

    def disarm(self, handle):
        self.calls.append(('disarm', handle))

    def settle(self, pending):
        self.calls.append(('settle', pending))


class Clock(object):
    def __init__(self):
        self.now = 0

    def monotonic(self):
        self.now += 1
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def make(commands, state, written=None, facts=None):
    dog = Watchdog()
    facts = facts or FACTS
    plan = plan_bridge(facts)
    by_name = dict((i['name'], i) for i in facts['interfaces'])
    writes = written if written is not None else []
    return BridgeTransaction(commands, plan, by_name, {'/etc/x': 'y'}, OPTIONS, dog, lambda: state,
                             writes.append, Clock()), dog


def test_a_verified_change_is_persisted_and_the_watchdog_disarmed():
    written = []
    run, dog = make(Commands(), BRIDGED, written)
    assert run.run() == ['198.51.100.1']
    assert written == [{'/etc/x': 'y'}] and [c[0] for c in dog.calls] == ['arm', 'disarm']
    assert dog.calls[0] == ('arm', 'br-enp1s0', 30)


def test_a_change_that_does_not_verify_is_rolled_back_and_the_watchdog_disarmed():
    commands = Commands(pings=False)
    run, dog = make(commands, BRIDGED)
    with pytest.raises(TransactionError) as exc:
        run.run()
    assert exc.value.rolled_back and not exc.value.rollback_failed
    assert [kind for kind, dummy in commands.batches] == ['apply', 'undo']
    assert [c[0] for c in dog.calls] == ['arm', 'disarm']


def test_a_failed_undo_is_reported_and_leaves_the_watchdog_armed():
    """L3: before, the undo's exit code was ignored: "restored" was reported and the watchdog disarmed."""
    commands = Commands(batch_rcs=[0, 1], pings=False)
    run, dog = make(commands, BRIDGED)
    with pytest.raises(TransactionError) as exc:
        run.run()
    assert exc.value.rollback_failed and not exc.value.rolled_back
    assert 'rolling back failed too' in str(exc.value) and 'stays armed' in str(exc.value)
    assert [c[0] for c in dog.calls] == ['arm']


def test_an_earlier_watchdog_is_settled_only_when_the_host_shows_the_plan_and_the_targets_answer():
    built, dog = make(Commands(), BRIDGED, facts=BRIDGED)
    assert built.plan.changes == [] and built.settle_pending(['w1'])
    assert dog.calls == [('settle', 'w1')]
    unreachable, dog = make(Commands(pings=False), BRIDGED, facts=BRIDGED)
    assert not unreachable.settle_pending(['w1']) and dog.calls == []
    not_built, dog = make(Commands(), FACTS)
    assert not not_built.settle_pending(['w1']) and dog.calls == []
