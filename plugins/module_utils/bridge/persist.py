# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Persist a BridgePlan for the host's network configuration system.

Each renderer returns ``{path: content}``: netplan (Ubuntu), NetworkManager keyfiles, ifupdown
(Debian ``/etc/network/interfaces.d``); ``iproute2`` persists nothing (runtime only, for labs).
Content is built from data structures (a dict dumped as YAML, configparser for keyfiles, a list of
stanza lines for ifupdown), never from text templates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import io
import json

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - netplan hosts have python3-yaml; JSON is valid YAML anyway
    HAS_YAML = False

BACKENDS = ('netplan', 'networkmanager', 'ifupdown', 'iproute2')
NETPLAN_DIR = '/etc/netplan'
NM_DIR = '/etc/NetworkManager/system-connections'
IFUPDOWN_DIR = '/etc/network/interfaces.d'


def _default_gateway(plan, family):
    for route in plan.routes:
        if route.get('dst') == 'default' and route.get('family') == family and route.get('gateway'):
            return route['gateway']
    return None


def _static_addresses(plan):
    return ['%s/%s' % (a['address'], a['prefix']) for a in plan.addresses
            if not (a.get('dynamic') and a.get('family') == 'ipv4' and plan.method == 'dhcp')
            and not (a.get('dynamic') and a.get('family') == 'ipv6')]


def _other_routes(plan):
    return [r for r in plan.routes if r.get('dst') != 'default' and r.get('protocol') not in ('kernel', 'ra', 'dhcp')
            and r.get('gateway')]


def netplan_document(plan, facts_by_name):
    """The netplan dict: the port's chain (NIC, bond, VLAN) without addresses, the bridge with them."""
    doc = {'network': {'version': 2}}
    net = doc['network']

    def add(section, name, body):
        net.setdefault(section, {})[name] = body

    for member, mtu in sorted(plan.mtu_members.items()):
        if member == plan.bridge:
            continue
        info = facts_by_name.get(member, {})
        kind = info.get('kind') if member != plan.port or not plan.new_vlan else 'vlan'
        body = {'dhcp4': False, 'dhcp6': False, 'accept-ra': False, 'mtu': mtu}
        if kind == 'vlan':
            parent = info.get('parent') or plan.device
            body.update({'id': info.get('vlan_id') or plan.new_vlan, 'link': parent})
            add('vlans', member, body)
        elif kind == 'bond':
            body['interfaces'] = list(info.get('ports') or [])
            if info.get('mode'):
                body['parameters'] = {'mode': info['mode']}
            add('bonds', member, body)
        else:
            add('ethernets', member, body)
    bridge = {'interfaces': [plan.port], 'mtu': plan.mtu,
              'parameters': {'stp': plan.stp, 'forward-delay': plan.forward_delay}}
    if plan.mac:
        bridge['macaddress'] = plan.mac
    bridge['dhcp4'] = plan.method == 'dhcp'
    static = _static_addresses(plan)
    if static:
        bridge['addresses'] = static
    routes = []
    for family in ('ipv4', 'ipv6'):
        gateway = _default_gateway(plan, family)
        if gateway and not (plan.method == 'dhcp' and family == 'ipv4'):
            routes.append({'to': 'default', 'via': gateway})
    routes.extend({'to': r['dst'], 'via': r['gateway']} for r in _other_routes(plan))
    if routes:
        bridge['routes'] = routes
    add('bridges', plan.bridge, bridge)
    return doc


def render_netplan(plan, facts_by_name, directory=NETPLAN_DIR):
    doc = netplan_document(plan, facts_by_name)
    header = '# Managed by kvmnet.netboot (kvm_host_bridge): bridge %s over %s\n' % (plan.bridge, plan.port)
    if HAS_YAML:
        body = yaml.safe_dump(doc, default_flow_style=False, sort_keys=True)
    else:
        body = json.dumps(doc, indent=2, sort_keys=True) + '\n'
    return {'%s/60-kvmnet-%s.yaml' % (directory, plan.bridge): header + body}


def _keyfile(sections):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    for name, values in sections:
        parser[name] = dict((k, str(v)) for k, v in values.items() if v is not None)
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


