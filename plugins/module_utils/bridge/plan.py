# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan a MAAS-friendly bridge from the host's real picture (the oVirt seed's management network).

Input: the ``kvm_host_network`` fact (interfaces, routes, management) and the wanted bridge. Output: a
BridgePlan - the port device, the addresses, routes and DHCP that move from it to the bridge, the MAC
the bridge takes (the port's, so the provisioner's model of the host still matches), and the MTU
every member needs. Pure: the module applies it, the renderers persist it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

MAX_IFNAME = 15
MIN_MTU = 68
MAX_MTU = 65535
IFNAME_RE = re.compile(r'^[^\s/:]{1,15}$')


class BridgePlanError(ValueError):
    """The wanted bridge cannot be built from this host's picture; the message says why."""


class BridgePlan(object):
    """What to build. ``changes`` lists, in words, what differs from the host now (empty: nothing to do)."""

    __slots__ = ('bridge', 'port', 'new_vlan', 'mac', 'mtu', 'stp', 'forward_delay', 'addresses', 'routes',
                 'method', 'mtu_members', 'mtu_order', 'touches_management', 'changes', 'already_bridged', 'device')

    def __init__(self, **kwargs):
        for key in self.__slots__:
            setattr(self, key, kwargs.get(key))

    def to_dict(self):
        return dict((key, getattr(self, key)) for key in self.__slots__)


def _check_name(name, what):
    if not isinstance(name, str) or not IFNAME_RE.match(name):
        raise BridgePlanError('%s %r is not a valid interface name (1-%d characters, no spaces, "/" or ":")'
                              % (what, name, MAX_IFNAME))


def _members_for_mtu(by_name, device):
    """The port and everything under it that carries its frames: VLAN parents and bond slaves."""
    members, queue = [], [device]
    while queue:
        name = queue.pop(0)
        if name in members or name not in by_name:
            continue
        members.append(name)
        iface = by_name[name]
        if iface.get('kind') == 'vlan' and iface.get('parent'):
            queue.append(iface['parent'])
        if iface.get('kind') == 'bond':
            queue.extend(iface.get('ports') or [])
    return members


def _global(addresses):
    return [a for a in addresses if a.get('scope') not in ('link', 'host')]


