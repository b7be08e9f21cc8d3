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
        description: Address ranges, C(start) and C(end).
        type: list
        elements: dict
      hosts:
        description: Fixed leases, C(mac), C(ip), C(name).
        type: list
        elements: dict
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
    details: Nothing is defined, updated, started or stopped.
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
  description: C(name), C(uuid), C(active), C(persistent), C(autostart), C(dhcp_enabled) after the run.
  returned: always
  type: dict
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
  returned: when O(backup=true) and something changed
  type: str
'''

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.connection import error_message, libvirt
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.ansible_glue import (
    URI_ARGUMENT_SPEC, connect, require_libraries)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import parse_domain_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import (
    NetworkSpecError, desired_spec, dhcp_delta, spec_from_xml)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_render import (
    host_xml, range_xml, render_network)


def lookup(conn, name):
    try:
        return conn.networkLookupByName(name)
    except libvirt.libvirtError:
        return None


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


def dhcp_updates(net, steps, active):
    flags = libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG
    if active:
        flags |= libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE
    for command, section, index, item in steps:
        cmd = libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE if command == 'delete' else \
            libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
        if section == 'range':
            net.update(cmd, libvirt.VIR_NETWORK_SECTION_IP_DHCP_RANGE, index, range_xml(item), flags)
        else:
            net.update(cmd, libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, index, host_xml(item), flags)


def check_host_bridge(module, spec):
    if spec['forward_mode'] == 'bridge' and spec['bridge'] and is_local(module.params['uri']):
        if not os.path.isdir('/sys/class/net/%s/bridge' % spec['bridge']):
            module.fail_json(msg='forward_mode bridge needs an existing host bridge, and %s is not one on this host; '
                                 'build it first (role kvmnet.netboot.maas_bridge)' % spec['bridge'])


def is_local(uri):
    return '//' in uri and uri.split('//', 1)[1].startswith('/')


def summary(net):
    return {'name': net.name(), 'uuid': net.UUIDString(), 'active': bool(net.isActive()),
            'persistent': bool(net.isPersistent()), 'autostart': bool(net.autostart()),
            'dhcp_enabled': any(ip['dhcp'] for ip in spec_from_xml(net.XMLDesc(0))['ips'])}


def ensure_absent(module, conn, net, result):
    if net is None:
        return result
    result.update(changed=True, applied='undefine', previous_xml=net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE),
                  affected_domains=attached_domains(conn, module.params['name']) if net.isActive() else [])
    result['diff'] = {'before': result['previous_xml'], 'after': ''}
    if module.params['backup']:
        result['backup_file'] = write_backup(module.params['backup_dir'], module.params['name'], result['previous_xml'])
    if not module.check_mode:
        if net.isActive():
            net.destroy()
        if net.isPersistent():
            net.undefine()
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            URI_ARGUMENT_SPEC,
            name=dict(type='str', required=True),
            state=dict(type='str', default='active', choices=['present', 'active', 'inactive', 'absent']),
            autostart=dict(type='bool'),
            forward_mode=dict(type='str', choices=['isolated', 'nat', 'route', 'open', 'bridge', 'private', 'vepa',
                                                   'passthrough', 'hostdev']),
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
                ranges=dict(type='list', elements='dict'),
                hosts=dict(type='list', elements='dict'),
            )),
            mtu=dict(type='int'),
            backup=dict(type='bool', default=False),
            backup_dir=dict(type='path', default='/var/lib/kvmnet-netboot/network-backups'),
        ),
        supports_check_mode=True,
    )
    require_libraries(module, 'libvirt-python', 'lxml', 'netaddr')
    params = module.params
    conn = connect(module)
    try:
        result = run(module, conn)
    except NetworkSpecError as exc:
        module.fail_json(msg='network %s: %s' % (params['name'], exc))
    except libvirt.libvirtError as exc:
        module.fail_json(msg='libvirt refused the change to network %s: %s' % (params['name'], error_message(exc)))
    finally:
        conn.close()
    module.exit_json(**result)


def run(module, conn):
    params = module.params
    name = params['name']
    net = lookup(conn, name)
    result = {'changed': False, 'applied': 'none', 'affected_domains': [], 'previous_xml': ''}
    if params['state'] == 'absent':
        result = ensure_absent(module, conn, net, result)
        result['network'] = {'name': name, 'active': False, 'persistent': False}
        return result
    before_xml = net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE) if net is not None else None
    current = spec_from_xml(before_xml) if before_xml else None
    wanted = desired_spec(current, params)
    check_host_bridge(module, wanted)
    after_xml = render_network(name, wanted, before_xml) if current != wanted or net is None else before_xml
    result['previous_xml'] = before_xml or ''
    changed_definition = net is None or current != wanted
    if changed_definition:
        result['changed'] = True
        result['diff'] = {'before_header': '%s (persistent XML)' % name, 'before': before_xml or '',
                          'after_header': '%s (persistent XML)' % name, 'after': after_xml}
        if params['backup'] and before_xml:
            result['backup_file'] = write_backup(params['backup_dir'], name, before_xml) \
                if not module.check_mode else os.path.join(params['backup_dir'], '%s-<timestamp>.xml' % name)
    active = net is not None and bool(net.isActive())
    if net is None:
        result['applied'] = 'create'
        if not module.check_mode:
            net = conn.networkDefineXML(after_xml)
    elif changed_definition:
        steps = dhcp_delta(current, wanted)
        if steps is not None:
            result['applied'] = 'update'
            if not module.check_mode:
                dhcp_updates(net, steps, active)
        elif active:
            result['applied'] = 'define+restart'
            result['affected_domains'] = attached_domains(conn, name)
            if result['affected_domains']:
                module.warn('restarting network %s disconnects running domains %s until their NICs are re-attached'
                            % (name, ', '.join(result['affected_domains'])))
            if not module.check_mode:
                net = conn.networkDefineXML(after_xml)
                net.destroy()
                net.create()
        else:
            result['applied'] = 'define'
            if not module.check_mode:
                net = conn.networkDefineXML(after_xml)
    if params['autostart'] is not None and (net is None or bool(net.autostart()) != params['autostart']):
        result['changed'] = True
        if net is not None and not module.check_mode:
            net.setAutostart(1 if params['autostart'] else 0)
    if params['state'] == 'active' and not active and not (net is not None and net.isActive()):
        result['changed'] = True
        if net is not None and not module.check_mode:
            net.create()
    elif params['state'] == 'inactive' and net is not None and net.isActive():
        result['changed'] = True
        result['affected_domains'] = attached_domains(conn, name)
        if not module.check_mode:
            net.destroy()
    if net is not None and not module.check_mode:
        result['xml'] = net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE)
        result['network'] = summary(net)
    else:
        result['xml'] = after_xml
        result['network'] = summary(net) if net is not None else {'name': name, 'uuid': None, 'active': False,
                                                                  'persistent': False, 'autostart': False,
                                                                  'dhcp_enabled': any(i['dhcp'] for i in wanted['ips'])}
    return result


if __name__ == '__main__':
    main()
