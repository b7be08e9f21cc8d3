# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A test double of the MAAS region API (2.0), stateful, for the tests and the demo. Never shipped.

It answers with MAAS's own field names, nesting and formats - its state starts from MAAS's captured
example answers (tests/unit/fixtures/maas, SOURCES.md) - checks the OAuth 1.0a PLAINTEXT
Authorization header of every request (a missing or wrong one is 401), knows admin and non-admin
users, answers MAAS's error codes, and logs every request for the tests to assert on.

Endpoints: version/, fabrics/, subnets/, subnets/<id>/, subnets/ip:<address>/,
subnets/<id>/?op=ip_addresses[&with_summary=1], ipranges/, nodes/<system_id>/interfaces/, machines/
(GET with mac_address=, POST to enlist), machines/<system_id>/ (GET, PUT, DELETE,
op=power_parameters). Writes and power parameters need an administrator's key (403 otherwise).
Anything outside /MAAS/api/2.0/ answers an HTML page, as a web server in front of the wrong path would.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'unit', 'fixtures', 'maas')
API = '/MAAS/api/2.0/'


def capture(name, key):
    with open(os.path.join(FIXTURES, 'maas-api-examples-%s.json' % name)) as handle:
        return copy.deepcopy(json.load(handle)[key])


class MaasState(object):
    """What the region knows. Starts from MAAS's captured answers; tests add and change what they need."""

    def __init__(self, version='3.5.4'):
        self.version = {'version': version, 'subversion': '', 'capabilities': capture('version', 'version')[
            'capabilities']}
        self.fabrics = capture('fabrics', 'fabrics-read')
        self.subnets = capture('subnets', 'subnets-read')
        self.ipranges = capture('ipranges', 'ipranges-read')
        self.addresses = {}      # subnet id -> [ip_addresses entries, with node_summary]
        self.interfaces = {}     # system_id -> [interfaces]
        self.users = {}          # api key -> {'username', 'is_superuser'}
        self.machines = {}       # system_id -> machine (the shape of MAAS's machines-create answer)
        self.reserved = []       # user-reserved addresses (the shape of MAAS's ipaddresses-reserve answer)
        self.reservedips = []    # DHCP reservations (MAAS >= 3.6)
        self.node_status = {}    # system_id -> status_name
        self.hostnames = {}      # system_id -> (hostname, node type)
        self.dhcp_hostsdir = None  # where MAC-bound reservations go, for a real dnsmasq (the lab's rack)
        self.power = {}          # system_id -> power parameters
        self.lock = threading.Lock()

    @classmethod
    def from_maas_model(cls, model, version='3.5.4'):
        """A region whose fabrics, VLANs, subnets and ranges are those of a ``maas_model`` (as written by
        hand for kvm_attachment_select) instead of the captured ones."""
        state = cls(version)
        state.fabrics, state.subnets, state.ipranges = [], [], []
        for vlan in model.get('vlans') or []:
            fabric = next((f for f in state.fabrics if f['name'] == vlan.get('fabric')), None)
            if fabric is None:
                fabric = {'class_type': None, 'id': len(state.fabrics), 'name': vlan.get('fabric'), 'vlans': [],
                          'resource_uri': '/MAAS/api/2.0/fabrics/%d/' % len(state.fabrics)}
                state.fabrics.append(fabric)
            fabric['vlans'].append({
                'vid': vlan.get('vid'), 'mtu': 1500, 'dhcp_on': bool(vlan.get('dhcp_on')), 'external_dhcp': None,
                'relay_vlan': None, 'fabric': fabric['name'], 'fabric_id': fabric['id'], 'name': vlan.get('name'),
                'primary_rack': None, 'secondary_rack': None, 'id': vlan['id'], 'space': vlan.get('space') or
                'undefined', 'resource_uri': '/MAAS/api/2.0/vlans/%d/' % vlan['id']})
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

    def add_user(self, username, api_key, admin=False):
        self.users[api_key] = {'username': username, 'is_superuser': admin}

    def vlan(self, vlan_id):
        for fabric in self.fabrics:
            for vlan in fabric['vlans']:
                if vlan['id'] == vlan_id:
                    return vlan
        raise KeyError(vlan_id)

    def add_subnet(self, cidr, vlan_id, gateway=None, space=None):
        vlan = self.vlan(vlan_id)
        subnet = {'name': cidr, 'vlan': copy.deepcopy(vlan), 'cidr': cidr, 'rdns_mode': 2, 'gateway_ip': gateway,
                  'dns_servers': [], 'allow_dns': True, 'allow_proxy': True, 'active_discovery': False,
                  'managed': True, 'space': space or vlan.get('space') or 'undefined',
                  'id': max([s['id'] for s in self.subnets] or [0]) + 1}
        subnet['resource_uri'] = '/MAAS/api/2.0/subnets/%d/' % subnet['id']
        self.subnets.append(subnet)
        return subnet

    def add_range(self, subnet, start, end, kind='dynamic'):
        self.ipranges.append({'subnet': copy.deepcopy(subnet), 'type': kind, 'start_ip': start, 'end_ip': end,
                              'user': None, 'comment': '', 'id': len(self.ipranges) + 100,
                              'resource_uri': '/MAAS/api/2.0/ipranges/%d/' % (len(self.ipranges) + 100)})

    def add_node(self, system_id, hostname, interfaces, node_type=0, status_name='Deployed'):
        """``interfaces``: [(name, type, vlan id, parents, [(ip, alloc_type)])]."""
        self.node_status[system_id] = status_name
        self.hostnames[system_id] = (hostname, node_type)
        self.interfaces[system_id] = []
        for index, (name, kind, vlan_id, parents, addresses) in enumerate(interfaces):
            self.interfaces[system_id].append({
                'name': name, 'type': kind, 'parents': list(parents), 'children': [], 'tags': [],
                'vlan': copy.deepcopy(self.vlan(vlan_id)), 'enabled': True, 'id': 1000 + index,
                'mac_address': '52:54:00:00:%02x:%02x' % (len(self.interfaces), index), 'system_id': system_id,
                'links': [], 'resource_uri': '/MAAS/api/2.0/nodes/%s/interfaces/%d/' % (system_id, 1000 + index)})
            for ip, alloc_type in addresses:
                subnet = self.subnet_of(ip)
                self.addresses.setdefault(subnet['id'], []).append({
                    'ip': ip, 'alloc_type': alloc_type, 'created': 'Tue, 27 Nov. 2018 18:06:19',
                    'updated': 'Tue, 27 Nov. 2018 18:06:19',
                    'node_summary': {'system_id': system_id, 'node_type': node_type, 'fqdn': hostname + '.maas',
                                     'hostname': hostname, 'is_container': False, 'via': name}})

    def subnet_of(self, ip):
        address = ipaddress.ip_address(ip)
        for subnet in self.subnets:
            if address in ipaddress.ip_network(subnet['cidr'], strict=False):
                return subnet
        return None


