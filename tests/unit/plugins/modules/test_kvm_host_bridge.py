# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_host_bridge, case by case from data/kvm_host_bridge.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.host import lock
from ansible_collections.kvmnet.netboot.plugins.modules import kvm_host_bridge
from ansible_collections.kvmnet.netboot.tests.unit.plugins.modules.module_harness import load_cases, run_case


class FastTime(object):
    """Each reading of the clock is ten seconds later; sleeping takes no time."""

    def __init__(self):
        self.now = 0

    def monotonic(self):
        self.now += 10
        return self.now

    def sleep(self, seconds):
        pass


class RecordingWatchdog(object):
    STATE_DIR = '/run/kvmnet-netboot'

    def __init__(self):
        self.calls = []

    def arm(self, ip_bin, lines, timeout, bridge):
        self.calls.append(('arm', ip_bin, timeout))
        return 'handle'

    def disarm(self, handle):
        self.calls.append(('disarm', handle))

    def pending(self):
        return []


@pytest.mark.parametrize('case', load_cases('kvm_host_bridge.yml'))
def test_kvm_host_bridge(monkeypatch, tmp_path, case):
    dog = RecordingWatchdog()
    monkeypatch.setattr(kvm_host_bridge, 'watchdog', dog)
    monkeypatch.setattr(lock, 'lock_path', lambda name: str(tmp_path / name))
    monkeypatch.setattr(kvm_host_bridge, 'time', FastTime())
    monkeypatch.delenv('SSH_CONNECTION', raising=False)
    run_case(monkeypatch, kvm_host_bridge.main, case)
    # a change that ran was watched from start to end; a failed undo leaves the watchdog armed
    assert [c[0] for c in dog.calls] == case.get('watchdog', []), dog.calls
