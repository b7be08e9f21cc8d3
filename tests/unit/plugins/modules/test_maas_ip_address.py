# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_ip_address, case by case from data/maas_ip_address.yml, against the MAAS test double."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from kvmnet_lab import maas_double

from ansible_collections.kvmnet.netboot.plugins.modules import maas_ip_address
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


KEYS = {'admin': 'Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:unitsecret',
        'alice': 'Ab7uTnE4YRfpWw2kFq:Cd8GgVYbkCm3aHpR5s:alicesecret'}
SUBNET = '172.16.1.0/24'


def region_for(case):
    state = maas_double.MaasState(case.get('version', '3.5.4'))
    state.add_user('admin', KEYS['admin'], admin=True)
    state.add_user('alice', KEYS['alice'])
    subnet = state.subnet_of('172.16.1.1')
    state.add_range(subnet, '172.16.1.100', '172.16.1.150')
    state.add_node('mach01', 'mach01', [('eth0', 'physical', 5001, [], [])], status_name='Ready')
    state.add_node('rack01', 'rack01', [('eth0', 'physical', 5001, [], [])], node_type=2)
    state.add_node('dep01', 'dep01', [('eth0', 'physical', 5001, [], [('172.16.1.50', 1)])])
    for item in case.get('reserved') or []:
        state.reserve(item['user'], item['ip'], SUBNET, mac=item.get('mac'), hostname=item.get('hostname', ''))
    for item in case.get('reservations') or []:
        state.reserve_dhcp(item['ip'], item['mac'], SUBNET)
    for item in case.get('linked') or []:
        state.link(item['node'], 1000, item['ip'], SUBNET)
    return state


@pytest.mark.parametrize('case', load_cases('maas_ip_address.yml'))
def test_maas_ip_address(monkeypatch, case):
    with maas_double.serving(region_for(case)) as region:
        run_case(monkeypatch, maas_ip_address.main, case,
                 extra_input={'url': region.url, 'api_key': KEYS[case.get('api_key', 'admin')]})
        if 'writes' in case:
            assert region.writes() == case['writes']
