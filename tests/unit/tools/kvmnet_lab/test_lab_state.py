# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""State the lab keeps as root lives in directories root owns and only root writes (kvmnet_lab.lab_state)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
from kvmnet_lab import lab_state


def test_a_state_directory_is_made_root_only_writable(tmp_path):
    path = lab_state.state_dir('demo/reports', root=str(tmp_path / 'lab'))
    assert os.path.isdir(path) and oct(os.stat(path).st_mode & 0o777) == '0o755'


@pytest.mark.parametrize('make', ['symlink', 'world-writable', 'other-owner', 'file'])
def test_a_directory_someone_else_could_have_made_is_refused(tmp_path, make):
    """M7: before, the demo used /var/tmp/kvmnt-lab, which whoever creates it first controls."""
    root = tmp_path / 'lab'
    if make == 'symlink':
        (tmp_path / 'elsewhere').mkdir()
        root.symlink_to(tmp_path / 'elsewhere')
    elif make == 'file':
        root.write_text('')
    else:
        root.mkdir()
        if make == 'world-writable':
            root.chmod(0o777)
        else:
            os.chown(str(root), 65534, 65534)
    with pytest.raises(lab_state.UnsafeStateDir):
        lab_state.state_dir('demo', root=str(root))


def test_a_pid_file_counts_only_for_the_process_it_names(tmp_path):
    state = tmp_path / 'state'
    state.mkdir(mode=0o755)
    pidfile = state / 'x.pid'
    pidfile.write_text('%d\n' % os.getpid())
    if os.geteuid() == 0:
        assert lab_state.running_pid(str(pidfile), lambda pid: True) == os.getpid()
        assert lab_state.running_pid(str(pidfile), lab_state.process_named('no-such-daemon')) is None
    assert lab_state.running_pid(str(state / 'missing.pid'), lambda pid: True) is None
