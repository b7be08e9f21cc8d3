# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The DHCP-aware attachment policy (MAAS bug 1789521: libvirt networks maas then default, never with
libvirt DHCP; then a host bridge, then macvlan, on a VLAN with MAAS DHCP), and interface constraints.

Input: the ``kvm_host_network`` fact and a ProvisionerModel. Output: ranked candidates, each with the
reason it is or is not usable, the attachments chosen, and the rule that decided.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.gc_pause import gc_paused
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import netaddr
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import MACVLAN_MODES

PREFERRED_NETWORKS = ('maas', 'default')
# Devices a macvlan can sit on. veth stands in for a NIC in namespace-built lab hosts.
MACVLAN_PARENT_KINDS = ('physical', 'bond', 'vlan', 'veth')
KIND_RANK = {'bridge': 0, 'bond': 1}

# The ``rule`` of a selection: which step of the policy decided.
RULE_PREFERRED = 'preferred-network'    # the first preferred libvirt network present (maas, else default)
RULE_FALLBACK = 'fallback-network'      # a later preferred network, an earlier one being refused
RULE_UNKNOWN_HOST = 'unknown-host'      # MAAS does not know the host: maas/default without checking VLANs
RULE_HOST_BRIDGE = 'host-bridge'        # a host bridge on a VLAN with MAAS DHCP
RULE_MACVLAN = 'macvlan'                # macvlan on a NIC, bond or VLAN with MAAS DHCP
RULE_CONSTRAINTS = 'constraints'        # MAAS-style interface constraints decided
RULES = (RULE_PREFERRED, RULE_FALLBACK, RULE_UNKNOWN_HOST, RULE_HOST_BRIDGE, RULE_MACVLAN, RULE_CONSTRAINTS)

ADVICE = ('Add a libvirt network named maas (or default) with forward mode bridge onto a host bridge on a '
          'VLAN where MAAS serves DHCP, disable libvirt DHCP on it (role kvmnet.netboot.libvirt_netboot_networks), '
          'or build a bridge on such a VLAN (role kvmnet.netboot.maas_bridge).')


class SelectionError(ValueError):
    """Nothing fits; the message says what to do. ``candidates`` holds what was considered."""

    def __init__(self, message, candidates=None):
        super(SelectionError, self).__init__(message)
        self.candidates = candidates or []


class Selection(namedtuple('Selection', 'attachments candidates rule')):
    """The policy's answer: the attachments, every candidate considered, and the rule that decided."""

    __slots__ = ()

    def to_dict(self):
        return dict(self._asdict())


def _candidate(kind, source, eligible, reason, vlan=None, dhcp='none', free=None, mode=None, label=None):
    """One option: attach to ``source`` as ``kind`` (network, bridge, macvlan); ``eligible`` or not, and why."""
    record = {'type': kind, 'source': source, 'vlan': vlan, 'dhcp': dhcp, 'free_ipv4': free,
              'eligible': eligible, 'reason': reason, 'mode': mode}
    if label is not None:
        record['label'] = label
    return record


class HostView(object):
    """The facts and the model joined: which VLAN each host interface is on, per the provisioner."""

    def __init__(self, facts, model):
        if not isinstance(facts, dict):
            raise SelectionError('facts must be the kvm_host_network dict from kvm_network_facts, got %s'
                                 % type(facts).__name__)
        self.model = model
        self.networks = [n for n in facts.get('networks') or [] if isinstance(n, dict)]
        self.interfaces = dict((i['name'], i) for i in facts.get('interfaces') or []
                               if isinstance(i, dict) and i.get('name'))
        self.has_interfaces = 'interfaces' in facts
        self.dhcp_bridges = dict((n['bridge'], n['name']) for n in self.networks
                                 if n.get('bridge') and n.get('dhcp_enabled'))

    def vlan_of(self, name):
        """(vlan id or None, how it was found)."""
        modelled = self.model.host_interfaces.get(name)
        if modelled is not None and modelled['vlan'] is not None:
            return modelled['vlan'], 'the provisioner models %s on it' % name
        iface = self.interfaces.get(name)
        if iface is not None and iface.get('kind') == 'bridge':
            for port in iface.get('ports') or []:
                port_model = self.model.host_interfaces.get(port)
                if port_model is not None and port_model['vlan'] is not None:
                    return port_model['vlan'], 'its port %s is modelled on it' % port
        return None, None

    def dhcp_status_phrase(self, vlan_id):
        """(MAAS DHCP status of the VLAN, a phrase that says it)."""
        status = self.model.dhcp_status(vlan_id)
        where = self.model.describe_vlan(vlan_id)
        if status == 'maas':
            return status, '%s, where MAAS serves DHCP' % where
        if status == 'relay':
            relay = self.model.vlan(vlan_id)['relay_vlan']
            return status, '%s, which relays DHCP to %s' % (where, self.model.describe_vlan(relay))
        return status, '%s, where MAAS serves no DHCP and relays none' % where


