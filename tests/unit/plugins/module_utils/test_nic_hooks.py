# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-NIC hook environments, the NICs wanted up for a domain's status, and the routed NIC's built-in step."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.routed_claims import ClaimRefused
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.nic_hooks import (
    DomainStatus, event_reasons, newly_refused, nic_environments, plan_nics, screen)
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.routed_nic import routed_up_steps

DOMAIN = """<domain type='qemu' id='7'>
  <name>vm1</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <metadata>
    <kvmnet:nics xmlns:kvmnet='https://github.com/kvmnet/netboot/routed-nic'>
      <kvmnet:nic mac='52:54:00:00:00:02' table='100'>
        <kvmnet:ip>198.51.100.20</kvmnet:ip><kvmnet:ip>2001:db8::20</kvmnet:ip>
      </kvmnet:nic>
    </kvmnet:nics>
  </metadata>
  <devices>
    <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><target dev='knaaan0'/></interface>
    <interface type='ethernet'><mac address='52:54:00:00:00:02'/><target dev='knaaan1' managed='no'/></interface>
    <interface type='direct'><mac address='52:54:00:00:00:03'/><source dev='eth1' mode='bridge'/><target dev='macvtap0'/></interface>
  </devices>
</domain>"""


def accept(ips, table):
    return tuple(ip.lower() for ip in ips), table


def test_one_environment_per_nic_in_xml_order():
    uuid, instance, raw, claims = nic_environments(DOMAIN)
    assert instance == 7 and uuid == '6695eb01-f6a4-8304-79aa-97f2502e193f'
    assert claims == [None, (['198.51.100.20', '2001:db8::20'], 100), None]
    assert raw[1]['KVMNET_IPS'] == '' and raw[1]['KVMNET_LINK'] == ''  # nothing claimed until screened
    envs = screen(nic_environments(DOMAIN), accept).envs
    assert [(e['KVMNET_NIC_INDEX'], e['KVMNET_TAP'], e['KVMNET_MODE'], e['KVMNET_LINK']) for e in envs] == [
        ('0', 'knaaan0', 'bridge', 'br0'), ('1', 'knaaan1', 'routed', '100'), ('2', 'macvtap0', 'macvlan', 'eth1')]
    assert envs[1]['KVMNET_IPS'] == '198.51.100.20 2001:db8::20' and envs[0]['KVMNET_IPS'] == ''
    assert envs[0]['KVMNET_VM'] == 'vm1' and envs[0]['KVMNET_VM_UUID'].startswith('6695eb01')
    assert envs[0]['KVMNET_NETWORK'] == '' and 'KVMNET_ACTION' not in envs[0]


def test_an_inactive_definition_has_no_instance_and_a_missing_table_is_claimed_as_none():
    xml = DOMAIN.replace(" id='7'", '').replace(" table='100'", '')
    nics = nic_environments(xml)
    assert nics.instance is None and nics.claims[1] == (['198.51.100.20', '2001:db8::20'], None)


def refuse_table_100(ips, table):
    raise ClaimRefused('table %s is not allowed' % table)


@pytest.mark.parametrize('change, refused, why', [
    (("target dev='knaaan0'", "target dev='../../../kernel/x'"), ['0'], "tap '../../../kernel/x' is not an interface name"),
    (("target dev='knaaan0'", "target dev='..'"), ['0'], "tap '..' is not an interface name"),
    (("<mac address='52:54:00:00:00:01'/>", "<mac address='52:54:00:00:00:01 x'/>"), ['0'], 'is not a MAC address'),
    (('<name>vm1</name>', '<name>vm1&#10;rm</name>'), ['0', '1', '2'], 'KVMNET_VM holds a control character'),
    (('<uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>', '<uuid>../x</uuid>'), ['0', '1', '2'], 'is not a UUID'),
])
def test_a_nic_whose_environment_is_unsafe_is_refused(change, refused, why):
    screened = screen(nic_environments(DOMAIN.replace(*change)), accept)
    assert [r['KVMNET_NIC_INDEX'] for r in screened.refused] == refused
    assert all(why in r['KVMNET_REFUSED'] for r in screened.refused)
    assert len(screened.envs) == 3 - len(refused)


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


