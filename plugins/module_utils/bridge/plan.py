# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plan a MAAS-friendly bridge from the host's real picture (as oVirt derives its management network).

Input: the ``kvm_host_network`` fact (interfaces, routes, management) and the wanted bridge. Output: a
BridgePlan - the port device, the addresses, routes and DHCP that move from it to the bridge, the MAC
the bridge takes (the port's, so the provisioner's model of the host still matches), and the MTU
every member needs. Pure: the module applies it, the renderers persist it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import IFNAME_RE, MAX_IFNAME

MIN_MTU = 68
MAX_MTU = 65535


class BridgePlanError(ValueError):
    """The wanted bridge cannot be built from this host's picture; the message says why."""


_PLAN_FIELDS = ('bridge port device new_vlan mac mtu stp forward_delay addresses routes method method6 mtu_members '
                'mtu_order touches_management changes already_bridged')


class BridgePlan(namedtuple('BridgePlan', _PLAN_FIELDS)):
    """What to build. ``changes`` lists, in words, what differs from the host now (empty: nothing to do).
    Every field must be given: a misspelt one is an error, not a silent None."""

    __slots__ = ()

    def to_dict(self):
        return dict(self._asdict())


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


def _routable_addresses(addresses):
    return [a for a in addresses if a.get('scope') not in ('link', 'host')]


def address_methods(addresses):
    """How each family got its addresses: ``(ipv4, ipv6)``.

    IPv4: ``dhcp`` (a dynamic address, with a lease), ``static`` or ``none``. IPv6: ``dhcp`` (a dynamic
    /128, as DHCPv6 hands out), ``auto`` (another dynamic address: SLAAC), ``static`` or ``none``. The
    families are kept apart: a static IPv4 host with a SLAAC IPv6 address is static for IPv4.
    """
    v4 = [a for a in addresses if a.get('family') == 'ipv4']
    v6 = [a for a in addresses if a.get('family') == 'ipv6']
    method = 'dhcp' if any(a.get('dynamic') for a in v4) else ('static' if v4 else 'none')
    dynamic6 = [a for a in v6 if a.get('dynamic')]
    if any(a.get('prefix') == 128 for a in dynamic6):
        method6 = 'dhcp'
    elif dynamic6:
        method6 = 'auto'
    else:
        method6 = 'static' if v6 else 'none'
    return method, method6


def carried_config(facts, holder_name, holder):
    """What the bridge holds after the change: the routable addresses and the routes of ``holder``
    (the device the addresses are on now: the port, or the bridge itself when it exists already),
    default route included, and the address method of each family. One answer for a new bridge and
    an existing one, so the persisted files always say what runs."""
    addresses = [dict(a) for a in _routable_addresses((holder or {}).get('addresses') or [])]
    routes = [dict(r) for r in facts.get('routes') or [] if r.get('dev') == holder_name]
    method, method6 = address_methods(addresses)
    return {'addresses': addresses, 'routes': routes, 'method': method, 'method6': method6}


def _validate_request(facts, device, mtu, forward_delay, vlan):
    """(interfaces by name, management record, the device) - or BridgePlanError before any planning."""
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
    return by_name, management, device


def plan_bridge(facts, device=None, name=None, mtu=None, stp=False, forward_delay=0, vlan=None):
    """The BridgePlan for a bridge over ``device`` (default: the management interface)."""
    by_name, management, device = _validate_request(facts, device, mtu, forward_delay, vlan)
    source = by_name[device]
    wanted = {'mtu': mtu, 'stp': bool(stp), 'forward_delay': forward_delay}
    # The device is already the bridge (a re-run after the bridge was built over the management NIC).
    if source.get('kind') == 'bridge' and vlan is None and (name is None or name == device):
        return _plan_existing_bridge(facts, by_name, source, wanted, management)
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
        return _plan_existing_bridge(facts, by_name, existing, wanted, management, port=device)
    return _plan_new_bridge(facts, by_name, management, source, name, port, vlan, wanted)


