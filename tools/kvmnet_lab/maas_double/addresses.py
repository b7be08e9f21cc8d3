# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses, as MAAS's handlers treat them (src/maasserver/api/ip_addresses.py, reservedip.py, interfaces.py):
ipaddresses/ (list, op=reserve, op=release), reservedips/ (MAAS >= 3.6), and link_subnet / unlink_subnet on a
node's interface. A hostname given to op=reserve becomes a DNS resource, removed with its last address. A
MAC-bound reservation is written to the rack's dnsmasq (``state.dhcp_hostsdir``) before the API answers, as
MAAS updates its DHCP configuration."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress
import json
import os

from kvmnet_lab.maas_double import render
from kvmnet_lab.maas_double.answers import NOT_ADMIN, NOW, first

TRUE = ('1', 'true', 'True')


def in_use(state, ip):
    return any(e['ip'] == ip for entries in state.addresses.values() for e in entries) or \
        state.reserved_by_ip(ip) is not None or any(r['ip'] == ip for r in state.reservedips)


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
        if ip != subnet.get('gateway_ip') and not in_use(state, ip) and not _in_range(ip, ranges):
            return ip
    return None


def _subnet_for(state, spec, ip):
    if spec:
        return next((s for s in state.subnets if str(s['id']) == str(spec) or s['cidr'] == spec), None)
    return state.subnet_of(ip) if ip else None


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


def _node_of_mac(state, mac):
    for system_id, interfaces in state.interfaces.items():
        if [i for i in interfaces if i['mac_address'] == mac]:
            return state.hostnames[system_id][0]
    return None


def listing(state, args, query, form, user):  # pylint: disable=unused-argument
    """GET ipaddresses/: the key's own reservations; ``all`` (administrators) every user's."""
    if query.get('all') in TRUE and not user.get('is_superuser'):
        return 403, 'Listing all IP addresses requires admin privileges.'
    mine = [r for r in state.reserved if query.get('all') in TRUE or r['owner'] == user['username']]
    if query.get('ip'):
        mine = [r for r in mine if r['ip'] == query['ip']]
    return 200, [render.ipaddress_row(state, r) for r in mine]


def reserve(state, args, query, form, user):  # pylint: disable=unused-argument
    ip, mac, hostname = first(form, 'ip') or first(form, 'ip_address'), first(form, 'mac'), first(form, 'hostname')
    subnet = _subnet_for(state, first(form, 'subnet'), ip)
    if subnet is None:
        return 400, 'Unable to identify subnet: %s.' % (first(form, 'subnet') or ip)
    if ip and not mac and _in_range(ip, _ranges_of(state, subnet), 'dynamic'):
        return 403, ('IP address %s belongs to an existing dynamic range. To reserve this IP address, a MAC address '
                     'is required. (Create a device instead.)' % ip)
    if mac and _node_of_mac(state, mac.lower()):
        return 400, ('MAC address %s already belongs to %s. Use of the interface API is required, for an interface '
                     'that belongs to a node.' % (mac.lower(), _node_of_mac(state, mac.lower())))
    ip = ip or _pick(state, subnet)
    if ip is None:
        return 503, 'No more IPs available in subnet: %s.' % subnet['cidr']
    if in_use(state, ip):
        return 404, 'The IP address %s is already in use.' % ip
    record = {'ip': ip, 'subnet_id': subnet['id'], 'owner': user['username'], 'mac': mac.lower() if mac else None,
              'interface_id': state.new_id(), 'created': NOW}
    state.reserved.append(record)
    if hostname:
        name = hostname.split('.', 1)[0]
        resource = next((d for d in state.dnsresources if d['name'] == name), None)
        if resource is None:
            resource = {'id': state.new_id(), 'name': name, 'ips': []}
            state.dnsresources.append(resource)
        resource['ips'].append(ip)
    _write_host(state, record['mac'], ip)
    return 200, render.ipaddress_row(state, record)


