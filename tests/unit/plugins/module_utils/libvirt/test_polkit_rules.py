# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The polkit rules of MAAS's power user: names in an order polkit honours, values checked and written as JSON
strings, and what each rule answers - run in a small JavaScript stand-in for polkit's rule engine."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import dukpy
import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import polkit_rules as rules

UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'
OTHER = '0b4f6a4e-2b35-4c3e-9c43-4b1b2d1f6c11'


def test_file_names_sort_as_polkit_applies_them():
    files = sorted(rules.wanted_files('kvmnet-power', {UUID: rules.grant('node01', ['maas'])}, 'vm'))
    assert files == ['58-kvmnet-libvirt-group.rules', '58-kvmnet-power-kvmnet-power.rules',
                     '59-kvmnet-power-kvmnet-power-vm-%s.rules' % UUID, '60-kvmnet-power-kvmnet-power-deny.rules']
    assert sorted(files + ['60-libvirt.rules'])[-1] == '60-libvirt.rules'   # libvirt's own rule comes after


@pytest.mark.parametrize('user', ['root', 'Admin', 'a b', 'x;rm', '', None, 'a' * 40, '"x"'])
def test_a_user_that_cannot_go_into_a_rule_is_refused(user):
    with pytest.raises(rules.RuleError):
        rules.base_rule(user)


@pytest.mark.parametrize('uuid', ['6695EB01-F6A4-8304-79AA-97F2502E193F', ' %s ' % UUID])
def test_uuids_are_canonical(uuid):
    assert rules.check_uuid(uuid) == UUID


@pytest.mark.parametrize('bad', ['node01', UUID + 'x', '6695eb01f6a4830479aa97f2502e193f', '"); polkit.Result.YES; ("'])
def test_not_a_uuid(bad):
    with pytest.raises(rules.RuleError):
        rules.check_uuid(bad)


def test_grant_files_are_read_back():
    name = rules.grant_file('kvmnet-power', 'role', UUID)
    assert rules.parse_grant_file('kvmnet-power', name) == ('role', UUID)
    assert rules.parse_grant_file('other', name) is None
    assert rules.parse_grant_file('kvmnet-power', '60-kvmnet-power-kvmnet-power-deny.rules') is None
    assert rules.granted_name(rules.grant_rule('kvmnet-power', UUID, 'node01')) == 'node01'


def test_domain_references():
    assert rules.domain_reference_problem('node01') is None and rules.domain_reference_problem(UUID) is None
    assert 'may hold only' in rules.domain_reference_problem('a/b')


# --- what the rules answer ----------------------------------------------------------------------------------
# The rules run in Duktape (dukpy), the JavaScript engine polkitd embeds, under a stand-in for polkit's rule API:
# files in name order, the first rule that answers decides (the integration test runs them in the real polkitd).

POLKIT = '''
var polkit = {rules: [], Result: {YES: "YES", NO: "NO", NOT_HANDLED: null},
              addRule: function(rule) { this.rules.push(rule); }};
'''
DECIDE = '''
var action = {id: dukpy.action_id, lookup: function(key) { return dukpy.lookups[key]; }};
var subject = {user: dukpy.user, isInGroup: function(group) { return dukpy.groups.indexOf(group) >= 0; }};
var answer = "NOT_HANDLED";
for (var i = 0; i < polkit.rules.length; i++) {
    var result = polkit.rules[i](action, subject);
    if (result !== null && result !== undefined) { answer = result; break; }
}
answer;
'''


def decide(action_id, user='kvmnet-power', lookups=None, groups=(), files=None):
    """polkit's answer: the first rule, in file name order, that handles the action."""
    files = files or rules.wanted_files('kvmnet-power', {UUID: rules.grant('node01', ['maas'])}, 'vm')
    program = POLKIT + ''.join(source for _name, source in sorted(files.items())) + DECIDE
    return dukpy.evaljs(program, action_id=action_id, user=user, lookups=lookups or {}, groups=list(groups))


