# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built-in up step of a routed NIC, as Ganeti's routed mode does it: a host route for each of the
NIC's addresses to its tap in the NIC's routing table, an ``ip rule`` that sends what comes in on the tap to
that table and one per address that sends what goes to it there too, proxy ARP / proxy NDP and forwarding on
the tap, and strict reverse-path filtering (``rp_filter=1``) so that the VM cannot send from an address it
was not given. The per-address rule is what lets the strict filter pass the VM's own traffic: the kernel
checks a source address by routing back to it from the host, which reaches the NIC's table only through
that rule. The addresses and the table were checked first (nic_hooks.routed_claims).

Each step carries its own undo. The runner records the undo of the steps that changed something, so the
down step removes exactly what up added: a route that was already there, a rule that already existed or a
sysctl already set is left alone. Pure: the caller gathers the rules (decoded ``ip -j rule show``) and the
sysctl values, and runs the steps.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import family

# ``do``/``undo``: an ip(8) argv, or ('sysctl', path below /proc/sys, value). ``exists_ok``: ``do`` failing
# with "File exists" means the thing was already there, and is not ours to undo.
RoutedStep = namedtuple('RoutedStep', 'what do undo exists_ok')


def families(ips):
    """IP families of a NIC's addresses: ``4``, ``6`` or both, in that order."""
    found = set(str(family(ip)) for ip in ips)
    return [f for f in ('4', '6') if f in found]


def sysctl_keys(tap, version):
    """The /proc/sys keys a routed tap gets set to 1 for IP ``version`` (``4``, ``6``). IPv6 has no rp_filter."""
    if version == '4':
        return ['net/ipv4/conf/%s/proxy_arp' % tap, 'net/ipv4/conf/%s/forwarding' % tap,
                'net/ipv4/conf/%s/rp_filter' % tap]
    return ['net/ipv6/conf/%s/proxy_ndp' % tap, 'net/ipv6/conf/%s/forwarding' % tap]


def _has_rule(rules, table, iif=None, dst=None):
    """The rule ``iif TAP table T`` or ``to ADDRESS table T`` (exactly that selector) is there already."""
    return any(str(rule.get('table')) == table and rule.get('iif') == iif and rule.get('dst') == dst
               and not rule.get('dstlen') and rule.get('src', 'all') == 'all' for rule in rules or [])


def routed_up_steps(env, rules, sysctls):
    """The steps to bring a routed NIC up. ``rules``: {'4': [rule...], '6': [...]} from ``ip -j -<f> rule
    show``; ``sysctls``: {path below /proc/sys: current value} for ``sysctl_keys`` of the tap."""
    tap, table = env['KVMNET_TAP'], env['KVMNET_LINK']
    ips = env.get('KVMNET_IPS', '').split()
    steps = []
    for ip in ips:
        version = str(family(ip))
        dst = '%s/%s' % (ip, 128 if version == '6' else 32)
        where = ['dev', tap, 'table', table]
        steps.append(RoutedStep('route %s to %s (table %s)' % (dst, tap, table),
                                ['ip', '-' + version, 'route', 'add', dst] + where + ['proto', 'static'],
                                ['ip', '-' + version, 'route', 'del', dst] + where, True))
        if not _has_rule(rules.get(version), table, dst=ip):
            steps.append(RoutedStep('IPv%s rule to %s table %s' % (version, dst, table),
                                    ['ip', '-' + version, 'rule', 'add', 'to', dst, 'table', table],
                                    ['ip', '-' + version, 'rule', 'del', 'to', dst, 'table', table], False))
    for version in families(ips):
        if not _has_rule(rules.get(version), table, iif=tap):
            steps.append(RoutedStep('IPv%s rule iif %s table %s' % (version, tap, table),
                                    ['ip', '-' + version, 'rule', 'add', 'iif', tap, 'table', table],
                                    ['ip', '-' + version, 'rule', 'del', 'iif', tap, 'table', table], False))
        for key in sysctl_keys(tap, version):
            old = sysctls.get(key)
            if old is not None and old != '1':
                steps.append(RoutedStep('%s = 1' % key, ('sysctl', key, '1'), ('sysctl', key, old), False))
    return steps
