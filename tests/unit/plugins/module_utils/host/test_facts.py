# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.records import RawDomain, RawNetwork
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.management_interface import ManagementAddressError

ADDR = 'iproute2-live-netns-bridge-macvlan-macvtap-tap-ip-j-d-addr.json'
ROUTES = 'iproute2-live-netns-ip-j-route.json'


def live_host(fixture_json, **kwargs):
    return build_host_network(links=fixture_json(ADDR), routes_v4=fixture_json(ROUTES), **kwargs)


def test_management_from_default_route(fixture_json):
    facts = live_host(fixture_json)
    assert facts['management'] == {
        'interface': 'br-enp1s0', 'kind': 'bridge', 'address': '198.51.100.10', 'prefix': 24,
        'family': 'ipv4', 'gateway': '198.51.100.1', 'method': 'dhcp', 'mac': '72:9b:50:41:ac:09', 'mtu': 1500}
    default = [r for r in facts['routes'] if r['dst'] == 'default']
    assert default == [{'dst': 'default', 'gateway': '198.51.100.1', 'dev': 'br-enp1s0', 'prefsrc': None,
                        'protocol': None, 'scope': None, 'metric': None, 'table': None, 'family': 'ipv4'}]


def test_management_from_given_address(fixture_json):
    mgmt = live_host(fixture_json, management_ip='203.0.113.5')['management']
    assert (mgmt['interface'], mgmt['kind'], mgmt['method'], mgmt['gateway']) == ('macvlan0', 'macvlan', 'static', None)


def test_management_ipv6_text_is_normalised(fixture_json):
    mgmt = live_host(fixture_json, management_ip='FE80::709B:50FF:FE41:AC09')['management']
    assert mgmt['interface'] == 'br-enp1s0' and mgmt['family'] == 'ipv6'


def test_management_address_not_on_host(fixture_json):
    with pytest.raises(ManagementAddressError, match='198.51.100.99 is not assigned to any interface'):
        live_host(fixture_json, management_ip='198.51.100.99')


def test_no_default_route_no_management(fixture_json):
    facts = build_host_network(links=fixture_json(ADDR), routes_v4=[])
    assert facts['management'] is None


def test_dhcp_laptop_capture(fixture_json):
    links = fixture_json('iproute2-cloudinit-sample-ipaddrshow-json.json')
    routes = [{'dst': 'default', 'gateway': '192.168.2.1', 'dev': 'enp0s25', 'protocol': 'dhcp', 'metric': 100}]
    mgmt = build_host_network(links=links, routes_v4=routes)['management']
    assert (mgmt['interface'], mgmt['address'], mgmt['method'], mgmt['kind']) == \
        ('enp0s25', '192.168.2.18', 'dhcp', 'physical')


def test_taps_map_and_domains(fixture_text):
    raw = [RawDomain(fixture_text('libvirt-live-dom-network-bridge-direct-running.xml'), 'running', True, False)]
    facts = build_host_network(raw_domains=raw)
    assert facts['domains'][0]['state'] == 'running'
    assert facts['taps'] == {
        'vnet0': {'domain': 'capture-vm', 'mac': '52:54:00:e5:c0:54', 'index': 0, 'type': 'network', 'mode': 'network',
                  'source': 'maas', 'ips': []},
        'vnet1': {'domain': 'capture-vm', 'mac': '52:54:00:c7:3a:2a', 'index': 1, 'type': 'network', 'mode': 'network',
                  'source': 'default', 'ips': []},
        'vnet2': {'domain': 'capture-vm', 'mac': '52:54:00:27:68:17', 'index': 2, 'type': 'bridge', 'mode': 'bridge',
                  'source': 'capbr0', 'ips': []},
        'macvtap0': {'domain': 'capture-vm', 'mac': '52:54:00:6a:4c:5b', 'index': 3, 'type': 'direct',
                     'mode': 'macvlan', 'source': 'capv1', 'ips': []},
    }
    assert 'interfaces' not in facts and 'networks' not in facts


def test_networks_sorted_with_state(fixture_text):
    raw = [RawNetwork(fixture_text('libvirt-live-net-maas-forward-bridge.xml'), True, True, True),
           RawNetwork(fixture_text('libvirt-net-macvtap-vepa-pool.xml'), False, True, False)]
    nets = build_host_network(raw_networks=raw)['networks']
    assert [(n['name'], n['active'], n['autostart'], n['bridge']) for n in nets] == [
        ('maas', True, True, 'capbr0'), ('vepa-net', False, False, None)]


def test_a_routed_tap_is_reported_with_mode_routed_and_its_addresses():
    xml = ('<domain type="qemu"><name>r1</name><uuid>6f1c3a60-0000-4000-8000-000000000001</uuid>'
           '<metadata><k:nics xmlns:k="https://github.com/kvmnet/netboot/routed-nic">'
           '<k:nic mac="52:54:00:00:00:09" table="100"><k:ip>198.51.100.9</k:ip></k:nic></k:nics></metadata>'
           '<devices><interface type="ethernet"><mac address="52:54:00:00:00:09"/><target dev="knr1n0"/>'
           '</interface></devices></domain>')
    facts = build_host_network(raw_domains=[RawDomain(xml, 'running', True, False)])
    assert facts['taps']['knr1n0'] == {'domain': 'r1', 'mac': '52:54:00:00:00:09', 'index': 0, 'type': 'ethernet',
                                       'mode': 'routed', 'source': None, 'ips': ['198.51.100.9']}
    assert facts['domains'][0]['interfaces'][0]['table'] == 100
