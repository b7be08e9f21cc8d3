# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where MAAS powers a composed VM through, and with which driver: one table."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.power import (
    POWER_TYPE, POWER_USER, power_address, power_details, power_host_problem, power_user_problem, virsh_address)


@pytest.mark.parametrize('given, uri, host, address', [
    (None, 'qemu:///system', '198.51.100.10', 'qemu+ssh://kvmnet-power@198.51.100.10/system'),
    (None, 'qemu:///system', '2001:db8::10', 'qemu+ssh://kvmnet-power@[2001:db8::10]/system'),
    (None, 'qemu+ssh://root@kvm01/system', '198.51.100.10', 'qemu+ssh://kvmnet-power@kvm01/system'),
    (None, 'qemu+ssh://admin@[2001:db8::5]:2222/system', None, 'qemu+ssh://kvmnet-power@[2001:db8::5]:2222/system'),
    (None, 'qemu+unix:///system', '198.51.100.10', 'qemu+ssh://kvmnet-power@198.51.100.10/system'),
    ('qemu+ssh://power@kvm01/system', 'qemu:///system', '198.51.100.10', 'qemu+ssh://power@kvm01/system'),
], ids=['local uri: the power user at this host', 'IPv6 in brackets',
        'a remote uri: the power user at its host, never the managing user', 'remote IPv6 with a port',
        'unix socket is local', 'given wins'])
def test_power_address(given, uri, host, address):
    assert power_address(given, uri, host) == address
    assert '//root@' not in power_address(None, uri, host or 'h')


def test_the_power_user_is_never_root_by_default():
    assert POWER_USER == 'kvmnet-power'


@pytest.mark.parametrize('user, ok', [('kvmnet-power', True), ('maas_power', True), ('root', True),
                                      ('a@b', False), ('x/y', False), ('', False), (None, False), ('Power', False)])
def test_power_users(user, ok):
    assert (power_user_problem(user) is None) is ok


@pytest.mark.parametrize('host, ok', [('198.51.100.10', True), ('kvm01.example.org', True), ('2001:db8::10', True),
                                      ('[2001:db8::10]:2222', True), ('kvm01:2222', True), ('a/b', False),
                                      ('root@kvm01', False), ('kvm01?socket=/x', False), ('', False), ('-oProxy', False)])
def test_power_hosts(host, ok):
    assert (power_host_problem(host) is None) is ok


def test_another_power_user():
    assert virsh_address('198.51.100.10', 'kvmnet-power') == 'qemu+ssh://kvmnet-power@198.51.100.10/system'


def test_the_details_maas_machine_needs():
    assert power_details('52:54:00:00:00:01', 'qemu+ssh://root@h/system', 'vm-uuid') == {
        'power_type': 'virsh', 'pxe_mac_address': '52:54:00:00:00:01',
        'power_parameters': {'power_address': 'qemu+ssh://root@h/system', 'power_id': 'vm-uuid'}}
    assert POWER_TYPE == 'virsh'
