# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bridge planner, runtime lines and renderers on real captures and on the example of oVirt's management-network design."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser

import pytest
import yaml

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import persist as renderers
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.plan import (
    BridgePlanError, address_methods, plan_bridge)
from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge.runtime import apply_lines, rollback_lines
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network


def by_name(facts):
    return dict((i['name'], i) for i in facts['interfaces'])


def seed_facts():
    """oVirt's management-network example: the host's IP is DHCP on bond4.3000, bond4 = eth2 + eth3."""
    def nic(name, **extra):
        record = {'name': name, 'kind': 'physical', 'mac': None, 'mtu': 1500, 'master': None, 'ports': [],
                  'parent': None, 'vlan_id': None, 'addresses': [], 'mode': None, 'stp': None,
                  'forward_delay': None}
        record.update(extra)
        return record
    interfaces = [
        nic('eth2', mac='52:54:00:00:00:02', master='bond4'),
        nic('eth3', mac='52:54:00:00:00:03', master='bond4'),
        nic('bond4', kind='bond', mac='52:54:00:00:00:02', ports=['eth2', 'eth3'], mode='802.3ad'),
        nic('bond4.3000', kind='vlan', mac='52:54:00:00:00:02', parent='bond4', vlan_id=3000,
            addresses=[{'address': '198.51.100.10', 'prefix': 24, 'family': 'ipv4', 'scope': 'global',
                        'dynamic': True, 'valid_lifetime': 3000}]),
    ]
    routes = [{'dst': 'default', 'gateway': '198.51.100.1', 'dev': 'bond4.3000', 'family': 'ipv4',
               'protocol': 'dhcp', 'metric': 100, 'prefsrc': None, 'table': None, 'scope': None}]
    return {'interfaces': interfaces, 'routes': routes,
            'management': {'interface': 'bond4.3000', 'address': '198.51.100.10', 'method': 'dhcp'}}


def test_seed_example_bond_vlan_mtu_9000():
    facts = seed_facts()
    plan = plan_bridge(facts, mtu=9000)
    assert plan.bridge == 'br-bond4.3000' and plan.port == 'bond4.3000'
    assert plan.method == 'dhcp' and plan.mac == '52:54:00:00:00:02'
    assert plan.mtu_members == {'eth2': 9000, 'eth3': 9000, 'bond4': 9000, 'bond4.3000': 9000,
                                'br-bond4.3000': 9000}
    assert plan.touches_management and not plan.already_bridged
    lines = apply_lines(plan, by_name(facts))
    mtu_order = [l.split()[3] for l in lines if ' mtu ' in l]
    assert mtu_order.index('eth2') < mtu_order.index('bond4') < mtu_order.index('bond4.3000') < \
        mtu_order.index('br-bond4.3000')
    assert 'addr add 198.51.100.10/24 dev br-bond4.3000 valid_lft 3000 preferred_lft 3000' in lines
    assert 'route replace default via 198.51.100.1 dev br-bond4.3000 metric 100' in lines
    undo = rollback_lines(plan, by_name(facts))
    assert 'link del dev br-bond4.3000' in undo and 'link set dev eth2 mtu 1500' in undo
    assert 'addr add 198.51.100.10/24 dev bond4.3000 valid_lft 3000 preferred_lft 3000' in undo
    netplan = yaml.safe_load(list(renderers.render_netplan(plan, by_name(facts)).values())[0])['network']
    assert netplan['bridges']['br-bond4.3000']['dhcp4'] is True
    assert netplan['bridges']['br-bond4.3000']['parameters'] == {'stp': False, 'forward-delay': 0}
    assert netplan['vlans']['bond4.3000'] == {'id': 3000, 'link': 'bond4', 'mtu': 9000, 'dhcp4': False,
                                              'dhcp6': False, 'accept-ra': False}
    assert netplan['bonds']['bond4']['interfaces'] == ['eth2', 'eth3']
    assert netplan['ethernets']['eth2']['mtu'] == 9000


