# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Assemble the ``kvm_host_network`` fact from raw captures.

Everything here takes text or decoded JSON that a caller gathered, so the same code reads a live host
and the captures in the unit tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.host.iproute2_links import parse_links
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.iproute2_routes import parse_routes
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import nic_mode, parse_domain_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_xml import parse_network_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.management_interface import find_management

SUBSETS = ('networks', 'interfaces', 'domains')


def _records(raws, parse, extra):
    """Parse each raw record's XML, add the fields libvirt keeps outside the XML, sort by name."""
    records = []
    for raw in raws:
        record = parse(raw.xml)
        record.update((field, getattr(raw, field)) for field in extra)
        records.append(record)
    return sorted(records, key=lambda r: r['name'])


def network_records(raw_networks):
    return _records(raw_networks, parse_network_xml, ('active', 'persistent', 'autostart'))


def domain_records(raw_domains):
    return _records(raw_domains, parse_domain_xml, ('state', 'persistent', 'autostart'))


def tap_map(domains):
    """Tap (or macvtap) device name -> the domain and NIC that own it (as Ganeti's design asks: which VM NIC
    a host device belongs to). ``mode`` is the NIC hooks' word: bridge, network, macvlan or routed; ``ips`` are
a routed NIC's addresses."""
    taps = {}
    for domain in domains:
        for index, iface in enumerate(domain['interfaces']):
            if iface['target']:
                taps[iface['target']] = {
                    'domain': domain['name'],
                    'mac': iface['mac'],
                    'index': index,
                    'type': iface['type'],
                    'mode': nic_mode(iface),
                    'source': iface['source'],
                    'ips': iface.get('ips') or [],
                }
    return taps


def build_host_network(libvirt_info=None, raw_networks=None, raw_domains=None, links=None,
                       routes_v4=None, routes_v6=None, management_ip=None):
    """The ``kvm_host_network`` structure. Each part is optional: a subset not gathered is left out.

    ``links`` is decoded ``ip -j -d addr show``; ``routes_v4``/``routes_v6`` decoded ``ip -j route``.
    """
    facts = {}
    if libvirt_info is not None:
        facts['libvirt'] = libvirt_info
    if raw_networks is not None:
        facts['networks'] = network_records(raw_networks)
    if links is not None:
        interfaces = parse_links(links)
        routes = parse_routes(routes_v4 or [], 'ipv4') + parse_routes(routes_v6 or [], 'ipv6')
        facts['interfaces'] = interfaces
        facts['routes'] = routes
        facts['management'] = find_management(interfaces, routes, management_ip)
    if raw_domains is not None:
        domains = domain_records(raw_domains)
        facts['domains'] = domains
        facts['taps'] = tap_map(domains)
    return facts
