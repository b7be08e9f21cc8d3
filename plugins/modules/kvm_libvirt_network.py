#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kvm_libvirt_network
short_description: Declarative libvirt networks, including turning libvirt's DHCP off in place
version_added: 0.1.0
description:
  - Makes a libvirt network match the options given; options left out keep their current value, so
    O(dhcp) alone turns libvirt's DHCP off (or changes ranges and hosts) and touches nothing else.
  - The current definition is compared with the wanted one on the fields this module manages (uuid,
    MAC, NAT ports and other libvirt-filled fields are ignored). DHCP ranges and hosts are changed with
    virNetworkUpdate on the live and the persistent network at once - no restart, VMs stay attached.
    Any other change redefines the network and, when it is active, restarts it; the task warns which
    running domains lose connectivity then.
  - The previous XML is always returned, and written to O(backup_dir) with O(backup=true).
extends_documentation_fragment:
  - kvmnet.netboot.libvirt
  - ansible.builtin.action_common_attributes
options:
  name:
    description: Network name.
    type: str
    required: true
  state:
    description:
      - C(present) - defined; started or stopped as it was (a new network stays inactive).
      - C(active) - defined and started. C(inactive) - defined and stopped. C(absent) - stopped and undefined.
    type: str
    choices: [present, active, inactive, absent]
    default: active
  autostart:
    description: Start the network with libvirtd. Left as it is when not given.
    type: bool
  forward_mode:
    description: C(isolated) (no C(<forward>)), C(nat), C(route), C(open), C(bridge) (onto an existing host
      bridge), C(private), C(vepa), C(passthrough), C(hostdev).
    type: str
    choices: [isolated, nat, route, open, bridge, private, vepa, passthrough, hostdev]
  bridge:
    description: Bridge name. For C(forward_mode=bridge) an existing host bridge; else the bridge libvirt creates.
    type: str
  stp:
    description: STP on the bridge libvirt creates (isolated, nat, route, open). Default C(true) for a new network.
    type: bool
  forward_delay:
    description: Forward delay in seconds of the bridge libvirt creates. Default 0 for a new network.
    type: int
  forward_devices:
    description: Host devices for macvtap/hostdev pools (C(private), C(vepa), C(passthrough), C(bridge) without a bridge).
    type: list
    elements: str
  ips:
    description: The network's addresses (replaces all of them). DHCP of an address that stays is kept.
    type: list
    elements: dict
    suboptions:
      address:
        description: The host's address on the network.
        type: str
        required: true
      prefix:
        description: Prefix length.
        type: int
        required: true
  dhcp:
    description:
      - libvirt's DHCP (dnsmasq). C(enabled=false) removes every C(<dhcp>) element.
      - Ranges and hosts go under the address whose network holds them; a range outside every network fails.
      - C(ranges) or C(hosts) left out keep the current ones.
    type: dict
    suboptions:
      enabled:
        description: Whether libvirt serves DHCP on this network.
        type: bool
        default: true
      ranges:
        description: Address ranges.
        type: list
        elements: dict
        suboptions:
          start:
            description: First address of the range.
            type: str
            required: true
          end:
            description: Last address of the range.
            type: str
            required: true
      hosts:
        description: Fixed leases.
        type: list
        elements: dict
        suboptions:
          mac:
            description: The VM NIC's MAC address.
            type: str
          ip:
            description: The address it is given.
            type: str
            required: true
          name:
            description: The host name it is given.
            type: str
  mtu:
    description: MTU of the network's bridge and taps.
    type: int
  backup:
    description: Write the previous XML to O(backup_dir) before a change.
    type: bool
    default: false
  backup_dir:
    description: Where O(backup=true) writes C(<name>-<timestamp>.xml).
    type: path
    default: /var/lib/kvmnet-netboot/network-backups
attributes:
  check_mode:
    support: full
    details: Nothing is defined, updated, started, stopped or written (no backup file either).
  diff_mode:
    support: full
    details: The persistent XML before and after.
  platform:
    platforms: posix
seealso:
  - module: kvmnet.netboot.kvm_network_facts
  - name: libvirt network XML format
    description: Every element this module writes.
    link: https://libvirt.org/formatnetwork.html
author:
  - kvmnet.netboot maintainers (@kvmnet)
'''

EXAMPLES = r'''
- name: Turn libvirt's DHCP off on the default network, in place (VMs stay attached)
  kvmnet.netboot.kvm_libvirt_network:
    name: default
    dhcp:
      enabled: false
    backup: true

- name: A maas network bridged onto the host bridge on the MAAS-DHCP VLAN
  kvmnet.netboot.kvm_libvirt_network:
    name: maas
    forward_mode: bridge
    bridge: br-enp1s0
    autostart: true

