# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_xml import parse_network_xml
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.xml_parsing import XmlDocumentError

# file, forward_mode, bridge, forward_devices, dhcp_enabled
CASES = [
    ('libvirt-net-default-stock.xml', 'nat', 'virbr0', [], True),
    ('libvirt-live-net-default-active.xml', 'nat', 'virbr0', [], True),
    ('libvirt-net-nat-dhcp4-dhcp6.xml', 'nat', 'virbr0', ['eth1'], True),
    ('libvirt-net-host-bridge.xml', 'bridge', 'br0', [], False),
    ('libvirt-live-net-maas-forward-bridge.xml', 'bridge', 'capbr0', [], False),
    ('libvirt-net-macvtap-vepa-pool.xml', 'vepa', None, ['eth1', 'eth2', 'eth3'], False),
    ('libvirt-net-macvtap-private-8021Qbh-vlan.xml', 'private', None, ['eth1', 'eth2', 'eth3', 'eth4', 'eth5'], False),
    ('libvirt-net-passthrough-pf.xml', 'passthrough', None, ['eth0'], False),
    ('libvirt-net-hostdev-sriov-pf.xml', 'hostdev', None, ['eth2'], False),
    ('libvirt-net-hostdev-sriov-vf-addresses.xml', 'hostdev', None, [], False),
    ('libvirt-net-routed.xml', 'route', 'virbr1', ['eth1'], False),
    ('libvirt-net-routed-dhcp6-hosts.xml', 'route', 'virbr1', ['eth1'], True),
    ('libvirt-net-isolated.xml', None, 'virbr2', [], True),
    ('libvirt-net-openvswitch-bridge.xml', 'bridge', None, [], False),
]


@pytest.mark.parametrize('name, forward_mode, bridge, devices, dhcp', CASES)
def test_forward_bridge_and_dhcp(fixture_text, name, forward_mode, bridge, devices, dhcp):
    net = parse_network_xml(fixture_text(name))
    assert net['forward_mode'] == forward_mode
    assert net['bridge'] == bridge
    assert net['forward_devices'] == devices
    assert net['dhcp_enabled'] is dhcp


def test_stock_default_dhcp_range_and_ip(fixture_text):
    net = parse_network_xml(fixture_text('libvirt-live-net-default-active.xml'))
    assert net['name'] == 'default'
    assert net['uuid'] == 'f8c4790a-61a2-42be-8472-51ca5819e954'
    assert net['ips'] == [{'address': '192.168.122.1', 'prefix': 24, 'family': 'ipv4'}]
    assert net['dhcp_ranges'] == [{'start': '192.168.122.2', 'end': '192.168.122.254', 'family': 'ipv4'}]
    assert net['bridge_stp'] is True and net['bridge_delay'] == 0
    assert net['connections'] == 1


def test_dual_stack_ranges_and_hosts(fixture_text):
    net = parse_network_xml(fixture_text('libvirt-net-nat-dhcp4-dhcp6.xml'))
    assert [ip['family'] for ip in net['ips']] == ['ipv4', 'ipv4', 'ipv6', 'ipv4']
    assert net['ips'][2]['prefix'] == 64
    assert net['ips'][3]['prefix'] is None  # neither prefix nor netmask: not guessed
    assert len(net['dhcp_ranges']) == 2
    assert net['dhcp_hosts'][0] == {'mac': '00:16:3e:77:e2:ed', 'id': None, 'ip': '192.168.122.10',
                                    'name': 'a.example.com', 'family': 'ipv4'}
    v6_hosts = [h for h in net['dhcp_hosts'] if h['family'] == 'ipv6']
    assert len(v6_hosts) == 5 and v6_hosts[1]['name'] == 'paul' and v6_hosts[1]['mac'] is None


def test_dhcp_with_hosts_only_counts_as_enabled(fixture_text):
    # <dhcp> with only <host> entries still runs dnsmasq's DHCP on the network.
    net = parse_network_xml(fixture_text('libvirt-net-routed-dhcp6-hosts.xml'))
    assert net['dhcp_enabled'] is True and net['dhcp_ranges'] == []
    assert net['mac'] == '12:34:56:78:9A:BC'


def test_hostdev_pool_pci_addresses(fixture_text):
    net = parse_network_xml(fixture_text('libvirt-net-hostdev-sriov-vf-addresses.xml'))
    assert net['forward_addresses'] == ['0000:03:00.1', '0000:03:00.2', '0000:03:00.3', '0000:03:00.4']


def test_vlan_portgroups_virtualport(fixture_text):
    qbh = parse_network_xml(fixture_text('libvirt-net-macvtap-private-8021Qbh-vlan.xml'))
    assert qbh['vlan_tags'] == [549] and qbh['virtualport_type'] == '802.1Qbh'
    ovs = parse_network_xml(fixture_text('libvirt-net-openvswitch-bridge.xml'))
    assert ovs['virtualport_type'] == 'openvswitch' and ovs['portgroups'] == ['bob', 'alice']


@pytest.mark.parametrize('text, message', [
    ('<network><name>x</name>', 'not well-formed'),
    ('<domain><name>x</name></domain>', 'expected a <network>'),
    ('', 'not well-formed'),
])
def test_bad_documents(text, message):
    with pytest.raises(XmlDocumentError, match=message):
        parse_network_xml(text)


def test_no_entity_expansion():
    text = ('<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<network><name>&x;</name></network>')
    net = parse_network_xml(text)
    assert 'root:' not in (net['name'] or '')