def test_real_bond_and_vlan_captures(fixture_json):
    bond = fixture_json('iproute2-commitmsg-7ff60b09-bond-802.3ad-with-slave.json')
    vlan = fixture_json('iproute2-commitmsg-43bc20ae-vlan.json')[0]
    vlan.update(link='bond42', ifname='bond42.42', addr_info=[
        {'family': 'inet', 'local': '203.0.113.7', 'prefixlen': 24, 'scope': 'global'}])
    facts = build_host_network(links=bond + [vlan], routes_v4=[{'dst': 'default', 'gateway': '203.0.113.1',
                                                                'dev': 'bond42.42'}])
    plan = plan_bridge(facts, mtu=9000)
    assert (plan.bridge, plan.port, plan.method) == ('br-bond42.42', 'bond42.42', 'static')
    assert sorted(plan.mtu_members) == ['bond42', 'bond42.42', 'br-bond42.42', 'swp5']


def test_real_nic_with_static_ip(fixture_json):
    facts = build_host_network(links=fixture_json('iproute2-live-host-nic-static-ip-j-d-addr.json'),
                               routes_v4=fixture_json('iproute2-live-host-nic-static-ip-j-route.json'))
    plan = plan_bridge(facts)
    assert (plan.bridge, plan.port, plan.method, plan.mtu) == ('br-eth0', 'eth0', 'static', 1400)
    assert [a['address'] for a in plan.addresses] == ['192.0.2.2', 'fd00::2']  # link-local stays
    assert plan.mac == '02:fc:00:00:00:01'
    nm = renderers.render_networkmanager(plan, by_name(facts))
    parser = configparser.ConfigParser()
    parser.read_string(nm['/etc/NetworkManager/system-connections/kvmnet-br-eth0.nmconnection'])
    assert parser['ipv4']['method'] == 'manual' and parser['ipv4']['address1'] == '192.0.2.2/24'
    assert parser['ipv4']['gateway'] == '192.0.2.1' and parser['bridge']['stp'] == 'false'
    ifupdown = renderers.render_ifupdown(plan, by_name(facts))['/etc/network/interfaces.d/kvmnet-br-eth0']
    assert 'iface br-eth0 inet static' in ifupdown and '    address 192.0.2.2/24' in ifupdown
    assert '    bridge_ports eth0' in ifupdown and '    gateway 192.0.2.1' in ifupdown


def test_real_nic_with_dhcp(fixture_json):
    facts = build_host_network(links=fixture_json('iproute2-cloudinit-sample-ipaddrshow-json.json'),
                               routes_v4=[{'dst': 'default', 'gateway': '192.168.2.1', 'dev': 'enp0s25',
                                           'protocol': 'dhcp'}])
    plan = plan_bridge(facts)
    assert (plan.bridge, plan.method) == ('br-enp0s25', 'dhcp')
    netplan = yaml.safe_load(list(renderers.render_netplan(plan, by_name(facts)).values())[0])['network']
    bridge = netplan['bridges']['br-enp0s25']
    assert bridge['dhcp4'] is True and 'addresses' not in bridge and 'routes' not in bridge


def test_already_bridged_host_needs_nothing(fixture_json):
    facts = build_host_network(
        links=fixture_json('iproute2-live-netns-bridge-macvlan-macvtap-tap-ip-j-d-addr.json'),
        routes_v4=fixture_json('iproute2-live-netns-ip-j-route.json'))
    plan = plan_bridge(facts)
    assert plan.already_bridged and plan.changes == [] and plan.bridge == 'br-enp1s0'
    assert plan.method == 'dhcp'
    # asking for the NIC under it gives the same answer
    again = plan_bridge(facts, device='enp1s0')
    assert again.already_bridged and again.changes == []


