# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A host's PXE picture for people: a Graphviz diagram and a Markdown report.

NICs -> bonds -> VLANs -> bridges -> libvirt networks -> VMs, marking where libvirt's DHCP is on (the
trap), which VLANs have the provisioner's DHCP, and what a new VM would attach to.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import (
    HostView, SelectionError, network_readiness, rank_candidates)

SHOWN_KINDS = ('physical', 'veth', 'bond', 'vlan', 'bridge', 'macvlan')
RED, GREEN, GREY = '#c0392b', '#1e8449', '#7f8c8d'


def _dot_quote(text):
    """A DOT string literal."""
    return json.dumps(str(text))


def _analysis(facts, model):
    view = HostView(facts, model)
    readiness = dict((r['name'], r) for r in network_readiness(view))
    try:
        candidates = rank_candidates(view)
    except SelectionError:
        candidates = []
    chosen = next((c for c in candidates if c['eligible']), None)
    return view, readiness, candidates, chosen


def _interface_lines(view, interfaces):
    """A node per NIC, bond, VLAN, bridge or macvlan, green where the provisioner serves DHCP; an edge per
    port-to-master and parent-to-child link."""
    lines = []
    names = set(i['name'] for i in interfaces)
    for iface in interfaces:
        vlan, dummy = view.vlan_of(iface['name'])
        label = '%s\\n%s' % (iface['name'], iface['kind'])
        color = GREY
        if iface.get('kind') == 'bridge':
            label += '\\nSTP %s, delay %s s' % ('on' if iface.get('stp') else 'off', iface.get('forward_delay'))
        if iface.get('mode'):
            label += '\\nmode %s' % iface['mode']
        if vlan is not None and iface['name'] in view.model.host_interfaces:
            status = view.model.dhcp_status(vlan)
            words = {'maas': 'provisioner', 'relay': 'relayed', 'none': 'no'}[status]
            label += '\\n%s: %s DHCP' % (view.model.describe_vlan(vlan), words)
            color = GREEN if status in ('maas', 'relay') else GREY
        shape = 'box3d' if iface.get('kind') in ('physical', 'veth') else 'box'
        lines.append('  %s [shape=%s, color=%s, label="%s"];' % (_dot_quote('if:' + iface['name']), shape,
                                                                 _dot_quote(color), label.replace('"', "'")))
    for iface in interfaces:
        if iface.get('master') in names:
            lines.append('  %s -> %s;' % (_dot_quote('if:' + iface['name']), _dot_quote('if:' + iface['master'])))
        if iface.get('parent') in names:
            lines.append('  %s -> %s;' % (_dot_quote('if:' + iface['parent']), _dot_quote('if:' + iface['name'])))
    return lines


def _network_lines(facts, readiness, names):
    """A node per libvirt network, red where libvirt's own DHCP is on (the trap)."""
    lines = []
    for net in facts.get('networks') or []:
        ready = readiness.get(net['name'], {})
        dhcp = net.get('dhcp_enabled')
        label = 'network %s\\nforward %s\\nlibvirt DHCP %s' % (
            net['name'], net.get('forward_mode') or 'isolated', 'ON (answers PXE first)' if dhcp else 'off')
        color = RED if dhcp else (GREEN if ready.get('reaches_provisioner') else GREY)
        lines.append('  %s [shape=ellipse, color=%s, penwidth=%d, label="%s"];'
                     % (_dot_quote('net:' + net['name']), _dot_quote(color), 2 if dhcp else 1, label))
        if net.get('bridge') and net.get('bridge') not in names:
            lines.append('  %s [shape=box, style=dashed, label=%s];' % (_dot_quote('if:' + net['bridge']),
                                                                        _dot_quote(net['bridge'])))
        if net.get('bridge'):
            lines.append('  %s -> %s;' % (_dot_quote('if:' + net['bridge']), _dot_quote('net:' + net['name'])))
    return lines


