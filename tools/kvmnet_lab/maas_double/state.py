# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the region knows: fabrics and VLANs, subnets, ranges, nodes and their interfaces, addresses, DNS
resources, users, machines and their power parameters. It starts from MAAS's captured answers; tests add and
change what they need, through the endpoints where the region itself would make the thing. How it is written
in the answers is render's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress
import json
import os
import threading

from kvmnet_lab.maas_double import render
from kvmnet_lab.maas_double.captures import capture, template

_ADMIN = {'username': 'admin', 'is_superuser': True}


class Refused(AssertionError):
    """The double refused what a test set up: the test's setup is wrong, not the code under test."""


def _accepted(answer):
    status, body = answer
    if status != 200:
        raise Refused('the MAAS double refused the setup (%s): %s' % (status, body))
    return body


def _form(**values):
    """A form as the server reads one (``{field: [values]}``), without the fields given as None."""
    return dict((k, [v]) for k, v in values.items() if v is not None)


class MaasState(object):
    """What the region knows. Starts from MAAS's captured answers; tests add and change what they need."""

    def __init__(self, version='3.5.4'):
        self.version = dict(capture('version', 'version'), version=version, subversion='')
        self.fabrics = capture('fabrics', 'fabrics-read')
        self.subnets = capture('subnets', 'subnets-read')
        self.ipranges = capture('ipranges', 'ipranges-read')
        self.addresses = {}      # subnet id -> [op=ip_addresses entries of nodes' addresses, with node_summary]
        self.interfaces = {}     # system_id -> [interfaces, as nodes/<system_id>/interfaces/ gives them]
        self.users = {}          # api key -> {'username', 'is_superuser'}
        self.machines = {}       # system_id -> machine (the shape of MAAS's machines-create answer)
        self.reserved = []       # user-reserved addresses: {ip, subnet_id, owner, mac, interface_id, created}
        self.dnsresources = []   # {id, name, ips}: a hostname given to op=reserve becomes one
        self.reservedips = []    # DHCP reservations (MAAS >= 3.6): {id, ip, subnet_id, mac, comment}
        self.hostnames = {}      # system_id -> (hostname, node type)
        self.dhcp_hostsdir = None  # where MAC-bound reservations go, for a real dnsmasq (the lab's rack)
        self.power = {}          # system_id -> power parameters
        # Called (in a thread of its own, as MAAS's rack acts after the region answered) with (system_id, power_type,
        # power parameters) when a machine starts commissioning: the rack of the lab (maas_double.rack) powers it on.
        self.commissioning_hook = None
        self.next_id = 9000      # ids of interfaces, links, reservations and DNS resources the region makes
        self.lock = threading.Lock()

    def new_id(self):
        self.next_id += 1
        return self.next_id

    @classmethod
    def from_maas_model(cls, model, version='3.5.4'):
        """A region whose fabrics, VLANs, subnets and ranges are those of a ``maas_model`` (as written by
        hand for kvm_attachment_select) instead of the captured ones."""
        state = cls(version)
        state.fabrics, state.subnets, state.ipranges = [], [], []
        for vlan in model.get('vlans') or []:
            fabric = next((f for f in state.fabrics if f['name'] == vlan.get('fabric')), None)
            if fabric is None:
                fabric = template('fabrics', 'fabrics-read', class_type=None, id=len(state.fabrics),
                                  name=vlan.get('fabric'), vlans=[],
                                  resource_uri='/MAAS/api/2.0/fabrics/%d/' % len(state.fabrics))
                state.fabrics.append(fabric)
            fabric['vlans'].append(template(
                'fabrics', 'vlan-read', vid=vlan.get('vid'), mtu=1500, dhcp_on=bool(vlan.get('dhcp_on')),
                external_dhcp=None, relay_vlan=None, fabric=fabric['name'], fabric_id=fabric['id'],
                name=vlan.get('name'), primary_rack=None, secondary_rack=None, id=vlan['id'],
                space=vlan.get('space') or 'undefined', resource_uri='/MAAS/api/2.0/vlans/%d/' % vlan['id']))
        for vlan in model.get('vlans') or []:
            if vlan.get('relay_vlan') is not None:
                state.vlan(vlan['id'])['relay_vlan'] = copy.deepcopy(state.vlan(vlan['relay_vlan']))
        for subnet in model.get('subnets') or []:
            made = state.add_subnet(subnet['cidr'], subnet['vlan'], subnet.get('gateway_ip'), subnet.get('space'))
            for rng in subnet.get('ranges') or []:
                state.add_range(made, rng['start_ip'], rng['end_ip'], rng.get('type', 'dynamic'))
        return state

    def save_machines(self, path):
        """Keep the enlisted machines (and their power parameters) in a file, for the next start."""
        with open(path, 'w') as handle:
            json.dump({'machines': self.machines, 'power': self.power}, handle)

    def load_machines(self, path):
        if os.path.exists(path):
            with open(path) as handle:
                saved = json.load(handle)
            self.machines, self.power = saved['machines'], saved['power']
            self.hostnames.update((sid, (m['hostname'], 0)) for sid, m in self.machines.items())

    def add_user(self, username, api_key=None, admin=False):
        """Add a user; returns their API key (``consumer:token:secret``, made up from the name when not given)."""
        api_key = api_key or '%sConsumer:%sToken:%sSecret' % (username, username, username)
        self.users[api_key] = {'username': username, 'is_superuser': admin}
        return api_key

    def user_named(self, username):
        """The user called ``username``; a user the region no longer knows is a plain (non-admin) one."""
        return next((u for u in self.users.values() if u['username'] == username),
                    {'username': username, 'is_superuser': False})

    def vlan(self, vlan_id):
        for fabric in self.fabrics:
            for vlan in fabric['vlans']:
                if vlan['id'] == vlan_id:
                    return vlan
        raise KeyError(vlan_id)

    def add_subnet(self, cidr, vlan_id, gateway=None, space=None):
        vlan = self.vlan(vlan_id)
        new_id = max([s['id'] for s in self.subnets] or [0]) + 1
        subnet = template('subnets', 'subnets-read', name=cidr, vlan=copy.deepcopy(vlan), cidr=cidr, rdns_mode=2,
                          gateway_ip=gateway, dns_servers=[], allow_dns=True, allow_proxy=True, active_discovery=False,
                          managed=True, space=space or vlan.get('space') or 'undefined', id=new_id,
                          resource_uri='/MAAS/api/2.0/subnets/%d/' % new_id)
        self.subnets.append(subnet)
        return subnet

    def add_range(self, subnet, start, end, kind='dynamic'):
        new_id = len(self.ipranges) + 100
        self.ipranges.append(template('ipranges', 'ipranges-read', subnet=copy.deepcopy(subnet), type=kind,
                                      start_ip=start, end_ip=end, user=render.user_record(_ADMIN), comment='',
                                      id=new_id, resource_uri='/MAAS/api/2.0/ipranges/%d/' % new_id))

    def add_node(self, system_id, hostname, interfaces, node_type=0, status_name='Deployed'):
        """``interfaces``: [(name, type, vlan id, parents, [(ip, alloc_type)])]."""
        self.hostnames[system_id] = (hostname, node_type)
        self.interfaces[system_id] = []
        for index, (name, kind, vlan_id, parents, addresses) in enumerate(interfaces):
            mac = '52:54:00:00:%02x:%02x' % (len(self.interfaces), index)
            self.interfaces[system_id].append(render.interface_record(system_id, 1000 + index, name, mac,
                                                                      self.vlan(vlan_id), kind, parents))
            for ip, alloc_type in addresses:
                self.add_node_address(system_id, name, ip, alloc_type)
        if node_type == 0:
            from kvmnet_lab.maas_double.machines import new_machine  # pylint: disable=import-outside-toplevel
            new_machine(self, system_id, hostname, [i['mac_address'] for i in self.interfaces[system_id]], status_name)

    def add_node_address(self, system_id, interface, ip, alloc_type, created='Tue, 27 Nov. 2018 18:06:19'):
        """An address of a node's interface among its subnet's op=ip_addresses entries."""
        hostname, node_type = self.hostnames[system_id]
        self.addresses.setdefault(self.subnet_of(ip)['id'], []).append({
            'ip': ip, 'alloc_type': alloc_type, 'created': created, 'updated': created,
            'node_summary': {'system_id': system_id, 'node_type': node_type, 'fqdn': '%s.%s' % (hostname, render.DOMAIN),
                             'hostname': hostname, 'is_container': False, 'via': interface}})

    def subnet_of(self, ip):
        address = ipaddress.ip_address(ip)
        for subnet in self.subnets:
            if address in ipaddress.ip_network(subnet['cidr'], strict=False):
                return subnet
        return None

    def status_of(self, system_id):
        """The status_name of a machine (None for a controller or a node the region does not know)."""
        return (self.machines.get(system_id) or {}).get('status_name')

    def subnet_by_id(self, subnet_id):
        return next(s for s in self.subnets if s['id'] == subnet_id)

    # What a test sets up goes through the endpoints, so it is what the region itself would have made.

    def _as(self, method, path, query, form, user):
        from kvmnet_lab.maas_double.routes import route  # pylint: disable=import-outside-toplevel
        return _accepted(route(self, method, path, query, form, user))

    def reserve(self, username, ip, subnet, mac=None, hostname=None, created=None):
        """``username`` reserves ``ip`` on ``subnet`` (a CIDR) - bound to ``mac`` when given; -> the ipaddresses/
        row. ``created`` (ISO 8601) backdates it."""
        row = self._as('POST', 'ipaddresses/', {'op': 'reserve'}, _form(ip=ip, subnet=subnet, mac=mac,
                                                                        hostname=hostname or None),
                       self.user_named(username))
        if created:
            record = next(r for r in self.reserved if r['ip'] == row['ip'])
            record['created'] = created
        return row

    def reserve_dhcp(self, ip, mac, subnet):
        """A DHCP reservation of ``ip`` for ``mac`` (reservedips/, MAAS >= 3.6), made by an administrator."""
        return self._as('POST', 'reservedips/', {}, _form(ip=ip, mac_address=mac, subnet=subnet), _ADMIN)

    def link(self, system_id, interface_id, ip, subnet):
        """A static link of ``ip`` on a node's interface (link_subnet), made by an administrator."""
        return self._as('POST', 'nodes/%s/interfaces/%d/' % (system_id, interface_id), {'op': 'link_subnet'},
                        _form(mode='STATIC', subnet=subnet, ip_address=ip), _ADMIN)

    def enlist(self, hostname, mac, architecture='amd64/generic', power_type='virsh', **power_parameters):
        """A machine enlisted by an administrator, as maas_machine would; -> the machine."""
        form = _form(hostname=hostname, architecture=architecture, power_type=power_type, mac_addresses=mac)
        form.update(('power_parameters_%s' % k, [v]) for k, v in power_parameters.items())
        return self._as('POST', 'machines/', {}, form, _ADMIN)

    def reserved_by_ip(self, ip):
        return next((r for r in self.reserved if r['ip'] == ip), None)
