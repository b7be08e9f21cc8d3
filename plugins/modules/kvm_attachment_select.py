#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kvm_attachment_select
short_description: Choose where a VM's NICs attach so that it PXE-boots from MAAS
version_added: 0.1.0
description:
  - Applies the DHCP-aware attachment policy (MAAS bug 1789521) to the host's network picture and the
    provisioner's model, and returns the chosen attachments, every candidate with the reason it was
    or was not usable, and the rule that decided.
  - "Without interface constraints, on a host the provisioner knows: (a) libvirt network C(maas), then
    C(default), never one with libvirt's own DHCP on; (b) only if its bridge is on a VLAN where MAAS
    serves DHCP or relays it; (c) else a host bridge on such a VLAN, then macvlan on a NIC, bond or VLAN
    on such a VLAN; (d) among several, the VLAN whose IPv4 subnets have the most free addresses."
  - On a host the provisioner does not know, only C(maas) then C(default) are tried (MAAS 2.4), still
    never one with libvirt DHCP.
  - With O(interfaces), each label is matched against the provisioner's model of the host; an explicit
    choice is never replaced by a libvirt network.
  - The result feeds M(kvmnet.netboot.kvm_vm_compose) directly.
extends_documentation_fragment:
  - kvmnet.netboot.libvirt
  - ansible.builtin.action_common_attributes
