# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which NICs should be up for a domain's status, and the plan that gets them there (nic_hooks.reconcile)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.environment import nic_environments, screen
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.events import event_reasons
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.reconcile import DomainStatus, newly_refused, plan_nics
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.routed_claims import ClaimRefused
from ansible_collections.kvmnet.netboot.tests.unit.plugins.module_utils.nic_hooks.domain_samples import DOMAIN, accept


def refuse_table_100(ips, table):
    raise ClaimRefused('table %s is not allowed' % table)


ENVS = screen(nic_environments(DOMAIN), accept).envs
STARTING = DomainStatus(True, 'starting', None, 7)
RUNNING = DomainStatus(True, 'running', 'unpaused', 7)
PAUSED_INCOMING = DomainStatus(True, 'paused', 'migration', 7)
GONE = DomainStatus(False, 'shutoff', 'destroyed', None)


def taps(envs):
    return [(e['KVMNET_TAP'], e['KVMNET_ACTION'], e['KVMNET_REASON']) for e in envs]


def test_a_refused_claim_keeps_the_nic_out_and_in_the_record_while_active():
    screened = screen(nic_environments(DOMAIN), refuse_table_100)
    assert [r['KVMNET_REFUSED'] for r in screened.refused] == ['table 100 is not allowed']
    plan = plan_nics(screened.envs, STARTING, None, 'start', 'stop', refused=screened.refused)
    assert taps(plan.ups) == [('knaaan0', 'up', 'start'), ('macvtap0', 'up', 'start')]
    assert plan.record['refused'] == screened.refused
    assert newly_refused(screened.refused, plan.record) == [] and newly_refused(screened.refused, None) == screened.refused
    assert plan_nics([], GONE, plan.record, 'start', 'stop', refused=screened.refused).record is None


def test_a_nic_that_is_up_and_then_refused_goes_down():
    up = plan_nics(ENVS, STARTING, None, 'start', 'stop').record
    screened = screen(nic_environments(DOMAIN), refuse_table_100)
    plan = plan_nics(screened.envs, RUNNING, up, 'reconnect', 'reconnect', refused=screened.refused)
    assert taps(plan.downs) == [('knaaan1', 'down', 'reconnect')] and plan.ups == []


def test_normal_start_brings_every_nic_up_once():
    plan = plan_nics(ENVS, STARTING, None, 'start', 'stop')
    assert taps(plan.ups) == [('knaaan0', 'up', 'start'), ('knaaan1', 'up', 'start'), ('macvtap0', 'up', 'start')]
    assert plan.downs == [] and plan.record['pending'] is None and plan.record['instance'] == 7
    # the events that follow (resumed, started) change nothing
    again = plan_nics(ENVS, RUNNING, plan.record, *event_reasons('started', 'booted', RUNNING))
    assert again.ups == [] and again.downs == [] and again.record == plan.record


def test_restore_paused_then_resume_brings_the_routed_nic_up_only_when_running():
    hook = plan_nics(ENVS, STARTING, None, 'restore', 'stop', pending='restore')
    assert taps(hook.ups) == [('knaaan0', 'up', 'restore'), ('macvtap0', 'up', 'restore')]
    paused = plan_nics(ENVS, PAUSED_INCOMING, hook.record, *event_reasons('suspended', 'restored', PAUSED_INCOMING))
    assert paused.ups == [] and paused.downs == [] and paused.record['pending'] == 'restore'
    resumed = plan_nics(ENVS, RUNNING, paused.record, *event_reasons('resumed', 'unpaused', RUNNING))
    assert taps(resumed.ups) == [('knaaan1', 'up', 'restore')] and resumed.record['pending'] is None
    assert len(resumed.record['up']) == 3


def test_incoming_migration_routed_nic_waits_for_the_resume():
    hook = plan_nics(ENVS, STARTING, None, 'migrate-in', 'stop', pending='migrate-in')
    assert [e['KVMNET_MODE'] for e in hook.ups] == ['bridge', 'macvlan']
    resumed = plan_nics(ENVS, RUNNING, hook.record, *event_reasons('resumed', 'migrated', RUNNING))
    assert taps(resumed.ups) == [('knaaan1', 'up', 'migrate-in')]


def test_source_of_a_migration_routed_nic_goes_down_when_paused_for_it_then_the_rest():
    up = plan_nics(ENVS, STARTING, None, 'start', 'stop').record
    leaving = DomainStatus(True, 'paused', 'migration', 7)
    paused = plan_nics(ENVS, leaving, up, *event_reasons('suspended', 'migrated', leaving))
    assert taps(paused.downs) == [('knaaan1', 'down', 'migrate-out')] and paused.ups == []
    gone = plan_nics(ENVS, GONE, paused.record, *event_reasons('stopped', 'migrated', GONE))
    assert taps(gone.downs) == [('macvtap0', 'down', 'migrate-out'), ('knaaan0', 'down', 'migrate-out')]
    assert gone.record is None


def test_a_user_pause_keeps_the_routed_nic_up():
    up = plan_nics(ENVS, STARTING, None, 'start', 'stop').record
    paused = DomainStatus(True, 'paused', 'user', 7)
    assert plan_nics(ENVS, paused, up, *event_reasons('suspended', 'paused', paused)) == (
        [], [], dict(up, instance=7))


@pytest.mark.parametrize('event, detail, reason', [
    ('stopped', 'destroyed', 'stop'), ('stopped', 'shutdown', 'stop'), ('stopped', 'saved', 'save'),
    ('stopped', 'failed', 'stop'), (None, None, 'reconnect')])
def test_stop_brings_every_recorded_nic_down_last_first(event, detail, reason):
    up = plan_nics(ENVS, STARTING, None, 'start', 'stop').record
    plan = plan_nics(ENVS, GONE, up, *event_reasons(event, detail, GONE))
    assert taps(plan.downs) == [('macvtap0', 'down', reason), ('knaaan1', 'down', reason), ('knaaan0', 'down', reason)]
    assert plan.ups == [] and plan.record is None
    assert plan_nics(ENVS, GONE, None, 'reconnect', reason) == ([], [], None)  # nothing recorded: nothing to do


def test_a_record_of_an_earlier_run_goes_down_before_the_new_run_comes_up():
    old = plan_nics(ENVS, STARTING, None, 'start', 'stop').record
    new_run = DomainStatus(True, 'starting', None, 8)
    plan = plan_nics(ENVS, new_run, old, 'start', 'stop')
    assert [a for t, a, r in taps(plan.downs)] == ['down'] * 3 and {r for t, a, r in taps(plan.downs)} == {'stop'}
    assert len(plan.ups) == 3 and plan.record['instance'] == 8


def test_reconciliation_after_a_missed_resume_brings_the_pending_routed_nic_up():
    hook = plan_nics(ENVS, STARTING, None, 'restore', 'stop', pending='restore').record
    plan = plan_nics(ENVS, RUNNING, hook, *event_reasons(None, None, RUNNING))
    assert taps(plan.ups) == [('knaaan1', 'up', 'restore')]


def test_a_changed_address_takes_the_nic_down_and_up_again():
    up = plan_nics(ENVS, STARTING, None, 'start', 'stop').record
    moved = [dict(e, KVMNET_IPS='198.51.100.21') if e['KVMNET_MODE'] == 'routed' else e for e in ENVS]
    plan = plan_nics(moved, RUNNING, up, 'reconnect', 'reconnect')
    assert [(e['KVMNET_IPS'], e['KVMNET_ACTION']) for e in plan.downs + plan.ups] == [
        ('198.51.100.20 2001:db8::20', 'down'), ('198.51.100.21', 'up')]