def _network_candidate(view, net):
    """Candidate for attaching to libvirt network ``net``: refused with libvirt DHCP, when inactive, and on
    a known host unless its bridge is on a VLAN where MAAS serves or relays DHCP."""
    name = net.get('name')
    bridge = net.get('bridge')
    if net.get('dhcp_enabled'):
        return _candidate('network', name, False,
                          "libvirt's own DHCP (dnsmasq) is on for network %s and would answer the VM's PXE "
                          'request before MAAS; disable it (role libvirt_netboot_networks).' % name, dhcp='libvirt')
    if not net.get('active', True):
        return _candidate('network', name, False,
                          'network %s is not active; start it (virsh net-start %s) and set autostart.' % (name, name))
    if not view.model.host_known:
        return _candidate('network', name, True,
                          'network %s has no libvirt DHCP; the provisioner does not know this host, so its '
                          'VLAN cannot be checked (as MAAS 2.4 did for a KVM host it did not know).' % name,
                          dhcp='unknown')
    if not bridge:
        return _candidate('network', name, False,
                          'network %s has no bridge (forward mode %s), so no VLAN can be checked for MAAS DHCP.'
                          % (name, net.get('forward_mode')))
    vlan, how = view.vlan_of(bridge)
    if vlan is None:
        return _candidate('network', name, False,
                          "network %s's bridge %s is not in the provisioner's model of this host, so its VLAN "
                          'is unknown.' % (name, bridge))
    dhcp, words = view.dhcp_status_phrase(vlan)
    on_vlan = dict(vlan=vlan, dhcp=dhcp, free=view.model.free_ipv4(vlan))
    if dhcp == 'none':
        return _candidate('network', name, False, "network %s's bridge %s is on %s." % (name, bridge, words), **on_vlan)
    return _candidate('network', name, True, 'network %s has no libvirt DHCP and its bridge %s is on %s (%s).'
                      % (name, bridge, words, how), **on_vlan)


def _network_candidates(view):
    by_name = dict((n.get('name'), n) for n in view.networks)
    return [_network_candidate(view, by_name[name]) for name in PREFERRED_NETWORKS if name in by_name]


def network_readiness(view):
    """For every libvirt network: could a VM attached to it reach the provisioner's DHCP, and why."""
    report = []
    for net in sorted(view.networks, key=lambda n: n.get('name') or ''):
        candidate = _network_candidate(view, net)
        report.append({'name': net.get('name'), 'forward_mode': net.get('forward_mode'), 'bridge': net.get('bridge'),
                       'active': net.get('active'), 'dhcp_enabled': bool(net.get('dhcp_enabled')),
                       'vlan': candidate['vlan'], 'dhcp': candidate['dhcp'],
                       'reaches_provisioner': candidate['eligible'] if view.model.host_known else None,
                       'reason': candidate['reason']})
    return report


def _iface_candidate(view, iface, kind, macvlan_mode, label=None, require_dhcp=True):
    """Candidate for attaching straight to a host interface: a bridge, or macvlan on a NIC/bond/VLAN.

    ``require_dhcp`` is false for interface constraints, where only one of the VM's NICs needs MAAS DHCP.
    """
    name = iface['name']
    vlan, how = view.vlan_of(name)
    same = dict(mode=macvlan_mode if kind == 'macvlan' else None, label=label)
    if iface.get('master'):
        return _candidate(kind, name, False, '%s is a port of %s; attach to %s instead.'
                          % (name, iface['master'], iface['master']), vlan=vlan, **same)
    if kind == 'bridge' and name in view.dhcp_bridges:
        return _candidate(kind, name, False, "bridge %s belongs to libvirt network %s, whose own DHCP would answer "
                          "first." % (name, view.dhcp_bridges[name]), vlan=vlan, dhcp='libvirt', **same)
    if vlan is None:
        return _candidate(kind, name, False, "%s is not in the provisioner's model of this host, so its VLAN is "
                          "unknown." % name, **same)
    dhcp, words = view.dhcp_status_phrase(vlan)
    free = view.model.free_ipv4(vlan)
    same.update(vlan=vlan, dhcp=dhcp, free=free)
    what = 'bridge %s' % name if kind == 'bridge' else 'macvlan (%s mode) on %s' % (macvlan_mode, name)
    if dhcp == 'none':
        if not require_dhcp:
            return _candidate(kind, name, True, '%s is on %s; another NIC must PXE-boot.' % (what, words), **same)
        return _candidate(kind, name, False, '%s is on %s.' % (what, words), **same)
    return _candidate(kind, name, True, '%s: %s is on %s (%s), %d free IPv4 addresses.'
                      % (what, name, words, how, free), **same)


