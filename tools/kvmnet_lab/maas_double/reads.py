# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-only endpoints: version, users, nodes, fabrics, subnets (by id or address, and their addresses),
ranges, a node's interfaces, DNS resources."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from kvmnet_lab.maas_double import render

TRUE = ('1', 'true', 'True')


def version(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, state.version


def whoami(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, render.user_record(user)


def users(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, [render.user_record(u) for u in state.users.values()]


def nodes(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, [render.node_row(state, sid) for sid in state.hostnames]


def fabrics(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, state.fabrics


def subnets(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, state.subnets


def ipranges(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, state.ipranges


def _subnet(state, specifier):
    """(subnet, None) or (None, the answer that refuses)."""
    if specifier.startswith('ip:'):
        try:
            found = state.subnet_of(specifier[3:])
        except ValueError:
            return None, (400, 'Invalid IP address.')
    else:
        found = next((s for s in state.subnets if str(s['id']) == specifier), None)
    return (found, None) if found else (None, (404, 'No Subnet matches the given query.'))


def subnet(state, args, query, form, user):  # pylint: disable=unused-argument
    found, refused = _subnet(state, args['subnet'])
    return refused or (200, found)


def subnet_addresses(state, args, query, form, user):  # pylint: disable=unused-argument
    """op=ip_addresses: MAAS's render_json of each address - ip, alloc_type, created, updated; ``user`` with
    with_username, ``node_summary`` with with_summary."""
    found, refused = _subnet(state, args['subnet'])
    if refused:
        return refused
    with_username, with_summary = query.get('with_username') in TRUE, query.get('with_summary') in TRUE
    entries = copy.deepcopy(state.addresses.get(found['id'], []))
    entries += [render.subnet_address(state, r, with_username) for r in state.reserved if r['subnet_id'] == found['id']]
    if not with_summary:
        for entry in entries:
            entry.pop('node_summary', None)
    return 200, entries


def interfaces(state, args, query, form, user):  # pylint: disable=unused-argument
    found = state.interfaces.get(args['system_id'])
    return (200, found) if found is not None else (404, 'No Node matches the given query.')


def dnsresources(state, args, query, form, user):  # pylint: disable=unused-argument
    """dnsresources/, by ``name`` (without the domain) or ``fqdn`` when given."""
    name = query.get('name') or (query.get('fqdn') or '').split('.', 1)[0] or None
    return 200, [render.dnsresource_record(state, r) for r in state.dnsresources if name is None or r['name'] == name]
