# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render a libvirt network spec to XML with lxml, editing an existing definition in place.

What the spec does not manage (uuid, mac, dns, domain, NAT port ranges, portgroups, tftp, bootp) is
kept as it was.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import MANAGED_BRIDGE_MODES
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_xml import forward_mode
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import etree, parse_xml

_ORDER = ('name', 'uuid', 'metadata', 'forward', 'bridge', 'mtu', 'mac', 'domain', 'dns', 'ip')


def _place(root, elem):
    """Insert ``elem`` where libvirt's schema expects it (before the first later-ordered sibling)."""
    rank = _ORDER.index(elem.tag)
    for sibling in root:
        if sibling.tag in _ORDER and _ORDER.index(sibling.tag) > rank:
            sibling.addprevious(elem)
            return elem
    root.append(elem)
    return elem


def _range_elem(rng):
    return etree.Element('range', start=rng[0], end=rng[1])


def _host_elem(host):
    elem = etree.Element('host')
    for key in ('mac', 'name', 'ip'):
        if host.get(key):
            elem.set(key, host[key])
    return elem


def range_xml(rng):
    return etree.tostring(_range_elem(rng), encoding='unicode')


def host_xml(host):
    return etree.tostring(_host_elem(host), encoding='unicode')


def _render_forward(root, spec):
    forward = root.find('forward')
    mode = spec['forward_mode']
    if mode is None:
        if forward is not None:
            root.remove(forward)
        return
    if forward is None or forward_mode(root) != mode:
        if forward is not None:
            root.remove(forward)
        forward = _place(root, etree.Element('forward', mode=mode))
    current = [e.get('dev') for e in forward.findall('interface')]
    if current != spec['forward_devices']:
        for elem in forward.findall('interface'):
            forward.remove(elem)
        for dev in spec['forward_devices']:
            etree.SubElement(forward, 'interface', dev=dev)


def _render_bridge(root, spec):
    bridge = root.find('bridge')
    if not spec['bridge'] and spec['forward_mode'] not in MANAGED_BRIDGE_MODES:
        if bridge is not None:
            root.remove(bridge)
        return
    if bridge is None:
        bridge = _place(root, etree.Element('bridge'))
    if spec['bridge']:
        bridge.set('name', spec['bridge'])
    if spec['forward_mode'] in MANAGED_BRIDGE_MODES:
        bridge.set('stp', 'on' if spec['stp'] else 'off')
        bridge.set('delay', str(spec['forward_delay']))
    else:
        for key in ('stp', 'delay'):
            bridge.attrib.pop(key, None)


def _render_mtu(root, spec):
    mtu = root.find('mtu')
    if spec['mtu'] is None:
        if mtu is not None:
            root.remove(mtu)
        return
    if mtu is None:
        mtu = _place(root, etree.Element('mtu'))
    mtu.set('size', str(spec['mtu']))


def _render_dhcp(ip_elem, dhcp):
    elem = ip_elem.find('dhcp')
    if dhcp is None:
        if elem is not None:
            ip_elem.remove(elem)
        return
    if elem is None:
        elem = etree.SubElement(ip_elem, 'dhcp')
    for child in elem.findall('range') + elem.findall('host'):
        elem.remove(child)
    anchor = elem.find('bootp')  # <bootp> stays last, as libvirt writes it
    for new in [_range_elem(r) for r in dhcp['ranges']] + [_host_elem(h) for h in dhcp['hosts']]:
        if anchor is not None:
            anchor.addprevious(new)
        else:
            elem.append(new)


def _render_ips(root, spec):
    existing = dict((e.get('address'), e) for e in root.findall('ip'))
    for elem in root.findall('ip'):
        root.remove(elem)
    for ip in spec['ips']:
        elem = existing.get(ip['address'])
        if elem is None:
            elem = etree.Element('ip', address=ip['address'])
        for key in ('netmask', 'prefix', 'family'):
            elem.attrib.pop(key, None)
        if ip['family'] == 'ipv6':
            elem.set('family', 'ipv6')
        elem.set('prefix', str(ip['prefix']))
        _render_dhcp(elem, ip['dhcp'])
        root.append(elem)


def render_network(name, spec, existing_xml=None):
    root = parse_xml(existing_xml, 'network') if existing_xml else etree.Element('network')
    if root.find('name') is None:
        etree.SubElement(root, 'name').text = name
    _render_forward(root, spec)
    _render_bridge(root, spec)
    _render_mtu(root, spec)
    _render_ips(root, spec)
    return etree.tostring(root, pretty_print=True, encoding='unicode')
