# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a libvirt ``<network>`` document into a plain record.

Handles every forward mode libvirt knows, including networks with no ``<bridge>`` at all (macvtap
pools, hostdev and passthrough pools), which MAAS's own reader crashes on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import netmask_to_prefix
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import parse_xml, pci_address, to_int


def forward_mode(root):
    """The network's forward mode, or None when it is isolated (no ``<forward>``)."""
    forward = root.find('forward')
    if forward is None:
        return None
    # libvirt's default for a bare <forward/> is NAT.
    return forward.get('mode', 'nat')


def ip_prefix(ip_elem):
    """The prefix length of an ``<ip>`` element, from ``prefix`` or ``netmask``; None when it has neither."""
    prefix = to_int(ip_elem.get('prefix'))
    if prefix is None and ip_elem.get('netmask'):
        prefix = netmask_to_prefix(ip_elem.get('netmask'))
    return prefix


def _forward(root):
    forward = root.find('forward')
    if forward is None:
        return None, [], []
    mode = forward_mode(root)
    devices = []
    for dev in [forward.get('dev')] + [e.get('dev') for e in forward.findall('interface')] + \
            [e.get('dev') for e in forward.findall('pf')]:
        if dev and dev not in devices:
            devices.append(dev)
    addresses = [a for a in (pci_address(e) for e in forward.findall('address')) if a]
    return mode, devices, addresses


def _ip_record(ip_elem):
    family = ip_elem.get('family', 'ipv4')
    prefix = ip_prefix(ip_elem)
    # An IPv4 <ip> with neither prefix nor netmask gets a classful prefix from libvirt: we report
    # null rather than guess.
    return {
        'address': ip_elem.get('address'),
        'prefix': prefix,
        'family': family,
    }


def _ips_and_dhcp(root):
    """(ips, dhcp_enabled, dhcp_ranges, dhcp_hosts) of a network document."""
    ips, dhcp_ranges, dhcp_hosts = [], [], []
    dhcp_enabled = False
    for ip_elem in root.findall('ip'):
        ip = _ip_record(ip_elem)
        ips.append(ip)
        dhcp = ip_elem.find('dhcp')
        if dhcp is None:
            continue
        dhcp_enabled = True
        for rng in dhcp.findall('range'):
            dhcp_ranges.append({'start': rng.get('start'), 'end': rng.get('end'), 'family': ip['family']})
        for host in dhcp.findall('host'):
            dhcp_hosts.append({
                'mac': host.get('mac'),
                'id': host.get('id'),
                'ip': host.get('ip'),
                'name': host.get('name'),
                'family': ip['family'],
            })
    return ips, dhcp_enabled, dhcp_ranges, dhcp_hosts


def parse_network_xml(text):
    """The network record of one ``virsh net-dumpxml`` document.

    ``active``, ``persistent`` and ``autostart`` are not in the XML; the caller adds them.
    """
    root = parse_xml(text, 'network')
    forward_mode, forward_devices, forward_addresses = _forward(root)
    bridge = root.find('bridge')
    mtu = root.find('mtu')
    mac = root.find('mac')
    virtualport = root.find('virtualport')
    vlan_tags = [to_int(t.get('id')) for t in root.findall('vlan/tag')]
    ips, dhcp_enabled, dhcp_ranges, dhcp_hosts = _ips_and_dhcp(root)
    return {
        'name': root.findtext('name'),
        'uuid': root.findtext('uuid'),
        'forward_mode': forward_mode,
        'forward_devices': forward_devices,
        'forward_addresses': forward_addresses,
        'bridge': bridge.get('name') if bridge is not None and bridge.get('name') else None,
        'bridge_stp': (bridge.get('stp', 'on') == 'on') if bridge is not None and bridge.get('name') else None,
        'bridge_delay': to_int(bridge.get('delay')) if bridge is not None else None,
        'mac': mac.get('address') if mac is not None else None,
        'mtu': to_int(mtu.get('size')) if mtu is not None else None,
        'domain': root.find('domain').get('name') if root.find('domain') is not None else None,
        'virtualport_type': virtualport.get('type') if virtualport is not None else None,
        'vlan_tags': vlan_tags,
        'portgroups': [pg.get('name') for pg in root.findall('portgroup')],
        'dhcp_enabled': dhcp_enabled,
        'dhcp_ranges': dhcp_ranges,
        'dhcp_hosts': dhcp_hosts,
        'ips': ips,
        'connections': to_int(root.get('connections')),
    }
