# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-NIC hook environments and their ordering around start, migration, save and restore."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.nic_hooks import nic_environments, nics_to_run

DOMAIN = """<domain type='qemu'>
  <name>vm1</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <metadata>
    <kvmnet:routed xmlns:kvmnet='https://github.com/kvmnet/netboot/routed-nic'>
      <kvmnet:nic mac='52:54:00:00:00:02' table='100'>
        <kvmnet:ip>198.51.100.20</kvmnet:ip><kvmnet:ip>2001:db8::20</kvmnet:ip>
      </kvmnet:nic>
    </kvmnet:routed>
  </metadata>
  <devices>
    <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><target dev='knaaan0'/></interface>
    <interface type='ethernet'><mac address='52:54:00:00:00:02'/><target dev='knaaan1' managed='no'/></interface>
    <interface type='direct'><mac address='52:54:00:00:00:03'/><source dev='eth1' mode='bridge'/><target dev='macvtap0'/></interface>
  </devices>
</domain>"""


def test_one_environment_per_nic_in_xml_order():
    envs = nic_environments(DOMAIN, 'up', 'start')
    assert [(e['KVMNET_NIC_INDEX'], e['KVMNET_TAP'], e['KVMNET_MODE'], e['KVMNET_LINK']) for e in envs] == [
        ('0', 'knaaan0', 'bridge', 'br0'), ('1', 'knaaan1', 'routed', '100'), ('2', 'macvtap0', 'macvlan', 'eth1')]
    assert envs[1]['KVMNET_IPS'] == '198.51.100.20 2001:db8::20' and envs[0]['KVMNET_IPS'] == ''
    assert envs[0]['KVMNET_VM'] == 'vm1' and envs[0]['KVMNET_VM_UUID'].startswith('6695eb01')
    assert {e['KVMNET_ACTION'] for e in envs} == {'up'} and {e['KVMNET_REASON'] for e in envs} == {'start'}


def taps(run):
    return run[0], run[1], [e['KVMNET_TAP'] for e in run[2]]


@pytest.mark.parametrize('event, detail, pending, expected', [
    ('started', 'booted', None, ('up', 'start', ['knaaan0', 'knaaan1', 'macvtap0'])),
    # incoming migration: bridged and macvlan at once, routed only when the guest runs
    ('started', 'migrated', None, ('up', 'migrate-in', ['knaaan0', 'macvtap0'])),
    ('resumed', 'migrated', 'migrate-in', ('up', 'migrate-in', ['knaaan1'])),
    ('resumed', 'postcopy', None, ('up', 'migrate-in', ['knaaan1'])),
    # virsh restore --paused, then virsh resume: the resume only says "unpaused"
    ('started', 'restored', None, ('up', 'restore', ['knaaan0', 'macvtap0'])),
    ('resumed', 'unpaused', 'restore', ('up', 'restore', ['knaaan1'])),
    # outgoing migration: routed down when suspended for it, the others when the guest is gone
    ('suspended', 'migrated', None, ('down', 'migrate-out', ['knaaan1'])),
    ('stopped', 'migrated', None, ('down', 'migrate-out', ['knaaan0', 'macvtap0'])),
    ('stopped', 'destroyed', None, ('down', 'stop', ['knaaan0', 'knaaan1', 'macvtap0'])),
    ('stopped', 'saved', None, ('down', 'save', ['knaaan0', 'knaaan1', 'macvtap0'])),
])
def test_ordering(event, detail, pending, expected):
    envs = nic_environments(DOMAIN, 'up', 'start')
    run = nics_to_run(envs, event, detail, pending)
    assert taps(run) == expected
    assert {(e['KVMNET_ACTION'], e['KVMNET_REASON']) for e in run[2]} == {expected[:2]}


def test_a_plain_pause_and_resume_touch_no_nic():
    envs = nic_environments(DOMAIN, 'up', 'start')
    assert nics_to_run(envs, 'suspended', 'paused') is None
    assert nics_to_run(envs, 'resumed', 'unpaused') is None


def test_bad_action_or_reason():
    with pytest.raises(ValueError, match='action must be up or down'):
        nic_environments(DOMAIN, 'sideways', 'start')
