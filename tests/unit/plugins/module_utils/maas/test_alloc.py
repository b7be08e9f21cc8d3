# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MAAS's allocation types and the collection's address classes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.alloc import (
    CLASS_ALLOC, MAAS_NAMES, STATIC_CLASSES, address_class)


@pytest.mark.parametrize('alloc_type, has_mac, cls', [
    (0, False, 'auto'), (1, False, 'sticky'), (4, False, 'floating'), (4, True, 'nic'), (5, False, 'dhcp'),
    (6, False, 'discovered'), (1, True, 'sticky'), (9, False, 'unknown')])
def test_address_class(alloc_type, has_mac, cls):
    assert address_class(alloc_type, has_mac) == cls


def test_each_static_class_has_the_type_maas_records():
    assert sorted(CLASS_ALLOC) == sorted(STATIC_CLASSES)
    assert dict((c, MAAS_NAMES[t]) for c, t in CLASS_ALLOC.items()) == {
        'floating': 'USER_RESERVED', 'nic': 'USER_RESERVED', 'sticky': 'STICKY'}
