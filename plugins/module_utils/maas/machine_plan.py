# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide what maas_machine does: enlist a composed VM as a MAAS machine, update it, or delete it (a Plan).

A machine is found by its MACs (any of them), so a re-run updates the one MAAS has and never enlists a
second. Pure: the machine MAAS has (or None) and its power parameters in, the request to make out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import normalise_macs

# Power parameters of the virsh driver, as maas_machine's options name them.
POWER_FIELDS = (('power_address', 'power_address'), ('power_id', 'power_id'), ('power_password', 'power_pass'))


class MachineSpecError(ValueError):
    """The options do not describe a machine MAAS can enlist; the message names the option."""


def machine_macs(machine):
    return [str(i.get('mac_address', '')).lower() for i in machine.get('interface_set') or []]


def wanted_form(params):
    """The MAAS form fields the options ask for (power parameters as power_parameters_<name>)."""
    form = {'hostname': params['hostname'], 'architecture': params['architecture'], 'power_type': params['power_type']}
    for option, field in POWER_FIELDS:
        if params.get(option) is not None:
            form['power_parameters_%s' % field] = params[option]
    return form


def summary(machine):
    """The ``machine`` result: system_id, hostname and status of a machine MAAS has (None when there is none)."""
    return {'system_id': machine.get('system_id'), 'hostname': machine.get('hostname'),
            'status_name': machine.get('status_name')} if machine else None


def plan_machine(params, found, power_parameters=None):
    """The Plan for the machine ``found`` by its MACs (None: MAAS has none). Steps: ``create`` (the form),
    ``update`` ({system_id, form}: the fields that differ) or ``delete`` (the system_id)."""
    tracker = DifferenceTracker()
    if params['state'] == 'absent':
        tracker.add('machine', found['system_id'] if found else None, None)
        return Plan([('delete', found['system_id'])] if found else [], tracker, {'machine': None})
    if not params.get('hostname'):
        raise MachineSpecError('hostname is required with state present')
    try:
        macs = normalise_macs(params.get('mac_addresses'), 'mac_addresses')
    except ValueError as exc:
        raise MachineSpecError(str(exc))
    if not macs:
        raise MachineSpecError('mac_addresses needs at least the PXE MAC (kvm_vm_compose returns it as pxe_mac)')
    if '?' in str(params.get('power_address') or ''):
        raise MachineSpecError('power_address %s has a query string, which MAAS\'s virsh driver refuses ("Supplying '
                               'extra parameters to the Virsh address is not supported"): give the key as the power '
                               'user\'s default identity on the rack instead' % params['power_address'])
    form = wanted_form(params)
    if found is None:
        tracker.add('machine', None, params['hostname'])
        return Plan([('create', dict(form, mac_addresses=macs))], tracker, {'machine': None})
    current = {'hostname': found.get('hostname'), 'architecture': found.get('architecture'),
               'power_type': found.get('power_type')}
    for dummy, field in POWER_FIELDS:
        current['power_parameters_%s' % field] = (power_parameters or {}).get(field)
    changed = dict((k, v) for k, v in form.items() if current.get(k) != v)
    for key in sorted(form):
        if key == 'power_parameters_power_pass':  # the password is compared, never shown
            tracker.add(key, '(hidden)', '(hidden, new)' if key in changed else '(hidden)')
        else:
            tracker.add(key, current.get(key), form[key])
    steps = [('update', {'system_id': found['system_id'], 'form': changed})] if changed else []
    return Plan(steps, tracker, {'machine': summary(found)})
