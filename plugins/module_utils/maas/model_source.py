# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``maas_model`` fetched from a MAAS region, with the KVM host correlated to the node MAAS knows.

MAAS's own KVM-host networking needs MAAS to know the host's address; here the correlation is done
through the API: for each of the host's addresses, ``subnets/ip:<address>/`` finds its subnet and that
subnet's ``op=ip_addresses`` (with the node summary) finds the node - also when MAAS only observed the
address (DHCP, alloc type DISCOVERED). The node's interfaces give ``host_interfaces``. Allocated
addresses, which rank the DHCP VLANs by free space, are read only for the subnets on DHCP (or relayed)
VLANs the host has an interface on, so the number of requests does not grow with the other subnets.
Pure: the MaasClient is passed in.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common import ip_math
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas import model_reader as reader
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.client import MaasError


def addresses_of(facts):
    """The host's addresses to look for in MAAS: the management address first, then every global one, once each
    (from a kvm_host_network picture)."""
    found = [(facts.get('management') or {}).get('address')]
    for iface in facts.get('interfaces') or []:
        found += [a['address'] for a in iface.get('addresses') or [] if a.get('scope') == 'global']
    return [a for index, a in enumerate(found) if a and a not in found[:index]]


def check_addresses(addresses):
    """The host's addresses in canonical form; raises MaasError naming the first that is not an address."""
    canonical = []
    for index, address in enumerate(addresses):
        try:
            canonical.append(ip_math.host_address(address)[1])
        except ValueError as exc:
            raise MaasError('host_addresses[%d]: %s' % (index, exc))
    return canonical


def find_host(client, addresses):
    """The node holding one of ``addresses`` (the first that MAAS knows), or None."""
    for address in addresses:
        try:
            subnet = client.get('subnets/ip:%s/' % address)
        except MaasError as exc:
            if exc.status in (400, 404):
                continue
            raise
        if not isinstance(subnet, dict) or subnet.get('id') is None:
            continue
        node = reader.node_of(client.get('subnets/%s/' % subnet['id'], op='ip_addresses', with_summary=1), address)
        if node is not None:
            return node
    return None


def fetch_model(client, host_addresses):
    """(maas_model, host) - host is the correlated node, or None when MAAS knows none of the addresses."""
    vlans = reader.vlans_from_fabrics(client.get('fabrics/'))
    subnets = client.get('subnets/')
    ipranges = client.get('ipranges/')
    host = find_host(client, host_addresses)
    host_interfaces = []
    if host is not None:
        host_interfaces = reader.host_interfaces_from(client.get('nodes/%s/interfaces/' % host['system_id']))
    on_dhcp = reader.dhcp_vlan_ids(vlans) & set(i['vlan'] for i in host_interfaces)
    allocated = {}
    for subnet in reader.answer_list(subnets, 'subnets/'):
        vlan = reader.id_of(subnet.get('vlan'))
        if vlan in on_dhcp and ip_math.family(subnet.get('cidr')) == 4:
            allocated[subnet['id']] = reader.allocated_ips(client.get('subnets/%s/' % subnet['id'], op='ip_addresses'))
    model = {'vlans': vlans, 'subnets': reader.subnets_from(subnets, ipranges, allocated),
             'host_interfaces': host_interfaces, 'host_known': host is not None}
    return model, host
