# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a routed NIC may claim: the addresses the host routes to its tap, and the routing table they go in.

One home for the rules. kvm_vm_compose applies the static ones when it defines the NIC; the NIC hook applies
all of them, as root, before it routes anything - the domain's XML is written by whoever may define a domain
or edit its metadata, so the hook trusts none of it:

- an address is a unicast address of global scope, written in full (no prefix, no ``10`` for 0.0.0.10): never
  unspecified, loopback, link-local, multicast, broadcast or otherwise reserved;
- a table is a number 1 to 2^32-1 and never 0, 253, 254 or 255 (the kernel's unspec, default, main and local
  tables: a claim there would change how the host itself routes);
- on the host, besides: every address inside one of the allowed prefixes, the table one of the allowed tables
  (both allow-lists empty by default: nothing is routed until the host's administrator says where), at most
  ``max_ips`` addresses per NIC, never an address a host interface holds, never one another domain claims.

Pure: the caller gathers the host's addresses and the other domains' claims.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

netaddr, NETADDR_IMPORT_ERROR = optional_import('netaddr')

MAX_TABLE = 2 ** 32 - 1
RESERVED_TABLES = {0: 'unspec', 253: 'default', 254: 'main', 255: 'local'}
# Ranges that are not global unicast, with the word a refusal uses.
NOT_GLOBAL_UNICAST = (
    ('0.0.0.0/8', 'a "this network" address (0.0.0.0/8)'),
    ('127.0.0.0/8', 'a loopback address'),
    ('169.254.0.0/16', 'a link-local address'),
    ('224.0.0.0/4', 'a multicast address'),
    ('240.0.0.0/4', 'a reserved or broadcast address (240.0.0.0/4)'),
    ('::/128', 'the unspecified address'),
    ('::1/128', 'the loopback address'),
    ('::ffff:0:0/96', 'an IPv4-mapped address'),
    ('fe80::/10', 'a link-local address'),
    ('fec0::/10', 'a site-local address (deprecated)'),
    ('ff00::/8', 'a multicast address'),
)
# The characters an address may be written with; anything else (a newline, "$(...)", "*") is refused outright.
ADDRESS_TEXT_RE = re.compile(r'[0-9A-Fa-f:.]{2,45}\Z')
TABLE_TEXT_RE = re.compile(r'[0-9]{1,10}\Z')

# ``prefixes``: netaddr networks; ``tables``: ints; ``max_ips``: addresses per NIC.
RoutedPolicy = namedtuple('RoutedPolicy', 'prefixes tables max_ips')


class ClaimRefused(ValueError):
    """The claim breaks a rule; the message says which, in words an operator can act on."""


def routed_address(text):
    """(version, canonical text) of an address a routed NIC may claim anywhere; raises ClaimRefused."""
    if not isinstance(text, str) or not ADDRESS_TEXT_RE.match(text):
        raise ClaimRefused('%r is not an IPv4 or IPv6 address' % (text,))
    try:
        address = netaddr.IPAddress(text, flags=netaddr.INET_PTON)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ClaimRefused('%r is not an IPv4 or IPv6 address written in full' % (text,))
    for network, words in NOT_GLOBAL_UNICAST:
        network = netaddr.IPNetwork(network)
        if network.version == address.version and address in network:
            raise ClaimRefused('%s is %s; a routed NIC takes unicast addresses of global scope only' % (address, words))
    return address.version, str(address)


def routed_table(value):
    """The routing table number of a claim; raises ClaimRefused."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or (
            isinstance(value, str) and not TABLE_TEXT_RE.match(value)):
        raise ClaimRefused('table %r is not a routing table number' % (value,))
    table = int(value)
    if table in RESERVED_TABLES:
        raise ClaimRefused('table %d is the kernel\'s %s table; a routed NIC needs a table of its own (1-%d, not '
                           '0 or 253-255)' % (table, RESERVED_TABLES[table], MAX_TABLE))
    if not 1 <= table <= MAX_TABLE:
        raise ClaimRefused('table %d is out of range (1-%d)' % (table, MAX_TABLE))
    return table


def routed_addresses(ips):
    """The canonical texts of a NIC's addresses, each checked, none twice; raises ClaimRefused."""
    if not isinstance(ips, (list, tuple)) or not ips:
        raise ClaimRefused('a routed NIC needs at least one address')
    canonical = [routed_address(ip)[1] for ip in ips]
    twice = sorted(set(ip for ip in canonical if canonical.count(ip) > 1))
    if twice:
        raise ClaimRefused('%s is listed twice' % ', '.join(twice))
    return tuple(canonical)


def policy_from(prefixes, tables, max_ips):
    """RoutedPolicy from the hook's settings; raises ClaimRefused when they are not valid (the hook then
    refuses every routed NIC: it fails closed)."""
    networks = []
    for prefix in prefixes or []:
        try:
            networks.append(netaddr.IPNetwork(str(prefix)).cidr)
        except (netaddr.AddrFormatError, ValueError, TypeError):
            raise ClaimRefused('the hook settings are invalid: routed prefix %r is not a network' % (prefix,))
    try:
        allowed = set(routed_table(table) for table in tables or [])
    except ClaimRefused as exc:
        raise ClaimRefused('the hook settings are invalid: routed tables: %s' % exc)
    if isinstance(max_ips, bool) or not isinstance(max_ips, int) or max_ips < 1:
        raise ClaimRefused('the hook settings are invalid: routed_max_ips must be a positive number, got %r'
                           % (max_ips,))
    return RoutedPolicy(tuple(networks), frozenset(allowed), max_ips)


def check_claim(ips, table, policy, host_addresses=(), claimed=None):
    """(canonical addresses, table) when a NIC may claim them on this host; raises ClaimRefused.

    ``host_addresses``: canonical addresses the host's interfaces hold; ``claimed``: {address: who} of what
    other domains' NICs hold on this host.
    """
    if table is None:
        raise ClaimRefused('a routed NIC needs a routing table of its own, given as a number (the hook never routes '
                           'in main)')
    table = routed_table(table)
    if table not in policy.tables:
        raise ClaimRefused('table %d is not in the allowed routed tables (%s)'
                           % (table, ', '.join(str(t) for t in sorted(policy.tables)) or 'none allowed'))
    canonical = routed_addresses(ips)
    if len(canonical) > policy.max_ips:
        raise ClaimRefused('%d addresses; at most %d are allowed per NIC' % (len(canonical), policy.max_ips))
    held, claimed = set(host_addresses or ()), claimed or {}
    for address in canonical:
        if not any(netaddr.IPAddress(address) in network for network in policy.prefixes):
            raise ClaimRefused('%s is outside the allowed routed prefixes (%s)'
                               % (address, ', '.join(str(p) for p in policy.prefixes) or 'none allowed'))
        if address in held:
            raise ClaimRefused('%s is held by an interface of this host' % address)
        if address in claimed:
            raise ClaimRefused('%s is claimed by %s' % (address, claimed[address]))
    return canonical, table