class MaasDouble(ThreadingHTTPServer):
    """``MaasDouble(state).start()``; ``.url`` is what a user would write; ``.log`` the requests seen."""

    daemon_threads = True

    def __init__(self, state, address=('127.0.0.1', 0)):
        ThreadingHTTPServer.__init__(self, address, Handler)
        self.state = state
        self.log = []
        self.thread = None

    @property
    def url(self):
        return 'http://%s:%d/MAAS' % self.server_address[:2]

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


def _oauth_fields(header):
    if not header or not header.startswith('OAuth '):
        return {}
    return dict((k, unquote(v)) for k, v in re.findall(r'(\w+)="([^"]*)"', header))


class Handler(BaseHTTPRequestHandler):
    """One request: authenticate, route, answer as MAAS does."""

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def _send(self, status, body, content_type='application/json'):
        data = body if isinstance(body, bytes) else (json.dumps(body) if content_type == 'application/json'
                                                     else body).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _user(self):
        fields = _oauth_fields(self.headers.get('Authorization'))
        if fields.get('oauth_signature_method') != 'PLAINTEXT':
            return None
        key = '%s:%s:%s' % (fields.get('oauth_consumer_key'), fields.get('oauth_token'),
                            fields.get('oauth_signature', '').lstrip('&'))
        return self.server.state.users.get(key)

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle('GET')

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle('POST')

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._handle('DELETE')

    def do_PUT(self):  # pylint: disable=invalid-name
        self._handle('PUT')

    def _form(self):
        length = int(self.headers.get('Content-Length') or 0)
        return parse_qs(self.rfile.read(length).decode('utf-8')) if length else {}

    def _handle(self, method):
        parts = urlsplit(self.path)
        query = dict((k, v[0]) for k, v in parse_qs(parts.query).items())
        form = self._form() if method in ('POST', 'PUT') else {}
        user = self._user() if parts.path.startswith(API) else None
        self.server.log.append({'method': method, 'path': parts.path, 'query': query,
                                'user': user['username'] if user else None})
        if not parts.path.startswith(API):
            return self._send(200, '<html><body><h1>MAAS</h1></body></html>', 'text/html; charset=utf-8')
        if user is None:
            return self._send(401, 'Authorization Error: Invalid API key.', 'text/plain')
        with self.server.state.lock:
            status, body = route(self.server.state, method, parts.path[len(API):], query, form, user)
        if status == 204:
            return self._send(204, b'', 'text/plain')
        if isinstance(body, str):
            return self._send(status, body, 'text/plain')
        return self._send(status, body)


