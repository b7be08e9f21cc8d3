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

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.adopt import CLOUD_INIT_NETWORK_OFF, adopt
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.backups import BACKUP_DIR
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import family_word
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

# netplan hosts have python3-yaml; without it the netplan file is written as JSON, which is valid YAML.
yaml, dummy = optional_import('yaml')

BACKENDS = ('netplan', 'networkmanager', 'ifupdown', 'iproute2')
NETPLAN_DIR = '/etc/netplan'
NM_DIR = '/etc/NetworkManager/system-connections'
IFUPDOWN_DIR = '/etc/network/interfaces.d'


def _dynamic(plan, family):
    """Whether ``family``'s addresses come back by themselves (DHCP, SLAAC) after a reboot."""
    return (plan.method == 'dhcp') if family == 'ipv4' else (plan.method6 in ('dhcp', 'auto'))


def _default_gateway(plan, family):
    """The default gateway to write for ``family``; None when DHCP or router advertisements bring it."""
    if _dynamic(plan, family):
        return None
    for route in plan.routes:
        if route.get('dst') == 'default' and route.get('family') == family and route.get('gateway'):
            return route['gateway']
    return None


def _static_addresses(plan, family=None):
    """``address/prefix`` of the addresses to write: those no DHCP client or SLAAC brings back."""
    return ['%s/%s' % (a['address'], a['prefix']) for a in plan.addresses
            if not (a.get('dynamic') and _dynamic(plan, a.get('family')))
            and (family is None or a.get('family') == family)]


def _other_routes(plan):
    return [r for r in plan.routes if r.get('dst') != 'default' and r.get('protocol') not in ('kernel', 'ra', 'dhcp')
            and r.get('gateway')]


def _netplan_bridge(plan, adopted):
    """The bridge's netplan stanza: its port, MAC, STP, addressing and what was adopted (nameservers)."""
    bridge = {'interfaces': [plan.port], 'mtu': plan.mtu,
              'parameters': {'stp': plan.stp, 'forward-delay': plan.forward_delay}}
    if plan.mac:
        bridge['macaddress'] = plan.mac
    bridge['dhcp4'] = plan.method == 'dhcp'
    bridge['dhcp6'] = plan.method6 == 'dhcp'
    bridge['accept-ra'] = plan.method6 in ('dhcp', 'auto')
    static = _static_addresses(plan)
    if static:
        bridge['addresses'] = static
    routes = [{'to': 'default', 'via': gateway} for gateway in
              (_default_gateway(plan, family) for family in ('ipv4', 'ipv6')) if gateway]
    routes.extend({'to': r['dst'], 'via': r['gateway']} for r in _other_routes(plan))
    if routes:
        bridge['routes'] = routes
    if adopted is not None and (adopted.nameservers or adopted.search):
        found = (('addresses', adopted.nameservers), ('search', adopted.search))
        bridge['nameservers'] = dict((key, values) for key, values in found if values)
    return bridge


def netplan_document(plan, facts_by_name, adopted=None):
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
    add('bridges', plan.bridge, _netplan_bridge(plan, adopted))
    return doc


def render_netplan(plan, facts_by_name, adopted=None, directory=NETPLAN_DIR):
    doc = netplan_document(plan, facts_by_name, adopted)
    header = '# Managed by kvmnet.netboot (kvm_host_bridge): bridge %s over %s\n' % (plan.bridge, plan.port)
    if yaml is not None:
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
    parser.write(out, space_around_delimiters=False)
    return out.getvalue()


def _nm_ip_section(plan, family, dynamic_method, adopted):
    """A keyfile ``[ipv4]``/``[ipv6]`` section: the dynamic method, else manual with the addresses;
    the nameservers of this family that were adopted from the device's old profile."""
    static = _static_addresses(plan, family)
    section = {'method': dynamic_method or ('manual' if static else 'disabled')}
    for index, address in enumerate(static):
        section['address%d' % (index + 1)] = address
    gateway = _default_gateway(plan, family)
    if gateway:
        section['gateway'] = gateway
    dns = [d for d in (adopted.nameservers if adopted else []) if family_word(d) == family]
    if dns and section['method'] != 'disabled':
        section['dns'] = ';'.join(dns) + ';'
        if adopted.search:
            section['dns-search'] = ';'.join(adopted.search) + ';'
    return section