def _vm_lines(facts, chosen):
    """A node per VM with an edge per NIC, and a dashed one for where a new VM would attach."""
    lines = []
    for dom in facts.get('domains') or []:
        vm_label = _dot_quote('VM %s (%s)' % (dom['name'], dom.get('state')))
        lines.append('  %s [shape=component, label=%s];' % (_dot_quote('vm:' + dom['name']), vm_label))
        for nic in dom.get('interfaces') or []:
            source = 'net:' + nic['source'] if nic['type'] == 'network' else 'if:' + str(nic['source'])
            lines.append('  %s -> %s [label=%s];' % (_dot_quote(source), _dot_quote('vm:' + dom['name']), _dot_quote(
                '%s %s' % (nic.get('target') or '', nic.get('mac') or ''))))
    if chosen is not None:
        source = 'net:' + chosen['source'] if chosen['type'] == 'network' else 'if:' + chosen['source']
        mode = ', mode ' + chosen['mode'] if chosen['mode'] else ''
        lines.append('  "new-vm" [shape=component, style=dashed, color=%s, label=%s];'
                     % (_dot_quote(GREEN), _dot_quote('a new VM attaches here (%s%s)' % (chosen['type'], mode))))
        lines.append('  %s -> "new-vm" [style=dashed, color=%s];' % (_dot_quote(source), _dot_quote(GREEN)))
    return lines


def diagram_dot(facts, model, host='host'):
    """DOT source of the host's diagram."""
    view, readiness, dummy, chosen = _analysis(facts, model)
    interfaces = [i for i in facts.get('interfaces') or [] if i.get('kind') in SHOWN_KINDS]
    lines = ['digraph %s {' % _dot_quote(host), '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];',
             '  label=%s; labelloc=t;' % _dot_quote('%s: NICs -> bonds -> VLANs -> bridges -> libvirt networks -> VMs'
                                                    % host)]
    lines += _interface_lines(view, interfaces)
    lines += _network_lines(facts, readiness, set(i['name'] for i in interfaces))
    lines += _vm_lines(facts, chosen)
    lines.append('}')
    return '\n'.join(lines) + '\n'


def _row(cells):
    return '| %s |' % ' | '.join(str(c).replace('|', '\\|') for c in cells)


def _management_words(mgmt):
    if not mgmt:
        return 'none found'
    return '%s %s/%s (%s, gateway %s)' % (mgmt.get('interface'), mgmt.get('address'), mgmt.get('prefix'),
                                          mgmt.get('method'), mgmt.get('gateway'))


UNKNOWN_HOST_WORDS = ('so only the libvirt networks maas and default are tried, and their VLAN cannot be checked '
                      '- what MAAS 2.4 did for a KVM host it did not know')


def maas_match_words(maas_match, model=None):
    """One sentence: the MAAS node the host was matched to, or why none was, or where the model came from."""
    if not maas_match:
        if model and getattr(model, 'host_known', False):
            return 'no MAAS region configured; the model was given as maas_model (with this host\'s interfaces).'
        if model and (getattr(model, 'vlans', None) or getattr(model, 'subnets', None)):
            return ('no MAAS region configured; the model was given as maas_model, without this host\'s '
                    'interfaces (host_interfaces), %s.' % UNKNOWN_HOST_WORDS)
        return ('no MAAS region configured and no model given (maas_url or maas_model): nothing is known of the '
                'provisioner\'s VLANs, %s.' % UNKNOWN_HOST_WORDS)
    node = maas_match.get('host')
    if node:
        return 'matched to MAAS %s **%s** (system_id %s) by %s on %s (%s).' % (
            node.get('node_type'), node.get('hostname'), node.get('system_id'), node.get('matched_ip'),
            node.get('matched_interface'), node.get('alloc_type_name'))
    return ('MAAS knows none of this host\'s addresses (%s): the host is unknown to it, %s.'
            % (', '.join(maas_match.get('addresses_tried') or []) or 'none found', UNKNOWN_HOST_WORDS))