def route(state, method, path, query, form=None, user=None):
    """(status, body) for an authenticated request."""
    if path == 'machines/' or path.startswith('machines/'):
        return machines_route(state, method, path, query, form or {}, user or {})
    if path.startswith(('ipaddresses/', 'reservedips/')) or re.match(r'^nodes/[^/]+/interfaces/\d+/$', path):
        return addresses_route(state, method, path, query, dict((k, v[0]) for k, v in (form or {}).items()),
                               user or {})
    if method != 'GET':
        return 405, 'Method not allowed'
    if path == 'users/' and query.get('op') == 'whoami':
        return 200, {'username': user['username'], 'is_superuser': user['is_superuser'], 'is_local': True,
                     'email': '%s@example.com' % user['username'], 'resource_uri': '/MAAS/api/2.0/users/'}
    if path == 'version/':
        return 200, state.version
    if path == 'users/':
        return 200, [{'username': u['username'], 'is_superuser': u['is_superuser']} for u in state.users.values()]
    if path == 'nodes/':
        nodes = [{'system_id': sid, 'hostname': name, 'node_type': kind, 'status_name': state.node_status.get(sid)}
                 for sid, (name, kind) in state.hostnames.items()]
        return 200, nodes + [{'system_id': m['system_id'], 'hostname': m['hostname'], 'node_type': 0,
                              'status_name': m['status_name']} for m in state.machines.values()]
    if path == 'fabrics/':
        return 200, state.fabrics
    if path == 'subnets/':
        return 200, state.subnets
    if path == 'ipranges/':
        return 200, state.ipranges
    match = re.match(r'^subnets/([^/]+)/$', path)
    if match:
        return _subnet(state, unquote(match.group(1)), query)
    match = re.match(r'^nodes/([^/]+)/interfaces/$', path)
    if match:
        found = state.interfaces.get(match.group(1))
        return (200, found) if found is not None else (404, 'No Node matches the given query.')
    return 404, 'Unknown API endpoint: /MAAS/api/2.0/%s.' % path


