# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The provisioner's view of the network (``maas_model``), validated and indexed.

Field names follow the MAAS API: ``vlans[]`` (id, fabric, vid, name, dhcp_on, relay_vlan, space),
``subnets[]`` (cidr, vlan, space, gateway_ip, dns_servers, ranges, allocated_ips), ``host_interfaces[]``
(name, vlan, type, tags) and ``host_known``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.gc_pause import gc_paused
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import netaddr
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.ipv4_free_space import (
    count_free, range_bounds, taken_points, usable_bounds)

RANGE_TYPES = ('dynamic', 'reserved')


class ModelError(ValueError):
    """maas_model is malformed; the message names the field."""


def _int(value, where):
    if isinstance(value, bool):
        raise ModelError('%s must be a whole number, got %r' % (where, value))
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ModelError('%s must be a whole number, got %r' % (where, value))


def _list(value, where):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ModelError('%s must be a list, got %s' % (where, type(value).__name__))
    return value


def _dict(value, where):
    if not isinstance(value, dict):
        raise ModelError('%s must be a dict, got %s' % (where, type(value).__name__))
    return value


class Subnet(namedtuple('Subnet', 'cidr network vlan space gateway ranges points range_types')):
    """One subnet: its network, space, and (IPv4 only) the ranges and points taken out of it."""

    __slots__ = ()

    @property
    def is_ipv4(self):
        return self.network.version == 4

    def free_ipv4(self):
        return count_free(self.network, self.ranges, self.points) if self.is_ipv4 else 0

    def address_problem(self, address):
        """None when ``address`` can be given to a new NIC in this subnet, else why not."""
        ip = netaddr.IPAddress(address)
        if ip not in self.network:
            return '%s is not in subnet %s' % (address, self.cidr)
        value = int(ip)
        if self.is_ipv4:
            low, high = usable_bounds(self.network)
            if value < low or value > high:
                return '%s is the network or broadcast address of %s' % (address, self.cidr)
        if self.gateway is not None and value == int(self.gateway):
            return '%s is the gateway of %s' % (address, self.cidr)
        for (start, end), kind in zip(self.ranges, self.range_types):
            if start <= value <= end:
                return '%s lies in a %s range of %s' % (address, kind, self.cidr)
        if value in self.points:
            return '%s is already allocated (or a DNS server) in %s' % (address, self.cidr)
        return None


class ProvisionerModel(object):
    """Validated, indexed ``maas_model``."""

    def __init__(self, vlans, subnets, host_interfaces, host_known):
        self.vlans = vlans
        self.subnets = subnets
        self.host_interfaces = host_interfaces
        self.host_known = host_known
        self._subnets_by_vlan = {}
        for subnet in subnets:
            self._subnets_by_vlan.setdefault(subnet.vlan, []).append(subnet)
        self._free = {}

    def vlan(self, vlan_id):
        return self.vlans.get(vlan_id)

    def subnets_of(self, vlan_id):
        return self._subnets_by_vlan.get(vlan_id, [])

    def dhcp_status(self, vlan_id):
        """``maas`` when MAAS serves DHCP on the VLAN, ``relay`` when it is relayed to a VLAN that has it,
        else ``none``."""
        vlan = self.vlans.get(vlan_id)
        if vlan is None:
            return 'none'
        if vlan['dhcp_on']:
            return 'maas'
        relay = self.vlans.get(vlan['relay_vlan']) if vlan['relay_vlan'] is not None else None
        if relay is not None and relay['dhcp_on']:
            return 'relay'
        return 'none'

    def free_ipv4(self, vlan_id):
        """Free IPv4 addresses summed over the VLAN's IPv4 subnets (cached)."""
        if vlan_id not in self._free:
            self._free[vlan_id] = sum(s.free_ipv4() for s in self.subnets_of(vlan_id))
        return self._free[vlan_id]

    def describe_vlan(self, vlan_id):
        vlan = self.vlans.get(vlan_id)
        if vlan is None:
            return 'VLAN id %s' % vlan_id
        name = vlan['name'] or ('vid %s' % vlan['vid'])
        return 'VLAN %s (id %s, fabric %s)' % (name, vlan_id, vlan['fabric'])

    def spaces_of(self, vlan_id):
        vlan = self.vlans.get(vlan_id) or {}
        spaces = set(s.space for s in self.subnets_of(vlan_id) if s.space)
        if vlan.get('space'):
            spaces.add(vlan['space'])
        return spaces