- name: An isolated lab network with libvirt DHCP and a fixed lease
  kvmnet.netboot.kvm_libvirt_network:
    name: lab
    forward_mode: isolated
    bridge: virbr-lab
    ips: [{address: 203.0.113.1, prefix: 24}]
    dhcp:
      ranges: [{start: 203.0.113.100, end: 203.0.113.199}]
      hosts: [{mac: "52:54:00:aa:00:01", ip: 203.0.113.50, name: pinned}]
'''

RETURN = r'''
network:
  description: C(name), C(uuid), C(active), C(persistent), C(autostart), C(dhcp_enabled), C(forward_mode) and
    C(bridge) after the run (in check mode, what they would be; C(uuid) is null for a network not defined yet).
  returned: always
  type: dict
  sample: {name: default, uuid: 6a1d5b9e-5c4e-4b8e-9f2c-0d1b2c3d4e5f, active: true, persistent: true,
           autostart: true, dhcp_enabled: false, forward_mode: nat, bridge: virbr0}
previous_xml:
  description: The persistent XML before the run (empty when the network did not exist).
  returned: always
  type: str
xml:
  description: The persistent XML after the run (what it would be, in check mode).
  returned: unless state is absent
  type: str
applied:
  description: How the change was made - C(none), C(update) (virNetworkUpdate, live and persistent),
    C(define) (persistent only, network inactive), C(define+restart), C(create), C(undefine).
  returned: always
  type: str
affected_domains:
  description: Running domains with NICs on this network that lost connectivity during a restart.
  returned: always
  type: list
  elements: str
backup_file:
  description: Where the previous XML was written.
  returned: when O(backup=true) and the definition changed or was removed (not in check mode)
  type: str
'''

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module, run_plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import inventory
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import (
    URI_ARGUMENT_SPEC, require_libraries, run_with_connection)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import libvirt, lookup_or_none
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.executors import NetworkExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_plan import STATES, plan_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import NetworkSpecError, check_request
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_xml import FORWARD_MODES

ARGUMENT_SPEC = dict(
    URI_ARGUMENT_SPEC,
    name=dict(type='str', required=True),
    state=dict(type='str', default='active', choices=list(STATES)),
    autostart=dict(type='bool'),
    forward_mode=dict(type='str', choices=['isolated'] + list(FORWARD_MODES)),
    bridge=dict(type='str'),
    stp=dict(type='bool'),
    forward_delay=dict(type='int'),
    forward_devices=dict(type='list', elements='str'),
    ips=dict(type='list', elements='dict', options=dict(
        address=dict(type='str', required=True),
        prefix=dict(type='int', required=True),
    )),
    dhcp=dict(type='dict', options=dict(
        enabled=dict(type='bool', default=True),
        ranges=dict(type='list', elements='dict', options=dict(
            start=dict(type='str', required=True),
            end=dict(type='str', required=True),
        )),
        hosts=dict(type='list', elements='dict', options=dict(
            mac=dict(type='str'),
            ip=dict(type='str', required=True),
            name=dict(type='str'),
        )),
    )),
    mtu=dict(type='int'),
    backup=dict(type='bool', default=False),
    backup_dir=dict(type='path', default='/var/lib/kvmnet-netboot/network-backups'),
)


def run(module, conn):
    name = module.params['name']
    net = lookup_or_none(conn.networkLookupByName, name)
    plan = plan_network(name, inventory.network_found(net), module.params)
    wanted = plan.predicted['network']
    if wanted['forward_mode'] == 'bridge' and wanted['bridge']:
        problem = inventory.host_bridge_problem(module.params['uri'], wanted['bridge'])
        if problem:
            module.fail_json(msg='forward_mode bridge needs an existing host bridge: %s; build it first (role '
                                 'kvmnet.netboot.maas_bridge)' % problem)
    if plan.predicted['affected_domains'] is None:
        plan.predicted['affected_domains'] = inventory.domains_on_network(conn, name)
        if plan.predicted['applied'] == 'define+restart' and plan.predicted['affected_domains']:
            module.warn('restarting network %s disconnects running domains %s until their NICs are re-attached'
                        % (name, ', '.join(plan.predicted['affected_domains'])))
    executor = NetworkExecutor(module, conn, net, module.params['backup_dir'])
    result = run_plan(module, plan, executor)
    net = executor.target
    if not module.check_mode and net is not None and plan.predicted['network']['persistent']:
        result.update(network=inventory.network_summary(net), xml=net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE))
    return result


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    require_libraries(module, 'libvirt-python', 'lxml', 'netaddr')
    try:
        check_request(module.params)
    except NetworkSpecError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**run_with_connection(module, run, 'network %s' % module.params['name'], NetworkSpecError))


if __name__ == '__main__':
    main()
