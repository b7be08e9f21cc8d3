# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Find the device that holds the host's management IP - as oVirt's management-network design puts
it, "the device that holds the host's management IP address": a NIC, a bond, a VLAN, or a bridge
already built over them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.host.iproute2_routes import default_route
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import address_in_network, normalise_address


class ManagementAddressError(ValueError):
    """The wanted management address is not held by any interface of the host."""


def _holder(interfaces, address):
    wanted = normalise_address(address)
    for iface in interfaces:
        for addr in iface['addresses']:
            if normalise_address(addr['address']) == wanted:
                return iface, addr
    return None, None


def _address_for_route(iface, route):
    family_addrs = [a for a in iface['addresses'] if a['family'] == route['family'] and a.get('scope') != 'link']
    if route.get('prefsrc'):
        for addr in family_addrs:
            if addr['address'] == route['prefsrc']:
                return addr
    if route.get('gateway'):
        for addr in family_addrs:
            if address_in_network(route['gateway'], addr['address'], addr['prefix']):
                return addr
    return family_addrs[0] if family_addrs else None


def find_management(interfaces, routes, management_ip=None):
    """Return the ``management`` record, or None when the host has no default route and no address
    was asked for. Raise ManagementAddressError when ``management_ip`` is not on the host."""
    by_name = dict((i['name'], i) for i in interfaces)
    if management_ip:
        iface, addr = _holder(interfaces, management_ip)
        if iface is None:
            raise ManagementAddressError(
                'management_ip %s is not assigned to any interface of this host; held addresses: %s'
                % (management_ip, ', '.join(sorted(a['address'] for i in interfaces for a in i['addresses']
                                                   if a.get('scope') != 'host')) or 'none'))
        gateway = None
        for route in routes:
            if route['dst'] == 'default' and route['dev'] == iface['name'] and route['family'] == addr['family']:
                gateway = route['gateway']
                break
    else:
        route = default_route(routes, 'ipv4') or default_route(routes, 'ipv6')
        if route is None or route['dev'] not in by_name:
            return None
        iface = by_name[route['dev']]
        addr = _address_for_route(iface, route)
        if addr is None:
            return None
        gateway = route.get('gateway')
    return {
        'interface': iface['name'],
        'kind': iface['kind'],
        'address': addr['address'],
        'prefix': addr['prefix'],
        'family': addr['family'],
        'gateway': gateway,
        'method': 'dhcp' if addr['dynamic'] else 'static',
        'mac': iface['mac'],
        'mtu': iface['mtu'],
    }