@pytest.mark.parametrize('action, lookups, answer', [
    ('org.libvirt.unix.manage', {}, 'YES'),
    ('org.libvirt.api.connect.getattr', {'connect_driver': 'QEMU'}, 'YES'),
    ('org.libvirt.api.connect.search-domains', {'connect_driver': 'QEMU'}, 'YES'),
    ('org.libvirt.api.connect.getattr', {'connect_driver': 'LXC'}, 'NO'),
    ('org.libvirt.api.domain.getattr', {'domain_uuid': UUID}, 'YES'),
    ('org.libvirt.api.domain.read', {'domain_uuid': UUID}, 'YES'),
    ('org.libvirt.api.domain.start', {'domain_uuid': UUID}, 'YES'),
    ('org.libvirt.api.domain.stop', {'domain_uuid': UUID}, 'YES'),
    ('org.libvirt.api.domain.write', {'domain_uuid': UUID}, 'NO'),
    ('org.libvirt.api.domain.read-secure', {'domain_uuid': UUID}, 'NO'),
    ('org.libvirt.api.domain.read', {'domain_uuid': OTHER}, 'NO'),
    ('org.libvirt.api.domain.start', {'domain_uuid': OTHER}, 'NO'),
    ('org.libvirt.api.connect.search-networks', {'connect_driver': 'QEMU'}, 'NO'),
    ('org.libvirt.api.network.getattr', {}, 'NO'),
    # starting and stopping the granted domain: its NIC's port on its network, and only there
    ('org.libvirt.api.network.getattr', {'network_name': 'maas'}, 'YES'),
    ('org.libvirt.api.network-port.create', {'network_name': 'maas'}, 'YES'),
    ('org.libvirt.api.network-port.read', {'network_name': 'maas'}, 'YES'),
    ('org.libvirt.api.network-port.getattr', {'network_name': 'maas'}, 'YES'),
    ('org.libvirt.api.network-port.delete', {'network_name': 'maas'}, 'YES'),
    ('org.libvirt.api.network-port.delete', {'network_name': 'default'}, 'NO'),
    ('org.libvirt.api.network.read', {'network_name': 'maas'}, 'YES'),
    ('org.libvirt.api.network.read', {'network_name': 'default'}, 'NO'),
    ('org.libvirt.api.connect.getattr', {'connect_driver': 'network'}, 'YES'),
    ('org.libvirt.api.connect.getattr', {'connect_driver': 'storage'}, 'NO'),
    ('org.libvirt.api.network.write', {'network_name': 'maas'}, 'NO'),
    ('org.libvirt.api.network.search-ports', {'network_name': 'maas'}, 'NO'),
])
def test_the_power_user_gets_exactly_the_driver_calls(action, lookups, answer):
    assert decide(action, lookups=lookups) == answer


def test_others_are_not_touched_and_the_libvirt_group_keeps_its_writes():
    assert decide('org.libvirt.api.domain.write', user='alice', lookups={'domain_uuid': UUID}) == 'NOT_HANDLED'
    assert decide('org.libvirt.api.domain.write', user='alice', lookups={'domain_uuid': UUID},
                  groups=['libvirt']) == 'YES'
    assert decide('org.freedesktop.login1.reboot', user='kvmnet-power') == 'NOT_HANDLED'


def test_values_are_written_as_json_strings():
    source = rules.grant_rule('kvmnet-power', UUID, 'node01', ['maas'])
    assert json.dumps(UUID) in source and json.dumps('kvmnet-power') in source and json.dumps(['maas']) in source


@pytest.mark.parametrize('network', ['a/b', '', 'x"y', '../maas'])
def test_a_network_that_cannot_be_a_libvirt_name_is_refused(network):
    with pytest.raises(rules.RuleError):
        rules.grant_rule('kvmnet-power', UUID, 'node01', [network])


def test_a_domain_without_libvirt_networks_gets_no_network_action():
    files = rules.wanted_files('kvmnet-power', {UUID: rules.grant('node01')}, 'vm')
    assert decide('org.libvirt.api.network-port.create', lookups={'network_name': 'maas'}, files=files) == 'NO'
    assert 'network_name' not in rules.grant_rule('kvmnet-power', UUID, 'node01')


def test_without_the_deny_rule_reads_of_other_domains_would_pass():
    files = rules.wanted_files('kvmnet-power', {UUID: rules.grant('node01', ['maas'])}, 'vm')
    del files[rules.deny_file('kvmnet-power')]
    assert decide('org.libvirt.api.domain.read', lookups={'domain_uuid': OTHER}, files=files) == 'NOT_HANDLED'


def test_a_name_that_could_break_the_comment_is_left_out():
    source = rules.grant_rule('kvmnet-power', UUID, 'node01\n}); polkit.addRule(function() { return "yes"; ')
    assert 'when granted' not in source
    assert decide('org.libvirt.api.domain.write', lookups={'domain_uuid': UUID},
                  files={'59-x.rules': source}) == 'NOT_HANDLED'