def _subnet(state, specifier, query):
    if specifier.startswith('ip:'):
        try:
            subnet = state.subnet_of(specifier[3:])
        except ValueError:
            return 400, 'Invalid IP address.'
    else:
        subnet = next((s for s in state.subnets if str(s['id']) == specifier), None)
    if subnet is None:
        return 404, 'No Subnet matches the given query.'
    if query.get('op') == 'ip_addresses':
        entries = copy.deepcopy(state.addresses.get(subnet['id'], []))
        for record in state.reserved:
            if record['subnet']['id'] == subnet['id']:
                created = _maas_time(record['created'])
                entry = {'ip': record['ip'], 'alloc_type': 4, 'created': created, 'updated': created,
                         'hostname': record.get('hostname') or ''}
                macs = [i['mac_address'] for i in record['interface_set']]
                if macs:
                    entry['mac_address'] = macs[0]
                if query.get('with_username') in ('1', 'true', 'True'):
                    entry['user'] = record['owner']['username']
                entries.append(entry)
        if query.get('with_summary') not in ('1', 'true', 'True'):
            for entry in entries:
                entry.pop('node_summary', None)
        return 200, entries
    if query.get('op'):
        return 400, 'Unrecognised signature: method=GET op=%s' % query['op']
    return 200, subnet


NOT_ADMIN = 'User is not allowed access to this API.'


def machines_route(state, method, path, query, form, user):
    """machines/ and machines/<system_id>/, as MAAS answers them."""
    if path == 'machines/':
        if method == 'GET':
            wanted = query.get('mac_address', '').lower()
            return 200, [m for m in state.machines.values()
                         if not wanted or wanted in [i['mac_address'] for i in m['interface_set']]]
        if method == 'POST':
            return _enlist(state, form, user)
        return 405, 'Method not allowed'
    match = re.match(r'^machines/([^/]+)/$', path)
    machine = state.machines.get(match.group(1)) if match else None
    if machine is None:
        return 404, 'No Machine matches the given query.'
    if not user.get('is_superuser') and (method != 'GET' or query.get('op') == 'power_parameters'):
        return 403, NOT_ADMIN
    if method == 'GET':
        return (200, state.power[machine['system_id']]) if query.get('op') == 'power_parameters' else (200, machine)
    if method == 'PUT':
        _update(state, machine, form)
        return 200, machine
    if method == 'DELETE':
        del state.machines[machine['system_id']]
        return 204, ''
    return 405, 'Method not allowed'


def _enlist(state, form, user):
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    macs = [m.lower() for m in form.get('mac_addresses', [])]
    if not macs or not form.get('architecture'):
        return 400, json.dumps({'mac_addresses': ['This field is required.']} if not macs else
                               {'architecture': ['This field is required.']})
    for machine in state.machines.values():
        if set(macs) & set(i['mac_address'] for i in machine['interface_set']):
            return 400, json.dumps({'mac_addresses': ['One or more MAC addresses is invalid. (Node with this MAC '
                                                      'address already exists.)']})
    machine = capture('machines-create', 'machines-create')
    machine['system_id'] = 'm%05d' % (len(state.machines) + 1)
    template = machine['interface_set'][0]
    machine['interface_set'] = [dict(copy.deepcopy(template), name='eth%d' % i, mac_address=mac, id=500 + i)
                                for i, mac in enumerate(macs)]
    machine['boot_interface'] = copy.deepcopy(machine['interface_set'][0])
    state.machines[machine['system_id']] = machine
    state.power[machine['system_id']] = {}
    _update(state, machine, form)
    return 200, machine


def _update(state, machine, form):
    for key in ('hostname', 'architecture', 'power_type'):
        if key in form:
            machine[key] = form[key][0]
    machine['fqdn'] = '%s.maas' % machine['hostname']
    for key, values in form.items():
        if key.startswith('power_parameters_'):
            state.power[machine['system_id']][key[len('power_parameters_'):]] = values[0]


def _in_use(state, ip):
    return any(e['ip'] == ip for entries in state.addresses.values() for e in entries) or \
        any(r['ip'] == ip for r in state.reserved) or any(r['ip'] == ip for r in state.reservedips)


def _ranges_of(state, subnet):
    return [r for r in state.ipranges if r['subnet']['id'] == subnet['id']]


def _in_range(ip, ranges, kind=None):
    address = ipaddress.ip_address(ip)
    return any((kind is None or r['type'] == kind) and ipaddress.ip_address(r['start_ip']) <= address <=
               ipaddress.ip_address(r['end_ip']) for r in ranges)


