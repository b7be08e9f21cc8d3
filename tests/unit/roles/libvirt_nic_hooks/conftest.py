# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings of the NIC hook program tests: the role's defaults, with the test's own directories."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.kvmnet.netboot.tests.unit.roles.libvirt_nic_hooks.hook_samples import role_settings, runner


@pytest.fixture
def config(tmp_path, caplog):
    for sub in ('up.d', 'down.d'):
        (tmp_path / 'hooks' / sub).mkdir(parents=True)
    os.chmod(str(tmp_path), 0o755)
    conf = dict(runner.HOST_PATHS, **role_settings(
        hooks_dir=str(tmp_path / 'hooks'), state_dir=str(tmp_path / 'state'), log_file=None, script_timeout=2,
        lock_timeout=1, routed_prefixes=['198.51.100.0/24', '2001:db8::/32'], routed_tables=[4251]))
    conf['qemu_run_dir'] = str(tmp_path / 'run')
    runner.LOG.propagate = True
    return conf