def render_networkmanager(plan, facts_by_name, adopted=None, directory=NM_DIR):
    files = {}
    ipv4 = _nm_ip_section(plan, 'ipv4', 'auto' if plan.method == 'dhcp' else None, adopted)
    ipv6 = _nm_ip_section(plan, 'ipv6', {'dhcp': 'dhcp', 'auto': 'auto'}.get(plan.method6), adopted)
    files['%s/kvmnet-%s.nmconnection' % (directory, plan.bridge)] = _keyfile([
        ('connection', {'id': 'kvmnet-%s' % plan.bridge, 'type': 'bridge', 'interface-name': plan.bridge,
                        'autoconnect': 'true'}),
        ('ethernet', {'cloned-mac-address': plan.mac, 'mtu': plan.mtu}),
        ('bridge', {'stp': 'true' if plan.stp else 'false', 'forward-delay': plan.forward_delay}),
        ('ipv4', ipv4),
        ('ipv6', ipv6),
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


def render_ifupdown(plan, facts_by_name, adopted=None, directory=IFUPDOWN_DIR):
    port = facts_by_name.get(plan.port, {})
    lines = ['# Managed by kvmnet.netboot (kvm_host_bridge): bridge %s over %s; this file defines %s, its stanza '
             'elsewhere was taken over.' % (plan.bridge, plan.port, plan.port),
             '', 'auto %s' % plan.port, 'iface %s inet manual' % plan.port, '    mtu %s' % plan.mtu]
    if plan.new_vlan or port.get('kind') == 'vlan':
        lines.append('    vlan-raw-device %s' % (port.get('parent') or plan.device))
    lines += ['', 'auto %s' % plan.bridge]
    static = _static_addresses(plan, 'ipv4')
    lines.append('iface %s inet %s' % (plan.bridge, 'dhcp' if plan.method == 'dhcp' else
                                       ('static' if static else 'manual')))
    lines += ['    bridge_ports %s' % plan.port, '    bridge_stp %s' % ('on' if plan.stp else 'off'),
              '    bridge_fd %s' % plan.forward_delay, '    mtu %s' % plan.mtu]
    if plan.mac:
        lines.append('    hwaddress ether %s' % plan.mac)
    lines += _ifupdown_static(plan, 'ipv4', static)
    if adopted is not None and adopted.nameservers:
        lines.append('    dns-nameservers %s' % ' '.join(adopted.nameservers))
    if adopted is not None and adopted.search:
        lines.append('    dns-search %s' % ' '.join(adopted.search))
    static6 = _static_addresses(plan, 'ipv6')
    method6 = {'dhcp': 'dhcp', 'auto': 'auto'}.get(plan.method6) or ('static' if static6 else None)
    if method6:
        lines += ['', 'iface %s inet6 %s' % (plan.bridge, method6)] + _ifupdown_static(plan, 'ipv6', static6)
    return {'%s/kvmnet-%s' % (directory, plan.bridge): '\n'.join(lines) + '\n'}


def _ifupdown_static(plan, family, static):
    """The address, gateway and extra-address lines of an ``inet``/``inet6 static`` stanza."""
    if not static:
        return []
    lines = ['    address %s' % static[0]]
    gateway = _default_gateway(plan, family)
    if gateway:
        lines.append('    gateway %s' % gateway)
    for extra in static[1:]:
        lines.append('    up ip %saddr add %s dev %s' % ('-6 ' if family == 'ipv6' else '', extra, plan.bridge))
    return lines


_RENDERERS = {'netplan': render_netplan, 'networkmanager': render_networkmanager, 'ifupdown': render_ifupdown,
              'iproute2': lambda plan, facts_by_name, adopted=None: {}}


def render(backend, plan, facts_by_name, adopted=None):
    """``{path: content}`` persisting ``plan`` for ``backend`` (one of BACKENDS; iproute2 persists nothing)."""
    return _RENDERERS[backend](plan, facts_by_name, adopted)


def persistence(backend, plan, facts_by_name, existing, cloud_init=False, backup_dir=BACKUP_DIR):
    """Every file to write for ``backend``, and which of them are someone else's (to back up first, under
    ``backup_dir``).

    ``existing``: {path: text} of the backend's current configuration. The device's own stanza in it
    is taken over (bridge.adopt), and with ``cloud_init`` (cloud-init is installed) cloud-init is kept
    from writing the network configuration again at the next boot.
    """
    adopted = adopt(backend, plan, existing, backup_dir)
    files = render(backend, plan, facts_by_name, adopted)
    files.update(adopted.files)
    if backend == 'netplan' and cloud_init:
        files[CLOUD_INIT_NETWORK_OFF] = ('# Written by kvmnet.netboot (kvm_host_bridge): the network configuration is '
                                         'in /etc/netplan, bridge %s included.\nnetwork: {config: disabled}\n'
                                         % plan.bridge)
    return files, sorted(adopted.files)


def existing_paths(backend):
    """Glob patterns of the files holding ``backend``'s configuration (for the module's reader)."""
    return {'netplan': ['%s/*.yaml' % NETPLAN_DIR], 'networkmanager': ['%s/*' % NM_DIR],
            'ifupdown': ['/etc/network/interfaces', '%s/*' % IFUPDOWN_DIR]}.get(backend, [])


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
