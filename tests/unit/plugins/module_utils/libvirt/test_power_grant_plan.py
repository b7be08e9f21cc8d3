# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_power_grant's decisions: which rule files are written and removed, from the grants asked for and the files
found - tags keep the role's list and compose_vm's grants apart."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import polkit_rules as rules
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.power_grant_plan import plan_grants, user_files

USER = 'kvmnet-power'
A = '6695eb01-f6a4-8304-79aa-97f2502e193f'
B = '0b4f6a4e-2b35-4c3e-9c43-4b1b2d1f6c11'
C = '11111111-2222-3333-4444-555555555555'


def files_of(grants, tag):
    return rules.wanted_files(USER, grants, tag)


def acts(plan):
    return [(action, argument[0] if action == 'write' else argument) for action, argument in plan.steps]


def test_a_first_grant_writes_the_base_deny_group_and_grant_rules():
    plan = plan_grants(USER, 'present', {A: rules.grant('node01')}, 'vm', False, {})
    assert [name for _action, name in acts(plan)] == sorted(files_of({A: rules.grant('node01')}, 'vm'))
    assert plan.changed
    assert plan.predicted['grants'] == [{'uuid': A, 'tag': 'vm', 'file': rules.grant_file(USER, 'vm', A)}]


def test_what_is_there_already_is_left_alone():
    found = files_of({A: rules.grant('node01')}, 'vm')
    plan = plan_grants(USER, 'present', {A: rules.grant('node01')}, 'vm', False, found)
    assert plan.steps == [] and not plan.changed
    assert plan.predicted['files'] == sorted(found)


def test_a_changed_rule_file_is_written_again():
    found = files_of({A: rules.grant('node01')}, 'vm')
    found[rules.deny_file(USER)] = '// emptied by hand\n'
    plan = plan_grants(USER, 'present', {A: rules.grant('node01')}, 'vm', False, found)
    assert acts(plan) == [('write', rules.deny_file(USER))]
    diff = plan.tracker.as_diff()
    assert 'emptied by hand' in str(diff)


def test_exclusive_revokes_only_the_other_grants_of_its_tag():
    found = dict(files_of({A: rules.grant('node01'), B: rules.grant('node02')}, 'role'))
    found.update(files_of({C: rules.grant('vm1')}, 'vm'))
    plan = plan_grants(USER, 'present', {A: rules.grant('node01')}, 'role', True, found)
    assert acts(plan) == [('remove', rules.grant_file(USER, 'role', B))]
    assert sorted(g['uuid'] for g in plan.predicted['grants']) == sorted([A, C])


def test_without_exclusive_other_grants_stay():
    found = files_of({A: rules.grant('node01'), B: rules.grant('node02')}, 'role')
    plan = plan_grants(USER, 'present', {A: rules.grant('node01')}, 'role', False, found)
    assert plan.steps == []


@pytest.mark.parametrize('grants, removed', [
    ({A: rules.grant()}, ['role-' + A, 'vm-' + A]),
    ({}, 'all'),
    ({C: rules.grant()}, []),
], ids=['one domain, both tags', 'everything of the user', 'not granted: nothing'])
def test_absent(grants, removed):
    found = dict(files_of({A: rules.grant('node01'), B: rules.grant('node02')}, 'role'))
    found.update(files_of({A: rules.grant('node01')}, 'vm'))
    plan = plan_grants(USER, 'absent', grants, 'vm', False, found)
    expected = sorted(n for n in found if n != rules.GROUP_FILE) if removed == 'all' else ['59-kvmnet-power-%s-%s.rules' % (USER, r) for r in removed]
    assert acts(plan) == [('remove', name) for name in expected]
    assert plan.changed is bool(expected)


def test_only_the_users_own_files_are_considered():
    names = ['50-default.rules', rules.base_file('other'), rules.grant_file('other', 'vm', A), rules.GROUP_FILE,
             rules.base_file(USER), rules.grant_file(USER, 'vm', A), '59-kvmnet-power-%s-vm-not-a-uuid.rules' % USER]
    assert user_files(USER, names) == sorted([rules.GROUP_FILE, rules.base_file(USER), rules.grant_file(USER, 'vm', A)])


def test_a_domain_moved_to_another_network_has_its_grant_written_again():
    found = files_of({A: rules.grant('node01', ['maas'])}, 'vm')
    plan = plan_grants(USER, 'present', {A: rules.grant('node01', ['default'])}, 'vm', False, found)
    assert acts(plan) == [('write', rules.grant_file(USER, 'vm', A))]
