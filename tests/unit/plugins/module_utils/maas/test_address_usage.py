# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where addresses went: classes with MAAS's names, and exactly the planted leaks reported."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas import address_usage as usage

NOW = datetime.datetime(2026, 11, 22, 12, 0, 0)
OLD, NEW = 'Tue, 27 Nov. 2018 18:06:19', 'Sun, 22 Nov. 2026 08:00:00'


# MAAS's op=ip_addresses names neither a reservation's MAC nor its DNS name: they come from ipaddresses/ rows
# and dnsresources/ (reservation_macs, dns_names), planted here beside the entries.
MACS, NAMES = {}, {}


def entry(ip, alloc_type, created=NEW, user=None, node=None, mac=None, hostname=None):
    record = {'ip': ip, 'alloc_type': alloc_type, 'created': created, 'updated': created}
    if user:
        record['user'] = user
    if node:
        record['node_summary'] = {'system_id': node, 'node_type': 0, 'hostname': 'host-' + node, 'via': 'eth0'}
    if mac:
        MACS[ip] = mac
    if hostname:
        NAMES[ip] = hostname + '.maas'
    return record


def context():
    return {'now': NOW, 'stale_days': 30, 'users': {'admin', 'alice'},
            'nodes': {'live01': {'status_name': 'Deployed'},
                      'idle01': {'status_name': 'Ready', 'released': NOW - datetime.timedelta(days=90)},
                      'fresh01': {'status_name': 'Ready', 'released': NOW - datetime.timedelta(days=2)}},
            'ranges': [{'type': 'dynamic', 'start_ip': '198.51.100.100', 'end_ip': '198.51.100.199'},
                       {'type': 'reserved', 'start_ip': '198.51.100.200', 'end_ip': '198.51.100.210'}],
            'macs': MACS, 'dns_names': NAMES}


def test_maas_times_read_as_iso():
    assert usage.parse_maas_time(OLD) == datetime.datetime(2018, 11, 27, 18, 6, 19)
    assert usage.parse_maas_time('Fri, 1 May 2026 01:02:03') == datetime.datetime(2026, 5, 1, 1, 2, 3)
    assert usage.parse_maas_time('2026-11-22T08:00:00.123') == datetime.datetime(2026, 11, 22, 8, 0, 0)
    assert usage.parse_maas_time('yesterday') is None


def test_exactly_the_planted_leaks_are_reported():
    entries = [
        # healthy: a deployed machine's sticky address, a fresh floating one, a named old floating one,
        # a nic reservation of a live user, a machine released two days ago, DHCP inside the dynamic range
        entry('198.51.100.10', 1, node='live01'),
        entry('198.51.100.11', 4, user='alice'),
        entry('198.51.100.12', 4, created=OLD, user='alice', hostname='vip-web'),
        entry('198.51.100.13', 4, user='admin', mac='52:54:00:00:00:13'),
        entry('198.51.100.14', 1, node='fresh01'),
        entry('198.51.100.150', 5, node='live01'),
        # planted
        entry('198.51.100.20', 4, created=OLD, user='alice'),                       # stale floating
        entry('198.51.100.21', 4, user='bob', mac='52:54:00:00:00:21'),             # owner gone
        entry('198.51.100.22', 1, node='gone01'),                                   # node gone
        entry('198.51.100.120', 4, user='admin', mac='52:54:00:00:01:20'),          # static in dynamic
        entry('198.51.100.23', 1, node='idle01'),                                   # stale sticky
    ]
    records, totals, findings = usage.subnet_usage('198.51.100.0/24', entries, context())
    assert sorted((f['ip'], f['kind']) for f in findings) == [
        ('198.51.100.120', 'static-in-dynamic'), ('198.51.100.20', 'stale-floating'),
        ('198.51.100.21', 'owner-gone'), ('198.51.100.22', 'node-gone'), ('198.51.100.23', 'stale-sticky')]
    assert totals == {'sticky': 4, 'floating': 3, 'nic': 3, 'dhcp': 1}
    by_ip = dict((r['ip'], r) for r in records)
    assert by_ip['198.51.100.13']['class'] == 'nic' and by_ip['198.51.100.13']['alloc_type_name'] == 'USER_RESERVED'
    assert by_ip['198.51.100.13']['mac'] == '52:54:00:00:00:13' and by_ip['198.51.100.12']['dns_name'] == 'vip-web.maas'
    assert by_ip['198.51.100.10']['node'] == {'system_id': 'live01', 'hostname': 'host-live01', 'node_type': 0,
                                              'interface': 'eth0'}
    assert by_ip['198.51.100.20']['created'] == '2018-11-27T18:06:19'
    assert [f['sentence'] for f in findings if f['kind'] == 'owner-gone'] == [
        'nic address 198.51.100.21 is reserved by bob, who is no longer a MAAS user']


def test_the_captured_answer_reads(fixture_json):
    entries = fixture_json('maas/maas-api-examples-subnets.json')['subnets-ip-addresses']
    ctx = dict(context(), users={'user2', 'admin'}, ranges=[],
               nodes=dict((e['node_summary']['system_id'], {'status_name': 'Deployed'}) for e in entries))
    records, totals, findings = usage.subnet_usage('172.16.2.0/24', entries, ctx)
    assert totals == {'sticky': len(entries)} and findings == []
    assert records[0]['alloc_type_name'] == 'STICKY' and records[0]['created'] == '2018-11-27T18:06:19'


def test_macs_and_names_come_from_the_rows_and_resources_maas_gives(fixture_json):
    row = fixture_json('maas/maas-api-examples-ipaddresses.json')['ipaddresses-read'][0]
    assert usage.reservation_macs([row]) == {}                              # the capture is bound to no MAC
    row['interface_set'] = [{'mac_address': '52:54:00:AB:00:01', 'type': 'unknown'}]
    assert usage.reservation_macs([row]) == {'172.16.1.234': '52:54:00:ab:00:01'}
    resources = fixture_json('maas/maas-api-examples-dnsresources.json')['dnsresources-read']
    assert usage.dns_names(resources) == {}                                # its ip_addresses is null
    resources[0]['ip_addresses'] = [row]
    assert usage.dns_names(resources) == {'172.16.1.234': 'divine-buck.ubnt'}