def _vlan(raw, index):
    where = 'maas_model.vlans[%d]' % index
    _dict(raw, where)
    if 'id' not in raw:
        raise ModelError('%s has no id' % where)
    relay = raw.get('relay_vlan')
    return {
        'id': _int(raw['id'], where + '.id'),
        'fabric': raw.get('fabric'),
        'vid': _int(raw['vid'], where + '.vid') if raw.get('vid') is not None else None,
        'name': raw.get('name'),
        'dhcp_on': bool(raw.get('dhcp_on', False)),
        'relay_vlan': _int(relay, where + '.relay_vlan') if relay is not None else None,
        'space': raw.get('space'),
    }


def _subnet(raw, index, vlans):
    where = 'maas_model.subnets[%d]' % index
    _dict(raw, where)
    try:
        network = netaddr.IPNetwork(raw.get('cidr'))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ModelError('%s.cidr %r is not a CIDR such as 198.51.100.0/24' % (where, raw.get('cidr')))
    if 'vlan' not in raw:
        raise ModelError('%s (%s) has no vlan' % (where, raw.get('cidr')))
    vlan = _int(raw['vlan'], where + '.vlan')
    if vlan not in vlans:
        raise ModelError('%s (%s) names vlan %s, which is not in maas_model.vlans' % (where, network.cidr, vlan))
    cidr = str(network.cidr)
    gateway = None
    if raw.get('gateway_ip'):
        try:
            gateway = netaddr.IPAddress(raw['gateway_ip'])
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise ModelError('%s.gateway_ip %r is not an IP address' % (where, raw['gateway_ip']))
    ranges, range_types, points = [], [], ()
    for rindex, rng in enumerate(_list(raw.get('ranges'), where + '.ranges')):
        rwhere = '%s.ranges[%d]' % (where, rindex)
        _dict(rng, rwhere)
        if rng.get('type', 'dynamic') not in RANGE_TYPES:
            raise ModelError('%s.type must be dynamic or reserved, got %r' % (rwhere, rng.get('type')))
        try:
            ranges.append(range_bounds(rng.get('start_ip'), rng.get('end_ip')))
        except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
            raise ModelError('%s: %s-%s is not a valid address range (%s)'
                             % (rwhere, rng.get('start_ip'), rng.get('end_ip'), exc))
        range_types.append(rng.get('type', 'dynamic'))
    if network.version == 4:
        try:
            points = taken_points(gateway, _list(raw.get('dns_servers'), where + '.dns_servers'),
                                  _list(raw.get('allocated_ips'), where + '.allocated_ips'))
        except ValueError as exc:
            field, position, text = exc.args
            raise ModelError('%s.%s[%d]: %r is not an IPv4 address' % (where, field, position, text))
    return Subnet(cidr, network, vlan, raw.get('space'), gateway, ranges, points, range_types)


def _host_interface(raw, index, vlans):
    where = 'maas_model.host_interfaces[%d]' % index
    _dict(raw, where)
    if not raw.get('name'):
        raise ModelError('%s has no name' % where)
    vlan = _int(raw['vlan'], where + '.vlan') if raw.get('vlan') is not None else None
    if vlan is not None and vlan not in vlans:
        raise ModelError('%s (%s) names vlan %s, which is not in maas_model.vlans' % (where, raw['name'], vlan))
    tags = _list(raw.get('tags'), where + '.tags')
    return {'name': str(raw['name']), 'vlan': vlan, 'type': raw.get('type'), 'tags': [str(t) for t in tags]}


def load_model(raw):
    """Validate ``maas_model`` and index it. Raises ModelError naming the bad field."""
    with gc_paused():
        return _load_model(raw)


def _load_model(raw):
    raw = _dict(raw if raw is not None else {}, 'maas_model')
    vlans = {}
    for index, item in enumerate(_list(raw.get('vlans'), 'maas_model.vlans')):
        vlan = _vlan(item, index)
        if vlan['id'] in vlans:
            raise ModelError('maas_model.vlans[%d]: id %s appears twice' % (index, vlan['id']))
        vlans[vlan['id']] = vlan
    for vlan in vlans.values():
        if vlan['relay_vlan'] is not None and vlan['relay_vlan'] not in vlans:
            raise ModelError('VLAN id %s relays to VLAN %s, which is not in maas_model.vlans'
                             % (vlan['id'], vlan['relay_vlan']))
    subnets = [_subnet(item, index, vlans)
               for index, item in enumerate(_list(raw.get('subnets'), 'maas_model.subnets'))]
    host_interfaces = {}
    for index, item in enumerate(_list(raw.get('host_interfaces'), 'maas_model.host_interfaces')):
        iface = _host_interface(item, index, vlans)
        host_interfaces[iface['name']] = iface
    host_known = raw.get('host_known')
    host_known = bool(host_interfaces) if host_known is None else bool(host_known)
    return ProvisionerModel(vlans, subnets, host_interfaces, host_known)
