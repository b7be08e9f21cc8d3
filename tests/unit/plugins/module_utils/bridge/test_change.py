# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_host_bridge's plan around the bridge transaction: which steps, what the diff shows (stanzas, never
whole files or secrets), and the result it predicts - on real host captures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.change import plan_change
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.handover import handover_commands


def test_a_new_bridge_is_built_persisted_and_handed_to_dhcp(dhcp_host):
    bridge, files = dhcp_host
    handover = handover_commands('netplan', bridge)
    plan = plan_change(bridge, 'netplan', files, dict.fromkeys(files), [], handover)
    assert [action for action, dummy in plan.steps] == ['transaction', 'hand_over_dhcp']
    assert plan.steps[0][1] == files
    assert plan.steps[1][1] == {'bridge': 'br-enp0s25', 'commands': handover}
    assert plan.changed and plan.tracker.differences()[0] == 'plan'
    path = list(files)[0]
    assert plan.predicted['files'][path]['changed'] is True and 'sha256' in plan.predicted['files'][path]
    assert plan.predicted['backend'] == 'netplan' and plan.predicted['plan']['bridge'] == 'br-enp0s25'


def test_files_already_as_wanted_and_no_runtime_change_mean_no_step(dhcp_host):
    bridge, files = dhcp_host
    settled = bridge._replace(changes=[], already_bridged=True)
    plan = plan_change(settled, 'netplan', files, dict(files), [], handover_commands('netplan', settled))
    assert plan.steps == [] and not plan.changed
    assert all(not summary['changed'] for summary in plan.predicted['files'].values())


def test_only_a_file_that_differs_goes_into_the_transaction(dhcp_host):
    bridge, files = dhcp_host
    settled = bridge._replace(changes=[], already_bridged=True)
    other = '/etc/netplan/61-other.yaml'
    wanted = dict(files, **{other: 'network: {version: 2}\n'})
    current = dict(files, **{other: None})
    plan = plan_change(settled, 'netplan', wanted, current, [], [])
    assert plan.steps == [('transaction', {other: 'network: {version: 2}\n'})]


def test_legacy_backups_are_moved_first(dhcp_host):
    bridge, files = dhcp_host
    moves = [('/etc/network/interfaces.d/50-cloud-init.kvmnet.bak',
              '/var/lib/kvmnet-netboot/backups/etc/network/interfaces.d/50-cloud-init')]
    plan = plan_change(bridge, 'netplan', files, dict.fromkeys(files), moves, [])
    assert plan.steps[0] == ('move_backups', moves)
    assert plan.predicted['legacy_backups_moved'] == [{'path': moves[0][0], 'to': moves[0][1]}]
    assert 'legacy backups' in plan.tracker.differences()


def test_the_diff_shows_changed_stanzas_with_secrets_redacted(dhcp_host):
    bridge, dummy = dhcp_host
    path = '/etc/NetworkManager/system-connections/kvmnet-br-enp0s25.nmconnection'
    before = '[connection]\nid=kvmnet-br-enp0s25\n\n[802-1x]\npassword=hunter2\n'
    after = '[connection]\nid=kvmnet-br-enp0s25\n\n[802-1x]\npassword=hunter3\n\n[bridge]\nstp=false\n'
    plan = plan_change(bridge._replace(changes=[]), 'networkmanager', {path: after}, {path: before}, [], [])
    diff = dict((d['before_header'], d) for d in plan.tracker.as_diff())
    assert 'hunter2' not in repr(diff) and 'hunter3' not in repr(diff)
    assert 'stp=false' in diff[path]['after'] and 'id=kvmnet-br-enp0s25' not in diff[path]['after']
