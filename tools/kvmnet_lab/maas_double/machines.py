# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""machines/ and machines/<system_id>/: list (by MAC), enlist, read, update, delete, power parameters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import re

from kvmnet_lab.maas_double.answers import NOT_ADMIN
from kvmnet_lab.maas_double.captures import capture


def machines_route(state, method, path, query, form, user):
    """machines/ and machines/<system_id>/, as MAAS answers them. ``form``: {field: [values]}."""
    if path == 'machines/':
        if method == 'GET':
            wanted = query.get('mac_address', '').lower()
            return 200, [m for m in state.machines.values()
                         if not wanted or wanted in [i['mac_address'] for i in m['interface_set']]]
        if method == 'POST':
            return enlist(state, form, user)
        return 405, 'Method not allowed'
    match = re.match(r'^machines/([^/]+)/$', path)
    machine = state.machines.get(match.group(1)) if match else None
    if machine is None:
        return 404, 'No Machine matches the given query.'
    if not user.get('is_superuser') and (method != 'GET' or query.get('op') == 'power_parameters'):
        return 403, NOT_ADMIN
    if method == 'GET':
        return (200, state.power[machine['system_id']]) if query.get('op') == 'power_parameters' else (200, machine)
    if method == 'PUT':
        _update(state, machine, form)
        return 200, machine
    if method == 'DELETE':
        del state.machines[machine['system_id']]
        return 204, ''
    return 405, 'Method not allowed'


def enlist(state, form, user):
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
    machine = capture('machines-create', 'machines-create')
    machine['system_id'] = 'm%05d' % (len(state.machines) + 1)
    template = machine['interface_set'][0]
    machine['interface_set'] = [dict(copy.deepcopy(template), name='eth%d' % i, mac_address=mac, id=500 + i)
                                for i, mac in enumerate(macs)]
    machine['boot_interface'] = copy.deepcopy(machine['interface_set'][0])
    state.machines[machine['system_id']] = machine
    state.power[machine['system_id']] = {}
    _update(state, machine, form)
    return 200, machine


def _update(state, machine, form):
    for key in ('hostname', 'architecture', 'power_type'):
        if key in form:
            machine[key] = form[key][0]
    machine['fqdn'] = '%s.maas' % machine['hostname']
    for key, values in form.items():
        if key.startswith('power_parameters_'):
            state.power[machine['system_id']][key[len('power_parameters_'):]] = values[0]
