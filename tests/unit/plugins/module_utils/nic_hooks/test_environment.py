# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment each per-NIC hook script gets, and the screening of what a domain claims
(nic_hooks.environment)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.environment import nic_environments, screen
from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.routed_claims import ClaimRefused
from ansible_collections.kvmnet.netboot.tests.unit.plugins.module_utils.nic_hooks.domain_samples import DOMAIN, accept


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
