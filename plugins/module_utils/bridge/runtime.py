# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The runtime side of a BridgePlan as ``ip -batch`` lines: apply it, and undo it.

Both are computed before anything changes, from the plan and the host's picture as it is, so the
rollback restores exactly what was there (addresses with their remaining lifetimes, routes, MTUs).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _lifetime(address):
    valid = address.get('valid_lifetime')
    return ' valid_lft %d preferred_lft %d' % (valid, valid) if valid else ''


def _addr_add(address, dev):
    return 'addr add %s/%s dev %s%s' % (address['address'], address['prefix'], dev, _lifetime(address))


def _route_line(route, dev, verb='replace'):
    # ip -batch takes no per-line options such as -6: the family follows from the addresses, and an
    # IPv6 default route is written ::/0.
    dst = '::/0' if route['family'] == 'ipv6' and route['dst'] == 'default' else route['dst']
    parts = ['route', verb, dst]
    if route.get('gateway'):
        parts += ['via', route['gateway']]
    parts += ['dev', dev]
    if route.get('metric') is not None:
        parts += ['metric', str(route['metric'])]
    if route.get('prefsrc'):
        parts += ['src', route['prefsrc']]
    return ' '.join(parts)


def _movable_routes(plan):
    """Routes the kernel does not bring back by itself when an address is added (not 'proto kernel')."""
    return [r for r in plan.routes if r.get('protocol') != 'kernel' and r.get('dst')]


def _mtu_sequence(plan, by_name, raising):
    """Devices in the order their MTU can change: a VLAN or bond never carries more than what is under
    it, so a raise goes bottom-up (slaves, bond, VLAN, bridge) and a lowering top-down."""
    current = by_name.get(plan.port, {}).get('mtu') or plan.mtu
    up = plan.mtu >= current
    top_down = list(plan.mtu_order or plan.mtu_members)
    bottom_up = list(reversed(top_down))
    if raising:
        return bottom_up if up else top_down
    return top_down if up else bottom_up


def apply_lines(plan, by_name):
    """``ip -batch`` lines that build the bridge and move the addresses and routes onto it."""
    lines = []
    holder = plan.port
    if not plan.already_bridged:
        lines.append('link add name %s type bridge stp_state %d forward_delay %d'
                     % (plan.bridge, 1 if plan.stp else 0, plan.forward_delay * 100))
        if plan.mac:
            lines.append('link set dev %s address %s' % (plan.bridge, plan.mac))
        if plan.new_vlan:
            lines.append('link add link %s name %s type vlan id %d' % (plan.device, plan.port, plan.new_vlan))
    else:
        lines.append('link set dev %s type bridge stp_state %d forward_delay %d'
                     % (plan.bridge, 1 if plan.stp else 0, plan.forward_delay * 100))
    for member in _mtu_sequence(plan, by_name, raising=True):
        if by_name.get(member, {}).get('mtu') != plan.mtu_members[member] or member not in by_name:
            lines.append('link set dev %s mtu %d' % (member, plan.mtu_members[member]))
    if plan.already_bridged:
        return lines
    lines.append('link set dev %s master %s' % (plan.port, plan.bridge))
    lines.append('link set dev %s up' % plan.port)
    lines.append('link set dev %s up' % plan.bridge)
    for address in plan.addresses:
        lines.append('addr del %s/%s dev %s' % (address['address'], address['prefix'], holder))
    for address in plan.addresses:
        lines.append(_addr_add(address, plan.bridge))
    for route in _movable_routes(plan):
        lines.append(_route_line(route, plan.bridge))
    return lines


def rollback_lines(plan, by_name):
    """``ip -batch`` lines that put the host back as it was before ``apply_lines``."""
    lines = []
    if plan.already_bridged:
        bridge = by_name[plan.bridge]
        lines.append('link set dev %s type bridge stp_state %d forward_delay %d'
                     % (plan.bridge, 1 if bridge.get('stp') else 0, int((bridge.get('forward_delay') or 0) * 100)))
    else:
        for address in plan.addresses:
            lines.append('addr del %s/%s dev %s' % (address['address'], address['prefix'], plan.bridge))
        lines.append('link set dev %s nomaster' % plan.port)
        lines.append('link del dev %s' % plan.bridge)
        if plan.new_vlan:
            lines.append('link del dev %s' % plan.port)
    for member in _mtu_sequence(plan, by_name, raising=False):
        if member in by_name and by_name[member].get('mtu') != plan.mtu_members[member]:
            lines.append('link set dev %s mtu %d' % (member, by_name[member]['mtu']))
    if not plan.already_bridged:
        for address in plan.addresses:
            lines.append(_addr_add(address, plan.port))
        for route in _movable_routes(plan):
            lines.append(_route_line(route, plan.port))
    return lines
