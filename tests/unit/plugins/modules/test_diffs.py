# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module that changes something shows it with --check --diff: its YAML table has a case run in check and
diff mode that changes something (module_harness prints each such diff through Ansible's default callback), and
the values a plan compares - flags, numbers, lists - print as text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import render_diff

DATA = os.path.join(os.path.dirname(__file__), 'data')
CHANGING = ['kvm_host_bridge', 'kvm_libvirt_network', 'kvm_power_grant', 'kvm_storage_pool', 'kvm_vm_compose',
            'maas_ip_address', 'maas_machine']


@pytest.mark.parametrize('module', CHANGING)
def test_a_check_diff_case_that_changes_something(module):
    with open(os.path.join(DATA, '%s.yml' % module)) as handle:
        cases = yaml.safe_load(handle)
    assert [c['id'] for c in cases if (c.get('flags') or {}).get('check') and (c.get('flags') or {}).get('diff')
            and (c.get('output') or {}).get('changed') is True], module


def test_values_that_are_not_text_print():
    tracker = DifferenceTracker()
    tracker.add('running', False, True)
    tracker.add('vcpus', 1, 2)
    tracker.add('volumes created', [], ['default/node01-disk0.qcow2'])
    tracker.add('machine', None, {'hostname': 'node01'})
    text = render_diff(tracker.as_diff())
    assert '-false\n+true' in text and '-1\n+2' in text and '+  "default/node01-disk0.qcow2"' in text
    assert '"hostname": "node01"' in text
