#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: maas_machine
short_description: Enlist a composed VM in MAAS as a machine with the virsh power driver
version_added: 0.2.0
description:
  - Enlists a VM composed by M(kvmnet.netboot.kvm_vm_compose) as a MAAS machine, so MAAS commissions and
    deploys it over PXE and powers it with its C(virsh) driver - what MAAS's removed KVM "pods" used to do.
  - Idempotent by MAC - a machine that already has one of O(mac_addresses) is updated (host name,
    architecture, power type and parameters), never enlisted twice. O(state=absent) deletes it.
extends_documentation_fragment:
  - kvmnet.netboot.maas
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
options:
  hostname:
    description: The machine's host name in MAAS. Required with O(state=present).
    type: str
  mac_addresses:
    description: The VM's MACs, the PXE one first (C(pxe_mac) of M(kvmnet.netboot.kvm_vm_compose)).
    type: list
    elements: str
    required: true
  architecture:
    description: MAAS architecture.
    type: str
    default: amd64/generic
  power_type:
    description: MAAS power driver.
    type: str
    default: virsh
  power_address:
    description: The libvirt URI MAAS powers the VM through, for example
      C(qemu+ssh://kvmnet-power@198.51.100.10/system) (C(maas.power_parameters.power_address) of
      M(kvmnet.netboot.kvm_vm_compose)) - the power user of the role C(kvmnet.netboot.maas_power_access), never
      root. No query string (MAAS refuses one).
    type: str
  power_id:
    description: The libvirt domain - its UUID (C(maas.power_parameters.power_id) of M(kvmnet.netboot.kvm_vm_compose)),
      or its name.
    type: str
  power_password:
    description: The password for the power address, when it needs one.
    type: str
  state:
    description: C(present) - enlisted and up to date; C(absent) - deleted from MAAS.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    details: Only reads; nothing is sent that changes MAAS.
  diff_mode:
    support: full
    details: The fields that differ (the power password is never shown).
seealso:
  - module: kvmnet.netboot.kvm_vm_compose
  - module: kvmnet.netboot.maas_model_info
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: Compose the VM
  kvmnet.netboot.kvm_vm_compose:
    name: node01
    interfaces: "{{ attach.attachments }}"
  register: vm

- name: Enlist it in MAAS
  kvmnet.netboot.maas_machine:
    url: https://maas.example.com:5443/MAAS
    api_key: "{{ maas_api_key }}"
    hostname: node01
    mac_addresses: ["{{ vm.pxe_mac }}"]
    power_address: "{{ vm.maas.power_parameters.power_address }}"
    power_id: "{{ vm.maas.power_parameters.power_id }}"

- name: Remove it from MAAS
  kvmnet.netboot.maas_machine:
    mac_addresses: ["52:54:00:1c:9a:03"]
    state: absent
'''

RETURN = r'''
machine:
  description: C(system_id), C(hostname) and C(status_name) of the machine (null once absent, or for a new
    machine in check mode).
  returned: success
  type: dict
  sample: {system_id: p37gqk, hostname: node01, status_name: Commissioning}
'''


from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module, run_plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import normalise_macs
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.ansible_glue import MAAS_ARGUMENT_SPEC, run_with_client
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.executors import MachineExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.machine_plan import MachineSpecError, plan_machine
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.power import POWER_TYPE

ARGUMENT_SPEC = dict(
    MAAS_ARGUMENT_SPEC,
    hostname=dict(type='str'),
    mac_addresses=dict(type='list', elements='str', required=True),
    architecture=dict(type='str', default='amd64/generic'),
    power_type=dict(type='str', default=POWER_TYPE),
    power_address=dict(type='str'),
    power_id=dict(type='str'),
    power_password=dict(type='str', no_log=True),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)


def find_machine(client, macs):
    """The machine that has one of ``macs`` (MAAS filters machines by MAC), and its power parameters."""
    for mac in macs:
        found = client.get('machines/', mac_address=mac) or []
        if found:
            machine = found[0]
            return machine, client.get('machines/%s/' % machine['system_id'], op='power_parameters') or {}
    return None, None


def run(module, client):
    try:
        macs = normalise_macs(module.params['mac_addresses'], 'mac_addresses')
    except ValueError as exc:
        raise MachineSpecError(str(exc))
    found, power = find_machine(client, macs)
    return run_plan(module, plan_machine(module.params, found, power), MachineExecutor(module, client))


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True, required_if=[('state', 'present', ['hostname'])])
    module.exit_json(**run_with_client(module, run, (MachineSpecError,)))


if __name__ == '__main__':
    main()