def release(state, args, query, form, user):  # pylint: disable=unused-argument
    ip, force = first(form, 'ip'), first(form, 'force') in TRUE
    if not ip:
        return 400, json.dumps({'ip': ['This field is required.']})
    if force and not user.get('is_superuser'):
        return 403, 'Force-releasing an IP address requires admin privileges.'
    record = next((r for r in state.reserved if r['ip'] == ip and (force or r['owner'] == user['username'])), None)
    if record is None:
        return 400, ('IP address %s does not exist.' % ip if force else
                     'IP address %s does not exist, is not the correct type of address, or does not belong to the '
                     'requesting user.\nIf you are sure you want to release this address, use force=true as a MAAS '
                     'administrator.' % ip)
    state.reserved.remove(record)
    for resource in list(state.dnsresources):
        if ip in resource['ips']:
            resource['ips'].remove(ip)
            if not resource['ips']:
                state.dnsresources.remove(resource)  # MAAS removes a DNS record left with no address
    _drop_host(state, record['mac'])
    return 204, ''


def reservedips(state, args, query, form, user):  # pylint: disable=unused-argument
    return 200, [render.reservedip_record(state, r) for r in state.reservedips]


def add_reservedip(state, args, query, form, user):  # pylint: disable=unused-argument
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    ip, mac = first(form, 'ip'), first(form, 'mac_address')
    subnet = _subnet_for(state, first(form, 'subnet'), ip)
    if not ip:
        return 400, json.dumps({'ip': ['This field is required.']})
    if subnet is None or not mac:
        return 400, json.dumps({'mac_address': ['This field is required.']} if not mac else
                               {'subnet': ['There is no subnet for %s.' % ip]})
    if in_use(state, ip):
        return 400, json.dumps({'ip': ['Reserved IP with this IP address already exists.']})
    record = {'id': len(state.reservedips) + 1, 'ip': ip, 'mac': mac.lower(), 'subnet_id': subnet['id'],
              'comment': first(form, 'comment', '')}
    state.reservedips.append(record)
    _write_host(state, record['mac'], ip)
    return 200, render.reservedip_record(state, record)


def _reservedip(state, args):
    return next((r for r in state.reservedips if r['id'] == int(args['id'])), None)


def reservedip(state, args, query, form, user):  # pylint: disable=unused-argument
    record = _reservedip(state, args)
    return (200, render.reservedip_record(state, record)) if record else (404, 'No ReservedIP matches the given query.')


def delete_reservedip(state, args, query, form, user):  # pylint: disable=unused-argument
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    record = _reservedip(state, args)
    if record is None:
        return 404, 'No ReservedIP matches the given query.'
    state.reservedips.remove(record)
    _drop_host(state, record['mac'])
    return 204, ''


def _interface(state, args):
    return next((i for i in state.interfaces.get(args['system_id'], []) if i['id'] == int(args['id'])), None)


def interface(state, args, query, form, user):  # pylint: disable=unused-argument
    iface = _interface(state, args)
    return (200, iface) if iface else (404, 'No Interface matches the given query.')


def link_subnet(state, args, query, form, user):  # pylint: disable=unused-argument
    system_id, iface = args['system_id'], _interface(state, args)
    if iface is None:
        return 404, 'No Interface matches the given query.'
    if state.hostnames.get(system_id, ('', 0))[1] != 0:
        return 403, 'Cannot link a subnet on a controller interface.'
    if state.status_of(system_id) == 'Deployed':
        return 409, 'Cannot link interface: the machine is Deployed.'
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    ip = first(form, 'ip_address')
    subnet = _subnet_for(state, first(form, 'subnet'), ip)
    if subnet is None:
        return 404, 'No Subnet matches the given query.'
    ip = ip or _pick(state, subnet)
    if in_use(state, ip):
        return 404, 'The IP address %s is already in use.' % ip
    iface['links'].append({'id': state.new_id(), 'mode': 'static', 'ip_address': ip, 'subnet': copy.deepcopy(subnet)})
    state.add_node_address(system_id, iface['name'], ip, 1, 'Sun, 22 Nov. 2026 08:00:00')
    _write_host(state, iface['mac_address'], ip)
    return 200, iface


def unlink_subnet(state, args, query, form, user):  # pylint: disable=unused-argument
    iface = _interface(state, args)
    if iface is None:
        return 404, 'No Interface matches the given query.'
    if state.status_of(args['system_id']) == 'Deployed':
        return 409, 'Cannot unlink interface: the machine is Deployed.'
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    link = next((l for l in iface['links'] if str(l['id']) == str(first(form, 'id'))), None)
    if link is None:
        return 404, 'No link with id %s on %s.' % (first(form, 'id'), iface['name'])
    iface['links'].remove(link)
    for entries in state.addresses.values():
        entries[:] = [e for e in entries if e['ip'] != link.get('ip_address')]
    _drop_host(state, iface['mac_address'])
    return 200, iface
