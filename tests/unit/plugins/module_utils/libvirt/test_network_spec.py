# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from lxml import etree

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_spec import (
    NetworkSpecError, desired_spec, dhcp_delta, spec_from_xml)
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_render import render_network

NONE = dict.fromkeys(('forward_mode', 'bridge', 'stp', 'forward_delay', 'mtu', 'forward_devices', 'ips', 'dhcp'))


def params(**kwargs):
    merged = dict(NONE)
    merged.update(kwargs)
    return merged


def test_stock_default_spec(fixture_text):
    spec = spec_from_xml(fixture_text('libvirt-live-net-default-active.xml'))
    assert spec == {'forward_mode': 'nat', 'forward_devices': [], 'forward_pfs': [], 'bridge': 'virbr0', 'stp': True,
                    'forward_delay': 0,
                    'mtu': None, 'ips': [{'address': '192.168.122.1', 'prefix': 24, 'family': 'ipv4',
                                          'dhcp': {'ranges': [['192.168.122.2', '192.168.122.254']], 'hosts': []}}]}


def test_dhcp_off_only_touches_dhcp(fixture_text):
    xml = fixture_text('libvirt-live-net-default-active.xml')
    current = spec_from_xml(xml)
    wanted = desired_spec(current, params(dhcp={'enabled': False}))
    assert wanted['ips'][0]['dhcp'] is None and wanted['forward_mode'] == 'nat' and wanted['bridge'] == 'virbr0'
    assert dhcp_delta(current, wanted) == [('delete', 'range', 0, ['192.168.122.2', '192.168.122.254'])]
    rendered = etree.fromstring(render_network('default', wanted, xml).encode())
    assert rendered.find('ip/dhcp') is None
    assert rendered.find('uuid').text == 'f8c4790a-61a2-42be-8472-51ca5819e954'  # kept
    assert rendered.find('forward/nat/port') is not None  # libvirt-filled parts kept
    assert spec_from_xml(render_network('default', wanted, xml)) == wanted


def test_unchanged_when_nothing_asked(fixture_text):
    current = spec_from_xml(fixture_text('libvirt-net-nat-dhcp4-dhcp6.xml'))
    assert desired_spec(current, params()) == current
    assert dhcp_delta(current, current) == []


def test_hosts_placed_by_family_and_network(fixture_text):
    current = spec_from_xml(fixture_text('libvirt-net-nat-dhcp4-dhcp6.xml'))
    wanted = desired_spec(current, params(dhcp={'enabled': True, 'hosts': [
        {'mac': '52:54:00:AA:00:01', 'ip': '192.168.123.5', 'name': 'n1'}]}))
    pinned = {'mac': '52:54:00:aa:00:01', 'ip': '192.168.123.5', 'name': 'n1'}
    assert wanted['ips'][1]['dhcp'] == {'ranges': [], 'hosts': [pinned]}
    assert wanted['ips'][0]['dhcp']['ranges'] == current['ips'][0]['dhcp']['ranges']  # ranges kept
    assert wanted['ips'][0]['dhcp']['hosts'] == []  # hosts replaced as a whole
    steps = dhcp_delta(current, wanted)
    assert ('add', 'host', 1, {'mac': '52:54:00:aa:00:01', 'ip': '192.168.123.5', 'name': 'n1'}) in steps


def test_maas_bridge_network_new():
    wanted = desired_spec(None, params(forward_mode='bridge', bridge='br-enp1s0'))
    root = etree.fromstring(render_network('maas', wanted).encode())
    assert root.find('forward').get('mode') == 'bridge'
    assert root.find('bridge').attrib == {'name': 'br-enp1s0'}
    assert root.find('ip') is None


def test_isolated_new_with_dhcp():
    wanted = desired_spec(None, params(forward_mode='isolated', ips=[{'address': '203.0.113.1', 'prefix': 24}],
                                       dhcp={'enabled': True, 'ranges': [{'start': '203.0.113.10',
                                                                          'end': '203.0.113.20'}]}))
    root = etree.fromstring(render_network('lab', wanted).encode())
    assert root.find('forward') is None
    assert root.find('bridge').attrib == {'stp': 'on', 'delay': '0'}
    assert root.find('ip/dhcp/range').attrib == {'start': '203.0.113.10', 'end': '203.0.113.20'}


@pytest.mark.parametrize('kwargs, words', [
    ({'forward_mode': 'bridge'}, 'needs bridge'),
    ({'forward_mode': 'bridge', 'bridge': 'br0', 'ips': [{'address': '203.0.113.1', 'prefix': 24}]},
     'cannot have ips'),
    ({'forward_mode': 'vepa'}, 'needs forward_devices'),
    ({'forward_mode': 'vepa', 'bridge': 'br0', 'forward_devices': ['eth1']}, 'drop bridge'),
    ({'ips': [{'address': 'x', 'prefix': 24}]}, 'is not an IP address'),
    ({'ips': [{'address': '203.0.113.1', 'prefix': 24}], 'dhcp': {'enabled': True}}, 'at least one range'),
    ({'ips': [{'address': '203.0.113.1', 'prefix': 24}],
      'dhcp': {'enabled': True, 'ranges': [{'start': '203.0.113.20', 'end': '203.0.113.10'}]}}, 'not an address range'),
    ({'ips': [{'address': '203.0.113.1', 'prefix': 24}],
      'dhcp': {'enabled': True, 'hosts': [{'mac': 'x', 'ip': '198.51.100.1'}]}}, 'outside every network'),
])
def test_errors(kwargs, words):
    with pytest.raises(NetworkSpecError, match=words):
        desired_spec(None, params(**kwargs))
