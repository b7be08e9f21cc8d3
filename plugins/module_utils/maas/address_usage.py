# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a subnet's addresses went, and which look leaked - the overview MAAS's design thread on
static addresses asks for, from MAAS's ``op=ip_addresses`` answers.

The classes of managed static addresses: ``sticky`` (STICKY, 1: a node's NIC, tied to its MAC),
``nic`` (USER_RESERVED, 4, with a MAC: handed out by DHCP to that MAC; a DHCP reservation from MAAS 3.6)
and ``floating`` (USER_RESERVED without a MAC: owned by a user, tied to no hardware, never in DHCP).
The others are ``auto`` (AUTO, 0), ``dhcp`` (DHCP, 5) and ``discovered`` (DISCOVERED, 6).

Findings, each with the address, a kind and a sentence: floating addresses older than ``stale_days``
with no DNS name; reservations whose owner no longer exists; addresses held by interfaces of nodes
that no longer exist; static addresses inside a dynamic range; sticky addresses of machines that have
sat released (Ready) for longer than ``stale_days``. Pure: answers in, records out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress
import re

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ip_math import netaddr
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas import alloc
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.ipv4_free_space import free_ipv4, range_bounds
_MONTHS = dict((name, number) for number, name in enumerate(
    ('jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'), 1))


def parse_maas_time(text):
    """``Tue, 27 Nov. 2018 18:06:19`` (op=ip_addresses) or an ISO 8601 time -> datetime (UTC), or None."""
    if not text:
        return None
    match = re.match(r'\w+, (\d{1,2}) (\w+)\.? (\d{4}) (\d{1,2}):(\d{2}):(\d{2})\Z', str(text).strip())
    if match and match.group(2)[:3].lower() in _MONTHS:
        day, month, year, hour, minute, second = match.groups()
        return datetime.datetime(int(year), _MONTHS[month[:3].lower()], int(day), int(hour), int(minute), int(second))
    try:
        return datetime.datetime.strptime(str(text)[:19], '%Y-%m-%dT%H:%M:%S')
    except ValueError:
        return None


def address_class(entry, mac=None):
    """The class of one ``op=ip_addresses`` entry (maas.alloc); ``mac``: the MAC its reservation is bound to."""
    return alloc.address_class(entry.get('alloc_type'), bool(mac))


def reservation_macs(rows):
    """{address: MAC} of the user reservations bound to a MAC, from ``ipaddresses/`` rows (their interface_set):
    op=ip_addresses names no MAC."""
    found = {}
    for row in rows or []:
        macs = [i.get('mac_address') for i in row.get('interface_set') or [] if i.get('mac_address')]
        if row.get('ip') and macs:
            found[row['ip']] = str(macs[0]).lower()
    return found


def dns_names(resources):
    """{address: fqdn} from ``dnsresources/``: a hostname given to a reservation is a DNS resource in MAAS."""
    return dict((row['ip'], resource.get('fqdn')) for resource in resources or []
                for row in resource.get('ip_addresses') or [] if isinstance(row, dict) and row.get('ip'))


def usage_record(entry, subnet_cidr, context=None):
    """One address: class with MAAS's name, owner, node, MAC, DNS name, times as ISO 8601. ``context``: ``macs``
    and ``dns_names`` by address (reservation_macs, dns_names)."""
    context = context or {}
    node = entry.get('node_summary') or {}
    mac = (context.get('macs') or {}).get(entry.get('ip'))
    created, updated = parse_maas_time(entry.get('created')), parse_maas_time(entry.get('updated'))
    return {'ip': entry.get('ip'), 'subnet': subnet_cidr, 'class': address_class(entry, mac),
            'alloc_type': entry.get('alloc_type'), 'alloc_type_name': alloc.MAAS_NAMES.get(entry.get('alloc_type')),
            'owner': entry.get('user'), 'mac': mac,
            'node': {'system_id': node.get('system_id'), 'hostname': node.get('hostname'),
                     'node_type': node.get('node_type'), 'interface': node.get('via')} if node else None,
            'dns_name': (context.get('dns_names') or {}).get(entry.get('ip')),
            'created': created.isoformat() if created else None, 'updated': updated.isoformat() if updated else None}


def _in_dynamic(ip, ranges):
    address = ipaddress.ip_address(ip)
    return any(r.get('type') == 'dynamic' and ipaddress.ip_address(r['start_ip']) <= address <=
               ipaddress.ip_address(r['end_ip']) for r in ranges)


def findings_for(record, context):
    """The findings of one address record. ``context``: now, stale_days, users (names), nodes
    (system_id -> {status_name, released: datetime}), ranges of its subnet."""
    found, ip, cls = [], record['ip'], record['class']
    age = (context['now'] - parse_maas_time(record['created'])).days if record['created'] else None
    node = record['node'] or {}
    if cls == 'floating' and not record['dns_name'] and age is not None and age > context['stale_days']:
        found.append(('stale-floating', 'floating address %s of %s is %d days old and has no DNS name'
                      % (ip, record['owner'] or 'nobody', age)))
    if cls in ('floating', 'nic') and record['owner'] and record['owner'] not in context['users']:
        found.append(('owner-gone', '%s address %s is reserved by %s, who is no longer a MAAS user'
                      % (cls, ip, record['owner'])))
    if node.get('system_id') and node['system_id'] not in context['nodes']:
        found.append(('node-gone', '%s is held by %s of node %s (%s), which no longer exists'
                      % (ip, node.get('interface'), node.get('hostname'), node['system_id'])))
    if cls in alloc.STATIC_CLASSES and _in_dynamic(ip, context['ranges']):
        found.append(('static-in-dynamic', '%s address %s lies in a dynamic range, where DHCP may hand it out too'
                      % (cls, ip)))
    machine = context['nodes'].get(node.get('system_id')) or {}
    # MAAS keeps no release time on the machine: the sticky address's last change stands for it
    released = machine.get('released') or parse_maas_time(record['updated'])
    if cls == 'sticky' and machine.get('status_name') == 'Ready' and released is not None and \
            (context['now'] - released).days > context['stale_days']:
        found.append(('stale-sticky', 'sticky address %s of %s stays with a machine released %d days ago'
                      % (ip, node.get('hostname'), (context['now'] - released).days)))
    return [{'ip': ip, 'kind': kind, 'sentence': sentence} for kind, sentence in found]


def subnet_usage(cidr, entries, context):
    """(records, totals per class, findings) of one subnet's ``op=ip_addresses`` answer."""
    records = [usage_record(e, cidr, context) for e in entries if isinstance(e, dict) and e.get('ip')]
    totals = {}
    for record in records:
        totals[record['class']] = totals.get(record['class'], 0) + 1
    findings = [f for record in records for f in findings_for(record, context)]
    return records, totals, findings


def subnet_free(subnet, ranges, entries):
    """Free IPv4 addresses of a MAAS subnet (None for IPv6): the count the attachment policy uses too
    (policy.ipv4_free_space), its gateway and DNS servers taken like its allocated addresses."""
    network = netaddr.IPNetwork(subnet['cidr'])
    bounds = [range_bounds(r['start_ip'], r['end_ip']) for r in ranges]
    return free_ipv4(network, bounds, subnet.get('gateway_ip'), subnet.get('dns_servers'), [e['ip'] for e in entries])


def usage_report(subnets, ranges, entries_of, context):
    """maas_ip_usage_info's result: every address with its class, the totals, the free count and the findings of
    each subnet. ``ranges``: {subnet id: [iprange]}; ``entries_of(subnet)``: its ``op=ip_addresses`` entries."""
    report = {'addresses': [], 'totals': {}, 'free': {}, 'findings': []}
    for subnet in subnets:
        entries = entries_of(subnet)
        context = dict(context, ranges=ranges.get(subnet['id'], []))
        records, totals, findings = subnet_usage(subnet['cidr'], entries, context)
        report['addresses'] += records
        report['totals'][subnet['cidr']] = totals
        report['findings'] += findings
        free = subnet_free(subnet, context['ranges'], entries)
        if free is not None:
            report['free'][subnet['cidr']] = free
    return report
