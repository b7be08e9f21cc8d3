# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names and limits the kernel, libvirt and MAAS impose: what passes and what each refusal says."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.common import names


@pytest.mark.parametrize('name, problem', [
    ('vm1', None), ('node-1.lab_2+x', None), ('x' * 64, None),
    ('', 'is required'), (None, 'is required'), ('x' * 65, 'the limit is 64'),
    ('-vm', 'starting with a letter or digit'), ('a/b', 'may hold only'), ('vm 1', 'may hold only'),
    ('vm1\n', 'may hold only'), ('<vm>', 'may hold only'),
])
def test_object_names(name, problem):
    found = names.object_name_problem(name)
    assert found is None if problem is None else problem in found


@pytest.mark.parametrize('name, good', [
    ('eth0', True), ('br-enp1s0.100', True), ('x' * 15, True), ('x' * 16, False), ('', False), ('.', False),
    ('..', False), ('a b', False), ('a/b', False), ('a:b', False), ('eth0\x01', False), ('eth0\n', False), (7, False)])
def test_interface_names(name, good):
    assert (names.ifname_problem(name) is None) is good


@pytest.mark.parametrize('value, good', [('/var/lib/x', True), ('any text', True), ('a\x7fb', False), ('a\tb', False),
                                         (None, False)])
def test_text_without_control_characters(value, good):
    assert (names.text_problem(value, 'path') is None) is good


@pytest.mark.parametrize('maas, libvirt', [('bridge', 'bridge'), ('private', 'private'), ('vepa', 'vepa'),
                                           ('passthru', 'passthrough')])
def test_macvlan_modes_both_ways(maas, libvirt):
    assert names.libvirt_macvlan_mode(maas) == libvirt and names.maas_macvlan_mode(libvirt) == maas


def test_macs_are_normalised_in_order_once():
    assert names.normalise_macs(['52:54:00:AB:CD:EF', ' 52:54:00:ab:cd:ef ', '52:54:00:00:00:01'], 'macs') == [
        '52:54:00:ab:cd:ef', '52:54:00:00:00:01']
    assert names.normalise_macs(None, 'macs') == []


@pytest.mark.parametrize('mac, words', [
    ('52:54:00:12:34', 'is not a MAC address'), ('52-54-00-12-34-56', 'is not a MAC address'),
    ('01:00:5e:00:00:01', 'multicast'), (None, 'is not a MAC address')])
def test_bad_macs(mac, words):
    assert words in names.mac_problem(mac)
    with pytest.raises(ValueError, match='^pxe: '):
        names.normalise_macs([mac], 'pxe')
