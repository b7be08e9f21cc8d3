# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import netaddr
import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.ipv4_free_space import count_free, ipv4_to_int
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import ModelError, load_model


def net(cidr):
    return netaddr.IPNetwork(cidr)


def ints(*addresses):
    return [ipv4_to_int(a) for a in addresses]


def rng(start, end):
    return (ipv4_to_int(start), ipv4_to_int(end))


@pytest.mark.parametrize('cidr, ranges, points, free', [
    ('198.51.100.0/24', [], [], 254),
    ('198.51.100.0/24', [], ints('198.51.100.1'), 253),
    # allocated inside the dynamic range is not counted twice; DNS outside the subnet is ignored
    ('198.51.100.0/24', [rng('198.51.100.100', '198.51.100.199')],
     ints('198.51.100.1', '198.51.100.150', '198.51.100.10', '198.51.100.10', '203.0.113.53'), 152),
    # overlapping and adjacent ranges merge; a range reaching past the subnet is clamped
    ('198.51.100.0/24', [rng('198.51.100.10', '198.51.100.20'), rng('198.51.100.15', '198.51.100.30'),
                         rng('198.51.100.31', '198.51.100.40'), rng('198.51.100.250', '198.51.101.10')], [], 254 - 31 - 5),
    ('203.0.113.0/31', [], [], 2),
    ('203.0.113.7/32', [], [], 1),
    ('203.0.113.0/30', [], ints('203.0.113.0', '203.0.113.3'), 2),  # network/broadcast are not usable anyway
    ('10.0.0.0/8', [rng('10.0.0.1', '10.255.255.254')], ints('10.1.2.3'), 0),
])
def test_count_free(cidr, ranges, points, free):
    assert count_free(net(cidr), ranges, points) == free


BASE = {'vlans': [{'id': 1, 'vid': 10, 'fabric': 'f', 'dhcp_on': True}]}


def model_with(**extra):
    raw = dict(BASE)
    raw.update(extra)
    return raw


def test_free_sum_over_ipv4_subnets_only():
    model = load_model(model_with(subnets=[{'cidr': '198.51.100.0/25', 'vlan': 1, 'gateway_ip': '198.51.100.1'},
                                           {'cidr': '203.0.113.0/28', 'vlan': 1},
                                           {'cidr': '2001:db8::/64', 'vlan': 1,
                                            'allocated_ips': ['2001:db8::5']}]))
    assert model.free_ipv4(1) == 125 + 14


@pytest.mark.parametrize('raw, message', [
    ('nope', 'maas_model must be a dict'),
    ({'vlans': {'id': 1}}, 'maas_model.vlans must be a list'),
    ({'vlans': [{'vid': 1}]}, r'maas_model.vlans\[0\] has no id'),
    ({'vlans': [{'id': 'x'}]}, r'maas_model.vlans\[0\].id must be a whole number'),
    ({'vlans': [{'id': 1}, {'id': 1}]}, 'id 1 appears twice'),
    ({'vlans': [{'id': 1, 'relay_vlan': 9}]}, 'relays to VLAN 9, which is not in'),
    (model_with(subnets=[{'cidr': '198.51.100.0/33', 'vlan': 1}]), 'is not a CIDR'),
    (model_with(subnets=[{'cidr': '198.51.100.0/24', 'vlan': 7}]), 'names vlan 7, which is not in'),
    (model_with(subnets=[{'cidr': '198.51.100.0/24'}]), 'has no vlan'),
    (model_with(subnets=[{'cidr': '198.51.100.0/24', 'vlan': 1, 'gateway_ip': 'gw'}]), 'gateway_ip'),
    (model_with(subnets=[{'cidr': '198.51.100.0/24', 'vlan': 1,
                          'ranges': [{'type': 'dynamic', 'start_ip': '198.51.100.9', 'end_ip': '198.51.100.2'}]}]),
     'is not a valid address range'),
    (model_with(subnets=[{'cidr': '198.51.100.0/24', 'vlan': 1, 'ranges': [{'type': 'odd'}]}]),
     'must be dynamic or reserved'),
    (model_with(subnets=[{'cidr': '198.51.100.0/24', 'vlan': 1, 'allocated_ips': ['198.51.100.5', '1.2.3']}]),
     r"allocated_ips\[1\]: '1.2.3' is not an IPv4 address"),
    (model_with(host_interfaces=[{'vlan': 1}]), r'host_interfaces\[0\] has no name'),
    (model_with(host_interfaces=[{'name': 'br0', 'vlan': 3}]), 'names vlan 3'),
])
def test_model_errors(raw, message):
    with pytest.raises(ModelError, match=message):
        load_model(raw)


def test_host_known_default():
    assert load_model({}).host_known is False
    assert load_model(model_with(host_interfaces=[{'name': 'br0', 'vlan': 1}])).host_known is True
    assert load_model(model_with(host_known=False, host_interfaces=[{'name': 'br0', 'vlan': 1}])).host_known is False