def render_networkmanager(plan, facts_by_name, directory=NM_DIR):
    files = {}
    ipv4 = {'method': 'auto' if plan.method == 'dhcp' else ('manual' if _static_addresses(plan) else 'disabled')}
    v4 = [a for a in _static_addresses(plan) if ':' not in a]
    for index, address in enumerate(v4):
        ipv4['address%d' % (index + 1)] = address
    gateway = _default_gateway(plan, 'ipv4')
    if gateway and plan.method != 'dhcp':
        ipv4['gateway'] = gateway
    files['%s/kvmnet-%s.nmconnection' % (directory, plan.bridge)] = _keyfile([
        ('connection', {'id': 'kvmnet-%s' % plan.bridge, 'type': 'bridge', 'interface-name': plan.bridge,
                        'autoconnect': 'true'}),
        ('ethernet', {'cloned-mac-address': plan.mac, 'mtu': plan.mtu}),
        ('bridge', {'stp': 'true' if plan.stp else 'false', 'forward-delay': plan.forward_delay}),
        ('ipv4', ipv4),
        ('ipv6', {'method': 'auto' if any(a.get('family') == 'ipv6' for a in plan.addresses) else 'disabled'}),
    ])
    port = facts_by_name.get(plan.port, {})
    kind = 'vlan' if plan.new_vlan or port.get('kind') == 'vlan' else (
        'bond' if port.get('kind') == 'bond' else 'ethernet')
    sections = [('connection', {'id': 'kvmnet-%s' % plan.port, 'type': kind, 'interface-name': plan.port,
                                'master': plan.bridge, 'slave-type': 'bridge', 'autoconnect': 'true'})]
    if kind == 'vlan':
        sections.append(('vlan', {'id': port.get('vlan_id') or plan.new_vlan, 'parent': port.get('parent') or
                                  plan.device}))
    if kind == 'bond':
        sections.append(('bond', {'mode': port.get('mode') or 'balance-rr'}))
    sections.append(('ethernet', {'mtu': plan.mtu}))
    files['%s/kvmnet-%s.nmconnection' % (directory, plan.port)] = _keyfile(sections)
    return files


def render_ifupdown(plan, facts_by_name, directory=IFUPDOWN_DIR):
    port = facts_by_name.get(plan.port, {})
    lines = ['# Managed by kvmnet.netboot (kvm_host_bridge). Remove %s\'s own stanza from /etc/network/interfaces.'
             % plan.port, '', 'auto %s' % plan.port, 'iface %s inet manual' % plan.port, '    mtu %s' % plan.mtu]
    if plan.new_vlan or port.get('kind') == 'vlan':
        lines.append('    vlan-raw-device %s' % (port.get('parent') or plan.device))
    lines += ['', 'auto %s' % plan.bridge]
    static = [a for a in _static_addresses(plan) if ':' not in a]
    lines.append('iface %s inet %s' % (plan.bridge, 'dhcp' if plan.method == 'dhcp' else
                                       ('static' if static else 'manual')))
    lines += ['    bridge_ports %s' % plan.port, '    bridge_stp %s' % ('on' if plan.stp else 'off'),
              '    bridge_fd %s' % plan.forward_delay, '    mtu %s' % plan.mtu]
    if plan.mac:
        lines.append('    hwaddress ether %s' % plan.mac)
    if static and plan.method != 'dhcp':
        lines.append('    address %s' % static[0])
        gateway = _default_gateway(plan, 'ipv4')
        if gateway:
            lines.append('    gateway %s' % gateway)
        for extra in static[1:]:
            lines.append('    up ip addr add %s dev %s' % (extra, plan.bridge))
    return {'%s/kvmnet-%s' % (directory, plan.bridge): '\n'.join(lines) + '\n'}


def render(backend, plan, facts_by_name):
    if backend == 'netplan':
        return render_netplan(plan, facts_by_name)
    if backend == 'networkmanager':
        return render_networkmanager(plan, facts_by_name)
    if backend == 'ifupdown':
        return render_ifupdown(plan, facts_by_name)
    return {}


def detect_backend(exists, listdir):
    """The persistence backend the host uses: netplan when /etc/netplan holds configuration, else
    NetworkManager when it runs, else ifupdown when /etc/network/interfaces exists, else runtime only.
    ``exists`` and ``listdir`` are os.path.exists and os.listdir (passed in for tests)."""
    if exists(NETPLAN_DIR) and [f for f in listdir(NETPLAN_DIR) if f.endswith('.yaml')]:
        return 'netplan'
    if exists('/run/NetworkManager') and exists(NM_DIR):
        return 'networkmanager'
    if exists('/etc/network/interfaces'):
        return 'ifupdown'
    return 'iproute2'
