# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_machine, case by case from data/maas_machine.yml, against the MAAS test double."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from kvmnet_lab import maas_double

from ansible_collections.kvmnet.netboot.plugins.modules import maas_machine
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


KEYS = {'admin': 'Qx7uTnE4YRfpWw2kFq:Ld8GgVYbkCm3aHpR5s:unitsecret',
        'user': 'Ab7uTnE4YRfpWw2kFq:Cd8GgVYbkCm3aHpR5s:usersecret'}


@pytest.fixture
def region():
    state = maas_double.MaasState()
    state.add_user('admin', KEYS['admin'], admin=True)
    state.add_user('user', KEYS['user'])
    with maas_double.serving(state) as server:
        yield server


@pytest.mark.parametrize('case', load_cases('maas_machine.yml'))
def test_maas_machine(monkeypatch, region, case):
    for machine in case.get('machines') or []:
        region.state.enlist(machine['hostname'], machine['mac'])
    before = len(region.log)
    run_case(monkeypatch, maas_machine.main, case,
             extra_input={'url': region.url, 'api_key': KEYS[case.get('api_key', 'admin')]})
    assert region.writes(before) == case['writes']
    if case['output'].get('failed'):
        assert not [m for m in region.state.machines.values() if m['hostname'] == 'node01' and not case.get('machines')]
