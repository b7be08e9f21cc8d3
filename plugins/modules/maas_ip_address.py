#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: maas_ip_address
short_description: Reserve and release MAAS's managed static addresses - floating, per-NIC and sticky
version_added: 0.2.0
description:
  - Manages one static address in MAAS, of one of the three classes MAAS's design for static addresses
    names.
  - C(floating) - owned by a user, tied to no hardware, never handed out by DHCP (C(ipaddresses/?op=reserve)
    without a MAC, alloc type USER_RESERVED).
  - C(nic) - handed out by DHCP to O(mac) (a DHCP reservation, C(reservedips/), on MAAS 3.6 and later; before,
    C(ipaddresses/?op=reserve) with the MAC). MAAS writes it into its DHCP configuration before it answers.
  - C(sticky) - kept by a node's interface (C(op=link_subnet) mode STATIC, alloc type STICKY).
  - Idempotent - without O(ip) the address is found by O(hostname) (floating), O(mac) (nic) or O(node) and
    O(interface)/O(mac) (sticky), so a re-run never takes a second address.
extends_documentation_fragment:
  - kvmnet.netboot.maas
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
options:
  class:
    description: The class of address.
    type: str
    required: true
    choices: [floating, nic, sticky]
  ip:
    description: The address. Default - MAAS picks a free one from O(subnet).
    type: str
  subnet:
    description: The subnet (CIDR or MAAS id) to take the address from.
    type: str
  mac:
    description: The MAC DHCP hands the address to (C(nic)), or that finds the node's interface (C(sticky)).
    type: str
  hostname:
    description: A DNS name for a C(floating) address; also its key when O(ip) is not given.
    type: str
  node:
    description: The node of a C(sticky) address, by system_id.
    type: str
  interface:
    description: The node's interface (its name) for a C(sticky) address.
    type: str
  state:
    description: C(present) - reserved; C(absent) - released.
    type: str
    choices: [present, absent]
    default: present
  force:
    description: Release another user's address (MAAS administrators only).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details: Only reads; nothing is reserved or released.
  diff_mode:
    support: full
    details: The address before and after.
seealso:
  - module: kvmnet.netboot.maas_model_info
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: A floating address for a service, never handed out by DHCP
  kvmnet.netboot.maas_ip_address:
    class: floating
    subnet: 198.51.100.0/24
    hostname: vip-web

- name: The address DHCP gives a VM's boot NIC
  kvmnet.netboot.maas_ip_address:
    class: nic
    ip: 198.51.100.20
    mac: "52:54:00:1c:9a:03"

- name: Release it
  kvmnet.netboot.maas_ip_address:
    class: nic
    mac: "52:54:00:1c:9a:03"
    state: absent
'''

RETURN = r'''
address:
  description: C(ip), C(class), C(alloc_type) and C(alloc_type_name) (MAAS's), C(subnet), C(owner), C(mac) and
    C(node) (C(system_id), C(interface)) of the address; null once released, or for a new one in check mode.
  returned: success
  type: dict
  sample: {ip: 198.51.100.20, class: nic, alloc_type: 4, alloc_type_name: USER_RESERVED, subnet: 198.51.100.0/24,
           owner: admin, mac: "52:54:00:1c:9a:03", node: null}
'''


from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module, run_plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.address_finder import AddressFinder
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.address_plan import CLASSES, AddressRequestError, check_force, check_request, plan_address
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.ansible_glue import MAAS_ARGUMENT_SPEC, run_with_client
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.executors import AddressExecutor

ARGUMENT_SPEC = dict(
    MAAS_ARGUMENT_SPEC,
    ip=dict(type='str'),
    subnet=dict(type='str'),
    mac=dict(type='str'),
    hostname=dict(type='str'),
    node=dict(type='str'),
    interface=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    force=dict(type='bool', default=False),
    # "class" is a Python keyword: given as a mapping entry
    **{'class': dict(type='str', required=True, choices=list(CLASSES))}
)


def run(module, client):
    params = module.params
    mac = check_request(params)
    me = client.get('users/', op='whoami') or {}
    check_force(params, me.get('username'), bool(me.get('is_superuser')))
    finder = AddressFinder(client, params, mac, me.get('username'), bool(me.get('is_superuser')))
    plan = plan_address(params, finder.find(), me.get('username'))
    return run_plan(module, plan, AddressExecutor(module, client, finder))


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    module.exit_json(**run_with_client(module, run, (AddressRequestError,)))


if __name__ == '__main__':
    main()
