# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.records import RawDomain, RawNetwork
from ansible_collections.kvmnet.netboot.plugins.module_utils.report.host_report import diagram_dot, report_markdown
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import load_model

MODEL = {'vlans': [{'id': 1, 'vid': 0, 'fabric': 'rack', 'name': 'pxe', 'dhcp_on': True}],
         'subnets': [{'cidr': '198.51.100.0/24', 'vlan': 1}],
         'host_interfaces': [{'name': 'capbr0', 'vlan': 1}]}


def facts(fixture_text, fixture_json):
    return build_host_network(
        libvirt_info={'uri': 'qemu:///system', 'version': '9.0.0'},
        raw_networks=[RawNetwork(fixture_text('libvirt-live-net-default-active.xml'), True, True, True),
                      RawNetwork(fixture_text('libvirt-live-net-maas-forward-bridge.xml'), True, True, True)],
        raw_domains=[RawDomain(fixture_text('libvirt-live-dom-network-bridge-direct-running.xml'), 'running',
                               True, False)],
        links=fixture_json('iproute2-live-libvirt-taps-macvtap-ip-j-d-link.json'))


def test_diagram_marks_trap_provisioner_and_new_vm(fixture_text, fixture_json):
    dot = diagram_dot(facts(fixture_text, fixture_json), load_model(MODEL), 'kvm01')
    assert dot.startswith('digraph "kvm01" {') and dot.rstrip().endswith('}')
    default_line = [l for l in dot.splitlines() if l.startswith('  "net:default" [')][0]
    assert 'libvirt DHCP ON' in default_line and '#c0392b' in default_line
    maas_line = [l for l in dot.splitlines() if l.startswith('  "net:maas" [')][0]
    assert 'libvirt DHCP off' in maas_line and '#1e8449' in maas_line
    assert '"if:capbr0" -> "net:maas";' in dot
    assert '"net:maas" -> "new-vm"' in dot
    assert '"net:maas" -> "vm:capture-vm"' in dot and '"if:capv1" -> "vm:capture-vm"' in dot


def test_report_tables(fixture_text, fixture_json):
    text = report_markdown(facts(fixture_text, fixture_json), load_model(MODEL), 'kvm01', 'kvm01.svg')
    assert text.startswith('# kvm01: KVM network boot report')
    assert '![kvm01 network diagram](kvm01.svg)' in text
    assert 'attaches to **network maas**' in text
    assert '| default | nat | virbr0 | yes | ON | no |' in text
    assert '| maas | bridge | capbr0 | yes | off | yes |' in text
    assert '| capture-vm | running | 3 | direct | capv1 | 52:54:00:6a:4c:5b | macvtap0 |' in text


def test_report_without_model(fixture_text, fixture_json):
    text = report_markdown(facts(fixture_text, fixture_json), load_model({}), 'kvm01')
    assert '| maas | bridge | capbr0 | yes | off | unknown |' in text


def test_report_says_which_maas_node_the_host_matched():
    from ansible_collections.kvmnet.netboot.plugins.module_utils.report.host_report import maas_match_words
    node = {'system_id': 'kvm01x', 'hostname': 'kvm01', 'node_type': 'machine', 'matched_ip': '198.51.100.5',
            'matched_interface': 'br0', 'alloc_type_name': 'STICKY'}
    assert maas_match_words({'host': node}) == ('matched to MAAS machine **kvm01** (system_id kvm01x) by '
                                                '198.51.100.5 on br0 (STICKY).')
    assert 'MAAS knows none of this host\'s addresses (203.0.113.9)' in maas_match_words(
        {'host': None, 'addresses_tried': ['203.0.113.9']})
    assert maas_match_words(None).startswith('no MAAS region configured')


def test_addresses_section():
    from ansible_collections.kvmnet.netboot.plugins.module_utils.report.host_report import addresses_markdown
    usage = {'addresses': [{'ip': '198.51.100.20', 'subnet': '198.51.100.0/24', 'class': 'floating',
                            'alloc_type_name': 'USER_RESERVED', 'owner': 'alice', 'node': None, 'mac': None}],
             'free': {'198.51.100.0/24': 141},
             'findings': [{'ip': '198.51.100.20', 'kind': 'stale-floating', 'sentence': 'floating address 198.51.100.20 '
                                                                                        'of alice is 40 days old'}]}
    text = '\n'.join(addresses_markdown(usage))
    assert '| 198.51.100.20 | 198.51.100.0/24 | floating | USER_RESERVED | alice | - | - |' in text
    assert 'Free: 198.51.100.0/24 141.' in text and '- floating address 198.51.100.20 of alice is 40 days old' in text


def test_the_model_source_is_said_as_it_is():
    from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import load_model
    from ansible_collections.kvmnet.netboot.plugins.module_utils.report.host_report import maas_match_words
    vlans = [{'id': 10, 'fabric': 'f', 'vid': 0, 'dhcp_on': True}]
    nothing = maas_match_words(None, load_model({}))
    assert 'no model given' in nothing and 'maas_model' in nothing and 'was given' not in nothing
    without_host = maas_match_words(None, load_model({'vlans': vlans}))
    assert 'without this host' in without_host and 'MAAS 2.4 did for a KVM host it did not know' in without_host
    with_host = maas_match_words(None, load_model({'vlans': vlans, 'host_interfaces': [{'name': 'br0', 'vlan': 10}]}))
    assert with_host.startswith('no MAAS region configured; the model was given as maas_model (with this host')
    assert '2.4 behaviour' not in maas_match_words({'host': None, 'addresses_tried': []})