def test_already_bridged_static_with_slaac_keeps_gateway_and_methods(fixture_json):
    """A hand-built (or runtime-only) bridge with a static IPv4 address, a SLAAC IPv6 address and a static
    default route: persisting it must keep the route and say static for IPv4, automatic for IPv6."""
    facts = build_host_network(
        links=fixture_json('iproute2-live-netns-static-bridge-slaac-ip-j-d-addr.json'),
        routes_v4=fixture_json('iproute2-live-netns-static-bridge-slaac-ip-j-route.json'),
        routes_v6=fixture_json('iproute2-live-netns-static-bridge-slaac-ip-j-6-route.json'))
    plan = plan_bridge(facts)
    assert plan.already_bridged and plan.changes == [] and plan.bridge == 'br-enp1s0'
    assert (plan.method, plan.method6) == ('static', 'auto')
    assert [r['dst'] for r in plan.routes if r['family'] == 'ipv4'] == ['default', '198.51.100.0/24']
    netplan = yaml.safe_load(list(renderers.render_netplan(plan, by_name(facts)).values())[0])['network']
    bridge = netplan['bridges']['br-enp1s0']
    assert bridge['dhcp4'] is False and bridge['accept-ra'] is True and bridge['dhcp6'] is False
    assert bridge['addresses'] == ['198.51.100.10/24']  # the SLAAC address comes back by itself
    assert bridge['routes'] == [{'to': 'default', 'via': '198.51.100.1'}]
    parser = configparser.ConfigParser()
    parser.read_string(renderers.render_networkmanager(plan, by_name(facts))[
        '/etc/NetworkManager/system-connections/kvmnet-br-enp1s0.nmconnection'])
    assert dict(parser['ipv4']) == {'method': 'manual', 'address1': '198.51.100.10/24', 'gateway': '198.51.100.1'}
    assert dict(parser['ipv6']) == {'method': 'auto'}
    ifupdown = renderers.render_ifupdown(plan, by_name(facts))['/etc/network/interfaces.d/kvmnet-br-enp1s0']
    assert 'iface br-enp1s0 inet static' in ifupdown and '    gateway 198.51.100.1' in ifupdown
    assert 'iface br-enp1s0 inet6 auto' in ifupdown


def test_ipv6_routes_are_batch_lines_without_options():
    """ip -batch refuses per-line options: an IPv6 default route is written with ::/0, no -6."""
    plan = plan_bridge(seed_facts())
    plan = plan._replace(routes=plan.routes + [{'dst': 'default', 'gateway': 'fe80::1', 'dev': 'bond4.3000',
                                                'family': 'ipv6', 'protocol': 'ra', 'metric': 1024}])
    lines = apply_lines(plan, by_name(seed_facts()))
    assert 'route replace ::/0 via fe80::1 dev br-bond4.3000 metric 1024' in lines
    assert not [line for line in lines if line.startswith('-')]


@pytest.mark.parametrize('addresses, methods', [
    ([], ('none', 'none')),
    ([{'family': 'ipv4', 'dynamic': True, 'prefix': 24}], ('dhcp', 'none')),
    ([{'family': 'ipv4', 'dynamic': False, 'prefix': 24}, {'family': 'ipv6', 'dynamic': True, 'prefix': 64}],
     ('static', 'auto')),
    ([{'family': 'ipv6', 'dynamic': True, 'prefix': 128}, {'family': 'ipv6', 'dynamic': True, 'prefix': 64}],
     ('none', 'dhcp')),
    ([{'family': 'ipv6', 'dynamic': False, 'prefix': 64}], ('none', 'static')),
])
def test_address_methods_per_family(addresses, methods):
    assert address_methods(addresses) == methods


def test_already_bridged_but_stp_on(fixture_json):
    facts = build_host_network(links=fixture_json('iproute2-pbtn-vlan-on-eth-in-bridge-ip-d-j-link.json'))
    plan = plan_bridge(facts, device='br33')
    assert plan.already_bridged
    assert 'stp off on br33' in plan.changes and 'forward delay 0 s on br33 (was 15)' in plan.changes


@pytest.mark.parametrize('kwargs, words', [
    ({'device': 'nope0'}, 'device nope0 does not exist'),
    ({'name': 'br-far-too-long-x'}, 'is not a valid interface name'),
    ({'mtu': 60}, 'mtu 60 is outside 68-65535'),
    ({'vlan': 5000}, 'vlan must be 1-4094'),
    ({'device': 'eth2'}, 'eth2 is already a port of bond4'),
])
def test_errors(kwargs, words):
    with pytest.raises(BridgePlanError, match=words):
        plan_bridge(seed_facts(), **kwargs)


def test_no_management_needs_device():
    facts = seed_facts()
    facts['management'] = None
    with pytest.raises(BridgePlanError, match='give device'):
        plan_bridge(facts)


def test_detect_backend():
    def fs(paths):
        return (lambda p: p in paths), (lambda p: ['01-netcfg.yaml'] if p == '/etc/netplan' else [])
    assert renderers.detect_backend(*fs({'/etc/netplan'})) == 'netplan'
    assert renderers.detect_backend(*fs({'/run/NetworkManager', renderers.NM_DIR})) == 'networkmanager'
    assert renderers.detect_backend(*fs({'/etc/network/interfaces'})) == 'ifupdown'
    assert renderers.detect_backend(*fs(set())) == 'iproute2'
