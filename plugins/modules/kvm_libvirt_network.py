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
  description: C(name), C(uuid), C(active), C(persistent), C(autostart), C(dhcp_enabled) after the run
    (in check mode, what they would be; C(uuid) is null for a network not defined yet).
  returned: always
  type: dict
  sample: {name: default, uuid: 6a1d5b9e-5c4e-4b8e-9f2c-0d1b2c3d4e5f, active: true, persistent: true,
           autostart: true, dhcp_enabled: false}
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

import os
import time


from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import new_module
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import FORWARD_MODES, is_local_uri
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.steps import StepExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.host import sysfs
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import (
    URI_ARGUMENT_SPEC, require_libraries, run_with_connection)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import libvirt, lookup_or_none
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import parse_domain_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_plan import (
    STATES, NetworkFound, plan_network)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_render import host_xml, range_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import (
    NetworkSpecError, check_request, spec_from_xml)

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


def attached_domains(conn, name):
    names = []
    for dom in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
        if any(i['network'] == name for i in parse_domain_xml(dom.XMLDesc(0))['interfaces']):
            names.append(dom.name())
    return sorted(names)


def write_backup(directory, name, xml):
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, '%s-%s.xml' % (name, time.strftime('%Y%m%dT%H%M%S')))
    with open(path, 'w') as handle:
        handle.write(xml)
    return path


class NetworkExecutor(StepExecutor):
    """Runs a NetworkPlan's steps against libvirt, one method per action."""

    backup_file = None

    def do_backup(self, xml):
        params = self.module.params
        try:
            self.backup_file = write_backup(params['backup_dir'], params['name'], xml)
        except (IOError, OSError) as exc:
            self.module.fail_json(msg='cannot write the backup of network %s to %s: %s; nothing was changed'
                                  % (params['name'], params['backup_dir'], exc))

    def do_define(self, xml):
        self.target = self.conn.networkDefineXML(xml)

    def do_update(self, update):
        flags = libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG
        if update['live']:
            flags |= libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE
        for command, section, index, item in update['changes']:
            cmd = libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE if command == 'delete' else \
                libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
            if section == 'range':
                self.target.update(cmd, libvirt.VIR_NETWORK_SECTION_IP_DHCP_RANGE, index, range_xml(item), flags)
            else:
                self.target.update(cmd, libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, index, host_xml(item), flags)

    def do_destroy(self, dummy):
        self.target.destroy()

    def do_create(self, dummy):
        self.target.create()

    def do_autostart(self, value):
        self.target.setAutostart(1 if value else 0)

    def do_undefine(self, dummy):
        if self.target.isPersistent():
            self.target.undefine()


def check_host_bridge(module, spec):
    if spec and spec['forward_mode'] == 'bridge' and spec['bridge'] and is_local_uri(module.params['uri']):
        if not sysfs.is_bridge(spec['bridge']):
            module.fail_json(msg='forward_mode bridge needs an existing host bridge, and %s is not one on this host; '
                                 'build it first (role kvmnet.netboot.maas_bridge)' % spec['bridge'])


def network_summary(net):
    return {'name': net.name(), 'uuid': net.UUIDString(), 'active': bool(net.isActive()),
            'persistent': bool(net.isPersistent()), 'autostart': bool(net.autostart()),
            'dhcp_enabled': any(ip['dhcp'] for ip in spec_from_xml(net.XMLDesc(0))['ips'])}


def planned_summary(name, plan, found):
    """What network_summary would say after the plan (check mode, or absent)."""
    if plan.spec is None:
        return {'name': name, 'uuid': None, 'active': False, 'persistent': False, 'autostart': False,
                'dhcp_enabled': False}
    return {'name': name, 'uuid': None, 'active': plan.tracker.after('active'),
            'persistent': True, 'autostart': plan.tracker.after('autostart', bool(found and found.autostart)),
            'dhcp_enabled': any(i['dhcp'] for i in plan.spec['ips'])}


def run(module, conn):
    name = module.params['name']
    net = lookup_or_none(conn.networkLookupByName, name)
    found = None if net is None else NetworkFound(
        net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE), bool(net.isActive()), bool(net.autostart()))
    plan = plan_network(name, found, module.params)
    check_host_bridge(module, plan.spec)
    result = {'changed': plan.changed, 'applied': plan.applied, 'previous_xml': found.xml if found else '',
              'affected_domains': attached_domains(conn, name) if plan.disconnects and found else []}
    if plan.applied == 'define+restart' and result['affected_domains']:
        module.warn('restarting network %s disconnects running domains %s until their NICs are re-attached'
                    % (name, ', '.join(result['affected_domains'])))
    if module._diff and plan.changed:  # pylint: disable=protected-access
        result['diff'] = plan.tracker.as_diff()
    if module.check_mode:
        result['network'] = planned_summary(name, plan, found)
    else:
        executor = NetworkExecutor(module, conn, net)
        net = executor.run(plan.steps)
        if executor.backup_file:
            result['backup_file'] = executor.backup_file
        result['network'] = network_summary(net) if plan.spec is not None else planned_summary(name, plan, found)
    if plan.spec is not None:
        result['xml'] = net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE) if net is not None and not module.check_mode \
            else plan.xml
    return result


def main():
    module = new_module(ARGUMENT_SPEC, supports_check_mode=True)
    require_libraries(module, 'libvirt-python', 'lxml', 'netaddr')
    try:
        check_request(module.params)
    except NetworkSpecError as exc:
        module.fail_json(msg=str(exc))
    result = run_with_connection(module, run, 'network %s' % module.params['name'], NetworkSpecError)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
