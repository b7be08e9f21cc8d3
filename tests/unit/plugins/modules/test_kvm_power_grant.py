# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_power_grant, case by case from data/kvm_power_grant.yml (rules in a fresh directory each), and the rule
files it leaves: revoking by a deleted domain's name, exclusive lists, hand edits put back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt import polkit_rules as rules
from ansible_collections.kvmnet.netboot.plugins.modules import kvm_power_grant
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import (
    load_cases, run_case, run_module, LibvirtSandbox)

OLD = '6695eb01-f6a4-8304-79aa-97f2502e193f'
OTHER = '0b4f6a4e-2b35-4c3e-9c43-4b1b2d1f6c11'


@pytest.mark.parametrize('case', load_cases('kvm_power_grant.yml'))
def test_kvm_power_grant(monkeypatch, tmp_path, case):
    extra = {} if 'rules_dir' in (case.get('input') or {}) else {'rules_dir': str(tmp_path / 'rules.d')}
    run_case(monkeypatch, kvm_power_grant.main, case, extra_input=extra)
    if (case.get('flags') or {}).get('check') or (case.get('output') or {}).get('failed'):
        assert not (tmp_path / 'rules.d').exists()


def grant(_monkeypatch, rules_dir, **args):
    """One run against a fresh test-driver host (each run patches libvirt.open for itself)."""
    with pytest.MonkeyPatch.context() as patch:
        sandbox = LibvirtSandbox(patch, 'libvirt-node.xml')
        try:
            return run_module(patch, kvm_power_grant.main, dict(args, uri='test:///unit', rules_dir=str(rules_dir)))
        finally:
            sandbox.close()


def test_the_files_are_the_rules_and_only_root_may_change_them(monkeypatch, tmp_path):
    result = grant(monkeypatch, tmp_path, domains=['node-old'])
    assert not result['failed']
    for name in result['files']:
        path = tmp_path / name
        assert oct(os.stat(str(path)).st_mode & 0o777) == '0o644'
    assert (tmp_path / rules.grant_file('kvmnet-power', 'vm', OLD)).read_text() == rules.grant_rule(
        'kvmnet-power', OLD, 'node-old', result['domains'][0]['networks'])
    assert sorted(os.listdir(str(tmp_path))) == result['files']   # no temporary file left behind


def test_a_hand_edited_rule_is_put_back(monkeypatch, tmp_path):
    grant(monkeypatch, tmp_path, domains=['node-old'])
    deny = tmp_path / rules.deny_file('kvmnet-power')
    deny.write_text('// nothing denied\n')
    result = grant(monkeypatch, tmp_path, domains=['node-old'])
    assert result['changed'] and deny.read_text() == rules.deny_rule('kvmnet-power')


def test_exclusive_keeps_the_other_tags_grants(monkeypatch, tmp_path):
    grant(monkeypatch, tmp_path, domains=[OTHER])                                  # compose_vm's, tag vm
    grant(monkeypatch, tmp_path, domains=['node-old'], tag='role', exclusive=True)
    result = grant(monkeypatch, tmp_path, domains=[], tag='role', exclusive=True)
    assert result['changed']
    assert [(g['uuid'], g['tag']) for g in result['grants']] == [(OTHER, 'vm')]


def test_a_deleted_domain_is_revoked_by_the_name_it_was_granted_under(monkeypatch, tmp_path):
    grant(monkeypatch, tmp_path, domains=['node-old'])
    # node-old is gone from libvirt: its name is found in the grant file
    sandbox = LibvirtSandbox(monkeypatch, 'libvirt-node.xml')
    dom = sandbox.conn.lookupByName('node-old')
    if dom.isActive():
        dom.destroy()
    if dom.isPersistent():
        dom.undefine()
    assert 'node-old' not in [d.name() for d in sandbox.conn.listAllDomains(0)]
    try:
        args = {'domains': ['node-old'], 'state': 'absent', 'rules_dir': str(tmp_path), 'uri': 'test:///unit'}
        result = run_module(monkeypatch, kvm_power_grant.main, args)
    finally:
        sandbox.close()
    assert result['changed']
    assert result['domains'] == [{'domain': 'node-old', 'uuid': OLD, 'name': 'node-old', 'networks': []}]
    assert not (tmp_path / rules.grant_file('kvmnet-power', 'vm', OLD)).exists()
    assert (tmp_path / rules.deny_file('kvmnet-power')).exists()


def test_absent_without_domains_removes_the_users_rules_but_not_the_groups(monkeypatch, tmp_path):
    grant(monkeypatch, tmp_path, domains=['node-old'])
    (tmp_path / '50-local.rules').write_text('// not ours\n')
    result = grant(monkeypatch, tmp_path, state='absent')
    assert result['changed']
    assert sorted(os.listdir(str(tmp_path))) == ['50-local.rules', rules.GROUP_FILE]


def test_an_unwritable_rules_directory_fails_with_a_message(monkeypatch, tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('')
    result = grant(monkeypatch, blocker / 'rules.d', domains=['node-old'])
    assert result['failed'] and 'could not write polkit rule' in result['msg'], result
