# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of kvm_libvirt_network, case by case from data/network_plan.yml: the strategy, the steps in
order, what changes, and the result it predicts - for networks read from real libvirt documents."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml
from lxml import etree

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.network_plan import NetworkFound, plan_network
from ansible_collections.kvmnet.netboot.plugins.modules.kvm_libvirt_network import ARGUMENT_SPEC

with open(os.path.join(os.path.dirname(__file__), 'data', 'network_plan.yml')) as handle:
    CASES = yaml.safe_load(handle)


def params_of(given):
    """The module's options as Ansible hands them over: every option, its default when not given."""
    params = dict((name, option.get('default')) for name, option in ARGUMENT_SPEC.items())
    params.update(given)
    return params


@pytest.mark.parametrize('case', CASES, ids=[c['id'] for c in CASES])
def test_network_plan(case, fixture_text):
    found = case.get('found')
    if found is not None:
        found = NetworkFound(fixture_text(found['xml']), found.get('active', False), found.get('autostart', False))
    plan = plan_network(case.get('name', 'net0'), found, params_of(case['params']))
    expect = case['expect']
    assert [action for action, dummy in plan.steps] == expect['steps']
    assert plan.predicted['applied'] == expect['applied']
    assert plan.changed is expect['changed']
    assert sorted(plan.tracker.differences()) == sorted(expect.get('differences', []))
    for key, value in (expect.get('network') or {}).items():
        assert plan.predicted['network'][key] == value, key
    if 'affected_domains' in expect:
        assert plan.predicted['affected_domains'] == expect['affected_domains']
    if plan.predicted.get('xml'):
        root = etree.fromstring(plan.predicted['xml'].encode())
        for path in expect.get('xml_has') or []:
            assert root.xpath(path), path
        for path in expect.get('xml_lacks') or []:
            assert not root.xpath(path), path
