# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract tests: MAAS's own captured API answers (tests/unit/fixtures/maas, SOURCES.md) read into
maas_model, field by field, and the model accepted by the attachment policy's loader."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas import model_reader as reader
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import load_model


@pytest.fixture
def maas(fixture_json):
    def answer(name, key):
        return fixture_json('maas/maas-api-examples-%s.json' % name)[key]
    return answer


def test_vlans_come_nested_in_fabrics(maas):
    vlans = reader.vlans_from_fabrics(maas('fabrics', 'fabrics-read'))
    by_id = dict((v['id'], v) for v in vlans)
    assert by_id[5001] == {'id': 5001, 'fabric': 'fabric-0', 'vid': 0, 'name': 'untagged', 'dhcp_on': False,
                           'relay_vlan': None, 'space': 'management'}
    assert by_id[5004] == {'id': 5004, 'fabric': 'fabric-1', 'vid': 42, 'name': '42', 'dhcp_on': False,
                           'relay_vlan': None, 'space': 'ipv6-testbed'}
    assert len(vlans) == len(set(by_id))


def test_relay_vlan_is_a_nested_object_and_undefined_space_is_none(maas):
    fabrics = copy.deepcopy(maas('fabrics', 'fabrics-read'))
    relayed = fabrics[0]['vlans'][1]
    relayed['relay_vlan'] = copy.deepcopy(fabrics[1]['vlans'][1])  # as MAAS nests it
    relayed['space'] = 'undefined'
    relayed['description'] = 'a field a newer MAAS adds'
    fabrics[1]['vlans'][1]['dhcp_on'] = True
    vlans = reader.vlans_from_fabrics(fabrics)
    by_id = dict((v['id'], v) for v in vlans)
    assert by_id[5002]['relay_vlan'] == 5003 and by_id[5002]['space'] is None
    assert reader.dhcp_vlan_ids(vlans) == set([5003, 5002])


def test_subnets_with_their_ranges(maas):
    subnets = reader.subnets_from(maas('subnets', 'subnets-read'), maas('ipranges', 'ipranges-read'))
    first = subnets[0]
    assert first['cidr'] == '172.16.1.0/24' and first['vlan'] == 5001 and first['space'] == 'management'
    assert first['gateway_ip'] == '172.16.1.1'
    assert first['dns_servers'] == ['fd89:8724:81f1:5512:557f:99c3:6967:8d63']
    ranges = reader.ranges_by_subnet(maas('ipranges', 'ipranges-read'))
    assert ranges[1][0] == {'type': 'reserved', 'start_ip': '172.16.1.200', 'end_ip': '172.16.1.210'}
    assert first['ranges'] == ranges[1]


def test_ip_addresses_find_the_node_and_count_as_allocated(maas):
    answer = maas('subnets', 'subnets-ip-addresses')
    assert reader.node_of(answer, '172.16.2.3') == {
        'system_id': '76y7pg', 'hostname': 'happy-rack', 'node_type': 'rack-controller', 'matched_ip': '172.16.2.3',
        'matched_interface': 'eth2', 'alloc_type_name': 'STICKY'}
    assert reader.node_of(answer, '172.16.2.11')['node_type'] == 'machine'
    assert reader.node_of(answer, '198.51.100.99') is None
    assert reader.allocated_ips(answer)[:2] == ['172.16.2.3', '172.16.2.4']


def test_host_interfaces_with_their_vlan_tags_and_parents(maas):
    interfaces = reader.host_interfaces_from(maas('nodes', 'interfaces-read'))
    assert interfaces[0] == {'name': 'eth-lKRYAa', 'vlan': 5003, 'type': 'physical',
                             'tags': ['tag-oplxjR', 'tag-QAxfJH', 'tag-VOqx2b'], 'parents': []}
    assert [(i['name'], i['type'], i['parents'], i['vlan']) for i in interfaces if i['type'] == 'vlan'][0] == \
        ('eth-lKRYAa.42', 'vlan', ['eth-lKRYAa'], 5004)


def test_the_model_read_from_maas_loads(maas):
    vlans = reader.vlans_from_fabrics(maas('fabrics', 'fabrics-read'))
    subnets = reader.subnets_from(maas('subnets', 'subnets-read'), maas('ipranges', 'ipranges-read'),
                                  {2: reader.allocated_ips(maas('subnets', 'subnets-ip-addresses'))})
    model = load_model({'vlans': vlans, 'subnets': subnets,
                        'host_interfaces': reader.host_interfaces_from(maas('nodes', 'interfaces-read')),
                        'host_known': True})
    assert model.host_known and model.vlan(5003)['fabric'] == 'fabric-1'
    assert model.free_ipv4(5003) < 254


@pytest.mark.parametrize('call, words', [
    (lambda: reader.vlans_from_fabrics({'not': 'a list'}), 'fabrics/: expected a list'),
    (lambda: reader.vlans_from_fabrics([{'name': 'f', 'vlans': [{'vid': 1}]}]), 'fabric f has a VLAN without an id'),
    (lambda: reader.subnets_from([{'id': 9, 'vlan': None}], []), 'subnet 9 has no cidr or no vlan'),
])
def test_answers_of_the_wrong_shape_are_named(call, words):
    with pytest.raises(reader.MaasAnswerError, match=words):
        call()


def test_rack_controller_interfaces_bond_and_vlan(maas):
    """A rack controller's interface_set (the same records as nodes/<id>/interfaces/): a bond with its
    parents and a VLAN on the bond."""
    rack = maas('rackcontrollers', 'read-all')[0]
    interfaces = dict((i['name'], i) for i in reader.host_interfaces_from(rack['interface_set']))
    assert interfaces['bond0'] == {'name': 'bond0', 'vlan': 5001, 'type': 'bond',
                                   'tags': ['tag-G8LyjU', 'tag-RFRUSW', 'tag-pQ5KBJ'],
                                   'parents': ['eth0', 'eth1']}
    assert (interfaces['vlan10']['type'], interfaces['vlan10']['vlan'], interfaces['vlan10']['parents']) == \
        ('vlan', 5002, ['bond0'])
