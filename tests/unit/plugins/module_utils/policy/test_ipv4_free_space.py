# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one free-IPv4 count: a table of subnets, and the selection and the usage report agreeing on MAAS's
captured subnets - DNS servers inside the subnet taken by both."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import netaddr
import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas import model_reader
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.address_usage import usage_report
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.ipv4_free_space import free_ipv4, range_bounds
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import load_model


@pytest.mark.parametrize('cidr, ranges, gateway, dns, allocated, free', [
    ('198.51.100.0/24', [], None, [], [], 254),
    ('198.51.100.0/24', [], '198.51.100.1', [], [], 253),
    ('198.51.100.0/24', [('198.51.100.100', '198.51.100.199')], '198.51.100.1', [], [], 153),
    ('198.51.100.0/24', [('198.51.100.100', '198.51.100.199')], '198.51.100.1', ['198.51.100.2'], [], 152),
    # a DNS server or an allocated address inside a range, or twice, is counted once
    ('198.51.100.0/24', [('198.51.100.100', '198.51.100.199')], '198.51.100.1',
     ['198.51.100.150', '198.51.100.2'], ['198.51.100.2', '198.51.100.150', '198.51.100.3'], 151),
    # addresses outside the subnet, and IPv6 DNS servers, take nothing
    ('198.51.100.0/24', [], None, ['203.0.113.53', '2001:db8::53'], ['203.0.113.9'], 254),
    ('198.51.100.0/24', [('198.51.100.250', '198.51.101.10')], None, [], [], 249),
    ('198.51.100.0/31', [], None, [], [], 2),
    ('198.51.100.7/32', [], None, [], [], 1),
    ('198.51.100.0/30', [], '198.51.100.1', ['198.51.100.2'], [], 0),
])
def test_free_ipv4(cidr, ranges, gateway, dns, allocated, free):
    bounds = [range_bounds(start, end) for start, end in ranges]
    assert free_ipv4(netaddr.IPNetwork(cidr), bounds, gateway, dns, allocated) == free


def test_ipv6_has_no_count():
    assert free_ipv4(netaddr.IPNetwork('2001:db8::/64'), [], None, [], []) is None


def test_selection_and_report_agree_on_the_captured_subnets(fixture_json):
    def answer(name, key):
        return fixture_json('maas/maas-api-examples-%s.json' % name)[key]
    subnets, ipranges = answer('subnets', 'subnets-read'), answer('ipranges', 'ipranges-read')
    subnets[0]['dns_servers'].append('172.16.1.53')            # a DNS server inside 172.16.1.0/24
    allocated = {1: ['172.16.1.10', '172.16.1.53', '172.16.1.205'], 6: ['192.168.122.40']}
    entries = dict((sid, [{'ip': ip, 'alloc_type': 1, 'created': 'Sun, 22 Nov. 2026 08:00:00'} for ip in ips])
                   for sid, ips in allocated.items())
    report = usage_report(subnets, model_reader.ranges_by_subnet(ipranges), lambda s: entries.get(s['id'], []),
                          {'now': datetime.datetime(2026, 11, 22, 12, 0), 'users': set(), 'nodes': {},
                           'stale_days': 90})
    model = load_model({'vlans': model_reader.vlans_from_fabrics(answer('fabrics', 'fabrics-read')),
                        'subnets': model_reader.subnets_from(subnets, ipranges, allocated)})
    by_cidr = dict((s.cidr, s) for s in model.subnets)
    assert report['free'] == dict((cidr, s.free_ipv4()) for cidr, s in by_cidr.items() if s.is_ipv4)
    # 172.16.1.0/24: 254 - gateway - DNS server - 11 reserved (200-210, one allocated inside) - 10 = 240
    assert report['free']['172.16.1.0/24'] == 240
