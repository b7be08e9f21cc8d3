# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every endpoint the double serves, in one table (the conformance test holds each to MAAS's captures), and
how a request finds its handler: by path, then method, then ``op``, answering as MAAS does when none fits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple
from urllib.parse import unquote

from kvmnet_lab.maas_double import addresses, machines, reads
from kvmnet_lab.maas_double.answers import unknown_endpoint, version_of

# ``since``: the MAAS version that added the endpoint; older regions answer it as unknown.
Endpoint = namedtuple('Endpoint', 'method path op handler since')

_SUBNET = r'subnets/(?P<subnet>[^/]+)/'
_INTERFACE = r'nodes/(?P<system_id>[^/]+)/interfaces/(?P<id>\d+)/'
_MACHINE = r'machines/(?P<system_id>[^/]+)/'
_RESERVEDIP = r'reservedips/(?P<id>\d+)/'

ENDPOINTS = (
    Endpoint('GET', 'version/', None, reads.version, None),
    Endpoint('GET', 'users/', 'whoami', reads.whoami, None),
    Endpoint('GET', 'users/', None, reads.users, None),
    Endpoint('GET', 'nodes/', None, reads.nodes, None),
    Endpoint('GET', 'fabrics/', None, reads.fabrics, None),
    Endpoint('GET', 'subnets/', None, reads.subnets, None),
    Endpoint('GET', _SUBNET, None, reads.subnet, None),
    Endpoint('GET', _SUBNET, 'ip_addresses', reads.subnet_addresses, None),
    Endpoint('GET', 'ipranges/', None, reads.ipranges, None),
    Endpoint('GET', 'dnsresources/', None, reads.dnsresources, None),
    Endpoint('GET', r'nodes/(?P<system_id>[^/]+)/interfaces/', None, reads.interfaces, None),
    Endpoint('GET', _INTERFACE, None, addresses.interface, None),
    Endpoint('POST', _INTERFACE, 'link_subnet', addresses.link_subnet, None),
    Endpoint('POST', _INTERFACE, 'unlink_subnet', addresses.unlink_subnet, None),
    Endpoint('GET', 'ipaddresses/', None, addresses.listing, None),
    Endpoint('POST', 'ipaddresses/', 'reserve', addresses.reserve, None),
    Endpoint('POST', 'ipaddresses/', 'release', addresses.release, None),
    Endpoint('GET', 'reservedips/', None, addresses.reservedips, (3, 6)),
    Endpoint('POST', 'reservedips/', None, addresses.add_reservedip, (3, 6)),
    Endpoint('GET', _RESERVEDIP, None, addresses.reservedip, (3, 6)),
    Endpoint('DELETE', _RESERVEDIP, None, addresses.delete_reservedip, (3, 6)),
    Endpoint('GET', 'machines/', None, machines.listing, None),
    Endpoint('POST', 'machines/', None, machines.enlist, None),
    Endpoint('GET', _MACHINE, None, machines.read, None),
    Endpoint('GET', _MACHINE, 'power_parameters', machines.power_parameters, None),
    Endpoint('POST', _MACHINE, 'commission', machines.commission, None),
    Endpoint('PUT', _MACHINE, None, machines.update, None),
    Endpoint('DELETE', _MACHINE, None, machines.delete, None),
)


def route(state, method, path, query, form=None, user=None):
    """(status, body) for an authenticated request; ``path`` is relative to /MAAS/api/2.0/, ``form`` as parse_qs
    reads it (``{field: [values]}``)."""
    matches = []
    for endpoint in ENDPOINTS:
        found = re.match('^%s$' % endpoint.path, path)
        if found and (endpoint.since is None or version_of(state) >= endpoint.since):
            matches.append((endpoint, dict((k, unquote(v)) for k, v in found.groupdict().items())))
    if not matches:
        return unknown_endpoint(path)
    matches = [(e, args) for e, args in matches if e.method == method]
    if not matches:
        return 405, 'Method not allowed'
    op = query.get('op')
    for endpoint, args in matches:
        if endpoint.op == op:
            return endpoint.handler(state, args, query, form or {}, user or {})
    return 400, 'Unrecognised signature: method=%s op=%s' % (method, op)
