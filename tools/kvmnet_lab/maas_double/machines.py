# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""machines/ and machines/<system_id>/: list (by MAC), enlist, read, update, delete, power parameters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import threading

from kvmnet_lab.maas_double import render
from kvmnet_lab.maas_double.answers import NOT_ADMIN, first
from kvmnet_lab.maas_double.captures import capture

NO_MACHINE = 'No Machine matches the given query.'


def listing(state, args, query, form, user):  # pylint: disable=unused-argument
    wanted = query.get('mac_address', '').lower()
    return 200, [m for m in state.machines.values()
                 if not wanted or wanted in [i['mac_address'] for i in m['interface_set']]]


def new_machine(state, system_id, hostname, macs, status_name=None):
    """A machine as MAAS's machines-create answer has one (system_id, hostname, its MACs, its status - by default the
    capture's: a machine an administrator adds is commissioned), also a node (nodes/, nodes/<system_id>/interfaces/)
    as in MAAS."""
    machine = capture('machines', 'machines-create')
    template = machine['interface_set'][0]
    interfaces = [dict(copy.deepcopy(template), name='eth%d' % i, mac_address=mac, id=500 + i, system_id=system_id)
                  for i, mac in enumerate(macs)]
    machine.update(system_id=system_id, hostname=hostname, fqdn='%s.maas' % hostname,
                   status_name=status_name or machine['status_name'], interface_set=interfaces)
    machine['boot_interface'] = copy.deepcopy(machine['interface_set'][0]) if macs else machine['boot_interface']
    state.machines[system_id] = machine
    state.power.setdefault(system_id, {})
    if system_id not in state.hostnames:
        vlan = state.fabrics[0]['vlans'][0]
        state.hostnames[system_id] = (hostname, 0)
        state.interfaces[system_id] = [render.interface_record(system_id, 500 + i, 'eth%d' % i, mac, vlan)
                                       for i, mac in enumerate(macs)]
    return machine


def enlist(state, args, query, form, user):  # pylint: disable=unused-argument
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    macs = [m.lower() for m in form.get('mac_addresses', [])]
    if not macs or not form.get('architecture'):
        return 400, json.dumps({'mac_addresses': ['This field is required.']} if not macs else
                               {'architecture': ['This field is required.']})
    for machine in state.machines.values():
        if set(macs) & set(i['mac_address'] for i in machine['interface_set']):
            return 400, json.dumps({'mac_addresses': ['One or more MAC addresses is invalid. (Node with this MAC '
                                                      'address already exists.)']})
    system_id = 'm%05d' % (len([s for s in state.machines if s.startswith('m0')]) + 1)
    machine = new_machine(state, system_id, first(form, 'hostname') or system_id, macs)
    _update(state, machine, form)
    _start_commissioning(state, machine)   # a machine an administrator adds is commissioned at once
    return 200, machine


def _start_commissioning(state, machine):
    """MAAS's region asks the rack to power the machine on for commissioning and answers without waiting."""
    hook = state.commissioning_hook
    if hook is None or machine['status_name'] != 'Commissioning':
        return
    args = (machine['system_id'], machine['power_type'], dict(state.power.get(machine['system_id']) or {}))
    threading.Thread(target=hook, args=args, daemon=True, name='rack-%s' % machine['system_id']).start()


def commission(state, args, query, form, user):  # pylint: disable=unused-argument
    """op=commission: the machine's status becomes Commissioning (the capture's answer), and the rack powers it on."""
    machine, refused = _for_admin(state, args, user)
    if refused:
        return refused
    machine['status_name'] = capture('machines', 'machines-commission')['status_name']
    _start_commissioning(state, machine)
    return 200, machine


def _update(state, machine, form):
    for key in ('hostname', 'architecture', 'power_type'):
        if key in form:
            machine[key] = first(form, key)
    machine['fqdn'] = '%s.maas' % machine['hostname']
    state.hostnames[machine['system_id']] = (machine['hostname'], 0)
    for key in form:
        if key.startswith('power_parameters_'):
            state.power[machine['system_id']][key[len('power_parameters_'):]] = first(form, key)


def _machine(state, args):
    return state.machines.get(args['system_id'])


def _for_admin(state, args, user):
    """(the machine, None), or (None, MAAS's refusal): 404 for a machine it does not have, 403 for a non-admin."""
    machine = _machine(state, args)
    if machine is None:
        return None, (404, NO_MACHINE)
    if not user.get('is_superuser'):
        return None, (403, NOT_ADMIN)
    return machine, None


def read(state, args, query, form, user):  # pylint: disable=unused-argument
    machine = _machine(state, args)
    return (200, machine) if machine else (404, NO_MACHINE)


def power_parameters(state, args, query, form, user):  # pylint: disable=unused-argument
    machine, refused = _for_admin(state, args, user)
    if refused:
        return refused
    return 200, state.power[machine['system_id']]


def update(state, args, query, form, user):  # pylint: disable=unused-argument
    machine, refused = _for_admin(state, args, user)
    if refused:
        return refused
    _update(state, machine, form)
    return 200, machine


def delete(state, args, query, form, user):  # pylint: disable=unused-argument
    machine, refused = _for_admin(state, args, user)
    if refused:
        return refused
    for table in (state.machines, state.hostnames, state.interfaces, state.power):
        table.pop(machine['system_id'], None)
    return 204, ''
