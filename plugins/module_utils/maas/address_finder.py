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
    def reserved_record(self, entry, hostname=None):
        """The address record of an ``ipaddresses/`` row (MAAS's rows name no hostname: the caller knows it)."""
        macs = [i.get('mac_address') for i in entry.get('interface_set') or [] if i.get('mac_address')]
        owner = (entry.get('owner') or {}).get('username')
        return address_record('nic' if macs else 'floating', entry['ip'], _subnet_cidr(entry.get('subnet')), owner,
                              macs[0].lower() if macs else None, None, {'hostname': hostname})

    def _find_reserved(self):
        ip = self.params.get('ip')
        if self.cls == 'floating' and not ip and self.params.get('hostname'):
            return self._find_by_hostname(self.params['hostname'])
        # an administrator sees every user's reservations, so that one of another owner is found (and
        # refused without force) rather than taken again
        listing = self.client.get('ipaddresses/', all='true') if self.is_admin else self.client.get('ipaddresses/')
        for entry in (e for e in listing or [] if e.get('alloc_type') == USER_RESERVED):
            record = self.reserved_record(entry, self.params.get('hostname'))
            if ip and record['ip'] == ip:
                return self._check_class(record)
            if not ip and self.cls == 'nic' and record['mac'] == self.mac:
                return record
        return self._held_by_another(ip) if ip else None

    def _find_by_hostname(self, hostname):
        """A floating address by its hostname: MAAS made a DNS resource of it at op=reserve."""
        query = {'fqdn': hostname} if '.' in hostname else {'name': hostname}
        for resource in self.client.get('dnsresources/', **query) or []:
            for entry in resource.get('ip_addresses') or []:
                if entry.get('alloc_type') == USER_RESERVED and not entry.get('interface_set'):
                    return self.reserved_record(entry, hostname)
        return None

    def _held_by_another(self, ip):
        """The reservation of ``ip`` by another user, which ``ipaddresses/`` does not list to this key: the subnet's
        addresses name its owner. Taking it is refused here; releasing it is refused by the plan, naming the owner."""
        subnet = self.client.get('subnets/ip:%s/' % ip)
        entries = self.client.get('subnets/%s/' % subnet['id'], op='ip_addresses', with_username=1) if subnet else []
        for entry in entries or []:
            if entry.get('ip') == ip and entry.get('alloc_type') == USER_RESERVED and entry.get('user') != self.me:
                if self.params['state'] == 'present':
                    raise AddressRequestError('%s is reserved in MAAS by %s: pick another address, or ask them (or a '
                                              'MAAS administrator) to release it' % (ip, entry.get('user') or 'another user'))
                return address_record(self.cls, ip, subnet.get('cidr'), entry.get('user') or '(another user)')
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
