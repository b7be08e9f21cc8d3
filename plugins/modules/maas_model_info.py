#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: maas_model_info
short_description: Read the provisioner's model (VLANs, subnets, the host's interfaces) from a MAAS region
version_added: 0.2.0
description:
  - Returns C(maas_model) in exactly the shape M(kvmnet.netboot.kvm_attachment_select) and the
    C(kvmnet.netboot.attachment_order) filter take, read from MAAS's API instead of written by hand.
  - VLANs come nested in C(fabrics/) (with DHCP on, or relayed to a VLAN that has it), subnets from
    C(subnets/), dynamic and reserved ranges from C(ipranges/).
  - "The KVM host is correlated with the node MAAS knows: for each of O(host_addresses), the subnet holding
    it and that subnet's addresses (C(op=ip_addresses)) give the node - also when MAAS only observed the
    address (DHCP). The node's interfaces become C(host_interfaces). When none is known, C(host_known) is
    false and the selection behaves as MAAS 2.4 does for an unknown host."
  - Allocated addresses (to rank DHCP VLANs by free IPv4 space) are read only for the subnets on DHCP or
    relayed VLANs the host has an interface on; other subnets cost no request.
options:
  host_addresses:
    description:
      - The host's addresses to look for in MAAS, in order.
      - Default - the host's global addresses (iproute2), the management address first.
    type: list
    elements: str
extends_documentation_fragment:
  - kvmnet.netboot.maas
  - kvmnet.netboot.maas.info_module
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
seealso:
  - module: kvmnet.netboot.kvm_attachment_select
  - name: MAAS API
    description: The endpoints read.
    link: https://maas.io/docs/api
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: The provisioner's model, from MAAS
  kvmnet.netboot.maas_model_info:
    url: https://maas.example.com:5443/MAAS
    api_key: "{{ maas_api_key }}"
  register: maas

- name: Where a new VM's NIC attaches
  kvmnet.netboot.kvm_attachment_select:
    maas_model: "{{ maas.maas_model }}"

- name: Every MAAS module with the same region (MAAS_URL and MAAS_API_KEY work too)
  module_defaults:
    group/kvmnet.netboot.maas:
      url: https://maas.example.com:5443/MAAS
      api_key: "{{ maas_api_key }}"
  block:
    - kvmnet.netboot.maas_model_info:
'''

RETURN = r'''
maas_model:
  description: C(vlans), C(subnets), C(host_interfaces) and C(host_known), as M(kvmnet.netboot.kvm_attachment_select)
    takes them.
  returned: success
  type: dict
  sample:
    vlans: [{id: 5001, fabric: fabric-0, vid: 0, name: untagged, dhcp_on: true, relay_vlan: null, space: pxe}]
    subnets: [{id: 1, cidr: 198.51.100.0/24, vlan: 5001, space: pxe, gateway_ip: 198.51.100.1, dns_servers: [],
               ranges: [{type: dynamic, start_ip: 198.51.100.100, end_ip: 198.51.100.199}],
               allocated_ips: [198.51.100.10]}]
    host_interfaces: [{name: br0, vlan: 5001, type: bridge, tags: [], parents: [enp1s0]}]
    host_known: true
host:
  description: The MAAS node the host was matched to - C(system_id), C(hostname), C(node_type) (C(machine),
    C(device), C(rack-controller), C(region-controller), C(region-and-rack-controller)), C(matched_ip),
    C(matched_interface), C(alloc_type_name); null when MAAS knows none of the host's addresses.
  returned: success
  type: dict
  sample: {system_id: 4y3h7n, hostname: kvm01, node_type: machine, matched_ip: 198.51.100.10,
           matched_interface: br0, alloc_type_name: STICKY}
host_known:
  description: Whether MAAS knows the host.
  returned: success
  type: bool
addresses_tried:
  description: The host addresses looked for, in order.
  returned: success
  type: list
  elements: str
api:
  description: C(version) of the region, C(requests) made and C(seconds) spent.
  returned: success
  type: dict
  sample: {version: 3.5.4, requests: 8, seconds: 0.12}
'''


from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module
from ansible_collections.kvmnet.netboot.plugins.module_utils.host import gather
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.ansible_glue import host_commands
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.ansible_glue import MAAS_ARGUMENT_SPEC, run_with_client
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.model_reader import MaasAnswerError
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.model_source import addresses_of, check_addresses, fetch_model

ARGUMENT_SPEC = dict(MAAS_ARGUMENT_SPEC, host_addresses=dict(type='list', elements='str'))


def host_addresses(module):
    """The given addresses, or the host's global ones with the management address first."""
    if module.params['host_addresses'] is not None:
        return check_addresses(module.params['host_addresses'])
    try:
        facts = gather.collect_links(host_commands(module, required=True))
    except gather.FactsGatherError as exc:
        module.fail_json(msg='cannot read the host\'s addresses (give host_addresses): %s' % exc)
    return addresses_of(facts)


def run(module, client):
    addresses = host_addresses(module)
    version = client.version().get('version')
    model, host = fetch_model(client, addresses)
    if host is None:
        module.warn('MAAS knows none of this host\'s addresses (%s): host_known is false, and the selection treats '
                    'the host as unknown - only the libvirt networks maas and default are tried, as MAAS 2.4 did for '
                    'a KVM host it did not know' % (', '.join(addresses) or 'none found'))
    return dict(changed=False, maas_model=model, host=host, host_known=host is not None, addresses_tried=addresses,
                api={'version': version, 'requests': client.requests, 'seconds': round(client.seconds, 3)})


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    module.exit_json(**run_with_client(module, run, (MaasAnswerError,)))


if __name__ == '__main__':
    main()
