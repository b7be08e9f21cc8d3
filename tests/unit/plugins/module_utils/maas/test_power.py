# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where MAAS powers a composed VM through, and with which driver: one table."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.power import (
    POWER_TYPE, power_address, power_details, virsh_address)


@pytest.mark.parametrize('given, uri, host, address', [
    (None, 'qemu:///system', '198.51.100.10', 'qemu+ssh://root@198.51.100.10/system'),
    (None, 'qemu:///system', '2001:db8::10', 'qemu+ssh://root@[2001:db8::10]/system'),
    (None, 'qemu+ssh://admin@kvm01/system', '198.51.100.10', 'qemu+ssh://admin@kvm01/system'),
    (None, 'qemu+unix:///system', '198.51.100.10', 'qemu+ssh://root@198.51.100.10/system'),
    ('qemu+ssh://power@kvm01/system', 'qemu:///system', '198.51.100.10', 'qemu+ssh://power@kvm01/system'),
], ids=['local uri: this host over ssh', 'IPv6 in brackets', 'a remote uri as it is', 'unix socket is local',
        'given wins'])
def test_power_address(given, uri, host, address):
    assert power_address(given, uri, host) == address


def test_another_power_user():
    assert virsh_address('198.51.100.10', 'kvmnet-power') == 'qemu+ssh://kvmnet-power@198.51.100.10/system'


def test_the_details_maas_machine_needs():
    assert power_details('52:54:00:00:00:01', 'qemu+ssh://root@h/system', 'vm-uuid') == {
        'power_type': 'virsh', 'pxe_mac_address': '52:54:00:00:00:01',
        'power_parameters': {'power_address': 'qemu+ssh://root@h/system', 'power_id': 'vm-uuid'}}
    assert POWER_TYPE == 'virsh'
