# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.host.iproute2_links import parse_links


def by_name(records):
    return dict((r['name'], r) for r in records)


def test_bond_with_slave(fixture_json):
    links = by_name(parse_links(fixture_json('iproute2-commitmsg-7ff60b09-bond-802.3ad-with-slave.json')))
    bond = links['bond42']
    assert bond['kind'] == 'bond'
    assert bond['mode'] == '802.3ad'
    assert bond['ports'] == ['swp5']
    assert bond['state'] == 'down'
    slave = links['swp5']
    assert slave['kind'] == 'physical'
    assert slave['master'] == 'bond42'
    assert slave['port_kind'] == 'bond'
    assert slave['permanent_mac'] == '08:00:27:5c:03:c6'


def test_vlan(fixture_json):
    vlan = by_name(parse_links(fixture_json('iproute2-commitmsg-43bc20ae-vlan.json')))['eth0.42']
    assert (vlan['kind'], vlan['vlan_id'], vlan['vlan_protocol'], vlan['parent']) == ('vlan', 42, '802.1Q', 'eth0')
    assert vlan['mode'] is None and vlan['stp'] is None


def test_vlan_on_bond(fixture_json):
    """Two real captures joined: the 802.1Q VLAN of 43bc20ae sitting on the bond of 7ff60b09."""
    bond_links = fixture_json('iproute2-commitmsg-7ff60b09-bond-802.3ad-with-slave.json')
    vlan = fixture_json('iproute2-commitmsg-43bc20ae-vlan.json')[0]
    vlan.update(link='bond42', ifname='bond42.42')
    links = by_name(parse_links(bond_links + [vlan]))
    assert links['bond42.42']['parent'] == 'bond42'
    assert links['bond42.42']['vlan_id'] == 42
    assert links['bond42']['ports'] == ['swp5']
    assert links['bond42']['master'] is None


def test_bridge_with_bond_port(fixture_json):
    links = by_name(parse_links(fixture_json('iproute2-commitmsg-165a7039-bridge-with-bond-port.json')))
    bridge = links['br42']
    assert bridge['kind'] == 'bridge'
    assert bridge['ports'] == ['bond42']
    assert bridge['stp'] is False
    assert bridge['forward_delay'] == 15  # 1500 centiseconds
    assert links['bond42']['master'] == 'br42'
    assert links['bond42']['port_kind'] == 'bridge'


def test_bridge_on_vlan(fixture_json):
    links = by_name(parse_links(fixture_json('iproute2-pbtn-vlan-on-eth-in-bridge-ip-d-j-link.json')))
    assert links['br33']['ports'] == ['eth2.33']
    assert links['br33']['stp'] is True
    assert links['eth2.33']['kind'] == 'vlan'
    assert links['eth2.33']['parent'] == 'eth2'
    assert links['eth2.33']['vlan_id'] == 33
    assert links['eth2.33']['master'] == 'br33'
    assert links['eth2']['kind'] == 'physical'


def test_macvlan_vepa(fixture_json):
    macvlan = parse_links(fixture_json('iproute2-commitmsg-92b7454c-macvlan-vepa.json'))[0]
    assert (macvlan['kind'], macvlan['mode'], macvlan['parent']) == ('macvlan', 'vepa', 'eth0')


def test_live_namespace_bridge_macvlan_macvtap_tap(fixture_json):
    links = by_name(parse_links(fixture_json('iproute2-live-netns-bridge-macvlan-macvtap-tap-ip-j-d-addr.json')))
    bridge = links['br-enp1s0']
    assert bridge['kind'] == 'bridge'
    assert bridge['stp'] is False and bridge['forward_delay'] == 0
    assert bridge['ports'] == ['enp1s0', 'vnet0']
    assert bridge['addresses'][0] == {
        'address': '198.51.100.10', 'prefix': 24, 'family': 'ipv4', 'scope': 'global',
        'dynamic': True, 'valid_lifetime': 3600}
    assert links['macvlan0']['kind'] == 'macvlan' and links['macvlan0']['mode'] == 'bridge'
    assert links['macvlan0']['parent'] == 'enp2s0'
    assert links['macvlan0']['addresses'][0]['dynamic'] is False
    assert links['macvtap0']['kind'] == 'macvtap' and links['macvtap0']['mode'] == 'vepa'
    assert links['vnet0']['kind'] == 'tap' and links['vnet0']['master'] == 'br-enp1s0'
    assert links['enp1s0']['kind'] == 'veth' and links['enp1s0']['peer'] == 'enp2s0'
    assert links['enp1s0']['parent'] is None
    assert links['lo']['kind'] == 'loopback'


def test_live_libvirt_taps(fixture_json):
    links = by_name(parse_links(fixture_json('iproute2-live-libvirt-taps-macvtap-ip-j-d-link.json')))
    assert [n for n, r in sorted(links.items()) if r['kind'] == 'tap'] == ['vnet0', 'vnet1', 'vnet2']
    assert links['capbr0']['ports'] == ['vnet0', 'vnet2']
    assert links['virbr0']['stp'] is True and links['virbr0']['forward_delay'] == 2
    assert links['macvtap0']['parent'] == 'capv1'


@pytest.mark.parametrize('name, address, dynamic', [
    ('iproute2-cloudinit-sample-ipaddrshow-json.json', '192.168.2.18', True),
    ('iproute2-netplan-test_status-IPROUTE2-ip-j-addr.json', '192.168.178.62', True),
])
def test_dhcp_addresses_are_dynamic(fixture_json, name, address, dynamic):
    records = parse_links(fixture_json(name))
    found = [a for r in records for a in r['addresses'] if a['address'] == address]
    assert found and found[0]['dynamic'] is dynamic


def test_other_kinds(fixture_json):
    links = by_name(parse_links(fixture_json('iproute2-netplan-test_status-IPROUTE2-ip-j-addr.json')))
    assert links['wg0']['kind'] == 'other'
    assert links['wlan0']['kind'] == 'physical'
    assert links['tun0']['mac'] is None  # sit tunnel: its "address" is an IP, not a MAC


def test_rejects_non_list():
    with pytest.raises(ValueError, match='must be a list'):
        parse_links({'ifname': 'eth0'})
