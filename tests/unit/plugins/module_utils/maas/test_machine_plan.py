# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_machine's plan: enlist, update only what differs (the power password compared, never shown), delete,
and the options it refuses - against MAAS's captured machine."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.machine_plan import (
    MachineSpecError, machine_macs, plan_machine, summary)

MAC = '52:54:00:12:34:56'
POWER = {'power_address': 'qemu+ssh://kvmnet-power@198.51.100.10/system', 'power_id': 'node01'}


def params(**given):
    base = {'state': 'present', 'hostname': 'node01', 'architecture': 'amd64/generic', 'power_type': 'virsh',
            'mac_addresses': [MAC.upper()], 'power_address': POWER['power_address'], 'power_id': 'node01',
            'power_password': None}
    base.update(given)
    return base


@pytest.fixture
def machine(fixture_json):
    found = fixture_json('maas/maas-api-examples-machines.json')['machines-create']
    found.update(hostname='node01', architecture='amd64/generic', power_type='virsh')
    found['interface_set'][0]['mac_address'] = MAC
    return found


def test_a_new_machine_is_enlisted_with_its_macs_and_power_parameters():
    plan = plan_machine(params(), None)
    assert plan.steps == [('create', {
        'hostname': 'node01', 'architecture': 'amd64/generic', 'power_type': 'virsh', 'mac_addresses': [MAC],
        'power_parameters_power_address': POWER['power_address'], 'power_parameters_power_id': 'node01'})]
    assert plan.changed and plan.tracker.differences() == ['machine'] and plan.predicted == {'machine': None}


def test_the_machine_as_wanted_changes_nothing(machine):
    plan = plan_machine(params(), machine, POWER)
    assert plan.steps == [] and not plan.changed
    assert plan.predicted['machine'] == summary(machine) and machine_macs(machine)[0] == MAC


@pytest.mark.parametrize('given, power, form', [
    ({'hostname': 'node02'}, POWER, {'hostname': 'node02'}),
    ({}, dict(POWER, power_id='old'), {'power_parameters_power_id': 'node01'}),
    ({'power_password': 's3cret'}, POWER, {'power_parameters_power_pass': 's3cret'}),
    ({'power_address': None}, dict(POWER, power_address='x'), {}),   # an option not given is left as it is
], ids=['hostname', 'power id', 'password', 'address not given'])
def test_only_what_differs_is_updated(machine, given, power, form):
    plan = plan_machine(params(**given), machine, power)
    assert plan.steps == ([('update', {'system_id': machine['system_id'], 'form': form})] if form else [])
    assert plan.changed is bool(form)


def test_the_power_password_is_compared_and_never_shown(machine):
    plan = plan_machine(params(power_password='s3cret'), machine, dict(POWER, power_pass='old'))
    diff = plan.tracker.as_diff()
    assert [d['before_header'] for d in diff] == ['power_parameters_power_pass']
    assert 's3cret' not in repr(diff) and 'old' not in repr(diff)
    same = plan_machine(params(power_password='s3cret'), machine, dict(POWER, power_pass='s3cret'))
    assert not same.changed and 's3cret' not in repr(same.tracker.as_diff())


def test_absent_deletes_the_machine_found_and_nothing_else(machine):
    plan = plan_machine(params(state='absent'), machine)
    assert plan.steps == [('delete', machine['system_id'])] and plan.changed
    assert plan_machine(params(state='absent'), None).steps == []


@pytest.mark.parametrize('given, words', [
    ({'hostname': ''}, 'hostname is required'),
    ({'mac_addresses': []}, 'mac_addresses needs at least the PXE MAC'),
    ({'mac_addresses': ['52:54:00:12:34']}, 'mac_addresses'),
])
def test_refused_options(given, words):
    with pytest.raises(MachineSpecError, match=re.escape(words)):
        plan_machine(params(**given), None)
