# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turn ``ip -j -d addr show`` (or ``ip -j -d link show``) output into interface records.

Pure functions: no Ansible, no libvirt, no subprocess. The input is the decoded JSON list.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# info_kind values that map one to one onto our ``kind`` vocabulary.
_KIND_BY_INFO_KIND = {
    'bridge': 'bridge',
    'bond': 'bond',
    'vlan': 'vlan',
    'macvlan': 'macvlan',
    'macvtap': 'macvtap',
    'veth': 'veth',
    'dummy': 'dummy',
}

# Kinds whose ``link`` attribute names the device they sit on (for veth it names the peer).
_KINDS_WITH_PARENT = ('vlan', 'macvlan', 'macvtap', 'ipvlan', 'ipvtap')

_FAMILY = {'inet': 'ipv4', 'inet6': 'ipv6'}

# Kernel value for "this address never expires".
_FOREVER = 4294967295


def link_kind(link):
    """Classify one iproute2 link record into our ``kind`` vocabulary."""
    info = link.get('linkinfo') or {}
    info_kind = info.get('info_kind')
    if link.get('link_type') == 'loopback':
        return 'loopback'
    if info_kind in _KIND_BY_INFO_KIND:
        return _KIND_BY_INFO_KIND[info_kind]
    if info_kind == 'tun':
        tun_type = (info.get('info_data') or {}).get('type', 'tap')
        return 'tap' if tun_type == 'tap' else 'other'
    if info_kind is None and link.get('link_type') == 'ether':
        # Real NICs (and wireless) carry no linkinfo kind; taps do carry "tun".
        return 'physical'
    return 'other'


def _forward_delay_seconds(centiseconds):
    if centiseconds is None:
        return None
    seconds = centiseconds / 100.0
    return int(seconds) if seconds == int(seconds) else seconds


def _address_record(addr):
    family = _FAMILY.get(addr.get('family'), addr.get('family'))
    valid = addr.get('valid_life_time')
    # iproute2 prints ``dynamic`` for every address the kernel does not hold as permanent: one with
    # a finite lifetime, as a DHCP client or SLAAC installs it.
    dynamic = bool(addr.get('dynamic'))
    return {
        'address': addr.get('local'),
        'prefix': addr.get('prefixlen'),
        'family': family,
        'scope': addr.get('scope'),
        'dynamic': dynamic,
        'valid_lifetime': None if valid in (None, _FOREVER) else valid,
    }


def parse_link(link):
    """One interface record (without ``ports``, which needs the whole list)."""
    kind = link_kind(link)
    info = link.get('linkinfo') or {}
    data = info.get('info_data') or {}
    flags = link.get('flags') or []
    link_type = link.get('link_type')
    record = {
        'name': link.get('ifname'),
        'ifindex': link.get('ifindex'),
        'kind': kind,
        'info_kind': info.get('info_kind'),
        'link_type': link_type,
        'mac': link.get('address') if link_type in ('ether', 'loopback') else None,
        'permanent_mac': link.get('permaddr') or (info.get('info_slave_data') or {}).get('perm_hwaddr'),
        'mtu': link.get('mtu'),
        'state': (link.get('operstate') or 'unknown').lower(),
        'admin_up': 'UP' in flags,
        'carrier': 'LOWER_UP' in flags,
        'master': link.get('master'),
        'port_kind': info.get('info_slave_kind'),
        'ports': [],
        'vlan_id': data.get('id') if kind == 'vlan' else None,
        'vlan_protocol': data.get('protocol') if kind == 'vlan' else None,
        'parent': link.get('link') if kind in _KINDS_WITH_PARENT else None,
        'peer': link.get('link') if kind == 'veth' else None,
        'mode': data.get('mode') if kind in ('bond', 'macvlan', 'macvtap') else None,
        'stp': bool(data.get('stp_state')) if kind == 'bridge' else None,
        'forward_delay': _forward_delay_seconds(data.get('forward_delay')) if kind == 'bridge' else None,
        'addresses': [_address_record(a) for a in link.get('addr_info') or [] if a.get('local')],
    }
    return record


def parse_links(links):
    """All interface records, with ``ports`` filled in for bridges and bonds, sorted by ifindex.

    ``links`` is the decoded output of ``ip -j -d addr show``. ``ip -j -d link show`` works too (no
    addresses then).
    """
    if not isinstance(links, list):
        raise ValueError('iproute2 JSON must be a list of links, got %s' % type(links).__name__)
    records = [parse_link(link) for link in links if isinstance(link, dict) and link.get('ifname')]
    by_name = dict((r['name'], r) for r in records)
    for record in records:
        master = by_name.get(record['master'])
        if master is not None:
            master['ports'].append(record['name'])
    for record in records:
        record['ports'].sort()
    records.sort(key=lambda r: (r['ifindex'] is None, r['ifindex'], r['name']))
    return records
