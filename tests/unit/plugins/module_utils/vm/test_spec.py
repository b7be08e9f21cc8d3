# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a VM may be: the spec built from the module's options, and every way it refuses one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.vm.spec import SpecError, build_spec

NICS = [{'type': 'network', 'source': 'maas'}, {'type': 'bridge', 'source': 'br0', 'boot': True},
        {'type': 'macvlan', 'source': 'eth1'}]


def spec(**params):
    base = {'name': 'node1', 'vcpus': 2, 'memory_mib': 512, 'interfaces': NICS,
            'disks': [{'size_gib': 1, 'pool': 'p'}], 'boot': ['network', 'hd']}
    base.update(params)
    return build_spec(base)


ROUTED = {'type': 'routed', 'ips': ['198.51.100.7', '2001:DB8::7'], 'table': 100}


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
