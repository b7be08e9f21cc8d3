# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of kvm_vm_compose: spec validation, NIC identities, domain XML."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
from lxml import etree

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import domain_render as builder
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.identity import NicIdentity, allocate_mac, allocate_tap
from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import SpecError, build_spec

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


def test_mac_and_tap_are_stable_and_unique():
    used = set()
    first = allocate_mac('node1', 0, used)
    assert re.match(r'^52:54:00(:[0-9a-f]{2}){3}$', first)
    assert allocate_mac('node1', 0, set()) == first  # deterministic
    second = allocate_mac('node1', 0, used)  # taken: moves on
    assert second != first and second in used
    taps = set()
    tap = allocate_tap('kn', 'a-very-long-virtual-machine-name', 12, taps)
    assert len(tap) <= 15 and tap.startswith('kn') and tap.endswith('n12')
    assert allocate_tap('kn', 'a-very-long-virtual-machine-name', 12, taps) != tap


@pytest.mark.parametrize('params, words', [
    ({'name': 'a/b'}, 'may hold only'), ({'name': ''}, 'name is required'), ({'name': 'x' * 65}, 'limit is 64'),
    ({'memory_mib': 100}, 'below 128'), ({'vcpus': 0}, 'vcpus must be 1-4096'),
    ({'interfaces': [{'type': 'direct', 'source': 'x'}]}, 'type must be one of'),
    ({'interfaces': [{'type': 'bridge'}]}, 'source'),
    ({'interfaces': [{'type': 'macvlan', 'source': 'x', 'mode': 'None'}]}, 'must be a macvlan mode'),
    ({'interfaces': [{'type': 'bridge', 'source': 'x', 'mac': '52:54:00:00:00'}]}, 'is not a MAC'),
    ({'interfaces': [{'type': 'bridge', 'source': 'x', 'boot': True},
                     {'type': 'bridge', 'source': 'y', 'boot': True}]}, 'only one interface'),
    ({'interfaces': [{'type': 'bridge', 'source': 'x', 'mac': '52:54:00:00:00:01'},
                     {'type': 'bridge', 'source': 'y', 'mac': '52:54:00:00:00:01'}]}, 'same MAC'),
    ({'disks': [{'size_gib': 0}]}, 'must be a positive number of GiB'), ({'boot': ['cdrom']}, 'network or hd'),
    ({'tap_prefix': 'macvtap'}, 'tap_prefix'), ({'tap_prefix': 'Tap'}, 'tap_prefix'),
    # what a bad-input probe found (issue 18, L4): each was a traceback, or a volume made before libvirt refused
    ({'name': 'vm1\n'}, 'may hold only'), ({'tap_prefix': 'kn\n'}, 'tap_prefix'),
    ({'disks': [{'size_gib': float('nan')}]}, 'positive number of GiB'),
    ({'disks': [{'size_gib': float('inf')}]}, 'positive number of GiB'),
    ({'machine': 'pc\u0001q35'}, 'machine must be a QEMU machine type'),
    ({'vcpus': 2 ** 31}, 'vcpus must be 1-4096'), ({'vcpus': True}, 'vcpus must be a whole number'),
    ({'memory_mib': 2 ** 40}, 'above'),
    ({'interfaces': [{'type': 'bridge', 'source': '../../sys/x'}]}, 'is not an interface name'),
    ({'interfaces': [{'type': 'macvlan', 'source': 'eth0\x01'}]}, 'is not an interface name'),
    ({'interfaces': [{'type': 'network', 'source': 'maas/../x'}]}, 'may hold only'),
])
def test_spec_errors(params, words):
    with pytest.raises(SpecError, match=re.escape(words)):
        spec(**params)


def test_macvlan_mode_defaults_to_bridge():
    vm = spec(interfaces=[{'type': 'macvlan', 'source': 'eth1', 'mode': None}])
    assert vm.nics[0].mode == 'bridge' and vm.boot_nic is vm.nics[0]


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


@pytest.mark.parametrize('nic, words', [
    ({'type': 'routed'}, 'needs the list of addresses'),
    ({'type': 'routed', 'ips': ['198.51.100.0/24'], 'table': 100}, 'is not an IPv4 or IPv6 address'),
    ({'type': 'routed', 'ips': ['10'], 'table': 100}, 'is not an IPv4 or IPv6 address'),
    ({'type': 'routed', 'ips': ['198.51.100.7', '198.51.100.7'], 'table': 100}, '198.51.100.7 is listed twice'),
    ({'type': 'routed', 'ips': ['198.51.100.7'], 'source': 'br0'}, 'has no source or mode'),
    ({'type': 'routed', 'ips': ['198.51.100.7']}, 'needs a routing table of its own'),
    ({'type': 'routed', 'ips': ['198.51.100.7'], 'table': 254}, "the kernel's main table"),
    ({'type': 'routed', 'ips': ['198.51.100.7'], 'table': 255}, "the kernel's local table"),
    ({'type': 'routed', 'ips': ['198.51.100.7'], 'table': 0}, "the kernel's unspec table"),
    ({'type': 'routed', 'ips': ['198.51.100.7'], 'table': 'main'}, 'routing table number'),
    ({'type': 'routed', 'ips': ['0.0.0.0'], 'table': 100}, '0.0.0.0 is a "this network" address'),
    ({'type': 'routed', 'ips': ['::'], 'table': 100}, ':: is the unspecified address'),
    ({'type': 'routed', 'ips': ['127.0.0.1'], 'table': 100}, 'loopback'),
    ({'type': 'routed', 'ips': ['169.254.169.254'], 'table': 100}, 'link-local'),
    ({'type': 'routed', 'ips': ['fe80::1'], 'table': 100}, 'link-local'),
    ({'type': 'routed', 'ips': ['224.0.0.1'], 'table': 100}, 'multicast'),
    ({'type': 'routed', 'ips': ['255.255.255.255'], 'table': 100}, 'broadcast'),
    ({'type': 'routed', 'ips': ['10.0.0.5\n$(reboot) *'], 'table': 100}, 'is not an IPv4 or IPv6 address'),
    ({'type': 'bridge', 'source': 'br0', 'ips': ['198.51.100.7']}, 'belong to type routed only'),
])
def test_routed_nic_errors(nic, words):
    with pytest.raises(SpecError, match=re.escape(words)):
        spec(interfaces=[nic])


def test_one_address_routed_to_two_nics_is_refused():
    with pytest.raises(SpecError, match='routed to two interfaces'):
        spec(interfaces=[dict(ROUTED, table=101), ROUTED])
