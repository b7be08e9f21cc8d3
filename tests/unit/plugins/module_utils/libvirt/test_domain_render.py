# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A domain's XML from a spec: new, updated in place (what libvirt added stays), summarised."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from lxml import etree

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render as builder
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.identity import NicIdentity
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import build_spec

NICS = [{'type': 'network', 'source': 'maas'}, {'type': 'bridge', 'source': 'br0', 'boot': True},
        {'type': 'macvlan', 'source': 'eth1'}]


def spec(**params):
    base = {'name': 'node1', 'vcpus': 2, 'memory_mib': 512, 'interfaces': NICS,
            'disks': [{'size_gib': 1, 'pool': 'p'}], 'boot': ['network', 'hd']}
    base.update(params)
    return build_spec(base)


def ids(count):
    return [NicIdentity('52:54:00:00:00:%02x' % i, 'kntestn%d' % i) for i in range(count)]


def test_render_new_domain():
    vm = spec()
    root = etree.fromstring(builder.render(vm, ids(3), 'qemu').encode())
    assert root.get('type') == 'qemu' and root.findtext('name') == 'node1'
    nics = root.findall('devices/interface')
    assert [n.get('type') for n in nics] == ['network', 'bridge', 'direct']
    assert nics[2].find('source').attrib == {'dev': 'eth1', 'mode': 'bridge'}  # macvlan mode never missing
    assert [n.find('boot').get('order') if n.find('boot') is not None else None for n in nics] == [None, '1', None]
    disk = root.find('devices/disk')
    assert disk.find('source').attrib == {'pool': 'p', 'volume': 'node1-disk0.qcow2'}
    assert disk.find('target').attrib == {'dev': 'vda', 'bus': 'virtio'}
    assert disk.find('boot').get('order') == '2'
    assert root.find('os/boot') is None


def test_disk_first_boot_order():
    root = etree.fromstring(builder.render(spec(boot=['hd', 'network']), ids(3), 'kvm').encode())
    assert root.find('devices/disk/boot').get('order') == '1'
    assert root.findall('devices/interface')[1].find('boot').get('order') == '2'


def test_update_keeps_foreign_parts_and_is_idempotent(fixture_text):
    existing = fixture_text('libvirt-live-dom-network-bridge-direct-inactive.xml')
    vm = spec(interfaces=[{'type': 'network', 'source': 'maas'}, {'type': 'bridge', 'source': 'capbr0'}],
              disks=[], memory_mib=256)
    identities = [NicIdentity(mac, 'kn%dx' % i) for i, (mac, dummy) in
                  enumerate(builder.interfaces_of(existing)[:2])]
    updated = builder.render(vm, identities, 'qemu', existing)
    root = etree.fromstring(updated.encode())
    assert root.find('devices/controller') is not None  # what libvirt added stays
    nics = root.findall('devices/interface')
    assert len(nics) == 2 and nics[0].find('address') is not None  # PCI address kept
    assert root.find('memory').text == str(256 * 1024)
    again = builder.render(vm, identities, 'qemu', updated)
    assert builder.summary(again) == builder.summary(updated)


def test_summary_sees_live_network_nic_as_network(fixture_text):
    live = builder.summary(fixture_text('libvirt-live-dom-network-bridge-direct-running.xml'))
    assert [n['type'] for n in live['interfaces']] == ['network', 'network', 'bridge', 'direct']
    assert live['memory_mib'] == 128 and live['vcpus'] == 1


@pytest.mark.parametrize('wanted, actual, same', [
    (None, 'pc-i440fx-7.2', True), ('pc', 'pc-i440fx-7.2', True), ('q35', 'pc-q35-7.2', True),
    ('q35', 'pc-i440fx-7.2', False), ('pc-i440fx-7.2', 'pc-i440fx-7.2', True)])
def test_machine_aliases(wanted, actual, same):
    vm = spec(machine=wanted)
    record = {'machine': actual, 'vcpus': 1}
    assert (builder.comparable(record, vm) == {'vcpus': 1}) is same


ROUTED = {'type': 'routed', 'ips': ['198.51.100.7', '2001:DB8::7'], 'table': 100}


def test_routed_nic_renders_a_named_tap_and_its_addresses_in_metadata():
    vm = spec(interfaces=[{'type': 'bridge', 'source': 'br0'}, ROUTED])
    assert vm.nics[1].ips == ('198.51.100.7', '2001:db8::7') and vm.nics[1].source is None
    xml = builder.render(vm, ids(2), 'qemu')
    root = etree.fromstring(xml.encode())
    routed = root.findall('devices/interface')[1]
    assert routed.get('type') == 'ethernet' and routed.find('source') is None
    assert routed.find('target').get('dev') == 'kntestn1'
    ns = {'k': builder.ROUTED_METADATA_NS}
    nic = root.find('metadata/k:nics/k:nic', ns)
    assert nic.get('mac') == '52:54:00:00:00:01' and nic.get('table') == '100'
    assert [ip.text for ip in nic.findall('k:ip', ns)] == ['198.51.100.7', '2001:db8::7']
    record = builder.summary(xml)['interfaces'][1]
    assert record['type'] == 'ethernet' and record['ips'] == ['198.51.100.7', '2001:db8::7'] and record['table'] == 100
    # idempotent, and a changed address or table is a change
    assert builder.summary(builder.render(vm, ids(2), 'qemu', xml)) == builder.summary(xml)
    moved = spec(interfaces=[{'type': 'bridge', 'source': 'br0'}, dict(ROUTED, ips=['198.51.100.8'], table=101)])
    changed = builder.summary(builder.render(moved, ids(2), 'qemu', xml))['interfaces'][1]
    assert changed['ips'] == ['198.51.100.8'] and changed['table'] == 101


def test_routed_metadata_goes_with_the_last_routed_nic_and_keeps_foreign_metadata():
    xml = builder.render(spec(interfaces=[ROUTED]), ids(1), 'qemu')
    root = etree.fromstring(xml.encode())
    etree.SubElement(root.find('metadata'), '{urn:other}thing')
    bridged = builder.render(spec(interfaces=[{'type': 'bridge', 'source': 'br0'}]), ids(1), 'qemu',
                             etree.tostring(root, encoding='unicode'))
    root = etree.fromstring(bridged.encode())
    assert root.find('metadata/{%s}nics' % builder.ROUTED_METADATA_NS) is None
    assert root.find('metadata/{urn:other}thing') is not None
    assert root.find('devices/interface').get('type') == 'bridge'
    assert etree.fromstring(builder.render(spec(interfaces=[]), [], 'qemu').encode()).find('metadata') is None
