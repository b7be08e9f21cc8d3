# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read MAAS API 2.0 answers into ``maas_model``, the shape the attachment policy takes.

MAAS has no global VLAN list: VLANs come nested in ``fabrics/``. A VLAN's ``relay_vlan`` is a nested
VLAN object or null; ``space`` may be the word ``undefined``. Subnets name their VLAN as a nested
object, IP ranges their subnet. Every reader takes only the fields it knows, so a newer MAAS that adds
fields is read the same. Pure: decoded JSON in, plain dicts out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.alloc import MAAS_NAMES

# MAAS's NODE_TYPE enumeration (its address types: maas.alloc).
NODE_TYPES = {0: 'machine', 1: 'device', 2: 'rack-controller', 3: 'region-controller',
              4: 'region-and-rack-controller'}


class MaasAnswerError(ValueError):
    """An answer does not have the shape MAAS gives it; the message names the endpoint and field."""


def id_of(value):
    """The id of a nested MAAS object (or an id given as it is); None for null."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get('id')
    return value


def _space(value):
    return None if value in (None, '', 'undefined') else value


def answer_list(answer, endpoint):
    if not isinstance(answer, list):
        raise MaasAnswerError('%s: expected a list, got %s' % (endpoint, type(answer).__name__))
    return [item for item in answer if isinstance(item, dict)]


def vlans_from_fabrics(fabrics):
    """maas_model ``vlans`` from the answer of ``fabrics/``."""
    vlans = []
    for fabric in answer_list(fabrics, 'fabrics/'):
        for vlan in fabric.get('vlans') or []:
            if not isinstance(vlan, dict) or vlan.get('id') is None:
                raise MaasAnswerError('fabrics/: fabric %s has a VLAN without an id' % fabric.get('name'))
            vlans.append({'id': vlan['id'], 'fabric': vlan.get('fabric') or fabric.get('name'), 'vid': vlan.get('vid'),
                          'name': vlan.get('name'), 'dhcp_on': bool(vlan.get('dhcp_on')),
                          'relay_vlan': id_of(vlan.get('relay_vlan')), 'space': _space(vlan.get('space'))})
    return vlans


def ranges_by_subnet(ipranges):
    """``{subnet id: [{type, start_ip, end_ip}]}`` from the answer of ``ipranges/``."""
    found = {}
    for rng in answer_list(ipranges, 'ipranges/'):
        subnet = id_of(rng.get('subnet'))
        if subnet is not None and rng.get('type') in ('dynamic', 'reserved'):
            found.setdefault(subnet, []).append({'type': rng['type'], 'start_ip': rng.get('start_ip'),
                                                 'end_ip': rng.get('end_ip')})
    return found


def subnet_record(subnet, ranges=None, allocated=None):
    """One maas_model subnet from one entry of ``subnets/``."""
    vlan = id_of(subnet.get('vlan'))
    if vlan is None or not subnet.get('cidr'):
        raise MaasAnswerError('subnets/: subnet %s has no cidr or no vlan' % subnet.get('id'))
    return {'id': subnet.get('id'), 'cidr': subnet['cidr'], 'vlan': vlan, 'space': _space(subnet.get('space')),
            'gateway_ip': subnet.get('gateway_ip'), 'dns_servers': list(subnet.get('dns_servers') or []),
            'ranges': list(ranges or []), 'allocated_ips': list(allocated or [])}


def subnets_from(subnets, ipranges, allocated_by_subnet=None):
    """maas_model ``subnets`` from ``subnets/`` and ``ipranges/``; ``allocated_by_subnet`` maps a subnet
    id to its allocated addresses (only the subnets whose free space matters are read)."""
    ranges = ranges_by_subnet(ipranges)
    allocated_by_subnet = allocated_by_subnet or {}
    return [subnet_record(s, ranges.get(s.get('id')), allocated_by_subnet.get(s.get('id')))
            for s in answer_list(subnets, 'subnets/')]


def allocated_ips(ip_addresses):
    """The addresses of the answer of ``subnets/<id>/?op=ip_addresses`` (every alloc type takes one)."""
    return [entry['ip'] for entry in answer_list(ip_addresses, 'subnets/<id>/?op=ip_addresses') if entry.get('ip')]


def node_of(ip_addresses, address):
    """The node holding ``address`` in an ``op=ip_addresses`` answer: system_id, hostname, node type (a
    word), the interface it is on and how MAAS knows the address (alloc type name); None if no node."""
    for entry in answer_list(ip_addresses, 'subnets/<id>/?op=ip_addresses'):
        summary = entry.get('node_summary')
        if entry.get('ip') == address and isinstance(summary, dict) and summary.get('system_id'):
            return {'system_id': summary['system_id'], 'hostname': summary.get('hostname'),
                    'node_type': NODE_TYPES.get(summary.get('node_type'), str(summary.get('node_type'))),
                    'matched_ip': address, 'matched_interface': summary.get('via'),
                    'alloc_type_name': MAAS_NAMES.get(entry.get('alloc_type'), str(entry.get('alloc_type')))}
    return None


def host_interfaces_from(interfaces):
    """maas_model ``host_interfaces`` from ``nodes/<system_id>/interfaces/``."""
    return [{'name': iface['name'], 'vlan': id_of(iface.get('vlan')), 'type': iface.get('type'),
             'tags': list(iface.get('tags') or []), 'parents': list(iface.get('parents') or [])}
            for iface in answer_list(interfaces, 'nodes/<system_id>/interfaces/') if iface.get('name')]


def dhcp_vlan_ids(vlans):
    """VLANs where MAAS serves DHCP, or that relay to one that does."""
    by_id = dict((v['id'], v) for v in vlans)
    return set(v['id'] for v in vlans if v['dhcp_on'] or by_id.get(v['relay_vlan'], {}).get('dhcp_on'))
