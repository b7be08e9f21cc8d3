# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide what maas_ip_address does with one managed static address in MAAS.

Classes (MAAS's design thread on static addresses): ``floating`` - reserved by a user, tied to no
hardware, never handed out by DHCP (``ipaddresses/?op=reserve`` without a MAC); ``nic`` - handed out by
DHCP to ``mac`` (``reservedips/`` on MAAS >= 3.6, else ``op=reserve`` with the MAC); ``sticky`` - a
node's interface keeps it (``op=link_subnet`` mode STATIC). Without ``ip`` the address is found by
``hostname`` (floating), ``mac`` (nic) or node and interface (sticky), so a re-run never takes a second
one. Releasing touches only an address of the class and of the key's owner, unless ``force``. Pure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.address_usage import MAAS_NAMES
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.machine_plan import MachineSpecError, normalise_macs

CLASSES = ('floating', 'nic', 'sticky')
CLASS_ALLOC = {'floating': 4, 'nic': 4, 'sticky': 1}

AddressPlan = namedtuple('AddressPlan', 'action found tracker')


class AddressRequestError(ValueError):
    """The options do not describe an address MAAS can manage; the message names the option."""


def check_request(params):
    """Validate before any request; returns the normalised MAC (or None)."""
    cls = params['class']
    try:
        macs = normalise_macs([params['mac']] if params.get('mac') else [])
    except MachineSpecError as exc:
        raise AddressRequestError(str(exc).replace('mac_addresses', 'mac'))
    if cls == 'nic' and not macs:
        raise AddressRequestError('class nic needs mac: the address is handed out by DHCP to that MAC')
    if cls == 'sticky' and not (params.get('node') and (macs or params.get('interface'))):
        raise AddressRequestError('class sticky needs node (system_id or hostname) and mac or interface')
    if cls == 'floating' and macs:
        raise AddressRequestError('class floating is tied to no hardware: drop mac (or use class nic)')
    if params.get('ip'):
        try:
            address = ipaddress.ip_address(params['ip'])
        except ValueError:
            raise AddressRequestError('ip %r is not an IP address' % params['ip'])
        if params.get('subnet') and '/' in str(params['subnet']) and \
                address not in ipaddress.ip_network(params['subnet'], strict=False):
            raise AddressRequestError('ip %s is outside subnet %s' % (params['ip'], params['subnet']))
    elif not params.get('subnet') and params.get('state') == 'present' and cls != 'sticky':
        raise AddressRequestError('give ip, or subnet for MAAS to pick one from')
    return macs[0] if macs else None


def plan_address(params, found, me):
    """AddressPlan for ``found`` (the address record matching the key, or None); ``me`` the key's user."""
    tracker = DifferenceTracker()
    if params['state'] == 'present':
        tracker.add('address', found['ip'] if found else None, found['ip'] if found else '(new %s)' % params['class'])
        return AddressPlan('none' if found else 'reserve', found, tracker)
    if found is None:
        return AddressPlan('none', None, tracker)
    if found.get('owner') not in (None, me) and not params.get('force'):
        raise AddressRequestError('%s address %s belongs to %s: release it with force (an administrator)'
                                  % (found['class'], found['ip'], found['owner']))
    tracker.add('address', found['ip'], None)
    return AddressPlan('release', found, tracker)


def address_record(cls, ip, subnet=None, owner=None, mac=None, node=None, extra=None):
    """The ``address`` maas_ip_address returns."""
    record = {'ip': ip, 'class': cls, 'alloc_type': CLASS_ALLOC[cls], 'alloc_type_name': MAAS_NAMES[CLASS_ALLOC[cls]],
              'subnet': subnet, 'owner': owner, 'mac': mac, 'node': node}
    record.update(extra or {})
    return record
