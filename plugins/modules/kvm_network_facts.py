#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kvm_network_facts
short_description: Gather a KVM host's network picture from libvirt and iproute2
version_added: 0.1.0
description:
  - Reads libvirt networks and domains through libvirt-python and the host's links, addresses and
    routes from iproute2 JSON (C(ip -j -d addr show), C(ip -j route show)), and returns them as the
    C(kvm_host_network) fact.
  - The fact says, for every libvirt network, whether libvirt's own DHCP is on (the trap that stops a
    VM from PXE-booting from MAAS), which device holds the host's management address, and which tap
    device belongs to which VM NIC.
  - Networks without a C(<bridge>) (macvtap, hostdev and passthrough pools) are reported with
    C(bridge=null).
extends_documentation_fragment:
  - kvmnet.netboot.libvirt
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.facts
options:
  gather_subset:
    description:
      - What to gather. C(all), or any of C(networks), C(interfaces), C(domains). Prefix with C(!) to
        leave one out (C(!domains)).
      - The C(libvirt) part (URI and version) is always gathered.
      - C(management) and C(routes) come with C(interfaces).
    type: list
    elements: str
    default: [all]
  management_ip:
    description:
      - The host's management address. The interface holding it is reported as C(management.interface).
      - Default is the source address of the default route (IPv4 first, then IPv6).
      - The task fails when no interface of the host holds this address.
    type: str
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode returns the same facts.
  diff_mode:
    support: none
  facts:
    support: full
  platform:
    platforms: posix
notes:
  - Links, addresses and routes are read in the network namespace the module runs in; libvirt networks
    and domains come from the libvirt daemon at O(uri), which may be remote.
seealso:
  - name: libvirt network XML format
    description: The meaning of forward modes, C(<bridge>), C(<dhcp>).
    link: https://libvirt.org/formatnetwork.html
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: Gather everything
  kvmnet.netboot.kvm_network_facts:

- name: Only libvirt networks, from a remote hypervisor
  kvmnet.netboot.kvm_network_facts:
    uri: qemu+ssh://root@kvm01.example.com/system
    gather_subset: [networks]

- name: Fail early if libvirt DHCP would answer PXE requests on maas or default
  ansible.builtin.assert:
    that: >-
      ansible_facts.kvm_host_network.networks
      | selectattr('name', 'in', ['maas', 'default'])
      | selectattr('dhcp_enabled') | list | length == 0
    fail_msg: libvirt DHCP is on for maas/default; VMs would never reach MAAS

