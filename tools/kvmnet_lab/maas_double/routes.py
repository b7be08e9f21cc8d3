# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which endpoint answers a request, and the read-only ones: version, users, nodes, fabrics, subnets, ranges."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re
from urllib.parse import unquote

from kvmnet_lab.maas_double.addresses import addresses_route
from kvmnet_lab.maas_double.answers import maas_time, unknown_endpoint
from kvmnet_lab.maas_double.machines import machines_route

TRUE = ('1', 'true', 'True')


def route(state, method, path, query, form=None, user=None):
    """(status, body) for an authenticated request; ``path`` is relative to /MAAS/api/2.0/."""
    if path == 'machines/' or path.startswith('machines/'):
        return machines_route(state, method, path, query, form or {}, user or {})
    if path.startswith(('ipaddresses/', 'reservedips/')) or re.match(r'^nodes/[^/]+/interfaces/\d+/$', path):
        return addresses_route(state, method, path, query, dict((k, v[0]) for k, v in (form or {}).items()),
                               user or {})
    if method != 'GET':
        return 405, 'Method not allowed'
    return _read(state, path, query, user)


def _read(state, path, query, user):
    if path == 'users/' and query.get('op') == 'whoami':
        return 200, {'username': user['username'], 'is_superuser': user['is_superuser'], 'is_local': True,
                     'email': '%s@example.com' % user['username'], 'resource_uri': '/MAAS/api/2.0/users/'}
    fixed = {'version/': state.version, 'fabrics/': state.fabrics, 'subnets/': state.subnets,
             'ipranges/': state.ipranges}
    if path in fixed:
        return 200, fixed[path]
    if path == 'users/':
        return 200, [{'username': u['username'], 'is_superuser': u['is_superuser']} for u in state.users.values()]
    if path == 'nodes/':
        return 200, _nodes(state)
    match = re.match(r'^subnets/([^/]+)/$', path)
    if match:
        return _subnet(state, unquote(match.group(1)), query)
    match = re.match(r'^nodes/([^/]+)/interfaces/$', path)
    if match:
        found = state.interfaces.get(match.group(1))
        return (200, found) if found is not None else (404, 'No Node matches the given query.')
    return unknown_endpoint(path)


def _nodes(state):
    nodes = [{'system_id': sid, 'hostname': name, 'node_type': kind, 'status_name': state.node_status.get(sid)}
             for sid, (name, kind) in state.hostnames.items()]
    return nodes + [{'system_id': m['system_id'], 'hostname': m['hostname'], 'node_type': 0,
                     'status_name': m['status_name']} for m in state.machines.values()]


def _subnet(state, specifier, query):
    if specifier.startswith('ip:'):
        try:
            subnet = state.subnet_of(specifier[3:])
        except ValueError:
            return 400, 'Invalid IP address.'
    else:
        subnet = next((s for s in state.subnets if str(s['id']) == specifier), None)
    if subnet is None:
        return 404, 'No Subnet matches the given query.'
    if query.get('op') == 'ip_addresses':
        return 200, _ip_addresses(state, subnet, query)
    if query.get('op'):
        return 400, 'Unrecognised signature: method=GET op=%s' % query['op']
    return 200, subnet


def _ip_addresses(state, subnet, query):
    entries = copy.deepcopy(state.addresses.get(subnet['id'], []))
    for record in state.reserved:
        if record['subnet']['id'] == subnet['id']:
            created = maas_time(record['created'])
            entry = {'ip': record['ip'], 'alloc_type': 4, 'created': created, 'updated': created,
                     'hostname': record.get('hostname') or ''}
            macs = [i['mac_address'] for i in record['interface_set']]
            if macs:
                entry['mac_address'] = macs[0]
            if query.get('with_username') in TRUE:
                entry['user'] = record['owner']['username']
            entries.append(entry)
    if query.get('with_summary') not in TRUE:
        for entry in entries:
            entry.pop('node_summary', None)
    return entries
