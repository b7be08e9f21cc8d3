# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Table-driven tests of the attachment policy: scenarios in data/selection_scenarios.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.kvmnet.netboot.plugins.filter.attachment_order import FilterModule
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.attachment import SelectionError, select_attachments
from ansible_collections.kvmnet.netboot.plugins.module_utils.host.facts import build_host_network
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.records import RawNetwork
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.interface_constraints import parse_constraints
from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.provisioner_model import load_model

with open(os.path.join(os.path.dirname(__file__), 'data', 'selection_scenarios.yml')) as handle:
    TABLE = yaml.safe_load(handle)


def model_of(scenario):
    model = copy.deepcopy(scenario.get('model') or {})
    for key in ('vlans', 'subnets'):
        model.setdefault(key, copy.deepcopy(TABLE['base_model'][key]))
    return model


def run(scenario):
    constraints = parse_constraints(scenario.get('interfaces'))
    return select_attachments(scenario['facts'], load_model(model_of(scenario)), constraints,
                              scenario.get('default_macvlan_mode', 'bridge'))


def subset(actual, wanted):
    return dict((k, actual.get(k)) for k in wanted) == wanted


@pytest.mark.parametrize('scenario', TABLE['scenarios'], ids=[s['name'] for s in TABLE['scenarios']])
def test_scenario(scenario):
    expect = scenario['expect']
    if 'error' in expect:
        with pytest.raises(SelectionError) as info:
            run(scenario)
        for words in expect['error']:
            assert words in str(info.value)
        return
    selection = run(scenario)
    assert selection.rule == expect['rule']
    assert len(selection.attachments) == len(expect['attachments'])
    for actual, wanted in zip(selection.attachments, expect['attachments']):
        assert subset(actual, wanted), (actual, wanted)
    if 'candidates' in expect:
        got = [dict((k, c[k]) for k in w) for c, w in zip(selection.candidates, expect['candidates'])]
        assert got == expect['candidates']
        assert len(selection.candidates) == len(expect['candidates'])
    if 'candidates_free' in expect:
        free = dict((c['source'], c['free_ipv4']) for c in selection.candidates)
        assert dict((k, free[k]) for k in expect['candidates_free']) == expect['candidates_free']
    if 'reason_of_first' in expect:
        assert expect['reason_of_first'] in selection.candidates[0]['reason']
    for candidate in selection.candidates:
        assert candidate['reason'].endswith('.')
        if candidate['type'] == 'macvlan':
            assert candidate['mode'] in ('bridge', 'private', 'vepa', 'passthru')
    for attachment in selection.attachments:
        if attachment['type'] == 'macvlan':
            assert attachment['mode'] in ('bridge', 'private', 'vepa', 'passthru')
        else:
            assert attachment['mode'] is None


def test_real_captures_maas_default_trap(fixture_text, fixture_json):
    """Live captures: stock default (libvirt DHCP on) and a maas network bridged onto capbr0."""
    facts = build_host_network(
        raw_networks=[RawNetwork(fixture_text('libvirt-live-net-default-active.xml'), True, True, True),
                      RawNetwork(fixture_text('libvirt-live-net-maas-forward-bridge.xml'), True, True, True)],
        links=fixture_json('iproute2-live-libvirt-taps-macvtap-ip-j-d-link.json'))
    model = load_model({'vlans': [{'id': 1, 'vid': 0, 'fabric': 'f0', 'dhcp_on': True}],
                        'subnets': [{'cidr': '198.51.100.0/24', 'vlan': 1}],
                        'host_interfaces': [{'name': 'capbr0', 'vlan': 1}, {'name': 'capv1', 'vlan': 1}]})
    selection = select_attachments(facts, model)
    assert selection.rule == 'preferred-network'
    assert selection.attachments[0]['source'] == 'maas'
    assert [(c['type'], c['source'], c['eligible']) for c in selection.candidates] == [
        ('network', 'maas', True), ('network', 'default', False), ('bridge', 'capbr0', True),
        ('bridge', 'virbr0', False), ('macvlan', 'capv1', True), ('macvlan', 'capv0', False)]
    assert selection.candidates[0]['free_ipv4'] == 254


UNCONSTRAINED = [s for s in TABLE['scenarios'] if not s.get('interfaces') and not s.get('expect', {}).get('error')]


@pytest.mark.parametrize('scenario', UNCONSTRAINED, ids=[s['name'] for s in UNCONSTRAINED])
def test_filter_ranking_is_the_module_ranking(scenario):
    """The attachment_order filter ranks exactly the candidates the module considers."""
    attachment_order = FilterModule().filters()['attachment_order']
    ranked = attachment_order(scenario['facts'], model_of(scenario), scenario.get('default_macvlan_mode', 'bridge'))
    assert ranked == run(scenario).candidates


def test_filter_reports_a_bad_model_as_a_filter_error():
    with pytest.raises(AnsibleFilterError, match=r'attachment_order: maas_model.vlans\[0\] has no id'):
        FilterModule().filters()['attachment_order']({}, {'vlans': [{'vid': 1}]})


@pytest.mark.parametrize('facts', ['not a dict', ['list']])
def test_bad_facts(facts):
    with pytest.raises(SelectionError, match='facts must be the kvm_host_network dict'):
        select_attachments(facts, load_model({}))


def test_bad_macvlan_mode():
    with pytest.raises(SelectionError, match='default_macvlan_mode must be one of'):
        select_attachments({}, load_model({}), macvlan_mode='None')


# Every refusal that advises something: following the advice is accepted (issue 22).
ADVICE = [
    # (scenario name, the constraint the advice leads to)
    ('constraints - name= of the port is refused naming the bridge', 'eth0:name=br-eth1'),
]


@pytest.mark.parametrize('name, advised', ADVICE, ids=[a[0] for a in ADVICE])
def test_following_the_advice_is_accepted(name, advised):
    scenario = next(s for s in TABLE['scenarios'] if s['name'] == name)
    with pytest.raises(SelectionError) as info:
        run(scenario)
    target = advised.split('name=')[1]
    assert 'attach to %s instead' % target in str(info.value)
    followed = dict(scenario, interfaces=advised)
    selection = run(followed)
    assert selection.attachments[0]['source'] == target


def test_the_port_advice_is_followed_for_every_port_of_every_bridge():
    """Whatever a port's bridge is - modelled or not - naming it, as the advice says, is accepted."""
    for scenario in TABLE['scenarios']:
        interfaces = (scenario.get('facts') or {}).get('interfaces') or []
        ports = [(i['name'], i['master']) for i in interfaces if i.get('master')
                 and any(b['name'] == i['master'] and b.get('kind') == 'bridge' for b in interfaces)]
        for port, bridge in ports:
            model = model_of(scenario)
            if not any(h['name'] in (port, bridge) for h in model.get('host_interfaces') or []):
                continue
            refused = dict(scenario, interfaces='eth0:name=%s' % port)
            try:
                run(refused)
            except SelectionError as exc:
                assert 'attach to %s instead' % bridge in str(exc)
                if 'cannot be satisfied' not in str(exc) or 'is a port of' not in str(exc):
                    continue
                try:
                    selection = run(dict(scenario, interfaces='eth0:name=%s' % bridge))
                    assert selection.attachments[0]['source'] == bridge, scenario['name']
                except SelectionError as then:   # the label is satisfied; what is left is about DHCP on its VLAN
                    assert 'cannot be satisfied' not in str(then) and 'MAAS serves or relays DHCP' in str(then)