def _rank_key(candidate):
    return (not candidate['eligible'], -(candidate['free_ipv4'] or 0), candidate['source'])


def _host_candidates(view, macvlan_mode):
    bridges, macvlans = [], []
    for iface in view.interfaces.values():
        if iface.get('kind') == 'bridge':
            bridges.append(_iface_candidate(view, iface, 'bridge', macvlan_mode))
        elif iface.get('kind') in MACVLAN_PARENT_KINDS:
            macvlans.append(_iface_candidate(view, iface, 'macvlan', macvlan_mode))
    return sorted(bridges, key=_rank_key), sorted(macvlans, key=_rank_key)


def _attachment(label, ifname, candidate, ip=None, boot=False, ip_mode=None):
    return {'label': label, 'ifname': ifname, 'type': candidate['type'], 'source': candidate['source'],
            'mode': candidate['mode'], 'vlan': candidate['vlan'], 'ip': ip, 'boot': boot, 'ip_mode': ip_mode}


def check_macvlan_mode(mode):
    if mode not in MACVLAN_MODES:
        raise SelectionError('default_macvlan_mode must be one of %s, got %r' % (', '.join(MACVLAN_MODES), mode))


def rank_candidates(view, macvlan_mode='bridge'):
    """Every option of the unconstrained policy, in preference order."""
    check_macvlan_mode(macvlan_mode)
    with gc_paused():
        return _rank_candidates(view, macvlan_mode)


def _rank_candidates(view, macvlan_mode):
    networks = _network_candidates(view)
    if not view.model.host_known:
        return networks
    bridges, macvlans = _host_candidates(view, macvlan_mode)
    return networks + bridges + macvlans


def _select_unconstrained(view, macvlan_mode):
    candidates = rank_candidates(view, macvlan_mode)
    chosen = next((c for c in candidates if c['eligible']), None)
    if chosen is None:
        if not view.model.host_known:
            message = ('No usable libvirt network: the provisioner does not know this host, so only networks maas '
                       'and default are tried, and %s. ' % (
                           '; '.join(c['reason'].rstrip('.') for c in candidates) or 'neither exists'))
        elif not candidates:
            message = 'No libvirt network maas/default, bridge or NIC to attach to was found on this host. '
        else:
            message = 'No attachment reaches MAAS DHCP: %s. ' % '; '.join(
                c['reason'].rstrip('.') for c in candidates[:6])
        raise SelectionError(message + ADVICE, candidates)
    if chosen['type'] == 'network':
        if not view.model.host_known:
            rule = RULE_UNKNOWN_HOST
        else:
            rule = RULE_PREFERRED if candidates[0] is chosen else RULE_FALLBACK
    else:
        rule = RULE_HOST_BRIDGE if chosen['type'] == 'bridge' else RULE_MACVLAN
    return Selection([_attachment('eth0', 'eth0', chosen, boot=True)], candidates, rule)


def constraint_targets(view):
    """{name: model entry} of every host interface a constraint may match: those the provisioner models, and the
    host's bridges it does not model yet (built since the host was last commissioned) on the VLAN of a port it
    models - with that port's tags - as ranking places them (HostView.vlan_of)."""
    targets = dict(view.model.host_interfaces)
    for name in sorted(view.interfaces):
        iface = view.interfaces[name]
        if name in targets or iface.get('kind') != 'bridge':
            continue
        for port in iface.get('ports') or []:
            port_model = view.model.host_interfaces.get(port)
            if port_model is not None and port_model['vlan'] is not None:
                targets[name] = {'name': name, 'vlan': port_model['vlan'], 'type': 'bridge',
                                 'tags': list(port_model['tags']), 'through_port': port}
                break
    return targets


def _matches(view, constraint, name, targets):
    modelled = targets[name]
    vlan_id = modelled['vlan']
    vlan = view.model.vlan(vlan_id) or {}
    subnets = set(s.cidr for s in view.model.subnets_of(vlan_id))
    spaces = view.model.spaces_of(vlan_id)
    values = {
        'space': spaces,
        'subnet': subnets,
        'vlan': set([vlan_id]) if vlan_id is not None else set(),
        'vid': set([vlan.get('vid')]) if vlan.get('vid') is not None else set(),
        'fabric': set([vlan.get('fabric')]) if vlan.get('fabric') is not None else set(),
        'name': set([name]),
        'tag': set(modelled['tags']),
    }
    for key, wanted in constraint.match.items():
        negate = key.startswith('not_')
        have = values[key[4:] if negate else key]
        if key in ('subnet', 'not_subnet'):
            wanted = [_cidr(w) for w in wanted]
        hit = any(w in have for w in wanted)
        if hit == negate:
            return False
    return True


