# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The double starts commissioning as MAAS does: a machine an administrator adds, or one told op=commission, is
Commissioning, and the rack is asked - after the answer, in a thread of its own - to power it on with the power
parameters the machine was enlisted with."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from kvmnet_lab import maas_double
from kvmnet_lab.maas_double import routes

ADMIN = {'username': 'admin', 'is_superuser': True}
ADDRESS = 'qemu+ssh://kvmnet-power@198.18.123.1/system'
UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'


def region_with_rack():
    state = maas_double.MaasState()
    state.add_user('admin', 'a:b:c', admin=True)
    calls, done = [], threading.Event()

    def rack(system_id, power_type, parameters):
        calls.append((system_id, power_type, parameters, threading.current_thread().name))
        done.set()
    state.commissioning_hook = rack
    return state, calls, done


def enlist(state):
    form = {'hostname': ['node01'], 'architecture': ['amd64/generic'], 'power_type': ['virsh'],
            'mac_addresses': ['52:54:00:12:34:56'], 'power_parameters_power_address': [ADDRESS],
            'power_parameters_power_id': [UUID]}
    return routes.route(state, 'POST', 'machines/', {}, form, ADMIN)


def test_an_added_machine_is_powered_on_by_the_rack_for_commissioning():
    state, calls, done = region_with_rack()
    status, machine = enlist(state)
    assert status == 200 and machine['status_name'] == 'Commissioning'
    assert done.wait(5)
    assert calls[0][:3] == (machine['system_id'], 'virsh', {'power_address': ADDRESS, 'power_id': UUID})
    assert calls[0][3] == 'rack-%s' % machine['system_id']          # not in the request's thread


def test_op_commission_powers_it_on_again():
    state, calls, done = region_with_rack()
    dummy, machine = enlist(state)
    assert done.wait(5)
    done.clear()
    machine['status_name'] = 'Ready'
    status, answer = routes.route(state, 'POST', 'machines/%s/' % machine['system_id'], {'op': 'commission'}, {},
                                  ADMIN)
    assert status == 200 and answer['status_name'] == 'Commissioning'
    assert done.wait(5) and len(calls) == 2


def test_commissioning_is_for_administrators_and_known_machines():
    state, calls, dummy = region_with_rack()
    dummy2, machine = enlist(state)
    path = 'machines/%s/' % machine['system_id']
    assert routes.route(state, 'POST', path, {'op': 'commission'}, {}, {'username': 'alice'})[0] == 403
    assert routes.route(state, 'POST', 'machines/nosuch/', {'op': 'commission'}, {}, ADMIN)[0] == 404


def test_without_a_rack_nothing_is_powered():
    state = maas_double.MaasState()
    state.add_user('admin', 'a:b:c', admin=True)
    assert enlist(state)[0] == 200
