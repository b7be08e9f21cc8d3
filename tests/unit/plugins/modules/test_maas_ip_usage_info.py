# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_ip_usage_info against the MAAS test double: a region with one planted leak of each kind beside
healthy addresses reports exactly the planted ones; check mode only reads; bad input fails cleanly."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from kvmnet_lab import maas_double

from ansible_collections.kvmnet.netboot.plugins.modules import maas_ip_usage_info
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


KEY = 'Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:unitsecret'


def reserve(state, user, ip, mac=None, hostname='', created='2026-11-22T08:00:00'):
    state.reserve(user, ip, '172.16.1.0/24', mac=mac, hostname=hostname, created=created)


@pytest.fixture
def region():
    state = maas_double.MaasState()
    state.add_user('admin', KEY, admin=True)
    state.add_user('alice', 'a:b:c')
    state.add_user('bob', 'd:e:f')
    subnet = state.subnet_of('172.16.1.1')
    state.add_range(subnet, '172.16.1.100', '172.16.1.150')
    state.add_node('live01', 'live01', [('eth0', 'physical', 5001, [], [('172.16.1.10', 1)])])   # healthy
    state.add_node('idle01', 'idle01', [('eth0', 'physical', 5001, [], [('172.16.1.23', 1)])],
                   status_name='Ready')                                                          # stale sticky
    reserve(state, 'alice', '172.16.1.11')                                                       # healthy, fresh
    reserve(state, 'alice', '172.16.1.12', hostname='vip-web', created='2018-12-14T20:01:45')    # healthy, named
    reserve(state, 'admin', '172.16.1.13', mac='52:54:00:00:00:13')                              # healthy nic
    reserve(state, 'alice', '172.16.1.20', created='2018-12-14T20:01:45')                        # stale floating
    reserve(state, 'bob', '172.16.1.21', mac='52:54:00:00:00:21')                                # owner gone
    reserve(state, 'admin', '172.16.1.120', mac='52:54:00:00:01:20')                             # static in dynamic
    del state.users['d:e:f']
    state.add_node('gone01', 'gone', [('eth0', 'physical', 5001, [], [('172.16.1.22', 1)])])   # node gone:
    for table in (state.machines, state.hostnames, state.interfaces):                            # its address
        del table['gone01']                                                                      # stays behind
    with maas_double.serving(state) as server:
        yield server


@pytest.mark.parametrize('case', load_cases('maas_ip_usage_info.yml'))
def test_maas_ip_usage_info(monkeypatch, region, case):
    result = run_case(monkeypatch, maas_ip_usage_info.main, case, extra_input={'url': region.url, 'api_key': KEY})
    assert all(e['method'] == 'GET' for e in region.log)  # an info module only reads
    if 'findings' in case:
        assert sorted([f['ip'], f['kind']] for f in result['findings']) == case['findings']
        by_ip = dict((a['ip'], a) for a in result['addresses'])
        assert by_ip['172.16.1.13']['class'] == 'nic' and by_ip['172.16.1.13']['owner'] == 'admin'
        assert by_ip['172.16.1.10']['node']['hostname'] == 'live01' and by_ip['172.16.1.12']['dns_name'] == 'vip-web.maas'
        # 254 hosts - gateway - 51 in the dynamic range - 11 in MAAS's captured reserved range - 8 outside
        assert result['free']['172.16.1.0/24'] == 254 - 1 - 51 - 11 - 8
