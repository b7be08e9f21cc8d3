# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rollback watchdog, for real: a detached process, its record, and what a later run does with it. The
undo lines go to a stand-in for ip(8) that writes them to a file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.bridge import watchdog


@pytest.fixture
def fake_ip(tmp_path):
    """An `ip` that appends its batch to ran.txt."""
    path = tmp_path / 'ip'
    path.write_text('#!/bin/sh\n# ip -force -batch FILE\ncat "$3" >> %s\n' % (tmp_path / 'ran.txt'))
    path.chmod(0o755)
    return str(path)


def test_an_armed_watchdog_records_its_pid_and_a_later_run_finds_it(tmp_path, fake_ip):
    """M1: before, nothing recorded the watchdog, so a re-run could not know it was armed."""
    state = str(tmp_path / 'state')
    pid, confirm = watchdog.arm(fake_ip, ['link del dev br0'], 30, 'br0', state_dir=state)
    try:
        found = watchdog.pending(state)
        assert [(w.pid, w.bridge) for w in found] == [(pid, 'br0')]
        assert found[0].deadline > time.time() + 25
        watchdog.settle(found[0])
        assert watchdog.pending(state) == [] and os.listdir(state) == []
        time.sleep(0.2)
        assert not (tmp_path / 'ran.txt').exists()
    finally:
        watchdog.disarm((pid, confirm))


def test_wait_until_fired_waits_for_the_undo(tmp_path, fake_ip):
    state = str(tmp_path / 'state')
    watchdog.arm(fake_ip, ['link del dev br0'], 1, 'br0', state_dir=state)
    assert watchdog.wait_until_fired(watchdog.pending(state), grace=5) == []
    assert (tmp_path / 'ran.txt').read_text() == 'link del dev br0\n'
    assert os.listdir(state) == []


def test_a_state_directory_others_can_write_is_refused(tmp_path, fake_ip):
    state = tmp_path / 'state'
    state.mkdir(mode=0o777)
    state.chmod(0o777)
    with pytest.raises(watchdog.UnsafeStateDir):
        watchdog.arm(fake_ip, ['link del dev br0'], 30, 'br0', state_dir=str(state))