def _plan_new_bridge(facts, by_name, management, source, name, port, vlan, wanted):
    device = source['name']
    holder_name = device if vlan is None else port
    carried = carried_config(facts, holder_name, source if vlan is None else by_name.get(port))
    wanted_mtu = wanted['mtu'] if wanted['mtu'] is not None else source.get('mtu')
    members = _members_for_mtu(by_name, device)
    mtu_members = dict((m, wanted_mtu) for m in members if (by_name[m].get('mtu') or 0) < wanted_mtu or m == device)
    if vlan is not None:
        mtu_members[port] = wanted_mtu
    mtu_members[name] = wanted_mtu
    changes = ['create bridge %s (stp %s, forward delay %s s, mtu %s, mac %s)'
               % (name, 'on' if wanted['stp'] else 'off', wanted['forward_delay'], wanted_mtu, source.get('mac'))]
    if vlan is not None and port not in by_name:
        changes.append('create VLAN %s (id %d) on %s' % (port, vlan, device))
    changes.append('enslave %s to %s' % (port, name))
    if carried['addresses']:
        moved = ', '.join('%s/%s' % (a['address'], a['prefix']) for a in carried['addresses'])
        changes.append('move %s from %s to %s (IPv4 %s, IPv6 %s)'
                       % (moved, holder_name, name, carried['method'], carried['method6']))
    if carried['routes']:
        changes.append('move %d route(s) from %s to %s' % (len(carried['routes']), holder_name, name))
    changes.extend(_mtu_changes(by_name, mtu_members))
    order = [name] + ([port] if vlan is not None else []) + members
    return BridgePlan(bridge=name, port=port, device=device, new_vlan=vlan if port not in by_name else None,
                      mac=source.get('mac'), mtu=wanted_mtu, stp=wanted['stp'], forward_delay=wanted['forward_delay'],
                      mtu_members=mtu_members, mtu_order=[m for m in order if m in mtu_members],
                      touches_management=management.get('interface') in (device, port),
                      changes=changes, already_bridged=False, **carried)


def _mtu_changes(by_name, mtu_members):
    return ['mtu %s on %s (was %s)' % (value, member, by_name[member].get('mtu'))
            for member, value in sorted(mtu_members.items())
            if member in by_name and by_name[member].get('mtu') != value]


def _plan_existing_bridge(facts, by_name, bridge, wanted, management, port=None):
    """The bridge exists: only its STP, forward delay and MTU can still differ. Its addresses and routes
    stay where they are, and are what the persisted files describe."""
    changes = []
    if bool(bridge.get('stp')) != wanted['stp']:
        changes.append('stp %s on %s' % ('on' if wanted['stp'] else 'off', bridge['name']))
    delay = wanted['forward_delay']
    if delay is not None and bridge.get('forward_delay') != delay:
        changes.append('forward delay %s s on %s (was %s)' % (delay, bridge['name'], bridge.get('forward_delay')))
    wanted_mtu = wanted['mtu'] if wanted['mtu'] is not None else bridge.get('mtu')
    # VM taps follow libvirt's settings; the uplink ports (NIC, bond, VLAN - or a veth in a lab) are ours.
    ports = [p for p in bridge.get('ports') or [] if by_name.get(p, {}).get('kind') not in ('tap', 'macvtap')]
    members = [bridge['name']]
    for name in ports:
        members.extend(_members_for_mtu(by_name, name))
    mtu_members = dict((m, wanted_mtu) for m in members if m in by_name)
    changes.extend(_mtu_changes(by_name, mtu_members))
    return BridgePlan(bridge=bridge['name'], port=port or (ports[0] if ports else None), device=bridge['name'],
                      new_vlan=None, mac=bridge.get('mac'), mtu=wanted_mtu, stp=wanted['stp'], forward_delay=delay,
                      mtu_members=mtu_members, mtu_order=[m for m in members if m in mtu_members],
                      touches_management=bool(changes) and management.get('interface') == bridge['name'],
                      changes=changes, already_bridged=True, **carried_config(facts, bridge['name'], bridge))
