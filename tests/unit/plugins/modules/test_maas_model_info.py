# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_model_info, case by case from data/maas_model_info.yml, against the MAAS test double."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from kvmnet_lab import maas_double

from ansible_collections.kvmnet.netboot.plugins.modules import maas_model_info
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


KEY = 'Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:unitsecret'


@pytest.fixture(scope='module')
def region():
    state = maas_double.MaasState()
    state.add_user('admin', KEY, admin=True)
    state.vlan(5001)['dhcp_on'] = True
    state.add_node('kvm01x', 'kvm01', [('br0', 'bridge', 5001, ['enp1s0'], [('172.16.1.50', 1)])])
    with maas_double.serving(state) as server:
        yield server


@pytest.mark.parametrize('case', load_cases('maas_model_info.yml'))
def test_maas_model_info(monkeypatch, region, case):
    extra = dict((k, v) for k, v in (('url', region.url), ('api_key', KEY)) if k not in case['input'])
    before = len(region.log)
    run_case(monkeypatch, maas_model_info.main, case, extra_input=extra)
    assert all(entry['method'] == 'GET' for entry in region.log[before:])  # an info module only reads
