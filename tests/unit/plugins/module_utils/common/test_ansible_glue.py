# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How every module runs a plan: steps only outside check mode, the diff only in diff mode and when something
changes, what the executor learned added; and the shape check behind new_module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.ansible_glue import (
    plan_result, run_plan, shape_problems)
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.steps import StepExecutor


class FakeModule(object):
    def __init__(self, check_mode=False, diff=False):
        self.check_mode = check_mode
        self._diff = diff


class Recorder(StepExecutor):
    def __init__(self):
        StepExecutor.__init__(self, None, None)
        self.done = []

    def do_define(self, argument):
        self.done.append(('define', argument))
        self.learned = {'uuid': 'u-1'}

    def do_start(self, argument):
        self.done.append(('start', argument))


def changed_plan():
    tracker = DifferenceTracker()
    tracker.add('xml', '', '<x/>')
    return Plan([('define', '<x/>'), ('start', None)], tracker, {'xml': '<x/>'})


@pytest.mark.parametrize('check, diff, runs, shows_diff', [
    (False, False, True, False), (False, True, True, True), (True, False, False, False), (True, True, False, True)])
def test_run_plan(check, diff, runs, shows_diff):
    executor = Recorder()
    result = run_plan(FakeModule(check, diff), changed_plan(), executor)
    assert executor.done == ([('define', '<x/>'), ('start', None)] if runs else [])
    assert result['changed'] is True and result['xml'] == '<x/>'
    assert ('diff' in result) is shows_diff
    assert (result.get('uuid') == 'u-1') is runs


def test_a_phase_runs_alone():
    executor = Recorder()
    plan = changed_plan()
    run_plan(FakeModule(), plan, executor, steps=plan.only(('start',)))
    assert executor.done == [('start', None)]


def test_nothing_changed_shows_no_diff():
    assert plan_result(FakeModule(diff=True), Plan([], DifferenceTracker(), {'a': 1})) == {'a': 1, 'changed': False}


SPEC = {'dhcp': {'type': 'dict', 'options': {'enabled': {'type': 'bool'}}},
        'interfaces': {'type': 'list', 'elements': 'dict', 'options': {
            'source': {'type': 'str'}, 'vlan': {'type': 'dict', 'options': {'id': {'type': 'int'}}}}},
        'name': {'type': 'str'}}


@pytest.mark.parametrize('params, problems', [
    ({'dhcp': {'enabled': False}, 'interfaces': [{'source': 'br0'}], 'name': 'x'}, []),
    ({'dhcp': True}, ['dhcp must be a dict']),
    ({'interfaces': [1]}, ['interfaces must be a list of dicts']),
    ({'interfaces': {'source': 'br0'}}, ['interfaces must be a list of dicts']),
    ({'interfaces': [{'vlan': 5}]}, ['interfaces[0].vlan must be a dict']),
    ({'dhcp': None, 'name': 7}, []),
])
def test_shape_problems(params, problems):
    assert shape_problems(SPEC, params) == problems
