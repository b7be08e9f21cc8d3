# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_attachment_select, case by case from data/kvm_attachment_select.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.modules import kvm_attachment_select
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


@pytest.mark.parametrize('case', load_cases('kvm_attachment_select.yml'))
def test_kvm_attachment_select(monkeypatch, case):
    run_case(monkeypatch, kvm_attachment_select.main, case)
