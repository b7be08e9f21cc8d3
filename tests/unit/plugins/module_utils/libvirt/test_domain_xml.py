# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.domain_xml import parse_domain_xml


def pick(iface, *keys):
    return tuple(iface[k] for k in keys)


def test_live_running_domain(fixture_text):
    dom = parse_domain_xml(fixture_text('libvirt-live-dom-network-bridge-direct-running.xml'))
    assert dom['name'] == 'capture-vm' and dom['domain_type'] == 'qemu'
    got = [pick(i, 'type', 'source', 'bridge', 'mode', 'target', 'mac', 'model') for i in dom['interfaces']]
    assert got == [
        # shown live as type='bridge' with source network='maas': reported as the network it is
        ('network', 'maas', 'capbr0', None, 'vnet0', '52:54:00:e5:c0:54', 'virtio'),
        ('network', 'default', 'virbr0', None, 'vnet1', '52:54:00:c7:3a:2a', 'virtio'),
        ('bridge', 'capbr0', 'capbr0', None, 'vnet2', '52:54:00:27:68:17', 'virtio'),
        ('direct', 'capv1', None, 'bridge', 'macvtap0', '52:54:00:6a:4c:5b', 'virtio'),
    ]
    assert dom['interfaces'][0]['boot_order'] == 1
    assert dom['interfaces'][0]['alias'] == 'net0'


def test_inactive_domain_has_no_targets(fixture_text):
    dom = parse_domain_xml(fixture_text('libvirt-live-dom-network-bridge-direct-inactive.xml'))
    assert [i['type'] for i in dom['interfaces']] == ['network', 'network', 'bridge', 'direct']
    assert all(i['target'] is None for i in dom['interfaces'])


def test_ethernet_interfaces(fixture_text):
    unmanaged = parse_domain_xml(fixture_text('libvirt-dom-iface-ethernet-unmanaged-tap.xml'))['interfaces'][0]
    assert pick(unmanaged, 'type', 'source', 'target', 'target_managed') == ('ethernet', None, 'mytap0', False)
    script = parse_domain_xml(fixture_text('libvirt-dom-iface-ethernet-ifname-script.xml'))['interfaces'][0]
    assert pick(script, 'type', 'target', 'model') == ('ethernet', 'nic02', 'rtl8139')


def test_hostdev_interface(fixture_text):
    iface = parse_domain_xml(fixture_text('libvirt-dom-iface-hostdev-sriov-vlan.xml'))['interfaces'][0]
    assert pick(iface, 'type', 'source', 'vlan_tags', 'virtualport_type') == \
        ('hostdev', '0000:03:07.1', [42], '802.1Qbg')


def test_network_portgroup_and_trunk(fixture_text):
    ifaces = parse_domain_xml(fixture_text('libvirt-dom-iface-network-portgroup-vlan.xml'))['interfaces']
    assert [pick(i, 'type', 'source', 'portgroup') for i in ifaces] == [
        ('network', 'rednet', 'bob'), ('network', 'blue', 'sam'), ('network', 'blue', 'sam')]
    trunk = parse_domain_xml(fixture_text('libvirt-dom-iface-network-ovs-vlan-trunk.xml'))['interfaces'][0]
    assert trunk['vlan_tags'] == [42, 48, 456] and trunk['virtualport_type'] == 'openvswitch'


def test_user_bridge_ethernet_direct(fixture_text):
    ifaces = parse_domain_xml(fixture_text('virtmanager-dom-iface-bridge-ethernet-direct.xml'))['interfaces']
    assert [pick(i, 'type', 'source', 'mode', 'mac') for i in ifaces] == [
        ('user', None, None, 'aa:aa:aa:aa:aa:aa'),
        ('bridge', 'newbr0', None, '22:22:33:44:55:66'),
        ('bridge', 'newfoo0', None, '22:22:22:22:22:22'),
        ('ethernet', None, None, '00:11:22:33:44:55'),
        ('direct', 'eth0.1', 'bridge', '00:11:22:33:44:55'),
    ]
