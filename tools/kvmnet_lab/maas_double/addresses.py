# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses: ipaddresses/ (reserve, release, list), reservedips/ (MAAS >= 3.6), and link_subnet /
unlink_subnet on a node's interface. A MAC-bound reservation is written to the rack's dnsmasq
(``state.dhcp_hostsdir``) before the API answers, as MAAS updates its DHCP configuration."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress
import json
import os
import re

from kvmnet_lab.maas_double.answers import NOT_ADMIN, unknown_endpoint, version_of
from kvmnet_lab.maas_double.captures import capture


def _in_use(state, ip):
    return any(e['ip'] == ip for entries in state.addresses.values() for e in entries) or \
        any(r['ip'] == ip for r in state.reserved) or any(r['ip'] == ip for r in state.reservedips)


def _ranges_of(state, subnet):
    return [r for r in state.ipranges if r['subnet']['id'] == subnet['id']]


def _in_range(ip, ranges, kind=None):
    address = ipaddress.ip_address(ip)
    return any((kind is None or r['type'] == kind) and ipaddress.ip_address(r['start_ip']) <= address <=
               ipaddress.ip_address(r['end_ip']) for r in ranges)


def _pick(state, subnet):
    network = ipaddress.ip_network(subnet['cidr'], strict=False)
    ranges = _ranges_of(state, subnet)
    for address in network.hosts():
        ip = str(address)
        if ip != subnet.get('gateway_ip') and not _in_use(state, ip) and not _in_range(ip, ranges):
            return ip
    return None


def _subnet_for(state, form):
    spec = form.get('subnet')
    if spec:
        found = next((s for s in state.subnets if str(s['id']) == str(spec) or s['cidr'] == spec), None)
        return found
    return state.subnet_of(form['ip']) if form.get('ip') else None


def _write_host(state, mac, ip):
    """A MAC-bound reservation goes into the rack dnsmasq's --dhcp-hostsdir before the API answers."""
    if state.dhcp_hostsdir and mac:
        with open(os.path.join(state.dhcp_hostsdir, mac.replace(':', '-')), 'w') as handle:
            handle.write('%s,%s\n' % (mac, ip))


def _drop_host(state, mac):
    if state.dhcp_hostsdir and mac:
        path = os.path.join(state.dhcp_hostsdir, mac.replace(':', '-'))
        if os.path.exists(path):
            os.unlink(path)


def _reserve(state, form, user):
    subnet = _subnet_for(state, form)
    if subnet is None:
        return 404, 'No Subnet matches the given query.'
    ip = form.get('ip') or _pick(state, subnet)
    if ip is None or _in_use(state, ip):
        return 404, 'The IP address %s is already in use.' % ip if ip else 'No more IPs available in subnet.'
    if not form.get('mac') and _in_range(ip, _ranges_of(state, subnet), 'dynamic'):
        return 403, 'IP address %s is in a dynamic range; reserve it with a MAC address, or pick another.' % ip
    record = capture('ipaddresses', 'ipaddresses-reserve')
    record.update(ip=ip, subnet=copy.deepcopy(subnet), created='2026-11-22T08:00:00.000',
                  owner={'username': user['username'], 'is_superuser': user['is_superuser']},
                  interface_set=[{'mac_address': form['mac'].lower()}] if form.get('mac') else [],
                  hostname=form.get('hostname') or '')
    state.reserved.append(record)
    _write_host(state, form.get('mac', '').lower(), ip)
    return 200, record


def _release(state, form, user):
    record = next((r for r in state.reserved if r['ip'] == form.get('ip')), None)
    if record is None:
        return 404, 'Unable to find IP address %s.' % form.get('ip')
    force = form.get('force') in ('true', 'True', '1')
    if force and not user.get('is_superuser'):
        return 403, NOT_ADMIN
    if record['owner']['username'] != user['username'] and not force:
        return 400, 'IP address %s is owned by %s: release it with force (an administrator).' % (
            record['ip'], record['owner']['username'])
    state.reserved.remove(record)
    for iface in record['interface_set']:
        _drop_host(state, iface.get('mac_address'))
    return 204, ''