def _pick(state, subnet):
    network = ipaddress.ip_network(subnet['cidr'], strict=False)
    ranges = _ranges_of(state, subnet)
    for address in network.hosts():
        ip = str(address)
        if ip != subnet.get('gateway_ip') and not _in_use(state, ip) and not _in_range(ip, ranges):
            return ip
    return None


def _subnet_for(state, form):
    spec = form.get('subnet')
    if spec:
        found = next((s for s in state.subnets if str(s['id']) == str(spec) or s['cidr'] == spec), None)
        return found
    return state.subnet_of(form['ip']) if form.get('ip') else None


def _write_host(state, mac, ip):
    """A MAC-bound reservation goes into the rack dnsmasq's --dhcp-hostsdir before the API answers."""
    if state.dhcp_hostsdir and mac:
        with open(os.path.join(state.dhcp_hostsdir, mac.replace(':', '-')), 'w') as handle:
            handle.write('%s,%s\n' % (mac, ip))


def _drop_host(state, mac):
    if state.dhcp_hostsdir and mac:
        path = os.path.join(state.dhcp_hostsdir, mac.replace(':', '-'))
        if os.path.exists(path):
            os.unlink(path)


def _reserve(state, form, user):
    subnet = _subnet_for(state, form)
    if subnet is None:
        return 404, 'No Subnet matches the given query.'
    ip = form.get('ip') or _pick(state, subnet)
    if ip is None or _in_use(state, ip):
        return 404, 'The IP address %s is already in use.' % ip if ip else 'No more IPs available in subnet.'
    if not form.get('mac') and _in_range(ip, _ranges_of(state, subnet), 'dynamic'):
        return 403, 'IP address %s is in a dynamic range; reserve it with a MAC address, or pick another.' % ip
    record = capture('ipaddresses', 'ipaddresses-reserve')
    record.update(ip=ip, subnet=copy.deepcopy(subnet), created='2026-11-22T08:00:00.000',
                  owner={'username': user['username'], 'is_superuser': user['is_superuser']},
                  interface_set=[{'mac_address': form['mac'].lower()}] if form.get('mac') else [],
                  hostname=form.get('hostname') or '')
    state.reserved.append(record)
    _write_host(state, form.get('mac', '').lower(), ip)
    return 200, record


def _release(state, form, user):
    record = next((r for r in state.reserved if r['ip'] == form.get('ip')), None)
    if record is None:
        return 404, 'Unable to find IP address %s.' % form.get('ip')
    force = form.get('force') in ('true', 'True', '1')
    if force and not user.get('is_superuser'):
        return 403, NOT_ADMIN
    if record['owner']['username'] != user['username'] and not force:
        return 400, 'IP address %s is owned by %s: release it with force (an administrator).' % (
            record['ip'], record['owner']['username'])
    state.reserved.remove(record)
    for iface in record['interface_set']:
        _drop_host(state, iface.get('mac_address'))
    return 204, ''


def _reservedips(state, method, path, form):
    if _version(state) < (3, 6):
        return 404, 'Unknown API endpoint: /MAAS/api/2.0/%s.' % path
    if path == 'reservedips/' and method == 'GET':
        return 200, state.reservedips
    if path == 'reservedips/' and method == 'POST':
        subnet = _subnet_for(state, form)
        if subnet is None or not form.get('mac_address'):
            return 400, json.dumps({'mac_address': ['This field is required.']})
        if _in_use(state, form.get('ip')):
            return 400, json.dumps({'ip': ['Reserved IP with this IP address already exists.']})
        record = {'id': len(state.reservedips) + 1, 'ip': form.get('ip') or _pick(state, subnet),
                  'mac_address': form['mac_address'].lower(),
                  'subnet': copy.deepcopy(subnet), 'comment': form.get('comment', ''),
                  'resource_uri': '/MAAS/api/2.0/reservedips/%d/' % (len(state.reservedips) + 1)}
        state.reservedips.append(record)
        _write_host(state, record['mac_address'], record['ip'])
        return 200, record
    match = re.match(r'^reservedips/(\d+)/$', path)
    record = next((r for r in state.reservedips if match and r['id'] == int(match.group(1))), None)
    if record is None:
        return 404, 'No ReservedIP matches the given query.'
    if method == 'DELETE':
        state.reservedips.remove(record)
        _drop_host(state, record['mac_address'])
        return 204, ''
    return 200, record


