# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Count the free IPv4 addresses of a subnet without enumerating it - the one count the attachment policy
(policy.provisioner_model) and the address report (maas_ip_usage_info) share.

free = usable addresses (network and broadcast excluded, except on /31 and /32)
       minus the union of: gateway, DNS servers, dynamic and reserved ranges, allocated addresses.

Subnets and ranges are netaddr objects (their ``first``/``last`` bounds do the arithmetic); the
possibly million allocated addresses are turned into integers with ``socket.inet_pton``, which is
strict and several times faster than building a netaddr object for each.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import array
import bisect
import functools
import socket
import struct
import sys

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import family, netaddr

_UNPACK = struct.Struct('!I').unpack
_pton_v4 = functools.partial(socket.inet_pton, socket.AF_INET)
# Unsigned int: 4 bytes on every platform CPython runs on.
_UINT32 = 'I'


def ipv4_to_int(text):
    """Integer of a dotted-quad IPv4 address; ValueError for anything else."""
    try:
        return _UNPACK(socket.inet_pton(socket.AF_INET, text))[0]
    except (OSError, TypeError):
        raise ValueError('%r is not an IPv4 address' % (text,))


def ipv4_array(texts):
    """Many dotted-quad addresses as a compact ``array('I')`` of integers (4 bytes each, no Python
    object per address). ValueError(position, text) names the first bad one."""
    texts = list(texts)
    try:
        packed = b''.join(map(_pton_v4, texts))
    except (OSError, TypeError):
        for position, text in enumerate(texts):
            try:
                ipv4_to_int(text)
            except ValueError:
                raise ValueError(position, text)
        raise
    values = array.array(_UINT32)
    values.frombytes(packed)
    if sys.byteorder == 'little':
        values.byteswap()
    return values


def usable_bounds(network):
    """(first, last) usable host address of an IPv4 netaddr.IPNetwork."""
    if network.prefixlen >= 31:  # RFC 3021 point-to-point /31, and host routes
        return network.first, network.last
    return network.first + 1, network.last - 1


def merge_intervals(intervals):
    """Sorted, non-overlapping, non-adjacent union of inclusive (start, end) integer intervals."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + 1:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return merged


def count_free(network, ranges, points):
    """Free addresses of ``network`` (netaddr.IPNetwork, IPv4).

    ``ranges``: inclusive (start, end) integer pairs (dynamic/reserved ranges); ``points``: iterable of
    integer addresses taken one by one (gateway, DNS servers, allocated IPs). Either may reach outside
    the subnet; only the part inside counts.
    """
    low, high = usable_bounds(network)
    if high < low:
        return 0
    clamped = [(max(s, low), min(e, high)) for s, e in ranges if e >= low and s <= high and s <= e]
    merged = merge_intervals(clamped)
    taken = sum(e - s + 1 for s, e in merged)
    starts = [s for s, dummy in merged]
    outside = 0
    for point in set(p for p in points if low <= p <= high):
        index = bisect.bisect_right(starts, point) - 1
        if index < 0 or point > merged[index][1]:
            outside += 1
    return (high - low + 1) - taken - outside


def taken_points(gateway, dns_servers, allocated):
    """The addresses of an IPv4 subnet taken one by one - its gateway, its IPv4 DNS servers (MAAS gives them to
    every host, so they are not free) and the allocated ones - as integers, in one pass over the (possibly
    million) allocated addresses. ValueError((field, position, text)) names the first that is not an IPv4
    address."""
    head = [('gateway_ip', 0, str(gateway))] if gateway else []
    head += [('dns_servers', i, str(d)) for i, d in enumerate(dns_servers or []) if family(d) == 4]
    allocated = allocated if isinstance(allocated, list) else list(allocated or [])
    try:
        return ipv4_array([text for dummy, dummy2, text in head] + allocated)
    except ValueError as exc:
        position, text = exc.args
        if position < len(head):
            raise ValueError(head[position][0], head[position][1], text)
        raise ValueError('allocated_ips', position - len(head), text)


def free_ipv4(network, ranges, gateway, dns_servers, allocated):
    """Free addresses of ``network`` (a netaddr.IPNetwork; None when it is IPv6): ``ranges`` are (start, end)
    integer bounds of its dynamic and reserved ranges, the rest as taken_points takes them."""
    if network.version != 4:
        return None
    return count_free(network, ranges, taken_points(gateway, dns_servers, allocated))


def range_bounds(start, end):
    """Inclusive integer bounds of an address range, via netaddr.IPRange (validates order and family)."""
    rng = netaddr.IPRange(start, end)
    return rng.first, rng.last
