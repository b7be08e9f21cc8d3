# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read the network interfaces of a libvirt ``<domain>`` document, with the addresses and routing table
that kvm_vm_compose keeps in the domain's metadata for a routed NIC (an ``<interface type='ethernet'>``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import parse_xml, pci_address, to_int


# kvm_vm_compose writes a routed NIC's addresses into the domain's <metadata> under this namespace:
# <kvmnet:nics><kvmnet:nic mac="52:54:00:.." table="100"><kvmnet:ip>198.51.100.7</kvmnet:ip>...
ROUTED_METADATA_NS = 'https://github.com/kvmnet/netboot/routed-nic'
# How the host attaches a NIC, in the words of the NIC hooks and kvm_network_facts' taps.
_MODE_OF_TYPE = {'network': 'network', 'bridge': 'bridge', 'direct': 'macvlan', 'ethernet': 'routed'}


def nic_mode(nic):
    """bridge, network, macvlan or routed (a tap the host routes to) for a parsed interface; other
    types (hostdev, vhostuser, ...) keep their libvirt word."""
    return _MODE_OF_TYPE.get(nic['type'], nic['type'])


def routed_details(root):
    """{mac: (ips, table)} from a domain's kvmnet metadata, as claimed there (the NIC hook checks them:
    nic_hooks.routed_claims); ``table`` is None when it is missing or not a number."""
    details = {}
    for elem in root.iter('{%s}nic' % ROUTED_METADATA_NS):
        ips = [ip.text.strip() for ip in elem.findall('{%s}ip' % ROUTED_METADATA_NS) if ip.text and ip.text.strip()]
        details[(elem.get('mac') or '').lower()] = (ips, to_int(elem.get('table')))
    return details


def _source(iface_type, source):
    """The one word that says what the NIC is attached to."""
    if source is None:
        return None
    if source.get('network'):
        return source.get('network')
    if iface_type == 'bridge':
        return source.get('bridge')
    if iface_type == 'direct':
        return source.get('dev')
    if iface_type == 'hostdev':
        address = source.find('address')
        return pci_address(address) if address is not None else None
    if iface_type in ('vhostuser', 'server', 'client', 'mcast', 'udp'):
        return source.get('path') or source.get('address')
    return source.get('dev') or source.get('bridge')


def parse_interface(elem):
    xml_type = elem.get('type')
    source = elem.find('source')
    # A running domain shows a NIC on a libvirt network as type='bridge' with source network=...:
    # we report what the user defined, type 'network', and the bridge it landed on.
    on_network = source is not None and source.get('network')
    iface_type = 'network' if on_network else xml_type
    target = elem.find('target')
    model = elem.find('model')
    mac = elem.find('mac')
    boot = elem.find('boot')
    alias = elem.find('alias')
    virtualport = elem.find('virtualport')
    return {
        'type': iface_type,
        'source': _source(xml_type, source),
        'network': source.get('network') if on_network else None,
        'bridge': source.get('bridge') if source is not None else None,
        'mode': source.get('mode') if source is not None and xml_type == 'direct' else None,
        'portgroup': source.get('portgroup') if source is not None else None,
        'mac': mac.get('address').lower() if mac is not None and mac.get('address') else None,
        'target': target.get('dev') if target is not None else None,
        'target_managed': (target.get('managed', 'yes') == 'yes') if target is not None else None,
        'model': model.get('type') if model is not None else None,
        'boot_order': to_int(boot.get('order')) if boot is not None else None,
        'alias': alias.get('name') if alias is not None else None,
        'vlan_tags': [to_int(t.get('id')) for t in elem.findall('vlan/tag')],
        'virtualport_type': virtualport.get('type') if virtualport is not None else None,
    }


def parse_domain_xml(text):
    """``name``, ``uuid``, ``domain_type`` and ``interfaces[]`` of one domain document."""
    root = parse_xml(text, 'domain')
    return {
        'name': root.findtext('name'),
        'uuid': root.findtext('uuid'),
        'domain_type': root.get('type'),
        'interfaces': domain_interfaces(root),
    }


def domain_interfaces(root):
    """parse_interface of each NIC in XML order, with ``ips`` and ``table`` for a routed one."""
    routed = routed_details(root)
    interfaces = []
    for elem in root.findall('devices/interface'):
        nic = parse_interface(elem)
        ips, table = routed.get(nic['mac'] or '', ([], None)) if nic['type'] == 'ethernet' else ([], None)
        nic.update(ips=ips, table=table)
        interfaces.append(nic)
    return interfaces
