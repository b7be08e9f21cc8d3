# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How what the region knows is written in its answers: each record starts from MAAS's captured one (every field
MAAS gives, and only those) with the state's values set."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from kvmnet_lab.maas_double.answers import maas_time
from kvmnet_lab.maas_double.captures import capture, template

ALLOC_TYPE_NAMES = {0: 'Automatic', 1: 'Static', 4: 'User reserved', 5: 'DHCP', 6: 'Observed'}
NODE_TYPE_NAMES = {0: 'Machine', 1: 'Device', 2: 'Rack controller', 3: 'Region controller',
                   4: 'Region and rack controller'}
DOMAIN = 'maas'


def user_record(user):
    """A user as MAAS nests it (owner of an address, users/, whoami)."""
    return template('users', 'read', username=user['username'], is_superuser=bool(user['is_superuser']),
                    email='%s@example.com' % user['username'], is_local=True,
                    resource_uri='/MAAS/api/2.0/users/%s/' % user['username'])


def interface_record(system_id, iface_id, name, mac, vlan, kind='physical', parents=(), links=None):
    """An interface as nodes/<system_id>/interfaces/ gives it (``system_id`` None: one of no node)."""
    uri = '/MAAS/api/2.0/nodes/%s/interfaces/%d/' % (system_id, iface_id) if system_id else \
        '/MAAS/api/2.0/interfaces/%d/' % iface_id
    record = copy.deepcopy(capture('nodes', 'read-visible-nodes')[0]['interface_set'][0])  # the newest fields
    record.update(id=iface_id, name=name, mac_address=mac, type=kind, vlan=copy.deepcopy(vlan), parents=list(parents),
                  children=[], tags=[], links=list(links or []), system_id=system_id, enabled=True, params='',
                  discovered=None, product=None, vendor=None, firmware_version=None,
                  effective_mtu=vlan.get('mtu', 1500), link_connected=True, interface_speed=0, link_speed=0,
                  resource_uri=uri)
    return record


def ipaddress_row(state, record):
    """A user-reserved address as ipaddresses/ gives it: only MAAS's seven fields (and its resource_uri)."""
    interfaces = []
    if record.get('mac'):
        subnet = state.subnet_by_id(record['subnet_id'])
        interfaces = [interface_record(None, record['interface_id'], 'eth0', record['mac'], subnet['vlan'],
                                       kind='unknown')]
    return template('ipaddresses', 'ipaddresses-read', created=record['created'], ip=record['ip'], alloc_type=4,
                    alloc_type_name=ALLOC_TYPE_NAMES[4], subnet=copy.deepcopy(state.subnet_by_id(record['subnet_id'])),
                    owner=user_record(state.user_named(record['owner'])), interface_set=interfaces,
                    resource_uri='/MAAS/api/2.0/ipaddresses/')


def dnsresource_record(state, resource):
    """A DNS resource as dnsresources/ gives it, its addresses as ipaddresses/ rows."""
    rows = [ipaddress_row(state, r) for r in state.reserved if r['ip'] in resource['ips']]
    return template('dnsresources', 'dnsresources-read', id=resource['id'], address_ttl=None,
                    fqdn='%s.%s' % (resource['name'], DOMAIN), ip_addresses=rows, resource_records=[],
                    resource_uri='/MAAS/api/2.0/dnsresources/%d/' % resource['id'])


def node_row(state, system_id):
    """A node as nodes/ lists it."""
    hostname, node_type = state.hostnames[system_id]
    ips = [e['ip'] for entries in state.addresses.values() for e in entries
           if (e.get('node_summary') or {}).get('system_id') == system_id]
    return template('nodes', 'read-visible-nodes', system_id=system_id, hostname=hostname,
                    fqdn='%s.%s' % (hostname, DOMAIN), node_type=node_type, node_type_name=NODE_TYPE_NAMES[node_type],
                    interface_set=copy.deepcopy(state.interfaces.get(system_id, [])), ip_addresses=ips,
                    resource_uri='/MAAS/api/2.0/nodes/%s/' % system_id)


def reservedip_record(state, record):
    """A DHCP reservation as reservedips/ gives it (MAAS >= 3.6). No captured example exists: the fields are those
    of MAAS's handler (src/maasserver/api/reservedip.py, DISPLAYED_RESERVEDIP_FIELDS) and its resource_uri."""
    return {'id': record['id'], 'ip': record['ip'], 'subnet': copy.deepcopy(state.subnet_by_id(record['subnet_id'])),
            'mac_address': record['mac'], 'comment': record['comment'],
            'resource_uri': '/MAAS/api/2.0/reservedips/%d/' % record['id']}


def subnet_address(state, record, with_username):
    """A user-reserved address among a subnet's op=ip_addresses entries."""
    entry = {'ip': record['ip'], 'alloc_type': 4, 'created': maas_time(record['created']),
             'updated': maas_time(record['created'])}
    if with_username:
        entry['user'] = record['owner']
    return entry