options:
  facts:
    description:
      - The C(kvm_host_network) fact from M(kvmnet.netboot.kvm_network_facts).
      - Gathered by the module itself (from O(uri) and the target's links) when omitted.
    type: dict
  maas_model:
    description:
      - The provisioner's view of the network, field names as in the MAAS API.
      - C(host_known) (bool; default true when C(host_interfaces) is not empty).
      - C(vlans[]) - C(id), C(fabric), C(vid), C(name), C(dhcp_on), C(relay_vlan) (a VLAN id or null), C(space).
      - C(subnets[]) - C(cidr), C(vlan) (id), C(space), C(gateway_ip), C(dns_servers[]), C(ranges[])
        (C(type) dynamic or reserved, C(start_ip), C(end_ip)), C(allocated_ips[]).
      - C(host_interfaces[]) - C(name), C(vlan) (id), C(type), C(tags[]) - the provisioner's model of this host.
    type: dict
    required: true
  interfaces:
    description:
      - MAAS interface constraints, as a string C(label:key=value[,key=value...][;label:...]) or as a list
        of dicts with C(label) and the keys (a list value means several values of one key).
      - Keys C(space), C(subnet) (CIDR), C(vlan) (id), C(vid), C(fabric), C(name), C(tag), their C(not_)
        forms, C(ip) and C(mode) (only C(unconfigured)). The same key repeated means OR; different keys
        mean AND.
      - Labels match C([a-zA-Z0-9][a-zA-Z0-9_-]*) and appear once; a numeric label N names the VM NIC
        C(ethN). The first label is the boot NIC.
    type: raw
  default_macvlan_mode:
    description: Mode of macvlan attachments.
    type: str
    default: bridge
    choices: [bridge, private, vepa, passthru]
attributes:
  check_mode:
    support: full
    details: The module only reads and decides; it changes nothing.
  diff_mode:
    support: none
  platform:
    platforms: posix
seealso:
  - module: kvmnet.netboot.kvm_network_facts
  - name: MAAS bug 1789521
    description: The attachment order this module implements.
    link: https://bugs.launchpad.net/maas/+bug/1789521
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: Gather the host picture
  kvmnet.netboot.kvm_network_facts:

- name: Where should a new VM attach?
  kvmnet.netboot.kvm_attachment_select:
    facts: "{{ ansible_facts.kvm_host_network }}"
    maas_model: "{{ maas_model }}"
  register: attach

- name: Explain
  ansible.builtin.debug:
    msg: "{{ attach.rule }}: {{ attach.candidates | map(attribute='reason') | list }}"

- name: Two NICs, the first on the PXE space, the second with a fixed address
  kvmnet.netboot.kvm_attachment_select:
    maas_model: "{{ maas_model }}"
    interfaces: "eth0:space=pxe;eth1:subnet=198.51.100.0/24,ip=198.51.100.20"
    default_macvlan_mode: vepa
'''

RETURN = r'''
attachments:
  description:
    - The chosen attachments, boot NIC first. Each has C(label), C(ifname), C(type) (C(network), C(bridge)
      or C(macvlan)), C(source) (network, bridge or parent device), C(mode) (macvlan mode, never null for
      macvlan; null otherwise), C(vlan) (VLAN id or null), C(ip) (or null), C(ip_mode) (C(unconfigured) or
      null) and C(boot).
  returned: success
  type: list
  elements: dict
  sample:
    - {label: eth0, ifname: eth0, type: bridge, source: br-enp1s0, mode: null, vlan: 5001, ip: null,
       ip_mode: null, boot: true}
candidates:
  description:
    - Every option considered, in order. Each has C(type), C(source), C(mode), C(vlan), C(dhcp)
      (C(maas), C(relay), C(libvirt), C(none), or C(unknown) on a host the provisioner does not know),
      C(free_ipv4), C(eligible), C(reason) (one sentence), and C(label) with constraints.
  returned: always
  type: list
  elements: dict
rule:
  description:
    - Which step decided.
    - C(preferred-network) - the first preferred libvirt network present (C(maas), else C(default)) passed.
    - C(fallback-network) - a later preferred network was taken because an earlier one was refused.
    - C(unknown-host) - MAAS does not know this host, so C(maas)/C(default) were taken without a VLAN check,
      as MAAS 2.4 did for a KVM host it did not know.
    - C(host-bridge) - a host bridge on a VLAN where MAAS serves or relays DHCP.
    - C(macvlan) - macvlan on a NIC, bond or VLAN where MAAS serves or relays DHCP.
    - C(constraints) - MAAS-style interface constraints decided.
  returned: success
  type: str
  choices: [preferred-network, fallback-network, unknown-host, host-bridge, macvlan, constraints]
  sample: host-bridge
'''


from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import MACVLAN_MODES
from ansible_collections.kvmnet.netboot.plugins.module_utils.host import gather
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.ansible_glue import host_commands
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import URI_ARGUMENT_SPEC, require_libraries
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import SelectionError, select_attachments
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.interface_constraints import ConstraintError, parse_constraints
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import ModelError, load_model

ARGUMENT_SPEC = dict(
    URI_ARGUMENT_SPEC,
    facts=dict(type='dict'),
    maas_model=dict(type='dict', required=True),
    interfaces=dict(type='raw'),
    default_macvlan_mode=dict(type='str', default='bridge', choices=list(MACVLAN_MODES)),
)


def host_facts(module):
    """The facts given, or the host's links and libvirt networks gathered now."""
    if module.params['facts'] is not None:
        return module.params['facts']
    require_libraries(module, 'libvirt-python', 'lxml')
    try:
        return gather.collect(host_commands(module), module.params['uri'], ['interfaces', 'networks'])
    except gather.FactsGatherError as exc:
        module.fail_json(msg='cannot gather the host network picture: %s' % exc)


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    require_libraries(module, 'netaddr')
    try:
        constraints = parse_constraints(params['interfaces'])
        model = load_model(params['maas_model'])
    except (ConstraintError, ModelError) as exc:
        module.fail_json(msg=str(exc))
    facts = host_facts(module)
    try:
        selection = select_attachments(facts, model, constraints, params['default_macvlan_mode'])
    except SelectionError as exc:
        module.fail_json(msg=str(exc), candidates=exc.candidates)
    module.exit_json(changed=False, **selection.to_dict())


if __name__ == '__main__':
    main()
