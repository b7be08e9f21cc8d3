# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_network_facts, case by case from data/kvm_network_facts.yml (``facts_keys``: every key the facts hold)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.modules import kvm_network_facts
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


@pytest.mark.parametrize('case', load_cases('kvm_network_facts.yml'))
def test_kvm_network_facts(monkeypatch, case):
    result = run_case(monkeypatch, kvm_network_facts.main, case)
    if 'facts_keys' in case:  # what a subset leaves out is not there at all
        assert sorted(result['ansible_facts']['kvm_host_network']) == case['facts_keys']