def addresses_markdown(usage):
    """The "Addresses" section from maas_ip_usage_info's result: every address, the free counts, findings."""
    out = ['', '## Addresses', '', _row(['address', 'subnet', 'class', 'MAAS', 'owner', 'node', 'MAC']),
           _row(['---'] * 7)]
    for record in usage.get('addresses') or []:
        node = record.get('node') or {}
        out.append(_row([record['ip'], record['subnet'], record['class'], record.get('alloc_type_name') or '-',
                         record.get('owner') or '-', node.get('hostname') or '-', record.get('mac') or '-']))
    free = usage.get('free') or {}
    if free:
        out += ['', 'Free: %s.' % ', '.join('%s %d' % (cidr, count) for cidr, count in sorted(free.items()))]
    findings = usage.get('findings') or []
    out += ['', 'Findings: %s' % ('none.' if not findings else '')]
    out += ['- %s (%s)' % (f['sentence'], f['kind']) for f in findings]
    return out


def report_markdown(facts, model, host='host', diagram_file=None, maas_match=None, addresses=None):
    """The Markdown report. ``maas_match``: maas_model_info's result (its host and the addresses tried);
    ``addresses``: maas_ip_usage_info's result, for an "Addresses" section."""
    dummy, readiness, candidates, chosen = _analysis(facts, model)
    libvirt = facts.get('libvirt') or {}
    mgmt = facts.get('management') or {}
    out = ['# %s: KVM network boot report' % host, '',
           'libvirt %s at `%s`. Management: %s.' % (
               libvirt.get('version', '?'), libvirt.get('uri', '?'),
               _management_words(mgmt)),
           '', 'Provisioner: %s' % maas_match_words(maas_match, dummy.model), '']
    if diagram_file:
        out += ['![%s network diagram](%s)' % (host, diagram_file), '']
    out += ['## A new VM', '']
    if chosen:
        mode = ' (macvlan mode %s)' % chosen['mode'] if chosen['mode'] else ''
        out.append('attaches to **%s %s**%s: %s' % (chosen['type'], chosen['source'], mode, chosen['reason']))
    else:
        out.append('has **nowhere to attach** that reaches the provisioner\'s DHCP.')
    out += ['', '## libvirt networks', '',
            _row(['network', 'forward', 'bridge', 'active', 'libvirt DHCP', 'reaches provisioner', 'why']),
            _row(['---'] * 7)]
    for net in facts.get('networks') or []:
        ready = readiness.get(net['name'], {})
        reaches = ready.get('reaches_provisioner')
        out.append(_row([net['name'], net.get('forward_mode') or 'isolated', net.get('bridge') or '-',
                         'yes' if net.get('active') else 'no', 'ON' if net.get('dhcp_enabled') else 'off',
                         {True: 'yes', False: 'no', None: 'unknown'}[reaches], ready.get('reason', '')]))
    out += ['', '## Candidates, best first', '', _row(['eligible', 'type', 'source', 'VLAN', 'DHCP', 'free IPv4', 'why']),
            _row(['---'] * 7)]
    for cand in candidates:
        out.append(_row(['yes' if cand['eligible'] else 'no', cand['type'], cand['source'],
                         cand['vlan'] if cand['vlan'] is not None else '-', cand['dhcp'],
                         cand['free_ipv4'] if cand['free_ipv4'] is not None else '-', cand['reason']]))
    bridges = [i for i in facts.get('interfaces') or [] if i.get('kind') == 'bridge']
    out += ['', '## Bridges', '', _row(['bridge', 'ports', 'STP', 'forward delay s', 'MTU']), _row(['---'] * 5)]
    for bridge in bridges:
        out.append(_row([bridge['name'], ', '.join(bridge.get('ports') or []) or '-',
                         'on' if bridge.get('stp') else 'off', bridge.get('forward_delay'), bridge.get('mtu')]))
    out += ['', '## VMs', '', _row(['VM', 'state', 'NIC', 'type', 'source', 'MAC', 'tap']), _row(['---'] * 7)]
    for dom in facts.get('domains') or []:
        for index, nic in enumerate(dom.get('interfaces') or []):
            out.append(_row([dom['name'], dom.get('state'), index, nic['type'], nic.get('source'), nic.get('mac'),
                             nic.get('target') or '-']))
    if addresses:
        out += addresses_markdown(addresses)
    return '\n'.join(out) + '\n'
