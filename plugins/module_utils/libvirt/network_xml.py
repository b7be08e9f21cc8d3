# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a libvirt ``<network>`` document: the one reader of it. ``read_network`` gives every part the
collection looks at; the facts (``parse_network_xml``) and the managed spec (libvirt.network_spec) are both
built from it, so they cannot disagree on what a network holds.

Handles every forward mode libvirt knows, including networks with no ``<bridge>`` at all (macvtap
pools, hostdev and passthrough pools with ``<interface>`` devices or a ``<pf>``), which MAAS's own reader
crashes on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import netmask_to_prefix
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import parse_xml, pci_address, to_int

# libvirt network ``<forward mode=...>`` values; a bare ``<forward/>`` is ``nat``.
FORWARD_MODES = ('nat', 'route', 'open', 'bridge', 'private', 'vepa', 'passthrough', 'hostdev')


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


def _read_forward(root):
    """``{mode, dev, interfaces, pfs, addresses}`` of the ``<forward>`` element; mode None when isolated."""
    forward = root.find('forward')
    if forward is None:
        return {'mode': None, 'dev': None, 'interfaces': [], 'pfs': [], 'addresses': []}
    return {'mode': forward_mode(root), 'dev': forward.get('dev'),
            'interfaces': [e.get('dev') for e in forward.findall('interface') if e.get('dev')],
            'pfs': [e.get('dev') for e in forward.findall('pf') if e.get('dev')],
            'addresses': [a for a in (pci_address(e) for e in forward.findall('address')) if a]}


def _read_ip(ip_elem):
    """One ``<ip>``: address, prefix, family, and its DHCP (None when it has no ``<dhcp>``)."""
    dhcp = ip_elem.find('dhcp')
    # An IPv4 <ip> with neither prefix nor netmask gets a classful prefix from libvirt: we report
    # null rather than guess.
    return {
        'address': ip_elem.get('address'),
        'prefix': ip_prefix(ip_elem),
        'family': ip_elem.get('family', 'ipv4'),
        'dhcp': None if dhcp is None else {
            'ranges': [(r.get('start'), r.get('end')) for r in dhcp.findall('range')],
            'hosts': [dict((k, h.get(k)) for k in ('mac', 'id', 'ip', 'name')) for h in dhcp.findall('host')],
        },
    }


def read_network(text):
    """Every part of a ``<network>`` document the collection looks at, as read."""
    root = parse_xml(text, 'network')
    bridge = root.find('bridge')
    mtu, mac, virtualport = root.find('mtu'), root.find('mac'), root.find('virtualport')
    return {
        'name': root.findtext('name'), 'uuid': root.findtext('uuid'), 'forward': _read_forward(root),
        'bridge': None if bridge is None else {'name': bridge.get('name'), 'stp': bridge.get('stp', 'on') == 'on',
                                               'delay': to_int(bridge.get('delay'))},
        'mtu': to_int(mtu.get('size')) if mtu is not None else None,
        'mac': mac.get('address') if mac is not None else None,
        'domain': root.find('domain').get('name') if root.find('domain') is not None else None,
        'virtualport_type': virtualport.get('type') if virtualport is not None else None,
        'vlan_tags': [to_int(t.get('id')) for t in root.findall('vlan/tag')],
        'portgroups': [pg.get('name') for pg in root.findall('portgroup')],
        'ips': [_read_ip(e) for e in root.findall('ip')],
        'connections': to_int(root.get('connections')),
    }


def forward_devices(forward):
    """Every host device a network forwards to (``dev``, ``<interface>``s, ``<pf>``s), once each, in order."""
    found = []
    for dev in [forward['dev']] + forward['interfaces'] + forward['pfs']:
        if dev and dev not in found:
            found.append(dev)
    return found


def parse_network_xml(text):
    """The network record of one ``virsh net-dumpxml`` document (kvm_network_facts).

    ``active``, ``persistent`` and ``autostart`` are not in the XML; the caller adds them.
    """
    read = read_network(text)
    bridge, ips = read['bridge'], read['ips']
    named = bridge is not None and bool(bridge['name'])
    return {
        'name': read['name'], 'uuid': read['uuid'],
        'forward_mode': read['forward']['mode'],
        'forward_devices': forward_devices(read['forward']),
        'forward_addresses': read['forward']['addresses'],
        'bridge': bridge['name'] if named else None,
        'bridge_stp': bridge['stp'] if named else None,
        'bridge_delay': bridge['delay'] if bridge is not None else None,
        'mac': read['mac'], 'mtu': read['mtu'], 'domain': read['domain'],
        'virtualport_type': read['virtualport_type'], 'vlan_tags': read['vlan_tags'], 'portgroups': read['portgroups'],
        'dhcp_enabled': any(ip['dhcp'] is not None for ip in ips),
        'dhcp_ranges': [{'start': start, 'end': end, 'family': ip['family']}
                        for ip in ips if ip['dhcp'] for start, end in ip['dhcp']['ranges']],
        'dhcp_hosts': [dict(host, family=ip['family']) for ip in ips if ip['dhcp'] for host in ip['dhcp']['hosts']],
        'ips': [dict((k, ip[k]) for k in ('address', 'prefix', 'family')) for ip in ips],
        'connections': read['connections'],
    }