def _cidr(text):
    try:
        return str(netaddr.IPNetwork(text).cidr)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return text


def _ip_problem(view, vlan_id, ip):
    try:
        address = netaddr.IPAddress(ip)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return '%r is not an IP address' % ip
    subnets = [s for s in view.model.subnets_of(vlan_id) if address in s.network]
    if not subnets:
        return '%s is in no subnet of %s' % (ip, view.model.describe_vlan(vlan_id))
    return subnets[0].address_problem(ip)


def _select_constrained(view, constraints, macvlan_mode):
    if not view.model.host_known:
        raise SelectionError('Interface constraints need the provisioner\'s model of this host '
                             '(maas_model.host_interfaces); this host is unknown to it. Give host_interfaces, or '
                             'drop the constraints to use the maas/default networks.')
    candidates, attachments = [], []
    targets = constraint_targets(view)
    for constraint in constraints:
        options = []
        for name in sorted(targets):
            if not _matches(view, constraint, name, targets):
                continue
            iface = view.interfaces.get(name)
            if iface is None:
                if view.has_interfaces:
                    options.append((2, _candidate('macvlan', name, False, '%s matches but does not exist on this '
                                                  'host.' % name, vlan=targets[name]['vlan'],
                                                  mode=macvlan_mode, label=constraint.label)))
                    continue
                iface = {'name': name, 'kind': targets[name].get('type') or 'physical'}
            kind = 'bridge' if iface.get('kind') == 'bridge' else 'macvlan'
            candidate = _iface_candidate(view, iface, kind, macvlan_mode, constraint.label, require_dhcp=False)
            if kind == 'macvlan' and iface.get('kind') not in MACVLAN_PARENT_KINDS and candidate['eligible']:
                candidate.update(eligible=False, reason='%s is a %s; macvlan needs a NIC, bond or VLAN.'
                                 % (name, iface.get('kind')))
            if candidate['eligible'] and constraint.ip:
                problem = _ip_problem(view, candidate['vlan'], constraint.ip)
                if problem:
                    candidate.update(eligible=False, reason='ip=%s cannot be used on %s: %s.'
                                     % (constraint.ip, name, problem))
            options.append((KIND_RANK.get(iface.get('kind'), 2), candidate))
        options = [c for dummy, c in sorted(options, key=lambda o: (not o[1]['eligible'], o[0], o[1]['source']))]
        candidates.extend(options)
        chosen = next((c for c in options if c['eligible']), None)
        if chosen is None:
            detail = '; '.join(c['reason'].rstrip('.') for c in options) or 'no host interface matches it'
            raise SelectionError('Label %s (%s) cannot be satisfied: %s.' % (
                constraint.label, _describe(constraint), detail), candidates)
        attachments.append(_attachment(constraint.label, constraint.ifname, chosen, constraint.ip,
                                       boot=not attachments, ip_mode=constraint.mode))
    if not any(c['dhcp'] in ('maas', 'relay') for c in candidates if _chosen(c, attachments)):
        raise SelectionError('None of the chosen interfaces (%s) is on a VLAN where MAAS serves or relays DHCP, so the '
                             'VM could not PXE-boot. Add a constraint matching such a VLAN (e.g. space=...).'
                             % ', '.join('%s->%s' % (a['label'], a['source']) for a in attachments), candidates)
    return Selection(attachments, candidates, RULE_CONSTRAINTS)


def _chosen(candidate, attachments):
    return any(a['label'] == candidate.get('label') and a['source'] == candidate['source'] for a in attachments)


def _describe(constraint):
    parts = ['%s=%s' % (k, v) for k in sorted(constraint.match) for v in constraint.match[k]]
    if constraint.ip:
        parts.append('ip=%s' % constraint.ip)
    return ','.join(parts)


def select_attachments(facts, model, constraints=None, macvlan_mode='bridge'):
    """Run the policy. ``constraints`` is the parsed list (interface_constraints.parse_constraints)."""
    check_macvlan_mode(macvlan_mode)
    view = HostView(facts, model)
    with gc_paused():
        if constraints:
            return _select_constrained(view, constraints, macvlan_mode)
        return _select_unconstrained(view, macvlan_mode)
