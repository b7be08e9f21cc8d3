# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The executors of the MAAS plans (maas.machine_plan, maas.address_plan): one ``do_<action>`` per step, through
the MaasClient passed in as ``conn``. What a step learns (the machine MAAS made, the address it reserved) is left
in ``learned`` for the result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.steps import StepExecutor
from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.machine_plan import summary


class MachineExecutor(StepExecutor):
    """maas_machine's steps."""

    def __init__(self, module, conn):
        super(MachineExecutor, self).__init__(module, conn)
        self.learned = {}

    def do_create(self, form):
        self.learned['machine'] = summary(self.conn.post('machines/', **form))

    def do_update(self, update):
        self.learned['machine'] = summary(self.conn.put('machines/%s/' % update['system_id'], **update['form']))

    def do_delete(self, system_id):
        self.conn.delete('machines/%s/' % system_id)


class AddressExecutor(StepExecutor):
    """maas_ip_address's steps; ``finder`` is the maas.address_finder.AddressFinder that found (or did not find)
    the address, with the request's class, key and MAAS version."""

    def __init__(self, module, conn, finder):
        super(AddressExecutor, self).__init__(module, conn)
        self.finder = finder
        self.learned = {}

    def do_reserve(self, dummy):
        finder, params = self.finder, self.finder.params
        form = dict((k, params[k]) for k in ('ip', 'subnet', 'hostname') if params.get(k))
        if finder.cls == 'sticky':
            dummy2, iface = finder.sticky_link()
            link = {'mode': 'STATIC', 'subnet': params.get('subnet') or params.get('ip')}
            if params.get('ip'):
                link['ip_address'] = params['ip']
            self.conn.post('nodes/%s/interfaces/%s/' % (params['node'], iface['id']), op='link_subnet', **link)
            self.learned['address'] = finder.sticky_link()[0]
        elif finder.dhcp_reservations:
            form.pop('hostname', None)
            entry = self.conn.post('reservedips/', mac_address=finder.mac, **form)
            self.learned['address'] = finder.reservation_record(entry)
        else:
            if finder.mac:
                form['mac'] = finder.mac
            self.learned['address'] = finder.reserved_record(self.conn.post('ipaddresses/', op='reserve', **form),
                                                             params.get('hostname'))

    def do_release(self, found):
        params = self.finder.params
        if self.finder.cls == 'sticky':
            self.conn.post('nodes/%s/interfaces/%s/' % (params['node'], self.finder.interface()['id']),
                           op='unlink_subnet', id=found['link_id'])
        elif 'reservation_id' in found:
            self.conn.delete('reservedips/%s/' % found['reservation_id'])
        else:
            form = {'ip': found['ip']}
            if params.get('force'):
                form['force'] = 'true'
            self.conn.post('ipaddresses/', op='release', **form)
        self.learned['address'] = None
