# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MAAS double answers as MAAS does: every endpoint it serves (routes.ENDPOINTS) is requested over HTTP with
OAuth, and its answer must have the field names and types of MAAS's captured examples of that endpoint
(tests/unit/fixtures/maas). A field MAAS does not return fails; so does one it always returns and the double
lacks. Where MAAS keeps no example (reservedips/, a machine's power parameters) the reference is the handler's
own field list in MAAS's source, named below."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from kvmnet_lab import maas_double
from kvmnet_lab.maas_double import routes
from kvmnet_lab.maas_double.captures import capture

# --- shapes -------------------------------------------------------------------------------------------------


class Shape(object):
    """What MAAS's examples show at one place of an answer: the types seen, the keys of the objects (all seen;
    and those every example has), and the shape of list items."""

    def __init__(self):
        self.types, self.keys, self.required, self.items, self.seen = set(), {}, None, None, 0

    def add(self, value):
        self.seen += 1
        self.types.add(kind(value))
        if isinstance(value, dict):
            for key, item in value.items():
                self.keys.setdefault(key, Shape()).add(item)
            self.required = set(value) if self.required is None else self.required & set(value)
        elif isinstance(value, list):
            for item in value:
                self.item_shape().add(item)
        return self

    def item_shape(self):
        if self.items is None:
            self.items = Shape()
        return self.items


def kind(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, (int, float)):
        return 'number'
    return {str: 'str', list: 'list', dict: 'object'}[type(value)]


def shape_of(*examples):
    shape = Shape()
    for example in examples:
        shape.add(example)
    return shape


def problems(value, shape, where='answer'):
    """What in ``value`` MAAS's examples do not show. A null is taken where MAAS's fields are nullable (any), and
    a place the examples only show as null or as an empty list takes any value."""
    found, seen = [], shape.types - {'null'}
    if value is None or not seen:
        return found
    if kind(value) not in seen:
        return ['%s is %s; MAAS gives %s' % (where, kind(value), ' or '.join(sorted(shape.types)))]
    if isinstance(value, dict) and shape.keys:
        found += ['%s.%s is a field MAAS does not return' % (where, k) for k in sorted(set(value) - set(shape.keys))]
        always = shape.required or set()
        found += ['%s lacks %s, which MAAS always returns' % (where, k) for k in sorted(always - set(value))]
        for key in sorted(set(value) & set(shape.keys)):
            found += problems(value[key], shape.keys[key], '%s.%s' % (where, key))
    elif isinstance(value, list) and shape.items is not None:
        for index, item in enumerate(value):
            found += problems(item, shape.items, '%s[%d]' % (where, index))
    return found


def graft(shape, path, item_shape):
    """Use ``item_shape`` for the items of the list at ``path`` (keys) - where MAAS's example of that list is empty
    and another example shows its items."""
    for key in path[:-1]:
        shape = shape.items if key == '[]' else shape.keys[key]
    target = shape.items if path[-1] == '[]' else shape.keys[path[-1]]
    target.items = item_shape
    return shape


# --- the references ---------------------------------------------------------------------------------------

def interface_shape():
    """Every interface MAAS's examples show: those of nodes/<id>/interfaces/ and those nested in nodes/ (newer, with
    the link speed fields)."""
    examples = ('interfaces-read', 'interfaces-read-by-id', 'interfaces-link-subnet', 'interfaces-unlink-subnet',
                'interfaces-create-physical', 'interfaces-update')
    nested = [i for node in capture('nodes', 'read-visible-nodes') for i in node['interface_set']]
    return shape_of(*[i for key in examples for i in as_list(capture('nodes', key))] + nested)


def subnet_addresses_shape():
    """op=ip_addresses: every example is a node's address; MAAS gives node_summary only for an address that has a
    node (src/maasserver/models/staticipaddress.py, render_json), so it is not required."""
    reference = shape_of(capture('subnets', 'subnets-ip-addresses'))
    reference.items.required.discard('node_summary')
    return reference


def as_list(value):
    return value if isinstance(value, list) else [value]


def ipaddress_shape():
    reference = shape_of(*capture('ipaddresses', 'ipaddresses-read') + [capture('ipaddresses', 'ipaddresses-reserve')])
    reference.keys['interface_set'].items = interface_shape()       # MAAS's examples hold no interface there
    return reference


def listed(*examples):
    return shape_of(*[list(e) for e in examples])


def machine_shape():
    return shape_of(*[capture('machines', k) for k in ('machines-create', 'machines-update', 'machines-commission')])


def dnsresource_shape():
    reference = shape_of(*capture('dnsresources', 'dnsresources-read') + [
        capture('dnsresources', k) for k in ('dnsresources-create', 'dnsresources-read-by-id', 'dnsresources-update')])
    reference.keys['ip_addresses'].items = ipaddress_shape()        # examples show none; MAAS renders ipaddresses rows
    return reference


def subnet_shape():
    return shape_of(*capture('subnets', 'subnets-read') + [capture('subnets', 'subnets-read-by-id')])


# No example: src/maasserver/api/reservedip.py, DISPLAYED_RESERVEDIP_FIELDS (id, ip, subnet, mac_address, comment)
# and the resource_uri the handler adds.
def reservedip_shape():
    reference = shape_of({'id': 1, 'ip': '', 'subnet': {}, 'mac_address': '', 'comment': '', 'resource_uri': ''})
    reference.keys['subnet'] = subnet_shape()
    return reference


# No example of one machine's: src/provisioningserver/drivers/power/virsh.py, the virsh driver's settings
# (power_address, power_id, power_pass); nodes.json's get-power-params shows them per machine.
def power_parameters_shape():
    examples = list(capture('nodes', 'get-power-params').values())
    return shape_of(*examples + [{'power_address': '', 'power_id': '', 'power_pass': ''}])


S, I, M, R = routes._SUBNET, routes._INTERFACE, routes._MACHINE, routes._RESERVEDIP  # pylint: disable=protected-access
REFERENCES = {
    ('GET', 'version/', None): lambda: shape_of(capture('version', 'version')),
    ('GET', 'users/', 'whoami'): lambda: shape_of(capture('users', 'whoami')),
    ('GET', 'users/', None): lambda: shape_of(capture('users', 'list')),
    ('GET', 'nodes/', None): lambda: shape_of(capture('nodes', 'read-visible-nodes')),
    ('GET', 'fabrics/', None): lambda: shape_of(capture('fabrics', 'fabrics-read')),
    ('GET', 'subnets/', None): lambda: listed(capture('subnets', 'subnets-read')),
    ('GET', S, None): subnet_shape,
    ('GET', S, 'ip_addresses'): subnet_addresses_shape,
    ('GET', 'ipranges/', None): lambda: shape_of(capture('ipranges', 'ipranges-read')),
    ('GET', 'dnsresources/', None): lambda: listed_shape(dnsresource_shape()),
    ('GET', r'nodes/(?P<system_id>[^/]+)/interfaces/', None): lambda: listed_shape(interface_shape()),
    ('GET', I, None): interface_shape,
    ('POST', I, 'link_subnet'): interface_shape,
    ('POST', I, 'unlink_subnet'): interface_shape,
    ('GET', 'ipaddresses/', None): lambda: listed_shape(ipaddress_shape()),
    ('POST', 'ipaddresses/', 'reserve'): ipaddress_shape,
    ('POST', 'ipaddresses/', 'release'): None,                     # 204, no body
    ('GET', 'reservedips/', None): lambda: listed_shape(reservedip_shape()),
    ('POST', 'reservedips/', None): reservedip_shape,
    ('GET', R, None): reservedip_shape,
    ('DELETE', R, None): None,
    ('GET', 'machines/', None): lambda: listed_shape(machine_shape()),
    ('POST', 'machines/', None): machine_shape,
    ('GET', M, None): machine_shape,
    ('GET', M, 'power_parameters'): power_parameters_shape,
    ('POST', M, 'commission'): machine_shape,
    ('PUT', M, None): machine_shape,
    ('DELETE', M, None): None,
}


def listed_shape(item):
    shape = Shape()
    shape.types.add('list')
    shape.items = item
    shape.seen = 1
    return shape


# --- a region that exercises every endpoint -----------------------------------------------------------------

ADMIN_KEY = 'confConsumer:confToken:confSecret'


@pytest.fixture(scope='module')
def region():
    state = maas_double.MaasState('3.6.0')
    state.add_user('admin', ADMIN_KEY, admin=True)
    state.add_user('alice')
    subnet = state.subnet_of('172.16.1.1')
    state.add_range(subnet, '172.16.1.100', '172.16.1.150')
    state.add_node('mach01', 'mach01', [('eth0', 'physical', 5001, [], [('172.16.1.40', 6)])], status_name='Ready')
    state.add_node('rack01', 'rack01', [('br0', 'bridge', 5001, ['eth0'], [('172.16.1.2', 1)])], node_type=2)
    state.reserve('alice', '172.16.1.11', '172.16.1.0/24', hostname='vip-web')
    state.reserve('admin', '172.16.1.120', '172.16.1.0/24', mac='52:54:00:00:01:20')
    state.reserve_dhcp('172.16.1.60', '52:54:00:00:00:60', '172.16.1.0/24')
    state.enlist('node01', '52:54:00:12:34:56', power_address='qemu+ssh://kvmnet-power@198.51.100.10/system',
                 power_id='6695eb01-f6a4-8304-79aa-97f2502e193f')
    with maas_double.serving(state) as server:
        yield server


def request(region, method, path, query=None, form=None):
    consumer, token, secret = ADMIN_KEY.split(':')
    header = ('OAuth oauth_version="1.0", oauth_signature_method="PLAINTEXT", oauth_consumer_key="%s", '
              'oauth_token="%s", oauth_signature="&%s", oauth_nonce="n", oauth_timestamp="1"' % (consumer, token, secret))
    url = '%s/api/2.0/%s' % (region.url, path) + ('?' + urllib.parse.urlencode(query) if query else '')
    data = urllib.parse.urlencode(form or {}, doseq=True).encode() if method in ('POST', 'PUT') else None
    req = urllib.request.Request(url, data=data, method=method, headers={'Authorization': header})
    with urllib.request.urlopen(req) as answer:  # a refusal raises: the case's request is wrong
        body = answer.read()
        return answer.status, answer.headers.get('Content-Type'), json.loads(body) if body else None


# One request per endpoint: (path, query, form) - in an order where each finds what it needs.
CASES = [
    (('GET', 'version/', None), 'version/', None, None),
    (('GET', 'users/', 'whoami'), 'users/', {'op': 'whoami'}, None),
    (('GET', 'users/', None), 'users/', None, None),
    (('GET', 'nodes/', None), 'nodes/', None, None),
    (('GET', 'fabrics/', None), 'fabrics/', None, None),
    (('GET', 'subnets/', None), 'subnets/', None, None),
    (('GET', S, None), 'subnets/ip:172.16.1.11/', None, None),
    (('GET', S, 'ip_addresses'), 'subnets/1/', {'op': 'ip_addresses', 'with_summary': '1', 'with_username': '1'}, None),
    (('GET', 'ipranges/', None), 'ipranges/', None, None),
    (('GET', 'dnsresources/', None), 'dnsresources/', {'name': 'vip-web'}, None),
    (('GET', r'nodes/(?P<system_id>[^/]+)/interfaces/', None), 'nodes/mach01/interfaces/', None, None),
    (('GET', I, None), 'nodes/mach01/interfaces/1000/', None, None),
    (('POST', I, 'link_subnet'), 'nodes/mach01/interfaces/1000/', {'op': 'link_subnet'},
     {'mode': 'STATIC', 'subnet': '172.16.1.0/24', 'ip_address': '172.16.1.41'}),
    (('POST', I, 'unlink_subnet'), 'nodes/mach01/interfaces/1000/', {'op': 'unlink_subnet'}, 'last link'),
    (('GET', 'ipaddresses/', None), 'ipaddresses/', {'all': 'true'}, None),
    (('POST', 'ipaddresses/', 'reserve'), 'ipaddresses/', {'op': 'reserve'},
     {'subnet': '172.16.1.0/24', 'ip': '172.16.1.12', 'hostname': 'vip-db'}),
    (('POST', 'ipaddresses/', 'release'), 'ipaddresses/', {'op': 'release'}, {'ip': '172.16.1.12'}),
    (('GET', 'reservedips/', None), 'reservedips/', None, None),
    (('POST', 'reservedips/', None), 'reservedips/', None,
     {'ip': '172.16.1.61', 'mac_address': '52:54:00:00:00:61', 'subnet': '1'}),
    (('GET', R, None), 'reservedips/1/', None, None),
    (('DELETE', R, None), 'reservedips/2/', None, None),
    (('GET', 'machines/', None), 'machines/', {'mac_address': '52:54:00:12:34:56'}, None),
    (('POST', 'machines/', None), 'machines/', None,
     {'hostname': 'node02', 'architecture': 'amd64/generic', 'power_type': 'virsh',
      'mac_addresses': '52:54:00:12:34:57', 'power_parameters_power_address': 'qemu+ssh://kvmnet-power@h/system',
      'power_parameters_power_id': 'node02'}),
    (('GET', M, None), 'machines/m00001/', None, None),
    (('GET', M, 'power_parameters'), 'machines/m00001/', {'op': 'power_parameters'}, None),
    (('POST', M, 'commission'), 'machines/m00001/', {'op': 'commission'}, None),
    (('PUT', M, None), 'machines/m00002/', None, {'hostname': 'node02b'}),
    (('DELETE', M, None), 'machines/m00002/', None, None),
]


def test_every_endpoint_has_a_reference_and_a_case():
    served = set((e.method, e.path, e.op) for e in routes.ENDPOINTS)
    assert served == set(REFERENCES)
    assert served == set(case[0] for case in CASES)


@pytest.mark.parametrize('endpoint, path, query, form', CASES, ids=['%s %s %s' % c[0] for c in CASES])
def test_the_answer_has_maas_fields_and_types(region, endpoint, path, query, form):
    if form == 'last link':
        iface = request(region, 'GET', path)[2]
        form = {'id': str(iface['links'][-1]['id'])}
    status, content_type, body = request(region, endpoint[0], path, query, form)
    reference = REFERENCES[endpoint]
    if reference is None:
        assert status == 204 and body is None
        return
    assert status == 200 and content_type == 'application/json'
    assert body not in (None, [], {}), 'the case must return something to compare'
    assert problems(body, reference()) == []


def test_a_field_maas_does_not_return_is_found():
    """The check itself can fail: the double's old ipaddresses row (a ``hostname``, an owner without email)."""
    row = capture('ipaddresses', 'ipaddresses-read')[0]
    row['hostname'] = 'vip-web'
    del row['owner']['email']
    assert problems(row, ipaddress_shape(), 'row') == ['row.hostname is a field MAAS does not return',
                                                       'row.owner lacks email, which MAAS always returns']
    assert problems({'ip': 7}, shape_of({'ip': '198.51.100.7'})) == ['answer.ip is number; MAAS gives str']