def _version(state):
    return tuple(int(p) for p in state.version['version'].split()[0].split('.')[:2])


def _link(state, system_id, iface, form, user):
    node_type = state.hostnames.get(system_id, ('', 0))[1]
    if node_type != 0:
        return 403, 'Cannot link a subnet on a controller interface.'
    if state.node_status.get(system_id) == 'Deployed':
        return 409, 'Cannot link interface: the machine is Deployed.'
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    subnet = _subnet_for(state, {'subnet': form.get('subnet'), 'ip': form.get('ip_address')})
    if subnet is None:
        return 404, 'No Subnet matches the given query.'
    ip = form.get('ip_address') or _pick(state, subnet)
    if _in_use(state, ip):
        return 404, 'The IP address %s is already in use.' % ip
    link = {'id': 7000 + sum(len(i['links']) for i in state.interfaces[system_id]), 'mode': 'static',
            'ip_address': ip, 'subnet': copy.deepcopy(subnet)}
    iface['links'].append(link)
    hostname = state.hostnames[system_id][0]
    state.addresses.setdefault(subnet['id'], []).append({
        'ip': ip, 'alloc_type': 1, 'created': 'Sun, 22 Nov. 2026 08:00:00', 'updated': 'Sun, 22 Nov. 2026 08:00:00',
        'node_summary': {'system_id': system_id, 'node_type': 0, 'fqdn': hostname + '.maas', 'hostname': hostname,
                         'is_container': False, 'via': iface['name']}})
    _write_host(state, iface['mac_address'], ip)
    return 200, iface


def _unlink(state, system_id, iface, form, user):
    if state.node_status.get(system_id) == 'Deployed':
        return 409, 'Cannot unlink interface: the machine is Deployed.'
    if not user.get('is_superuser'):
        return 403, NOT_ADMIN
    link = next((l for l in iface['links'] if str(l['id']) == str(form.get('id'))), None)
    if link is None:
        return 404, 'No link with id %s on %s.' % (form.get('id'), iface['name'])
    iface['links'].remove(link)
    for entries in state.addresses.values():
        entries[:] = [e for e in entries if e['ip'] != link['ip_address']]
    _drop_host(state, iface['mac_address'])
    return 200, iface


def addresses_route(state, method, path, query, form, user):
    """ipaddresses/ (reserve, release), reservedips/, and link_subnet/unlink_subnet on a node's interface."""
    if path.startswith('reservedips/'):
        return _reservedips(state, method, path, form)
    match = re.match(r'^nodes/([^/]+)/interfaces/(\d+)/$', path)
    if match:
        iface = next((i for i in state.interfaces.get(match.group(1), []) if i['id'] == int(match.group(2))), None)
        if iface is None:
            return 404, 'No Interface matches the given query.'
        handler = {'link_subnet': _link, 'unlink_subnet': _unlink}.get(query.get('op'))
        if method != 'POST' or handler is None:
            return (200, iface) if method == 'GET' else (400, 'Unrecognised signature: op=%s' % query.get('op'))
        return handler(state, match.group(1), iface, form, user)
    if method == 'GET':
        mine = state.reserved if query.get('all') in ('1', 'true') and user.get('is_superuser') else \
            [r for r in state.reserved if r['owner']['username'] == user['username']]
        return 200, mine
    handler = {'reserve': _reserve, 'release': _release}.get(query.get('op'))
    if method != 'POST' or handler is None:
        return 400, 'Unrecognised signature: method=%s op=%s' % (method, query.get('op'))
    return handler(state, form, user)


def _maas_time(iso):
    """op=ip_addresses gives times as ``Tue, 27 Nov. 2018 18:06:19``, not ISO 8601."""
    import datetime  # pylint: disable=import-outside-toplevel
    return datetime.datetime.strptime(iso[:19], '%Y-%m-%dT%H:%M:%S').strftime('%a, %d %b. %Y %H:%M:%S')