def _reservedips(state, method, path, form):
    if version_of(state) < (3, 6):
        return unknown_endpoint(path)
    if path == 'reservedips/' and method == 'GET':
        return 200, state.reservedips
    if path == 'reservedips/' and method == 'POST':
        subnet = _subnet_for(state, form)
        if subnet is None or not form.get('mac_address'):
            return 400, json.dumps({'mac_address': ['This field is required.']})
        if _in_use(state, form.get('ip')):
            return 400, json.dumps({'ip': ['Reserved IP with this IP address already exists.']})
        record = {'id': len(state.reservedips) + 1, 'ip': form.get('ip') or _pick(state, subnet),
                  'mac_address': form['mac_address'].lower(),
                  'subnet': copy.deepcopy(subnet), 'comment': form.get('comment', ''),
                  'resource_uri': '/MAAS/api/2.0/reservedips/%d/' % (len(state.reservedips) + 1)}
        state.reservedips.append(record)
        _write_host(state, record['mac_address'], record['ip'])
        return 200, record
    match = re.match(r'^reservedips/(\d+)/$', path)
    record = next((r for r in state.reservedips if match and r['id'] == int(match.group(1))), None)
    if record is None:
        return 404, 'No ReservedIP matches the given query.'
    if method == 'DELETE':
        state.reservedips.remove(record)
        _drop_host(state, record['mac_address'])
        return 204, ''
    return 200, record


def _link(state, system_id, iface, form, user):
    node_type = state.hostnames.get(system_id, ('', 0))[1]
    if node_type != 0:
        return 403, 'Cannot link a subnet on a controller interface.'
    if state.node_status.get(system_id) == 'Deployed':
        return 409, 'Cannot link interface: the machine is Deployed.'
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    subnet = _subnet_for(state, {'subnet': form.get('subnet'), 'ip': form.get('ip_address')})
    if subnet is None:
        return 404, 'No Subnet matches the given query.'
    ip = form.get('ip_address') or _pick(state, subnet)
    if _in_use(state, ip):
        return 404, 'The IP address %s is already in use.' % ip
    link = {'id': 7000 + sum(len(i['links']) for i in state.interfaces[system_id]), 'mode': 'static',
            'ip_address': ip, 'subnet': copy.deepcopy(subnet)}
    iface['links'].append(link)
    hostname = state.hostnames[system_id][0]
    state.addresses.setdefault(subnet['id'], []).append({
        'ip': ip, 'alloc_type': 1, 'created': 'Sun, 22 Nov. 2026 08:00:00', 'updated': 'Sun, 22 Nov. 2026 08:00:00',
        'node_summary': {'system_id': system_id, 'node_type': 0, 'fqdn': hostname + '.maas', 'hostname': hostname,
                         'is_container': False, 'via': iface['name']}})
    _write_host(state, iface['mac_address'], ip)
    return 200, iface


def _unlink(state, system_id, iface, form, user):
    if state.node_status.get(system_id) == 'Deployed':
        return 409, 'Cannot unlink interface: the machine is Deployed.'
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    link = next((l for l in iface['links'] if str(l['id']) == str(form.get('id'))), None)
    if link is None:
        return 404, 'No link with id %s on %s.' % (form.get('id'), iface['name'])
    iface['links'].remove(link)
    for entries in state.addresses.values():
        entries[:] = [e for e in entries if e['ip'] != link['ip_address']]
    _drop_host(state, iface['mac_address'])
    return 200, iface


def addresses_route(state, method, path, query, form, user):
    """ipaddresses/ (reserve, release), reservedips/, and link_subnet/unlink_subnet on a node's interface."""
    if path.startswith('reservedips/'):
        return _reservedips(state, method, path, form)
    match = re.match(r'^nodes/([^/]+)/interfaces/(\d+)/$', path)
    if match:
        iface = next((i for i in state.interfaces.get(match.group(1), []) if i['id'] == int(match.group(2))), None)
        if iface is None:
            return 404, 'No Interface matches the given query.'
        handler = {'link_subnet': _link, 'unlink_subnet': _unlink}.get(query.get('op'))
        if method != 'POST' or handler is None:
            return (200, iface) if method == 'GET' else (400, 'Unrecognised signature: op=%s' % query.get('op'))
        return handler(state, match.group(1), iface, form, user)
    if method == 'GET':
        mine = state.reserved if query.get('all') in ('1', 'true') and user.get('is_superuser') else \
            [r for r in state.reserved if r['owner']['username'] == user['username']]
        return 200, mine
    handler = {'reserve': _reserve, 'release': _release}.get(query.get('op'))
    if method != 'POST' or handler is None:
        return 400, 'Unrecognised signature: method=%s op=%s' % (method, query.get('op'))
    return handler(state, form, user)