- name: Which VM owns vnet3?
  ansible.builtin.debug:
    msg: "{{ ansible_facts.kvm_host_network.taps['vnet3'] }}"
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to the host's facts.
  returned: always
  type: dict
  contains:
    kvm_host_network:
      description: The host's network picture.
      returned: always
      type: dict
      contains:
        libvirt:
          description: C(uri), C(version) (C(9.0.0)), C(hypervisor) and C(hostname) of the libvirt daemon.
          type: dict
          returned: always
          sample: {uri: "qemu:///system", version: "9.0.0", hypervisor: QEMU, hostname: kvm01}
        networks:
          description:
            - libvirt networks, sorted by name. Each has C(name), C(uuid), C(active), C(persistent),
              C(autostart), C(forward_mode) (C(nat), C(route), C(open), C(bridge), C(private), C(vepa),
              C(passthrough), C(hostdev), or null when isolated), C(bridge) (null when the network has
              none), C(bridge_stp), C(bridge_delay), C(forward_devices), C(forward_addresses) (PCI
              addresses of a hostdev pool), C(dhcp_enabled) (any C(<dhcp>) element), C(dhcp_ranges)
              (C(start), C(end), C(family)), C(dhcp_hosts) (C(mac), C(id), C(ip), C(name), C(family)),
              C(ips) (C(address), C(prefix), C(family)), C(mac), C(mtu), C(domain),
              C(virtualport_type), C(vlan_tags), C(portgroups), C(connections).
          type: list
          elements: dict
          returned: when networks are gathered
        interfaces:
          description:
            - Host links sorted by ifindex. Each has C(name), C(ifindex), C(kind) (C(physical), C(bridge),
              C(bond), C(vlan), C(macvlan), C(macvtap), C(veth), C(tap), C(dummy), C(loopback), C(other)),
              C(mac), C(permanent_mac), C(mtu), C(state) (operstate, lower case), C(admin_up),
              C(carrier), C(master) (the bridge or bond it is enslaved to), C(port_kind), C(ports)
              (bridge ports / bond slaves), C(vlan_id), C(vlan_protocol), C(parent) (the device a VLAN
              or macvlan sits on), C(peer) (veth peer), C(mode) (bond or macvlan mode), C(stp) and
              C(forward_delay) (seconds; bridges), C(info_kind), C(link_type), and C(addresses)
              (C(address), C(prefix), C(family), C(scope), C(dynamic) - true for DHCP-assigned,
              C(valid_lifetime)).
          type: list
          elements: dict
          returned: when interfaces are gathered
        routes:
          description: Main-table routes, each with C(dst), C(gateway), C(dev), C(prefsrc), C(protocol),
            C(scope), C(metric), C(table), C(family).
          type: list
          elements: dict
          returned: when interfaces are gathered
        management:
          description:
            - The device holding the management address - C(interface), C(kind), C(address), C(prefix),
              C(family), C(gateway), C(method) (C(dhcp) or C(static)), C(mac), C(mtu).
            - Null when the host has no default route and O(management_ip) was not given.
          type: dict
          returned: when interfaces are gathered
          sample: {interface: br-enp1s0, kind: bridge, address: 198.51.100.10, prefix: 24, family: ipv4,
                   gateway: 198.51.100.1, method: dhcp, mac: "72:9b:50:41:ac:09", mtu: 1500}
        domains:
          description:
            - libvirt domains sorted by name, with C(name), C(uuid), C(domain_type), C(state),
              C(persistent), C(autostart) and C(interfaces) (C(type) - C(network), C(bridge), C(direct),
              C(ethernet), C(hostdev), ...; C(source); C(network); C(bridge); C(mode); C(portgroup);
              C(mac); C(target); C(target_managed); C(model); C(boot_order); C(alias); C(vlan_tags);
              C(virtualport_type); C(ips) and C(table) - a routed NIC's addresses and routing table, from
              the domain metadata M(kvmnet.netboot.kvm_vm_compose) writes).
            - A running domain's NIC on a libvirt network is reported as type C(network) with the
              bridge it landed on in C(bridge).
          type: list
          elements: dict
          returned: when domains are gathered
        taps:
          description:
            - Tap or macvtap device name to C({domain, mac, index, type, mode, source, ips}) of the VM NIC
              that owns it.
            - C(mode) is the word the NIC hooks use - C(bridge), C(network), C(macvlan) or C(routed) (an
              C(ethernet) tap the host routes C(ips) to).
          type: dict
          returned: when domains are gathered
          sample: {vnet0: {domain: vm1, mac: "52:54:00:e5:c0:54", index: 0, type: network, mode: network, source: maas,
                           ips: []},
                   knab12n1: {domain: vm1, mac: "52:54:00:e5:c0:55", index: 1, type: ethernet, mode: routed,
                              source: null, ips: [198.51.100.7]}}
'''


from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module
from ansible_collections.kvmnet.netboot.plugins.module_utils.host import gather
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.ansible_glue import host_commands
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import URI_ARGUMENT_SPEC, require_libraries

ARGUMENT_SPEC = dict(
    URI_ARGUMENT_SPEC,
    gather_subset=dict(type='list', elements='str', default=['all']),
    management_ip=dict(type='str'),
)


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    require_libraries(module, 'libvirt-python', 'lxml', 'netaddr')
    try:
        subsets = gather.normalise_subsets(module.params['gather_subset'])
        commands = host_commands(module) if 'interfaces' in subsets else None
        facts = gather.collect(commands, module.params['uri'], subsets, module.params['management_ip'])
    except gather.FactsGatherError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, ansible_facts={'kvm_host_network': facts})


if __name__ == '__main__':
    main()
