# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The managed state of a libvirt network: read from XML, merged with what the user asks for, compared.

A spec is a plain dict: ``forward_mode`` (None when isolated), ``forward_devices`` (``<interface>``s),
``forward_pfs`` (``<pf>``s, kept as defined), ``bridge``, ``stp``, ``forward_delay``, ``mtu`` and ``ips`` - each
``{address, prefix, family, dhcp}``, where ``dhcp`` is None
or ``{ranges: [[start, end]], hosts: [{mac, ip, name}]}``. Options the user leaves out keep the
current value, so ``dhcp: {enabled: false}`` alone turns DHCP off and changes nothing else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import netaddr
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import (
    ifname_problem, mac_problem, object_name_problem, text_problem)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_xml import FORWARD_MODES, read_network
# Modes whose bridge libvirt creates and manages (stp/delay apply); others have none or an external one.
MANAGED_BRIDGE_MODES = (None, 'nat', 'route', 'open')
POOL_MODES = ('private', 'vepa', 'passthrough', 'hostdev')


class NetworkSpecError(ValueError):
    """The wanted network is not valid; the message names the option."""


def spec_from_xml(xml):
    """The spec of a network document, built from libvirt.network_xml's reading of it."""
    read = read_network(xml)
    mode, bridge = read['forward']['mode'], read['bridge']
    managed = mode in MANAGED_BRIDGE_MODES
    return {
        'forward_mode': mode,
        'forward_devices': list(read['forward']['interfaces']),
        # a physical function (SR-IOV hostdev or passthrough pools) is kept as defined; not an option
        'forward_pfs': list(read['forward']['pfs']),
        'bridge': bridge['name'] if bridge is not None else None,
        'stp': bridge['stp'] if managed and bridge is not None else None,
        'forward_delay': (bridge['delay'] or 0) if managed and bridge is not None else None,
        'mtu': read['mtu'],
        'ips': [{'address': ip['address'], 'prefix': ip['prefix'], 'family': ip['family'],
                 'dhcp': None if ip['dhcp'] is None else {
                     'ranges': [[start, end] for start, end in ip['dhcp']['ranges']],
                     'hosts': [_host(h) for h in ip['dhcp']['hosts']]}}
                for ip in read['ips']],
    }


def _host(raw):
    return {'mac': (raw.get('mac') or '').lower() or None, 'ip': raw.get('ip'), 'name': raw.get('name')}


def empty_spec():
    return {'forward_mode': None, 'forward_devices': [], 'forward_pfs': [], 'bridge': None, 'stp': None,
            'forward_delay': None, 'mtu': None, 'ips': []}


def _network_of(ip):
    return netaddr.IPNetwork('%s/%s' % (ip['address'], ip['prefix']))


def _check_ips(ips):
    checked = []
    for index, raw in enumerate(ips):
        where = 'ips[%d]' % index
        if not isinstance(raw, dict) or not raw.get('address'):
            raise NetworkSpecError('%s needs an address' % where)
        try:
            address = netaddr.IPAddress(raw['address'])
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise NetworkSpecError('%s.address %r is not an IP address' % (where, raw['address']))
        prefix = raw.get('prefix')
        limit = 32 if address.version == 4 else 128
        if prefix is None or not 0 < int(prefix) < limit:
            raise NetworkSpecError('%s.prefix must be 1-%d, got %r' % (where, limit - 1, prefix))
        checked.append({'address': str(address), 'prefix': int(prefix),
                        'family': 'ipv4' if address.version == 4 else 'ipv6', 'dhcp': raw.get('dhcp')})
    return checked


def _place_dhcp(ips, dhcp, current_ips):
    """Put the wanted ranges and hosts under the <ip> whose network holds them."""
    if dhcp.get('enabled') is False:
        for ip in ips:
            ip['dhcp'] = None
        return
    current = dict((ip['address'], ip.get('dhcp')) for ip in current_ips)
    ranges = dhcp.get('ranges')
    hosts = dhcp.get('hosts')
    if ranges is None and hosts is None:
        if not any(current.get(ip['address']) for ip in ips):
            raise NetworkSpecError('dhcp.enabled needs at least one range or host (none is defined yet)')
        return
    wanted = dict((ip['address'], {'ranges': [], 'hosts': []}) for ip in ips)
    for index, rng in enumerate(ranges if ranges is not None else []):
        start, end = rng.get('start'), rng.get('end')
        try:
            span = netaddr.IPRange(start, end)
        except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
            raise NetworkSpecError('dhcp.ranges[%d] %s-%s is not an address range: %s' % (index, start, end, exc))
        owner = next((ip for ip in ips if span.first >= _network_of(ip).first and span.last <= _network_of(ip).last
                      and span.version == _network_of(ip).version), None)
        if owner is None:
            raise NetworkSpecError('dhcp.ranges[%d] %s-%s is outside every network of this libvirt network (%s)'
                                   % (index, start, end, ', '.join(str(_network_of(ip).cidr) for ip in ips) or
                                      'it has no ips'))
        wanted[owner['address']]['ranges'].append([str(span[0]), str(span[-1])])
    for index, host in enumerate(hosts if hosts is not None else []):
        try:
            address = netaddr.IPAddress(host.get('ip'))
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise NetworkSpecError('dhcp.hosts[%d].ip %r is not an IP address' % (index, host.get('ip')))
        owner = next((ip for ip in ips if address in _network_of(ip)), None)
        if owner is None:
            raise NetworkSpecError('dhcp.hosts[%d] %s is outside every network of this libvirt network'
                                   % (index, address))
        wanted[owner['address']]['hosts'].append(_host(host))
    for ip in ips:
        old = current.get(ip['address']) or {'ranges': [], 'hosts': []}
        new = wanted[ip['address']]
        if ranges is None:
            new['ranges'] = old['ranges']
        if hosts is None:
            new['hosts'] = old['hosts']
        ip['dhcp'] = new if (new['ranges'] or new['hosts']) else None


