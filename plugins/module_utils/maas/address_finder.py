# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Find one managed static address in MAAS, per class, through a MaasClient passed in (no Ansible import). The
decision - reserve, release or nothing - is address_plan's; maas.executors carries it out."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.address_plan import AddressRequestError, address_record
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.alloc import USER_RESERVED

RESERVEDIPS_SINCE = '3.6'


def _subnet_cidr(subnet):
    return subnet.get('cidr') if isinstance(subnet, dict) else subnet


class AddressFinder(object):
    """The address of ``params`` (class, ip, subnet, mac, hostname, node, interface, force)."""

    def __init__(self, client, params, mac, me, is_admin=False):
        self.client = client
        self.params = params
        self.cls = params['class']
        self.mac = mac
        self.me = me
        self.is_admin = is_admin
        self.dhcp_reservations = self.cls == 'nic' and client.version_at_least(RESERVEDIPS_SINCE)

    def find(self):
        if self.cls == 'sticky':
            return self.sticky_link()[0]
        if self.dhcp_reservations:
            return self._find_reservation()
        return self._find_reserved()

    # floating, and nic before MAAS 3.6: user-reserved addresses
    def reserved_record(self, entry):
        macs = [i.get('mac_address') for i in entry.get('interface_set') or [] if i.get('mac_address')]
        owner = (entry.get('owner') or {}).get('username')
        return address_record('nic' if macs else 'floating', entry['ip'], _subnet_cidr(entry.get('subnet')), owner,
                              macs[0].lower() if macs else None, None, {'hostname': entry.get('hostname') or None})

    def _find_reserved(self):
        # an administrator sees every user's reservations, so that one of another owner is found (and
        # refused without force) rather than taken again
        listing = self.client.get('ipaddresses/', all='true') if self.is_admin else self.client.get('ipaddresses/')
        for record in (self.reserved_record(e) for e in listing or [] if e.get('alloc_type') == USER_RESERVED):
            if self.params.get('ip'):
                if record['ip'] == self.params['ip']:
                    return self._check_class(record)
            elif self.cls == 'floating' and record['class'] == 'floating' and self.params.get('hostname') and \
                    record['hostname'] == self.params['hostname']:
                return record
            elif self.cls == 'nic' and record['mac'] == self.mac:
                return record
        return None

    def _check_class(self, record):
        if record['class'] != self.cls:
            raise AddressRequestError('%s is a %s address in MAAS, not a %s one'
                                      % (record['ip'], record['class'], self.cls))
        return record

    # nic on MAAS 3.6 and later: DHCP reservations
    def _find_reservation(self):
        for entry in self.client.get('reservedips/') or []:
            if (self.params.get('ip') and entry['ip'] == self.params['ip']) or \
                    (not self.params.get('ip') and str(entry.get('mac_address')).lower() == self.mac):
                return self.reservation_record(entry)
        return None

    @staticmethod
    def reservation_record(entry):
        """The address record of a DHCP reservation (``reservedips/``)."""
        return address_record('nic', entry['ip'], _subnet_cidr(entry.get('subnet')), None,
                              str(entry.get('mac_address')).lower(), None, {'reservation_id': entry['id']})

    # sticky: a link of mode static on the node's interface
    def interface(self):
        for iface in self.client.get('nodes/%s/interfaces/' % self.params['node']) or []:
            if iface.get('name') == self.params.get('interface') or \
                    (self.mac and str(iface.get('mac_address')).lower() == self.mac):
                return iface
        raise AddressRequestError('node %s has no interface %s' % (self.params['node'],
                                                                   self.params.get('interface') or self.mac))

    def sticky_link(self):
        """(the sticky address record or None, the node's interface)."""
        iface = self.interface()
        for link in iface.get('links') or []:
            if str(link.get('mode')).lower() == 'static' and link.get('ip_address') and \
                    (not self.params.get('ip') or link['ip_address'] == self.params['ip']):
                return address_record('sticky', link['ip_address'], _subnet_cidr(link.get('subnet')), None,
                                      str(iface.get('mac_address')).lower(), {'system_id': self.params['node'],
                                                                              'interface': iface['name']},
                                      {'link_id': link.get('id')}), iface
        return None, iface