def plan_bridge(facts, device=None, name=None, mtu=None, stp=False, forward_delay=0, vlan=None):
    """The BridgePlan for a bridge over ``device`` (default: the management interface)."""
    interfaces = facts.get('interfaces')
    if not isinstance(interfaces, list):
        raise BridgePlanError('the facts have no interfaces: gather kvm_network_facts with the interfaces subset')
    by_name = dict((i['name'], i) for i in interfaces)
    management = facts.get('management') or {}
    if device is None:
        device = management.get('interface')
        if not device:
            raise BridgePlanError('no device given and the host has no management interface (no default route): '
                                  'give device')
    if device not in by_name:
        raise BridgePlanError('device %s does not exist on this host; its interfaces are: %s'
                              % (device, ', '.join(sorted(by_name))))
    if mtu is not None and not MIN_MTU <= mtu <= MAX_MTU:
        raise BridgePlanError('mtu %s is outside %d-%d' % (mtu, MIN_MTU, MAX_MTU))
    if forward_delay is not None and not 0 <= forward_delay <= 30:
        raise BridgePlanError('forward_delay must be 0-30 seconds, got %s' % forward_delay)
    if vlan is not None and not 1 <= vlan <= 4094:
        raise BridgePlanError('vlan must be 1-4094, got %s' % vlan)
    source = by_name[device]

    # The device is already the bridge (a re-run after the bridge was built over the management NIC).
    if source.get('kind') == 'bridge' and vlan is None and (name is None or name == device):
        return _plan_existing_bridge(by_name, source, mtu, stp, forward_delay, management)

    port = '%s.%d' % (device, vlan) if vlan is not None else device
    name = name or 'br-%s' % port
    _check_name(name, 'bridge name')
    _check_name(port, 'port name')
    if source.get('kind') in ('loopback', 'tap', 'macvtap', 'bridge'):
        raise BridgePlanError('device %s is a %s; a bridge goes over a NIC, bond or VLAN'
                              % (device, source.get('kind')))
    if source.get('master') and source['master'] != name:
        raise BridgePlanError('device %s is already a port of %s; plan over %s instead'
                              % (device, source['master'], source['master']))
    existing = by_name.get(name)
    if existing is not None and existing.get('kind') != 'bridge':
        raise BridgePlanError('%s already exists and is a %s, not a bridge' % (name, existing.get('kind')))
    if existing is not None and vlan is None and source.get('master') == name:
        return _plan_existing_bridge(by_name, existing, mtu, stp, forward_delay, management, port=device)

    holder = source if vlan is None else by_name.get(port, {'addresses': []})
    addresses = [dict(a) for a in _global(holder.get('addresses') or [])]
    routes = [dict(r) for r in facts.get('routes') or [] if r.get('dev') == holder.get('name', port)]
    wanted_mtu = mtu if mtu is not None else source.get('mtu')
    members = _members_for_mtu(by_name, device)
    mtu_members = dict((m, wanted_mtu) for m in members if (by_name[m].get('mtu') or 0) < wanted_mtu or m == device)
    if vlan is not None:
        mtu_members[port] = wanted_mtu
    mtu_members[name] = wanted_mtu
    method = 'dhcp' if any(a.get('dynamic') and a.get('family') == 'ipv4' for a in addresses) else \
        ('static' if addresses else 'none')
    changes = ['create bridge %s (stp %s, forward delay %s s, mtu %s, mac %s)'
               % (name, 'on' if stp else 'off', forward_delay, wanted_mtu, source.get('mac'))]
    if vlan is not None and port not in by_name:
        changes.append('create VLAN %s (id %d) on %s' % (port, vlan, device))
    changes.append('enslave %s to %s' % (port, name))
    if addresses:
        moved = ', '.join('%s/%s' % (a['address'], a['prefix']) for a in addresses)
        changes.append('move %s from %s to %s (%s)' % (moved, holder.get('name', port), name, method))
    if routes:
        changes.append('move %d route(s) from %s to %s' % (len(routes), holder.get('name', port), name))
    for member, value in sorted(mtu_members.items()):
        if member in by_name and by_name[member].get('mtu') != value:
            changes.append('mtu %s on %s (was %s)' % (value, member, by_name[member].get('mtu')))
    order = [name] + ([port] if vlan is not None else []) + members
    return BridgePlan(bridge=name, port=port, device=device, new_vlan=vlan if port not in by_name else None,
                      mtu_order=[m for m in order if m in mtu_members],
                      mac=source.get('mac'), mtu=wanted_mtu, stp=bool(stp), forward_delay=forward_delay,
                      addresses=addresses, routes=routes, method=method, mtu_members=mtu_members,
                      touches_management=management.get('interface') in (device, port),
                      changes=changes, already_bridged=False)


def _method(addresses):
    if any(a.get('dynamic') for a in addresses):
        return 'dhcp'
    return 'static' if addresses else 'none'


def _plan_existing_bridge(by_name, bridge, mtu, stp, forward_delay, management, port=None):
    """The bridge exists: only its STP, forward delay and MTU can still differ."""
    changes = []
    if bool(bridge.get('stp')) != bool(stp):
        changes.append('stp %s on %s' % ('on' if stp else 'off', bridge['name']))
    if forward_delay is not None and bridge.get('forward_delay') != forward_delay:
        changes.append('forward delay %s s on %s (was %s)' % (forward_delay, bridge['name'], bridge.get('forward_delay')))
    wanted_mtu = mtu if mtu is not None else bridge.get('mtu')
    # VM taps follow libvirt's settings; the uplink ports (NIC, bond, VLAN - or a veth in a lab) are ours.
    ports = [p for p in bridge.get('ports') or [] if by_name.get(p, {}).get('kind') not in ('tap', 'macvtap')]
    members = [bridge['name']]
    for name in ports:
        members.extend(_members_for_mtu(by_name, name))
    mtu_members = dict((m, wanted_mtu) for m in members if m in by_name)
    for member in sorted(mtu_members):
        if by_name[member].get('mtu') != wanted_mtu:
            changes.append('mtu %s on %s (was %s)' % (wanted_mtu, member, by_name[member].get('mtu')))
    addresses = _global(bridge.get('addresses') or [])
    return BridgePlan(bridge=bridge['name'], port=port or (ports[0] if ports else None), device=bridge['name'],
                      mtu_order=[m for m in members if m in mtu_members],
                      new_vlan=None, mac=bridge.get('mac'), mtu=wanted_mtu, stp=bool(stp),
                      forward_delay=forward_delay, addresses=addresses, routes=[],
                      method=_method(addresses),
                      mtu_members=mtu_members, changes=changes, already_bridged=True,
                      touches_management=bool(changes) and management.get('interface') == bridge['name'])