MAX_MTU = 65535


def check_request(params):
    """Raise NetworkSpecError unless the names and numbers the module was given can go into a network
    definition (before libvirt is asked anything)."""
    problems = [object_name_problem(params.get('name'), 'name')]
    if params.get('bridge') is not None:
        problems.append(ifname_problem(params['bridge'], 'bridge'))
    problems += [ifname_problem(dev, 'forward_devices[%d]' % i) for i, dev in enumerate(params.get('forward_devices')
                                                                                        or [])]
    for index, host in enumerate((params.get('dhcp') or {}).get('hosts') or []):
        if host.get('name') is not None:
            problems.append(text_problem(host['name'], 'dhcp.hosts[%d].name' % index))
        if host.get('mac') is not None:
            problems.append(mac_problem(host['mac']))
    if params.get('mtu') is not None and not 68 <= params['mtu'] <= MAX_MTU:
        problems.append('mtu must be 68-%d, got %s' % (MAX_MTU, params['mtu']))
    if params.get('forward_delay') is not None and not 0 <= params['forward_delay'] <= 30:
        problems.append('forward_delay must be 0-30 seconds, got %s' % params['forward_delay'])
    problems = [p for p in problems if p]
    if problems:
        raise NetworkSpecError('; '.join(problems))


def desired_spec(current, params):
    """Merge ``params`` (the module's options; None = keep) into ``current`` (or a new network)."""
    spec = copy.deepcopy(current) if current is not None else empty_spec()
    for key in ('forward_mode', 'bridge', 'stp', 'forward_delay', 'mtu'):
        if params.get(key) is not None:
            spec[key] = params[key]
    if params.get('forward_mode') == 'isolated':
        spec['forward_mode'] = None
    if spec['forward_mode'] is not None and spec['forward_mode'] not in FORWARD_MODES:
        raise NetworkSpecError('forward_mode must be one of isolated, %s; got %r'
                               % (', '.join(FORWARD_MODES), spec['forward_mode']))
    if params.get('forward_devices') is not None:
        spec['forward_devices'] = list(params['forward_devices'])
    if params.get('ips') is not None:
        keep = dict((ip['address'], ip.get('dhcp')) for ip in spec['ips'])
        spec['ips'] = _check_ips(params['ips'])
        for ip in spec['ips']:
            ip['dhcp'] = keep.get(ip['address'])
    if params.get('dhcp') is not None:
        _place_dhcp(spec['ips'], params['dhcp'], current['ips'] if current else [])
    mode = spec['forward_mode']
    if mode in MANAGED_BRIDGE_MODES:
        spec['stp'] = True if spec['stp'] is None else spec['stp']
        spec['forward_delay'] = 0 if spec['forward_delay'] is None else spec['forward_delay']
    else:
        spec['stp'] = None
        spec['forward_delay'] = None
    if mode == 'bridge' and not spec['bridge'] and not spec['forward_devices']:
        raise NetworkSpecError('forward_mode bridge needs bridge (an existing host bridge) or forward_devices')
    if mode not in MANAGED_BRIDGE_MODES and spec['ips']:
        raise NetworkSpecError('forward_mode %s cannot have ips or DHCP: libvirt serves addresses only on '
                               'networks it bridges itself (isolated, nat, route, open)' % mode)
    if mode in POOL_MODES and spec['bridge']:
        raise NetworkSpecError('forward_mode %s attaches VMs to devices, not a bridge: drop bridge' % mode)
    if mode in POOL_MODES and not spec['forward_devices'] and not spec['forward_pfs']:
        raise NetworkSpecError('forward_mode %s needs forward_devices' % mode)
    return spec


def dhcp_delta(current, wanted):
    """None when the specs differ beyond DHCP ranges/hosts; else the live-updatable steps:
    ``(command, section, ip_index, item)`` with command ``delete``/``add`` and section ``range``/``host``."""
    def without_dhcp(spec):
        stripped = copy.deepcopy(spec)
        for ip in stripped['ips']:
            ip.pop('dhcp', None)
        return stripped
    if without_dhcp(current) != without_dhcp(wanted):
        return None
    steps = []
    for index, (old_ip, new_ip) in enumerate(zip(current['ips'], wanted['ips'])):
        old = old_ip['dhcp'] or {'ranges': [], 'hosts': []}
        new = new_ip['dhcp'] or {'ranges': [], 'hosts': []}
        # deletions first (hosts before ranges), then additions (ranges before hosts)
        for command, section, source, other in (('delete', 'host', old, new), ('delete', 'range', old, new),
                                                ('add', 'range', new, old), ('add', 'host', new, old)):
            key = section + 's'
            steps.extend((command, section, index, item) for item in source[key] if item not in other[key])
    return steps
