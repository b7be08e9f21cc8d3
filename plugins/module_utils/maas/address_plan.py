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

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import normalise_macs
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.alloc import CLASS_ALLOC, MAAS_NAMES, STATIC_CLASSES

CLASSES = STATIC_CLASSES


class AddressRequestError(ValueError):
    """The options do not describe an address MAAS can manage; the message names the option."""


def check_request(params):
    """Validate before any request; returns the normalised MAC (or None)."""
    cls = params['class']
    try:
        macs = normalise_macs([params['mac']] if params.get('mac') else [], 'mac')
    except ValueError as exc:
        raise AddressRequestError(str(exc))
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


def check_force(params, me, is_admin):
    """Only a MAAS administrator may release another owner's address (force)."""
    if params.get('force') and not is_admin:
        raise AddressRequestError('force is for MAAS administrators; the key\'s user %s is not one' % me)


def plan_address(params, found, me):
    """The Plan for ``found`` (the address record matching the key, or None); ``me`` the key's user. Steps:
    ``reserve`` or ``release`` (the record)."""
    tracker = DifferenceTracker()
    if params['state'] == 'present':
        tracker.add('address', found['ip'] if found else None, found['ip'] if found else '(new %s)' % params['class'])
        return Plan([] if found else [('reserve', None)], tracker, {'address': found})
    if found is None:
        return Plan([], tracker, {'address': None})
    if found.get('owner') not in (None, me) and not params.get('force'):
        raise AddressRequestError('%s address %s belongs to %s: release it with force (an administrator)'
                                  % (found['class'], found['ip'], found['owner']))
    tracker.add('address', found['ip'], None)
    return Plan([('release', found)], tracker, {'address': None})


def address_record(cls, ip, subnet=None, owner=None, mac=None, node=None, extra=None):
    """The ``address`` maas_ip_address returns."""
    record = {'ip': ip, 'class': cls, 'alloc_type': CLASS_ALLOC[cls], 'alloc_type_name': MAAS_NAMES[CLASS_ALLOC[cls]],
              'subnet': subnet, 'owner': owner, 'mac': mac, 'node': node}
    record.update(extra or {})
    return record