ENVS = screen(nic_environments(DOMAIN), accept).envs
STARTING = DomainStatus(True, 'starting', None, 7)
RUNNING = DomainStatus(True, 'running', 'unpaused', 7)
PAUSED_INCOMING = DomainStatus(True, 'paused', 'migration', 7)
GONE = DomainStatus(False, 'shutoff', 'destroyed', None)


def taps(envs):
    return [(e['KVMNET_TAP'], e['KVMNET_ACTION'], e['KVMNET_REASON']) for e in envs]


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


ROUTED = {'KVMNET_TAP': 'knaaan1', 'KVMNET_LINK': '100', 'KVMNET_IPS': '198.51.100.20 2001:db8::20'}


def test_routed_up_steps_add_routes_rules_and_sysctls_each_with_its_undo():
    sysctls = {'net/ipv4/conf/knaaan1/proxy_arp': '0', 'net/ipv4/conf/knaaan1/forwarding': '0',
               'net/ipv4/conf/knaaan1/rp_filter': '2',
               'net/ipv6/conf/knaaan1/proxy_ndp': '0', 'net/ipv6/conf/knaaan1/forwarding': '1'}
    steps = routed_up_steps(ROUTED, {'4': [], '6': []}, sysctls)
    assert steps[0].do == ['ip', '-4', 'route', 'add', '198.51.100.20/32', 'dev', 'knaaan1', 'table', '100',
                           'proto', 'static'] and steps[0].exists_ok
    assert steps[2].undo == ['ip', '-6', 'route', 'del', '2001:db8::20/128', 'dev', 'knaaan1', 'table', '100']
    assert [s.do for s in steps if s.do[0] == 'sysctl'] == [
        ('sysctl', 'net/ipv4/conf/knaaan1/proxy_arp', '1'), ('sysctl', 'net/ipv4/conf/knaaan1/forwarding', '1'),
        ('sysctl', 'net/ipv4/conf/knaaan1/rp_filter', '1'),
        ('sysctl', 'net/ipv6/conf/knaaan1/proxy_ndp', '1')]  # forwarding already 1: not ours to undo
    assert ('sysctl', 'net/ipv4/conf/knaaan1/rp_filter', '2') in [s.undo for s in steps]
    # strict reverse-path filtering passes the VM's own source address only through the per-address rule
    assert [s.do for s in steps if 'rule' in s.do] == [
        ['ip', '-4', 'rule', 'add', 'to', '198.51.100.20/32', 'table', '100'],
        ['ip', '-6', 'rule', 'add', 'to', '2001:db8::20/128', 'table', '100'],
        ['ip', '-4', 'rule', 'add', 'iif', 'knaaan1', 'table', '100'],
        ['ip', '-6', 'rule', 'add', 'iif', 'knaaan1', 'table', '100']]


def test_routed_up_steps_leave_existing_rules_alone():
    existing = {'4': [{'priority': 100, 'iif': 'knaaan1', 'table': '100'},
                      {'priority': 101, 'src': 'all', 'dst': '198.51.100.20', 'table': '100'},
                      {'priority': 102, 'iif': 'knaaan1', 'dst': '10.0.0.0', 'dstlen': 8, 'table': '100'}], '6': []}
    steps = routed_up_steps(dict(ROUTED, KVMNET_IPS='198.51.100.20'), existing, {})
    assert [s.do[2:4] for s in steps] == [['route', 'add']]  # rules exist, tap sysctls unknown (gone)


def test_every_reason_given_is_one_of_the_documented_words():
    from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.nic_hooks import REASONS
    statuses = (RUNNING, GONE, PAUSED_INCOMING, DomainStatus(True, 'paused', 'user', 7))
    events = [(None, None), ('started', 'booted'), ('started', 'migrated'), ('started', 'restored'),
              ('resumed', 'unpaused'), ('resumed', 'migrated'), ('suspended', 'migrated'), ('suspended', 'paused'),
              ('stopped', 'saved'), ('stopped', 'migrated'), ('stopped', 'destroyed'), ('shutdown', 'host')]
    assert {r for s in statuses for e, d in events for r in event_reasons(e, d, s)} <= set(REASONS)
