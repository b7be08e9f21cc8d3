# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MAAS's address allocation types (its IPADDRESS_TYPE enumeration) and the collection's static address
classes, in one place: the model reader, the address report and maas_ip_address all speak of them. Pure.

MAAS's design thread on static addresses names three classes: ``sticky`` (a node's interface keeps it, MAAS's
STICKY), ``nic`` (handed out by DHCP to a MAC: a user reservation with a MAC, or a DHCP reservation on MAAS 3.6
and later) and ``floating`` (reserved by a user, tied to no hardware: USER_RESERVED without a MAC).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

AUTO, STICKY, USER_RESERVED, DHCP, DISCOVERED = 0, 1, 4, 5, 6
# MAAS's own names, as ``alloc_type_name`` gives them.
MAAS_NAMES = {AUTO: 'AUTO', STICKY: 'STICKY', USER_RESERVED: 'USER_RESERVED', DHCP: 'DHCP', DISCOVERED: 'DISCOVERED'}
STATIC_CLASSES = ('floating', 'nic', 'sticky')
# The allocation type MAAS records for each static class.
CLASS_ALLOC = {'floating': USER_RESERVED, 'nic': USER_RESERVED, 'sticky': STICKY}
_CLASS_OF = {AUTO: 'auto', STICKY: 'sticky', USER_RESERVED: 'floating', DHCP: 'dhcp', DISCOVERED: 'discovered'}


def address_class(alloc_type, has_mac=False):
    """The class of an address MAAS holds: a user reservation with a MAC is ``nic``; ``unknown`` for a type MAAS
    added later."""
    cls = _CLASS_OF.get(alloc_type, 'unknown')
    return 'nic' if cls == 'floating' and has_mac else cls
