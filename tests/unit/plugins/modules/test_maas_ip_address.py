# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_ip_address, case by case from data/maas_ip_address.yml, against the MAAS test double."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

from ansible_collections.kvmnet.netboot.plugins.modules import maas_ip_address
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'maas_double'))

import maas_double  # noqa: E402 pylint: disable=wrong-import-position,import-error

KEYS = {'admin': 'Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:unitsecret',
        'alice': 'Ab7uTnE4YRfpWw2kFq:Cd8GgVYbkCm3aHpR5s:alicesecret'}
USERS = {'admin': {'username': 'admin', 'is_superuser': True}, 'alice': {'username': 'alice', 'is_superuser': False}}


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
        form = {'ip': item['ip'], 'subnet': '172.16.1.0/24', 'hostname': item.get('hostname', '')}
        if item.get('mac'):
            form['mac'] = item['mac']
        assert maas_double.addresses_route(state, 'POST', 'ipaddresses/', {'op': 'reserve'}, form,
                                           USERS[item['user']])[0] == 200
    for item in case.get('reservations') or []:
        assert maas_double.addresses_route(state, 'POST', 'reservedips/', {}, {
            'ip': item['ip'], 'mac_address': item['mac'], 'subnet': '172.16.1.0/24'}, USERS['admin'])[0] == 200
    for item in case.get('linked') or []:
        assert maas_double.addresses_route(state, 'POST', 'nodes/%s/interfaces/1000/' % item['node'],
                                           {'op': 'link_subnet'}, {'mode': 'STATIC', 'subnet': '172.16.1.0/24',
                                                                   'ip_address': item['ip']}, USERS['admin'])[0] == 200
    return maas_double.MaasDouble(state).start()


def writes(log):
    return ['%s %s' % (e['method'], e['path'].split('/api/2.0/')[1]) for e in log if e['method'] != 'GET']


@pytest.mark.parametrize('case', load_cases('maas_ip_address.yml'))
def test_maas_ip_address(monkeypatch, case):
    region = region_for(case)
    try:
        run_case(monkeypatch, maas_ip_address.main, case,
                 extra_input={'url': region.url, 'api_key': KEYS[case.get('api_key', 'admin')]})
        if 'writes' in case:
            assert writes(region.log) == case['writes']
    finally:
        region.stop()
